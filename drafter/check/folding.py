"""Case-insensitive patterns run fast: on ASCII text, a lower-case twin of the pattern (no IGNORECASE) on the
lower-cased text finds the same matches at the same offsets, several times faster in `re`.

Outside ASCII, IGNORECASE matches more than lower() maps (the Kelvin sign, the long s), so other text gets the
case-insensitive pattern itself.
"""

from __future__ import annotations

import re

UPPER_ESCAPE = re.compile(r"\\[A-Z]|\(\?P[<=][^>)]*[A-Z]")


def word_led(source: str) -> str:
    """`\\b` + source for a twin: its first letter, then the `\\b` as a lookbehind ('n(?<!\\wn)o' for '\\bno')."""
    return f"{source[0]}(?<!\\w{source[0]}){source[1:]}"


def top_level_branches(source: str) -> list[str] | None:
    """The source split at its top-level `|` (outside groups and character classes); None if unbalanced."""
    branches, depth, start, position = [], 0, 0, 0
    while position < len(source):
        character = source[position]
        if character == "\\":
            position += 2
            continue
        if character == "[":  # a class: skip to its closing bracket (a leading ']' or '^]' is literal)
            position += 2 if source[position + 1:position + 2] in ("]", "^") else 1
            position += 1 if source[position - 1:position + 1] == "^]" else 0
            while position < len(source) and source[position] != "]":
                position += 2 if source[position] == "\\" else 1
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif character == "|" and depth == 0:
            branches.append(source[start:position])
            start = position + 1
        position += 1
    if depth != 0:
        return None
    return [*branches, source[start:]]


def lead_twin(lowered: str) -> str:
    """A lowered source with each top-level branch '\\bword...' written word_led (the same matches), so that `re`
    can skip to the first letters when every branch opens with a literal."""
    branches = top_level_branches(lowered)
    if branches is None:
        return lowered
    return "|".join(word_led(branch[2:]) if branch.startswith("\\b") and branch[2:3].isalpha()
                    and branch[2:3].islower() and branch[3:4] not in ("?", "*", "+", "{") else branch
                    for branch in branches)


def ascii_source(source: str) -> str:
    """`source` for re.ASCII, matching on ASCII text what `source` matches without it (where \\b, \\w and
    \\d test characters through the Unicode database, more slowly): re.ASCII's \\s leaves out \\x1c-\\x1f,
    which Unicode counts as space, so \\s is written with them ([\\s\\x1c-\\x1f]; \\S likewise)."""
    out, position, in_class = [], 0, False
    while position < len(source):
        character, pair = source[position], source[position:position + 2]
        if character == "\\":
            if pair == "\\s":
                out.append("\\s\\x1c-\\x1f" if in_class else "[\\s\\x1c-\\x1f]")
            elif pair == "\\S":
                if in_class:
                    raise ValueError(f"cannot write {source!r} for re.ASCII: \\S in a character class")
                out.append("[^\\s\\x1c-\\x1f]")
            else:
                out.append(pair)
            position += 2
            continue
        if in_class:
            in_class = character != "]"
        elif character == "[":  # a ']' right after '[' or '[^' is a literal, not the end of the class
            in_class = True
            lead = 2 if pair == "[^" else 1
            lead += source[position + lead:position + lead + 1] == "]"
            out.append(source[position:position + lead])
            position += lead
            continue
        out.append(character)
        position += 1
    return "".join(out)


def whole_word_of(words: frozenset[str], word_class: str) -> re.Pattern[str]:
    """A pattern finding, in lower-case text, a whole word (a run of [word_class] characters) that is one of the
    words. Each branch opens with its first letter and the lookbehind after it, so `re` skips to candidates."""
    by_first: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        by_first.setdefault(word[0], []).append(re.escape(word[1:]))
    branches = [f"{re.escape(first)}(?<![{word_class}]{re.escape(first)})(?:{'|'.join(rests)})"
                for first, rests in sorted(by_first.items())]
    return re.compile(f"(?:{'|'.join(branches)})(?![{word_class}])")


class AsciiTwin:
    """A pattern and its re.ASCII twin, for patterns that scan digits: on ASCII text the twin finds the same
    matches while testing \\d, \\w and \\b by character range instead of through the Unicode database (about a
    third fewer instructions). `pick(text)` gives the one to run on the text."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self.pattern = re.compile(source, flags)
        self.ascii = re.compile(ascii_source(source), flags | re.ASCII)

    def pick(self, text: str) -> re.Pattern[str]:
        return self.ascii if text.isascii() else self.pattern


class Folded:
    """A case-insensitive pattern and its lower-case twin; `pick` chooses the one to run on the string `fold`
    returns (match offsets are the text's; group strings are lower-case on the fast path)."""

    def __init__(self, source: str, flags: int = 0, twin: str | None = None) -> None:
        """`twin`: a hand-written lower-case twin finding the same matches as the lowered source, written so that
        `re` can skip to candidate characters: every branch opens with a literal, a word's leading \\b written as
        a lookbehind after its first letter ('n(?<!\\wn)o\\b' for '\\bno\\b'). tests/test_gate_twins.py checks it."""
        if UPPER_ESCAPE.search(source) or "(?-i" in source:
            raise ValueError(f"cannot fold {source!r}: an upper-case escape or group name, or a case-sensitive group")
        self.pattern = re.compile(source, flags | re.IGNORECASE)
        self.lowered_source = source.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P=")
        self.lower = re.compile(ascii_source(twin or lead_twin(self.lowered_source)), flags | re.ASCII)

    def pick(self, folded: bool) -> re.Pattern[str]:
        """The twin when `folded` (the text is ASCII and lower-cased), else the pattern itself."""
        return self.lower if folded else self.pattern


def fold(text: str) -> tuple[str, bool]:
    """(text to match, folded): ASCII text lower-cased for the twins, other text as it is."""
    return (text.lower(), True) if text.isascii() else (text, False)


_LETTERS_ONLY = bytes(code if 97 <= code <= 122 else 32 for code in range(256))
"""A bytes.translate table: a-z kept, every other byte a space."""


def letter_words(lowered: str) -> frozenset[str]:
    """The runs of a-z letters of lower-cased ASCII text (what `[a-z]+` finds), as a set. One C pass (translate,
    split) that the tests for whole words (months, number words, drug and procedure names) share, several times
    cheaper than a regex scan of the text for each word list."""
    return frozenset(lowered.encode("ascii").translate(_LETTERS_ONLY).decode("ascii").split())


def needle_finditer(pattern: re.Pattern[str], text: str, lowered: str,
                    needles: tuple[str, ...]) -> list[re.Match[str]]:
    """`pattern.finditer(text)`, tried only where one of the lower-case `needles` occurs in `lowered` (a
    same-length lower-case copy of `text`; or `text` itself, for needles matched case-sensitively or without
    letters). The same matches when every match of the pattern starts with a needle and none is empty: a few
    `str.find` calls replace trying the pattern at every position."""
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
