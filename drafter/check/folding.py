"""Case-insensitive patterns run fast: on ASCII text, a lower-case twin of the pattern (no IGNORECASE) on the
lower-cased text finds the same matches at the same offsets, several times faster in `re`.

Outside ASCII, IGNORECASE matches more than lower() maps (the Kelvin sign, the long s), so other text gets the
case-insensitive pattern itself.
"""

from __future__ import annotations

import re

UPPER_ESCAPE = re.compile(r"\\[A-Z]|\(\?P[<=][^>)]*[A-Z]")


class Folded:
    """A case-insensitive pattern and its lower-case twin; `pick` chooses the one to run on the string `fold`
    returns (match offsets are the text's; group strings are lower-case on the fast path)."""

    def __init__(self, source: str, flags: int = 0) -> None:
        if UPPER_ESCAPE.search(source) or "(?-i" in source:
            raise ValueError(f"cannot fold {source!r}: an upper-case escape or group name, or a case-sensitive group")
        self.pattern = re.compile(source, flags | re.IGNORECASE)
        self.lower = re.compile(source.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P="), flags)

    def pick(self, folded: bool) -> re.Pattern[str]:
        """The twin when `folded` (the text is ASCII and lower-cased), else the pattern itself."""
        return self.lower if folded else self.pattern


def fold(text: str) -> tuple[str, bool]:
    """(text to match, folded): ASCII text lower-cased for the twins, other text as it is."""
    return (text.lower(), True) if text.isascii() else (text, False)


def needle_finditer(pattern: re.Pattern[str], text: str, lowered: str,
                    needles: tuple[str, ...]) -> list[re.Match[str]]:
    """`pattern.finditer(text)`, tried only where one of the lower-case `needles` occurs in `lowered` (a
    same-length lower-case copy of `text`). The same matches when every match of the pattern starts with a
    needle and none is empty: a few `str.find` calls replace trying the pattern at every position."""
    hits: set[int] = set()
    for needle in needles:
        position = lowered.find(needle)
        while position >= 0:
            hits.add(position)
            position = lowered.find(needle, position + 1)
    found: list[re.Match[str]] = []
    end = 0
    for position in sorted(hits):
        if position < end:
            continue
        match = pattern.match(text, position)
        if match:
            found.append(match)
            end = match.end()
    return found
