"""Text helpers for the offline extractor: sentences with offsets, negation scope, dates, body regions.

Everything here works on character offsets into the original document text, so a fact's evidence is
always `text[start:end]` of the document it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from drafter.check.folding import ascii_source, top_level_branches, word_led
from drafter.models import BodyRegion

# A sentence ends at . ! ? followed by space and a capital/digit/quote, at a blank line, or before a
# `Heading:` that starts a line (free-text progress notes). Abbreviations that end in a period
# ("Dr.", "vs.", "e.g.") do not end a sentence.
_SENTENCE_BREAK = re.compile(
    r"[.!?\n](?:(?<=[.!?])(?P<stop>[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9]))|(?<=\n)\s*\n|(?<=\n)(?=[A-Z][A-Za-z /]{1,30}:))"
)
"""Punctuation and its stop (group 'stop'), a blank line, or a line break before a heading. The pattern opens with
one character class, the lookbehinds then telling which alternative applies: `re` skips ahead only to the
characters a pattern can start with when it opens with a class or when every alternative opens with a plain
character (alternatives opening with [.!?] and \n would make it try every position)."""
_ABBREVIATION = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|vs|No|approx|St|Jr|Sr)|\be\.g|\bi\.e|\b[A-Z])\.[\"')\]]?\s*$")
_ABBREVIATION_ENDS = ("Dr", "Mr", "Mrs", "Ms", "vs", "No", "approx", "St", "Jr", "Sr", "e.g", "i.e")
"""The words _ABBREVIATION names, before the period; its other abbreviation is a single capital."""
_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Inside a sentence, these end the reach of a negation or a finding.
_CLAUSE_BREAK = re.compile(
    r";|\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\bexcept\b|\bwhereas\b|\bwhile\b|\bwhich\b|\bwith the exception\b"
    r"|\bthen\b|\bthe (?:patient|applicant|injured worker|worker) (?:had|has|reported|complained)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK_TWIN = re.compile(
    r";|b(?<!\wb)ut\b|h(?<!\wh)owever\b|a(?<!\wa)lthough\b|t(?<!\wt)hough\b|e(?<!\we)xcept\b|w(?<!\ww)hereas\b"
    r"|w(?<!\ww)hile\b|w(?<!\ww)hich\b|w(?<!\ww)ith the exception\b|t(?<!\wt)hen\b"
    r"|t(?<!\wt)he (?:patient|applicant|injured worker|worker) (?:had|has|reported|complained)\b",
    re.ASCII,
)
"""_CLAUSE_BREAK's lower-case twin for lower-cased ASCII text: the same matches, and `re` skips to candidate
characters (each word's \\b is a lookbehind after its first letter)."""
_CLAUSE_BREAK_WORDS = (";", "but", "however", "though", "except", "whereas", "while", "which", "then", "the patient",
                       "the applicant", "the injured worker", "the worker")
"""What every match of _CLAUSE_BREAK_TWIN contains: a sentence without any of them has no clause break, and most
sentences are told so by a few substring tests instead of a scan trying the twin at each of their many t, a, w and
h."""

_NEGATION_WORDS = ("no", "not", "denie[sd]", "deny(?:ing)?", "without", "negative for", "absence of", "free of", "nor",
                   "neither", "never", "did not", "does not", "do not", "was not", "were not", "is not", "are not",
                   "have not", "has not", "unremarkable for", "ruled out", "lack of", "lacks", "lacking",
                   "insufficient", "none")
# "not too displaced", "have not reduced the numbness": the negation is of something else.
_NOT_OF_IT = (r"(?!\s+(?:too|very|much|significantly|only|yet|reduced?|relieved?|improved?|resolved?|helped|help"
              r"|changed?|decreased?|eased?|lessened)\b)")
NEGATION_CUE = re.compile(r"\b(?:" + "|".join(_NEGATION_WORDS) + r")\b" + _NOT_OF_IT, re.IGNORECASE)
_NEGATION_CUE_TWIN = re.compile(
    ascii_source("(?:" + "|".join(map(word_led, _NEGATION_WORDS)) + r")\b" + _NOT_OF_IT), re.ASCII)
"""NEGATION_CUE's lower-case twin for lower-cased ASCII text (see _CLAUSE_BREAK_TWIN)."""
_NEGATION_WINDOW = 90


@dataclass
class Sentence:
    """A sentence of a document: its offsets and its text. Not frozen (nothing changes one): a frozen dataclass sets
    each field through object.__setattr__, which makes building the sentences of a document three times dearer."""

    start: int
    end: int
    text: str

    @cached_property
    def breaks(self) -> tuple[list[int], list[int]]:
        """Starts and ends (document offsets) of the clause breaks inside the sentence."""
        text = self.text
        if not text.isascii():
            matches = list(_CLAUSE_BREAK.finditer(text))
        else:
            lower = text.lower()
            matches = list(_CLAUSE_BREAK_TWIN.finditer(lower)) if any(map(lower.__contains__, _CLAUSE_BREAK_WORDS)) \
                else []
        return [m.start() + self.start for m in matches], [m.end() + self.start for m in matches]


def split_sentences(text: str, view: str | None = None) -> list[Sentence]:
    """Sentences of `text` with their offsets (leading/trailing whitespace trimmed). `view`: a text of the same
    length, whitespace where `text` has whitespace, that the sentences' text is cut from instead."""
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        stop = match.start("stop")
        if stop < 0:
            _append(sentences, text, start, match.start(), view)
            start = match.end()
        elif not _after_abbreviation(text, start, match):
            _append(sentences, text, start, match.end(), view)
            start = match.end()
    _append(sentences, text, start, len(text), view)
    return sentences


def _after_abbreviation(text: str, start: int, match: re.Match[str]) -> bool:
    """Whether the break `match` (with a stop) follows an abbreviation: _ABBREVIATION searched from at most 12
    characters before the stop (not before the sentence `start`) to the end of the break. What follows the break's
    punctuation is a quote and spaces, so an abbreviation's period can only be that punctuation: the search runs only
    when it is a period after an abbreviation's last letters or a capital (most sentences end otherwise)."""
    period = match.start()
    if text[period] != "." or not (text.endswith(_ABBREVIATION_ENDS, start, period)
                                   or (period > start and text[period - 1] in _CAPITALS)):
        return False
    return _ABBREVIATION.search(text, max(start, match.start("stop") - 12), match.end()) is not None


def _append(sentences: list[Sentence], text: str, start: int, end: int, view: str | None) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    begin = start + lead
    end = begin + len(stripped)
    sentences.append(Sentence(begin, end, stripped if view is None else view[begin:end]))


class SentenceIndex:
    """Maps an offset to its sentence in O(log n)."""

    def __init__(self, sentences: list[Sentence]):
        self.sentences = sentences
        self._starts = [s.start for s in sentences]

    def at(self, offset: int) -> Sentence:
        i = max(bisect_right(self._starts, offset) - 1, 0)
        return self.sentences[i]


def clause_bounds(text: str, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    """The clause of `sentence` around text[start:end]: from the last clause break before to the next after."""
    starts, ends = sentence.breaks
    i = bisect_right(ends, start)
    left = ends[i - 1] if i else sentence.start
    j = bisect_left(starts, end)
    right = starts[j] if j < len(starts) else sentence.end
    return max(left, sentence.start), right


def negation_cue(text: str, sentence: Sentence, start: int) -> re.Match[str] | None:
    """The negation cue governing the term at `start` (same clause, within a short window), if any."""
    left, _ = clause_bounds(text, sentence, start, start)
    left = max(left, start - _NEGATION_WINDOW)
    cue = None
    for cue in (_NEGATION_CUE_TWIN.finditer(lowered(text), left, start) if text.isascii()  # noqa: B007
                else NEGATION_CUE.finditer(text, left, start)):  # the last cue is the nearest
        pass
    return cue


def is_negated(text: str, sentence: Sentence, start: int) -> bool:
    return negation_cue(text, sentence, start) is not None


# ---------------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_MONTH_NAME = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?" \
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
DATE = re.compile(
    rf"\b(?P<mname>{_MONTH_NAME})\.?\s+(?:(?P<mday>\d{{1,2}}),?\s+)?(?P<myear>\d{{4}})\b"
    r"|\b(?P<m>\d{1,2})[-/](?P<d>\d{1,2})[-/](?P<y>\d{4}|\d{2})\b"
    r"|\b(?P<m2>\d{1,2})[-/](?P<y2>\d{4})\b",
    re.IGNORECASE,
)


def parse_date_match(match: re.Match[str]) -> dt.date | None:
    """The date a DATE match denotes (a month without a day is its first day), or None if impossible."""
    try:
        if match.group("mname"):
            month = _MONTHS[match.group("mname").lower().rstrip(".")]
            return dt.date(int(match.group("myear")), month, int(match.group("mday") or 1))
        if match.group("m"):
            year = int(match.group("y"))
            year += 2000 if year < 100 else 0
            return dt.date(year, int(match.group("m")), int(match.group("d")))
        return dt.date(int(match.group("y2")), int(match.group("m2")), 1)
    except (ValueError, KeyError):
        return None


# ---------------------------------------------------------------------------------------------
# body regions
# ---------------------------------------------------------------------------------------------

_REGION_TERMS: list[tuple[BodyRegion, str]] = [
    ("cervical", r"cervical\w*|neck|C[1-8](?:-(?:C?[1-8]|T1))?|trapezius"),
    ("lumbar", r"lumbar|lumbosacral|low(?:er)? back|thoracolumbar|L[1-5](?:-(?:L?[1-5]|S1))?|S1|sciatic\w*"
               r"|sacroiliac|SI joint|lumbago|sacr(?:um|al)|buttocks?|gluteal|gluteus"),
    ("thoracic", r"thoracic|thorax|mid[- ]?back|upper back|T(?:1[0-2]|[1-9])(?:-T?\d{1,2})?|rhomboids?"),
    ("shoulder", r"shoulders?|rotator cuff|acromioclavicular|supraspinatus|labr(?:um|al)|subacromial"),
    ("elbow", r"elbows?|epicondyl\w*|olecranon|cubital"),
    ("wrist_hand", r"wrists?|hands?|fingers?|thumbs?|carpal|digits?|palm|interphalangeal|metacarpal\w*"),
    ("hip", r"hips?|trochanter\w*|acetabul\w*"),
    ("knee", r"knees?|patell\w*|menisc\w*|ACL"),
    ("ankle_foot", r"ankles?|foot|feet|heels?|toes?|plantar|achilles|Lisfranc|tarsal|metatarsal\w*|calcane\w*"),
    ("upper_extremity", r"upper extremit(?:y|ies)|arms?|forearms?"),
    ("lower_extremity", r"lower extremit(?:y|ies)|legs?|thighs?|calf|calves"),
    ("head", r"head|headaches?|concussion|postconcussion\w*|skull|brain|face|facial|occipit\w*"),
    ("abdomen_pelvis", r"abdom\w*|pelvi[cs]|inguinal|groin|colon"),
    ("psyche", r"depress\w*|anxiety|psych\w*|insomnia|post-?traumatic stress|PTSD|stress"),
]
_REGION = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{terms})\b)" for name, terms in _REGION_TERMS),
    re.IGNORECASE,
)
_REGION_TWIN = re.compile(ascii_source(_REGION.pattern.lower().replace("(?p<", "(?P<")), re.ASCII)
"""_REGION's lower-case twin without IGNORECASE: on lower-cased ASCII text, the same matches, faster."""


def _region_finder() -> re.Pattern[str]:
    """Where _REGION_TWIN matches, without its groups: every term, grouped by its first letter with the leading
    \\b as a lookbehind after it, so that `re` skips to candidate letters instead of trying each position."""
    by_first: dict[str, list[str]] = {}
    for _, terms in _REGION_TERMS:
        for term in top_level_branches(terms.lower()):  # type: ignore[union-attr]
            by_first.setdefault(term[0], []).append(term[1:])
    return re.compile(ascii_source("(?:" + "|".join(word_led(first + "(?:" + "|".join(rests) + ")")
                                                    for first, rests in by_first.items()) + r")\b"), re.ASCII)


_REGION_FINDER = _region_finder()
_SPINE_LEVEL = re.compile(r"^[CLTS]\d", re.IGNORECASE)
_last_lowered: tuple[str, str] = ("", "")


def lowered(text: str) -> str:
    """text.lower(), kept for the last text: the extractor reads one document's windows one after another."""
    global _last_lowered
    last = _last_lowered  # one read: another thread may replace it
    if last[0] is text:
        return last[1]
    result = text.lower()
    _last_lowered = (text, result)
    return result


def regions_in(text: str, start: int = 0, end: int | None = None) -> Iterator[BodyRegion]:
    """The body regions named in text[start:end], in order."""
    end = len(text) if end is None else end
    if text.isascii():  # the finder locates each match of the twin, which then names its region
        lower, matches = lowered(text), []
        hit = _REGION_FINDER.search(lower, start, end)
        while hit is not None:
            match = _REGION_TWIN.match(lower, hit.start(), end)
            matches.append(match)
            hit = _REGION_FINDER.search(lower, match.end(), end)  # type: ignore[union-attr]
    else:
        matches = _REGION.finditer(text, start, end)
    for match in matches:
        # Spinal levels are case-sensitive ("L5", not "l5"); a lower-case hit is an ordinary word.
        word = text[match.start():match.end()]
        if not (_SPINE_LEVEL.match(word) and not word[0].isupper()):
            yield match.lastgroup  # type: ignore[misc]


def body_region(text: str, start: int = 0, end: int | None = None) -> BodyRegion | None:
    """The first body region named in text[start:end]."""
    return next(regions_in(text, start, end), None)


def last_region(text: str, start: int, end: int) -> BodyRegion | None:
    """The body region named last in text[start:end] (the one closest to `end`)."""
    region = None
    for region in regions_in(text, start, end):  # noqa: B007 - keep the last
        pass
    return region


NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "sixteen": 16, "eighteen": 18,
    "twenty": 20, "twenty-four": 24, "thirty": 30,
}
NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"


def to_int(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]
