"""JSON text that is safe to show on a terminal.

JSON escapes the C0 controls but not DEL and C1 (U+007F-U+009F, among them the one-byte
CSI that starts a terminal escape sequence); user text could carry them to a terminal.
Every JSON this program prints or exports goes through :func:`dumps`.
"""

from __future__ import annotations

import json
import re
from typing import Any

_UNSAFE = re.compile("[\x7f-\x9f]")


def dumps(data: Any, indent: int | None = None) -> str:
    """``json.dumps`` (UTF-8 text kept readable) with DEL and C1 escaped as ``\\u00XX``."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
