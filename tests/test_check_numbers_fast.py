"""The gate's number reading finds what it finds the plain way.

The reading of numbers skips patterns that cannot match (word tests on a shared set of the text's runs of letters,
searches at the few places a needle occurs) instead of scanning the whole text with each. Each shortcut is compared
here with the plain way on synthetic text and, when the dev letters are present, on the real letters (read at run
time, never copied).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from helpers import sample_texts

from drafter.check import numbers
from drafter.check.folding import letter_words, needle_finditer

SYNTHETIC = [
    "See page 12, pp. 3-4 and Table 2abc; stage II disease and levels 3 to 4 per the 3rd edition (2019 update).",
    "Per chapter 6, section 9792.24.1(a) and LC 4610, the 2 CCR rule, CPT 97110 and DSM-IV: [1, 2] (Smith, 2010).",
    "She attended 8 sessions in March 2015 and twelve visits on 03/02/2015, 2015-03-02; pain 7/10, strength 4+/5.",
    "Carisoprodol 350mg #60, 10/325 mg, PT 2x6 and 3 X 4, twice a week for six weeks; L4-5, L5-S1 and C6 in 2009.",
    "Tablexone 5 stepping 4, pagex 3, the 21st ed. and 1st edition; 1.2.3 and ab-123 with May 5 and June 2014.",
    "Figure 3apple seven; type IV; Grade 2one; p.5 two; ch.4 three; 2004 revision; the 19th eds; x 4 and 4 x.",
]


def _texts() -> Iterator[str]:
    """The synthetic sentences, the examples and (if present) the dev letters, whole and line by line."""
    return sample_texts(SYNTHETIC)


def _plain_clear_references(text: str) -> str:
    """clear_references without the word tests: each part's substring gate, then its pattern."""
    lowered = text.lower()
    searched, folded = (lowered, True) if text.isascii() else (text, False)
    for gate, pattern, starts, _ in numbers.REFERENCES:
        if gate(lowered):
            matches = (needle_finditer(pattern.lower, searched, searched, starts) if folded and starts
                       else pattern.pick(folded).finditer(searched))
            spans = [match.span() for match in matches]
            text = numbers.blank_spans(text, spans)
            searched = numbers.blank_spans(searched, spans) if folded else text
    return text


def test_references_are_cleared_as_without_the_word_tests() -> None:
    for text in _texts():
        assert numbers.clear_references(text) == _plain_clear_references(text), text[:80]


def test_the_shared_words_hold_every_run_of_letters_left_at_each_step() -> None:
    """The words of the cleared text stay valid through the dates, levels, years and quantities blanked later."""
    for text in _texts():
        cleared, words = numbers.clear_references_with_words(text)
        if not text.isascii():
            assert words is None
            continue
        assert words is not None
        _, after_dates = numbers.find_dates(cleared, words)
        _, after_levels = numbers.find_levels(after_dates)
        after_years = numbers.blank_spans(after_levels, [match.span() for match in numbers.year_matches(after_levels)])
        for step in (cleared, after_dates, after_levels, after_years):
            assert letter_words(step.lower()) <= words, text[:80]


def test_numbers_read_with_the_shared_words_are_those_read_without() -> None:
    for text in _texts():
        cleared, words = numbers.clear_references_with_words(text)
        assert numbers.find_dates(cleared, words) == numbers.find_dates(cleared), text[:80]
        _, rest = numbers.find_levels(numbers.find_dates(cleared)[1])
        assert numbers.find_quantities(rest, words) == numbers.find_quantities(rest), text[:80]
        assert numbers.all_values(rest, words) == numbers.all_values(rest), text[:80]


def test_a_reference_ending_inside_a_word_leaves_its_rest_to_the_word_tests() -> None:
    """'Table 2aMay 5' clears 'Table 2a': the 'May 5' left is a date the month test must still see."""
    cleared, words = numbers.clear_references_with_words("See Table 2aMay 5 and more.")
    assert cleared.startswith("See " + " " * len("Table 2a") + "May 5")
    assert words is not None and "may" in words
    assert [written for written, _ in numbers.find_dates(cleared, words)[0]] == ["May 5"]


def test_years_and_hints_are_found_as_by_a_scan_of_the_whole_text() -> None:
    hints = [(numbers.DIGIT_DATE_HINT, ("/", "-")), (numbers.SLASH_DIGIT, ("/",)),
             (numbers.TIMES_SIGN, ("x", "X", "×"))]
    for text in [*_texts(), "2x\x1c6", "a 1999 and 2004, x19 2019b 1950-2049", "4 ×  2 and 3/\t5"]:
        year = numbers.YEAR.pick(text)
        assert [m.regs for m in numbers.year_matches(text)] == [m.regs for m in year.finditer(text)], text[:80]
        for hint, needles in hints:
            assert numbers.occurs(hint, text, needles) == bool(hint.pick(text).search(text)), (hint, text[:80])


def test_times_sign_is_held_by_every_times_match() -> None:
    for text in _texts():
        for match in numbers.TIMES.pick(text).finditer(text):
            assert re.search(numbers.TIMES_SIGN.pattern, match.group(0)), match.group(0)


def _plain_find_levels(text: str) -> tuple[set[str], str]:
    """find_levels by a scan of the whole text."""
    levels: set[str] = set()
    for match in numbers.SPINAL_LEVEL.pick(text).finditer(text):
        region, first, second_region, second = match.groups()
        found = [(region.upper(), int(first))]
        if second:
            found.append(((second_region or region).upper(), int(second)))
        if all(1 <= number <= numbers.SEGMENTS[name] for name, number in found):
            levels.update(f"{name}{number}" for name, number in found)
            text = numbers.blank(text, match.start(), match.end())
    return levels, text


def test_levels_are_found_as_by_a_scan_of_the_whole_text() -> None:
    for text in [*_texts(), "L4-5, L5-S1, C6; S1-20, TL5, l5 and C5 / 6 to T12-L1 in Table S3."]:
        assert numbers.find_levels(text) == _plain_find_levels(text), text[:80]
