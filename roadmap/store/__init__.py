"""The database, whole: opening, the read queries and the one write path.

``roadmap.store.write`` is the only module that changes rows: every change (log, the
timer, edit, delete, undo, check, uncheck, assess, sync, import, restore's bookkeeping,
the demo) is plain SQL over the small connection protocol of ``roadmap.store.protocol``, inside
one ``BEGIN IMMEDIATE`` transaction with its journal entry. The same SQL runs on SQLite
(the stdlib ``sqlite3`` module) and on PostgreSQL (``roadmap.store.pg`` translates ``?`` and
``BEGIN IMMEDIATE``), so no command asks which backend it is on and no everyday command
imports SQLAlchemy.
"""
