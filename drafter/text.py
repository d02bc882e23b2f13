"""Text helpers the drafter and the renderer share."""

from __future__ import annotations

import datetime as dt

_ASCII_SPACES_BUT_BLANK = ("\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
"""The ASCII characters `str.split()` splits on, but the blank (str.isspace() over ASCII)."""


def one_line(text: str) -> str:
    """`" ".join(text.split())`: the text on one line, each run of white space made one blank, none at the ends.

    Most texts are one line already and come back as they are: when the only white space in a text is single
    blanks between words, splitting and joining gives the text itself. For ASCII text (a flag of the string) a
    search per white-space character (memchr) and one for two blanks tell, without the new string per word that
    the split and the join make; other text takes the split and the join.
    """
    if text.isascii() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        for space in _ASCII_SPACES_BUT_BLANK:
            if space in text:
                break
        else:
            return text
    return " ".join(text.split())


def letter_date(date: dt.date) -> str:
    """MM/DD/YYYY, as `date.strftime("%m/%d/%Y")` writes it, without strftime's cost (a C-library call with a
    format to parse)."""
    return f"{date.month:02d}/{date.day:02d}/{date.year}"
