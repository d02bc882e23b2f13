"""The text helpers give what the plain ways give: `one_line` splitting and joining on white space, `letter_date`
strftime."""

from __future__ import annotations

import datetime as dt
import random

from helpers import EXAMPLES

from drafter.text import letter_date, one_line

SPACES = [chr(code) for code in range(0x110000) if chr(code).isspace()]


def test_one_line_is_split_and_join_for_every_white_space_character() -> None:
    for space in SPACES:
        for text in (f"a{space}b", f"{space}a b", f"a b{space}", f"a {space}b", space, f"a{space}{space}b"):
            assert one_line(text) == " ".join(text.split()), repr(text)


def test_one_line_is_split_and_join_on_random_text() -> None:
    rng = random.Random(7)
    alphabet = ["a", "b", "é", ".", " ", " ", "\n", "\t", "\xa0", "\u2028", "\x1c", "\x85", "\x00", "\x7f"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert one_line(text) == " ".join(text.split()), repr(text)


def test_one_line_is_split_and_join_on_the_example_cases() -> None:
    for path in sorted(EXAMPLES.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            for text in (line, line + "\n", line.replace(" ", "  ")):
                assert one_line(text) == " ".join(text.split())


def test_letter_date_is_strftime() -> None:
    day = dt.date(1000, 1, 1)
    while day.year < 2101:
        assert letter_date(day) == day.strftime("%m/%d/%Y")
        day += dt.timedelta(days=13)
