"""Foreign text made visible-safe for a terminal.

Every string that did not come from our own code (names, notes, tags, file names, paths,
environment variables, projects in an import file) goes through :func:`visible` before it
reaches a terminal. What a terminal would *act on* or *hide* is shown as an escape instead:

- C0 controls (ESC starts ANSI/OSC sequences: colours, screen clear, hyperlinks, clipboard
  writes), DEL and the C1 controls (``\\x9b`` is a one-byte CSI): ``\\x1b``, ``\\x9b``;
- bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069, the marks), which
  reorder what is shown ("Trojan Source"): ``\\u202e``;
- zero-width and other invisible format characters (U+200B..U+200D, U+2060, U+FEFF, the
  soft hyphen, Unicode tag characters, Hangul fillers), line and paragraph separators;
- lone surrogates (an undecodable byte in a file name), which a UTF-8 terminal cannot print.

Tab and newline are kept by :func:`visible` (multi-line notes); :func:`one_line` escapes
them too, for values that must stay on one line (a path, a project name).
"""

from __future__ import annotations

import re

# C0 (but tab and newline), DEL, C1; Unicode format characters (category Cf, Unicode 14),
# line/paragraph separators, invisible fillers and the combining grapheme joiner; surrogates.
_INVISIBLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\ud800-\udfff"
)
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_UNSAFE_LINE: re.Pattern[str] | None = None  # compiled on first use (~1 ms at start)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(value: object) -> str:
    """``value`` as text a terminal shows as is: controls, bidi and invisible characters as
    ``\\xNN`` / ``\\uNNNN`` escapes (tab and newline kept)."""
    return _UNSAFE.sub(_escape, str(value))


def one_line(value: object) -> str:
    """Like :func:`visible`, and tab, newline and CR escaped too: a value shown on one line."""
    global _UNSAFE_LINE
    if _UNSAFE_LINE is None:
        _UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
    return _UNSAFE_LINE.sub(_escape, str(value))


def is_safe(value: str) -> bool:
    """Whether ``value`` shows as is (nothing :func:`visible` would escape)."""
    return _UNSAFE.search(value) is None
