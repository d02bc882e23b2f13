"""Numbers, dates and spinal levels as the consistency gate reads them in prose.

A rationale's numbers are read as claims: a value with the unit that follows it ("12 visits"), a range
("8-10 visits"), a date or a spinal level. References that are not claims about the case (page, table,
chapter and regulation numbers, list markers, guideline edition dates) are removed first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from drafter.check.folding import AsciiTwin, Folded, fold, letter_words, needle_finditer, whole_word_of

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "once": 1, "twice": 2,
    "thrice": 3, "single": 1, "a": 1, "an": 1,
}
MONTHS = {name: index for index, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MONTHS.update({name[:3]: index for name, index in list(MONTHS.items())})
MONTHS["sept"] = 9

UNIT_CLASSES = {
    "visit": "visit", "visits": "visit", "session": "visit", "sessions": "visit", "treatment": "visit",
    "treatments": "visit", "appointment": "visit", "appointments": "visit", "therapy": "visit",
    "week": "week", "weeks": "week", "wk": "week", "wks": "week", "weekly": "week",
    "month": "month", "months": "month", "mo": "month", "day": "day", "days": "day", "year": "year",
    "years": "year", "yr": "year", "yrs": "year", "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour",
    "minute": "minute", "minutes": "minute", "min": "minute", "mg": "mg", "mcg": "mcg", "milligrams": "mg",
    "g": "g", "gm": "g", "gms": "g", "grams": "g", "gram": "g", "ml": "ml", "%": "%", "percent": "%",
    "degrees": "degree", "degree": "degree", "level": "level", "levels": "level", "injection": "injection",
    "injections": "injection", "tablet": "unit", "tablets": "unit", "tabs": "unit", "capsules": "unit",
    "patches": "unit", "refill": "refill", "refills": "refill", "times": "times", "time": "times", "x": "times",
    "a's": "as", "prescribers": "prescriber", "steps": "step",
}
PER_PERIOD = re.compile(r"^\s*(?:times?|x)?\s*(?:per|a|an|each|/)\s*(week|wk|day|month|year)\b"
                        r"|^\s*(?:times?|x)\s+(week|dai|month|year)ly\b", re.I)
PERIODS = {"week": "per_week", "wk": "per_week", "day": "per_day", "dai": "per_day", "month": "per_month",
           "year": "per_year"}

DIGITS = tuple("0123456789")
# References that are not claims about the case: (lower-case substrings one of which must occur, or as a string:
# its first character followed by one of the others; pattern; lower-case needles every match starts with, or ()
# when a match may start elsewhere; words one of which every match of the pattern on lower-case ASCII text holds as a
# whole run of letters, or None).
REFERENCE_PARTS = (
    (("page", "pg", "p."), r"\b(?:pages?|pgs?\.?|p\.|pp\.)\s*\d+(?:\s*(?:-|–|to|and|,)\s*\d+)*",
     ("page", "pg", "p.", "pp."), frozenset({"page", "pages", "pg", "pgs", "p", "pp"})),
    (("table", "figure", "chapter", "ch.", "section", "appendix", "box", "step", "grade", "type", "class", "phase",
      "level"),
     r"\b(?:tables?|figures?|chapters?|ch\.|sections?|appendix|box|step|grade|type|class|phase|level)\s+"
     r"[IVX\d]+[A-Z]?(?:\s*[-.–]\s*\d+)*(?:\([a-z0-9]+\))*|\b(?:stage|grade|type)\s+[IVX]+\b",
     ("table", "figure", "chapter", "ch.", "section", "appendix", "box", "step", "grade", "type", "class", "phase",
      "level", "stage"),
     frozenset({"table", "tables", "figure", "figures", "chapter", "chapters", "ch", "section", "sections",
                "appendix", "box", "step", "grade", "type", "class", "phase", "level", "stage"})),
    (("§",), r"§+\s*[\d.]+(?:\([a-z0-9]+\))*", (), None),
    (("97",), r"\b97\d\d(?:\.\d+)+(?:\s*\([a-z0-9]+\))*(?:\s*(?:-|–|to|through)\s*97\d\d(?:\.\d+)+)?", ("97",), None),
    (("labor", "lc", "ccr", "c.c.r", "title"),
     r"\b(?:labor\s+code|LC|CCR|C\.C\.R\.|title)\s*(?:section\s*)?\d+(?:\.\d+)*(?:\([a-z0-9]+\))*"
     r"|\b\d+\s*(?:CCR|C\.C\.R\.)", ("labor", "lc", "ccr", "c.c.r.", "title", *DIGITS), None),
    (("(",), r"\((?:\d{1,2}|[a-z]{1,2})\)"
             r"|\((?:[A-Za-z][A-Za-z'.&-]*(?:\s+[A-Za-z][A-Za-z'.&-]*){0,3},?\s+(?:19|20)\d\d[a-z]?(?:;\s*)?)+\)",
     (), None),
    (("cpt", "icd", "hcpcs"), r"\b(?:CPT|ICD(?:-?\d+)?(?:-CM)?|HCPCS)\s*(?:code\s*)?[A-Z]?\d[\w.]*",
     ("cpt", "icd", "hcpcs"), None),
    (("st ed", "nd ed", "rd ed", "th ed"), r"\b\d+(?:st|nd|rd|th)\s+ed(?:ition|\.)?", DIGITS,
     frozenset({"st", "nd", "rd", "th"})),
    (("dsm",), r"\bDSM[-\s]?(?:IV|5|V)(?:-TR)?", ("dsm",), None),
    ("-0123456789", r"\b[A-Z]{1,4}-\d{2,3}\b", (), None),
    (("[",), r"\[\d+(?:\s*[-,–]\s*\d+)*\]", (), None),
    (("edition", "revision", "update"), r"\b(?:19|20)\d\d\s+(?:edition|revision|update)\b", ("19", "20"),
     frozenset({"edition", "revision", "update"})),
    (".0123456789", r"\b\d+(?:\.\d+){2,}\b", DIGITS, None),
)


def _gate(triggers: tuple[str, ...] | str) -> Callable[[str], object]:
    """A test of whether lower-case text holds one of the triggers (a string: its first character followed by
    one of the others, found by one regex search instead of one substring search per pair)."""
    if isinstance(triggers, str):
        return re.compile(re.escape(triggers[0]) + "[" + re.escape(triggers[1:]) + "]").search
    return lambda lowered: any(map(lowered.__contains__, triggers))


REFERENCES = tuple((_gate(triggers), Folded(pattern), starts, words)
                   for triggers, pattern, starts, words in REFERENCE_PARTS)


def clear_references(text: str) -> str:
    """The text with page, table, chapter, regulation and literature references blanked (same length)."""
    return clear_references_with_words(text)[0]


def clear_references_with_words(text: str) -> tuple[str, frozenset[str] | None]:
    """clear_references, and for ASCII text a set holding every run of letters of the cleared text (None for
    other text), for the word tests of find_dates, find_quantities and all_values.

    The set is letter_words of the text, computed once and first read by the references' word tests (one set look-up
    each instead of several substring searches): a part whose words are not among the runs cannot match. It stays
    valid while blanking a reference removes whole runs only; when a blanked span cuts a run (a reference may end
    inside a word: 'Table 2a' of 'Table 2abc'), it is computed again from the blanked text."""
    lowered = text.lower()
    searched, folded = (lowered, True) if text.isascii() else (text, False)  # fold(), lower() done
    words = letter_words(lowered) if folded else None
    for gate, pattern, starts, openings in REFERENCES:
        if words is not None and openings is not None and openings.isdisjoint(words):
            continue  # no run of letters a match holds: the pattern cannot match
        if gate(lowered):
            matches = (needle_finditer(pattern.lower, searched, searched, starts) if folded and starts
                       else pattern.pick(folded).finditer(searched))
            spans = [match.span() for match in matches]
            text = blank_spans(text, spans)
            if folded:
                blanked = blank_spans(searched, spans)
                if cuts_runs(searched, spans):
                    words = letter_words(blanked)
                searched = blanked
            else:
                searched = text
    return text, words


def cuts_runs(lowered: str, spans: list[tuple[int, int]]) -> bool:
    """Whether blanking a span of lower-case ASCII text would leave part of a run of letters (a span starting or
    ending inside a run); blanking spans that do not, removes whole runs and leaves the others as they are."""
    size = len(lowered)
    return any((start > 0 and lowered[start - 1:start + 1].isalpha())
               or (end < size and lowered[end - 1:end + 1].isalpha()) for start, end in spans)


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each (start, end) span, in order and not overlapping, replaced by spaces."""
    if not spans:
        return text
    parts, position = [], 0
    for start, end in spans:
        parts += [text[position:start], " " * (end - start)]
        position = end
    parts.append(text[position:])
    return "".join(parts)


# Patterns that begin with a character class (the lookbehind after it, not a \b or a lookbehind before it) let
# `re` skip ahead to candidate characters instead of trying every position.
SPINAL_LEVEL = AsciiTwin(r"([CTLS])(?<!\w[CTLS])(\d{1,2})(?:\s*[-–/]\s*([CTLS])?(\d{1,2}))?\b")
NUMERIC_DATE = AsciiTwin(r"(\d(?<!\w\d)\d?)[/-](\d{1,2})[/-](\d{2}|\d{4})\b")
ISO_DATE = AsciiTwin(r"(\d(?<!\w\d)\d{3})-(\d{2})-(\d{2})\b")
MONTH_NAMES = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
               r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
WORD_DATE = AsciiTwin(rf"\b({MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
MONTH_YEAR = AsciiTwin(rf"\b({MONTH_NAMES})\.?,?\s+(?:of\s+)?(\d{{4}})\b", re.I)
DIGIT_DATE_HINT = AsciiTwin(r"[/-](?<=\d[/-])\d")
"""A digit, a slash or dash, a digit: held by every ISO_DATE and NUMERIC_DATE match (found with `occurs`)."""
MONTH_PATTERNS = [WORD_DATE, MONTH_YEAR]
MONTH_HINTS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_WORDS = frozenset({"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
                         "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
                         "november", "dec", "december"})
YEAR = AsciiTwin(r"((?:1(?<!\w1)9[5-9]|2(?<!\w2)0[0-4])\d)\b")


def year_matches(text: str) -> list[re.Match[str]]:
    """YEAR's matches in the text, as finditer finds them: each starts with '19' or '20', so needle_finditer tries
    the pattern only where those occur (a substring search is several times cheaper than the pattern's scan,
    which tests every character against its opening digits; the needles have no letters to fold)."""
    return needle_finditer(YEAR.pick(text), text, text, ("19", "20"))


def occurs(pattern: AsciiTwin, text: str, needles: tuple[str, ...]) -> bool:
    """Whether the pattern matches somewhere in the text, every match of it opening with one of the (case-sensitive)
    needles: tried only where a needle occurs, found by str.find (a fast scan for one character), far cheaper than
    a regex scan testing every character when the needles are rare."""
    return bool(needle_finditer(pattern.pick(text), text, text, needles))


NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
LEADING_NUMBER = r"\d(?<![\w.]\d)\d*(?:,\d{3})*(?:\.\d+)?"
"""NUMBER not preceded by a word character or a full stop (the lookbehind after the first digit)."""
LEADING_DIGITS = r"\d(?<![\w.]\d)\d*"
WORD_NUMBER = r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|" \
              r"seven|eight|nine))?|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|eleven|twelve|" \
              r"one|two|three|four|five|six|seven|eight|nine|ten|once|twice|thrice)\b"
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
NUMBER_WORD_LIST = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "eleven",
                    "twelve", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "once",
                    "twice", "thrice")
"""WORD_NUMBER's words after the tens, in its order."""


def led_number_words() -> list[str]:
    """WORD_NUMBER as branches, each opening with its first letter and the lookbehind '(?<![\\w.])' after it
    (lower case): the branches `re` skips to in a lower-case twin."""
    units = r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    words = [tens + units for tens in TENS] + list(NUMBER_WORD_LIST)
    return [rf"{word[0]}(?<![\w.]{word[0]}){word[1:]}\b" for word in words]


_QUANTITY_REST = (rf"(?:\s*(?:-|–|to|through)\s*(?P<hi>{NUMBER}|{WORD_NUMBER}))?"
                  r"(?P<suffix>\s*(?:%|percent\b|x\b)?)")
QUANTITY = Folded(
    rf"(?<![\w.])(?P<lo>{NUMBER}|{WORD_NUMBER})" + _QUANTITY_REST,
    twin="(?P<lo>" + "|".join([*(rf"{digit}(?<![\w.]{digit})\d*(?:,\d{{3}})*(?:\.\d+)?" for digit in "0123456789"),
                               *led_number_words()]) + ")" + _QUANTITY_REST,
)
QUANTITY_DIGITS = AsciiTwin(
    rf"(?P<lo>{LEADING_NUMBER})(?:\s*(?:-|–|(?i:to|through))\s*(?P<hi>{NUMBER}))?"
    r"(?P<suffix>\s*(?:%|(?i:percent)\b|(?i:x)\b)?)"
)
SPELLED = frozenset(NUMBER_WORDS) - {"a", "an", "single"}


SPELLED_WORD = whole_word_of(SPELLED, "a-z")


def names_month(text: str, words: frozenset[str] | None = None) -> bool:
    """Whether WORD_DATE or MONTH_YEAR can match: a month they name is a whole word. In ASCII text, a cheap test
    of the words; other text (where case-insensitive matching goes beyond lower()) is tested by substrings.
    `words`: None, or for ASCII text a set holding every run of letters of it (see read_words)."""
    if text.isascii():
        return not MONTH_WORDS.isdisjoint(read_words(text, words))
    lowered = text.lower()
    return any(month in lowered for month in MONTH_HINTS)


def spells_numbers(text: str, words: frozenset[str] | None = None) -> bool:
    """Whether the text writes any number in words (a cheap test before the slower word-number patterns).
    `words`: None, or for ASCII text a set holding every run of letters of it (see read_words)."""
    if text.isascii():
        return not SPELLED.isdisjoint(read_words(text, words))
    return SPELLED_WORD.search(text.lower()) is not None


def read_words(text: str, words: frozenset[str] | None) -> frozenset[str]:
    """`words` if given, else letter_words of the (ASCII) text.

    A caller passes the set clear_references_with_words gave for the text before dates, levels, years and
    quantities were blanked from it: those spans open after and close before a word boundary (each pattern opens
    with a boundary or a lookbehind on \\w and closes on a boundary, a digit or a lookahead), so blanking them
    removes whole runs of letters and the set still holds every run. More words than the text holds only make a test
    answer yes where the slower way finds nothing more (a month pattern, the word-number pattern): the same result."""
    return words if words is not None else letter_words(text.lower())


FILLER_WORDS = frozenset({"additional", "more", "prior", "further", "previous", "physical", "therapy",
                          "acupuncture", "chiropractic", "supervised", "total", "initial", "completed", "of",
                          "authorized", "approved", "requested", "postoperative", "outpatient"})
UNIT_WORD = re.compile(r"[a-z%']+", re.I)
SCORE = AsciiTwin(rf"({LEADING_DIGITS}(?:\.\d+)?)([+-]?)\s*/\s*10\b")
GRADE = AsciiTwin(rf"{LEADING_DIGITS}[+-]?\s*/\s*[45]\b")
STRENGTH = AsciiTwin(rf"{LEADING_DIGITS}(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)+(?![\d.])")
TIMES = AsciiTwin(rf"({LEADING_DIGITS})\s*[x×]\s*(\d+)\b", re.I)
SLASH_DIGIT = AsciiTwin(r"/\s*\d")
"""Held by every SCORE, GRADE and STRENGTH match: a slash followed (after spaces) by a digit."""
TIMES_SIGN = AsciiTwin(r"[xX×]\s*\d")
"""Held by every TIMES match: its sign (IGNORECASE folds no other character to x, X or ×) followed (after spaces)
by a digit."""


def times_signed(text: str) -> bool:
    """Whether TIMES can match the text: a test at each x, X or × before its scan of the whole text."""
    return occurs(TIMES_SIGN, text, ("x", "X", "×"))


DECIMAL_NUMBER = re.compile(r"\d+(?:\.\d+)?")
COURSE = AsciiTwin(rf"(?<![\w.])(?P<times>\d{{1,2}}|{WORD_NUMBER}|once|twice)\s*(?:times?|x)\s*(?:a|per|/)\s*week"
                    rf"\s+(?:for|x|times|over)\s+(?P<weeks>\d{{1,2}}|{WORD_NUMBER})\s*weeks?\b", re.I)
"""A course written in words: '2 times a week for 6 weeks', 'twice per week for four weeks'."""
AGE_BEFORE = re.compile(r"\bage[sd]?\s*(?:of\s+)?$", re.I)
"""'age 65', 'aged 40', 'ages of 18': a bare number after it is a number of years."""


@dataclass(frozen=True)
class Quantity:
    text: str
    lo: float
    hi: float | None
    unit: str | None
    start: int


def word_value(token: str) -> float:
    token = token.lower().replace(",", "")
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    if "-" in token:
        tens, ones = token.split("-", 1)
        return float(NUMBER_WORDS[tens] + NUMBER_WORDS[ones])
    return float(token)


def unit_class(following: str) -> str | None:
    """The unit of a number from the words after it: '3 times per week', '12 physical therapy visits'."""
    period = PER_PERIOD.match(following)
    if period:
        return PERIODS[(period.group(1) or period.group(2)).lower()]
    head = following[:60].lstrip(" -")
    if not head[:1].isalpha() and not head.startswith(("%", "'")):
        return None
    for word in UNIT_WORD.findall(head)[:4]:
        word = word.lower()
        if word in UNIT_CLASSES:
            return UNIT_CLASSES[word]
        if word not in FILLER_WORDS:
            return None
    return None


def blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def two_digit_year(year: int) -> int:
    return year + 2000 if year < 100 else year


def find_dates(text: str, words: frozenset[str] | None = None) -> tuple[list[tuple[str, dt.date | tuple[int, int]]],
                                                                       str]:
    """Dates in the text (exact dates or (year, month)) and the text with them blanked out. `words`: see
    read_words."""
    found: list[tuple[str, dt.date | tuple[int, int]]] = []

    def collect(match: re.Match[str], pattern: AsciiTwin) -> bool:
        value = date_value(pattern, match)
        if value is not None:
            found.append((match.group(0), value))
        return value is not None

    def blank_dates(pattern: AsciiTwin, text: str) -> str:
        if not text.isascii():
            return pattern.pattern.sub(
                lambda match: " " * len(match.group(0)) if collect(match, pattern) else match.group(0), text)
        # lower() keeps the offsets of ASCII text: the month patterns are tried only where a month name starts
        matches = needle_finditer(pattern.ascii, text, text.lower(), MONTH_HINTS) if pattern in MONTH_PATTERNS \
            else pattern.ascii.finditer(text)
        return blank_spans(text, [match.span() for match in matches if collect(match, pattern)])

    patterns = [ISO_DATE, NUMERIC_DATE] if occurs(DIGIT_DATE_HINT, text, ("/", "-")) else []
    if names_month(text, words):
        patterns += MONTH_PATTERNS
    for pattern in patterns:
        text = blank_dates(pattern, text)
    return found, text


def date_value(pattern: AsciiTwin, match: re.Match[str]) -> dt.date | tuple[int, int] | None:
    try:
        if pattern is ISO_DATE:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if pattern is NUMERIC_DATE:
            return dt.date(two_digit_year(int(match.group(3))), int(match.group(1)), int(match.group(2)))
        month = MONTHS[match.group(1).lower().rstrip(".")[:3] if match.group(1).lower() != "sept" else "sept"]
        if pattern is MONTH_YEAR:
            return (int(match.group(2)), month)
        if match.group(3) is None:
            return (0, month * 100 + int(match.group(2)))
        return dt.date(int(match.group(3)), month, int(match.group(2)))
    except (ValueError, KeyError):
        return None


SEGMENTS = {"C": 8, "T": 12, "L": 6, "S": 5}


def find_levels(text: str) -> tuple[set[str], str]:
    """Spinal levels ('L4-5', 'L5-S1', 'C6') normalised to single segments, and the text without them.

    Every match opens with one of the (upper-case) region letters, so needle_finditer tries the pattern only where
    one occurs, instead of a scan testing every character against the opening class."""
    levels: set[str] = set()
    for match in needle_finditer(SPINAL_LEVEL.pick(text), text, text, tuple(SEGMENTS)):
        region, first, second_region, second = match.groups()
        found = [(region.upper(), int(first))]
        if second:
            found.append(((second_region or region).upper(), int(second)))
        if not all(1 <= number <= SEGMENTS[name] for name, number in found):
            continue  # not a vertebra, e.g. a page label 'S1-20'
        levels.update(f"{name}{number}" for name, number in found)
        text = blank(text, match.start(), match.end())
    return levels, text


def find_quantities(text: str, words: frozenset[str] | None = None) -> list[Quantity]:
    """Numeric claims in text already cleared of references, dates and levels. `words`: see read_words."""
    quantities: list[Quantity] = []
    slashed = occurs(SLASH_DIGIT, text, ("/",))  # scores, grades and strengths: a slash, then a digit
    for match in SCORE.pick(text).finditer(text) if slashed else ():
        quantities.append(Quantity(match.group(0), float(match.group(1)), None, "score", match.start()))
        text = blank(text, match.start(), match.end())
    for match in GRADE.pick(text).finditer(text) if slashed else ():
        text = blank(text, match.start(), match.end())
    for match in STRENGTH.pick(text).finditer(text) if slashed else ():
        for part in DECIMAL_NUMBER.findall(match.group(0)):
            quantities.append(Quantity(match.group(0), float(part), None, "mg", match.start()))
        text = blank(text, match.start(), match.end())
    for match in TIMES.pick(text).finditer(text) if times_signed(text) else ():
        quantities.append(Quantity(match.group(0), float(match.group(1)), None, "per_week", match.start()))
        quantities.append(Quantity(match.group(0), float(match.group(2)), None, "week", match.start()))
        text = blank(text, match.start(), match.end())
    if spells_numbers(text, words):  # the word-number pattern, on the lower-cased twin of ASCII text
        searched, folded = fold(text)
        matches = QUANTITY.pick(folded).finditer(searched)
    else:
        matches = QUANTITY_DIGITS.pick(text).finditer(text)
    for match in matches:
        lo_text, hi_text = match.group("lo"), match.group("hi")
        following = text[match.end():match.end() + 60]
        suffix = text[match.start("suffix"):match.end("suffix")]
        unit = "%" if "%" in suffix or "percent" in suffix.lower() else unit_class(suffix + following)
        if unit is None and AGE_BEFORE.search(text[max(0, match.start() - 8):match.start()]):
            unit = "year"
        if unit is None:
            continue  # a bare number ("flexion is 100", "one of") makes no checkable claim
        if lo_text.lower() in ("a", "an"):
            continue
        lo = word_value(lo_text)
        hi = word_value(hi_text) if hi_text else None
        quantities.append(Quantity(text[match.start():match.end()].strip(), lo, hi, unit, match.start()))
    return quantities


VALUE_DIGITS = AsciiTwin(rf"{LEADING_NUMBER}(?![\d])")
VALUE_WORDS = Folded(rf"(?<![\w.])\b(?:{WORD_NUMBER})\b(?![\d])",
                     twin="(?:" + "|".join(led_number_words()) + r")\b(?![\d])")
"""Numbers in digits and in words: a digit run and a number word never overlap, so the two patterns find what
one alternation of both would."""


DECIMAL_PART = AsciiTwin(r"(?<=\D)\.(\d+)")


def course_totals(text: str) -> set[float]:
    """The visits of each course the text writes as frequency x duration ('2x6', '3 times a week for 4 weeks')."""
    totals = set()
    if times_signed(text):
        totals.update(float(match.group(1)) * float(match.group(2)) for match in TIMES.pick(text).finditer(text))
    if "week" in text.lower():
        for match in COURSE.pick(text).finditer(text):
            times = match.group("times").lower()
            per_week = {"once": 1.0, "twice": 2.0}.get(times) or word_value(times)
            totals.add(per_week * word_value(match.group("weeks")))
    return totals


def all_values(text: str, words: frozenset[str] | None = None) -> set[float]:
    """Every number a grounding text states, in digits or words, with range ends and 'NxM' products. `words`: see
    read_words."""
    # digits: word_value's float
    values = {float(token.replace(",", "")) for token in VALUE_DIGITS.pick(text).findall(text)}
    if spells_numbers(text, words):  # the word-number pattern, on the lower-cased twin of ASCII text
        searched, folded = fold(text)
        for match in VALUE_WORDS.pick(folded).finditer(searched):
            token = match.group(0)
            if token.lower() in ("a", "an", "single"):
                continue
            values.add(word_value(token))
    for match in needle_finditer(DECIMAL_PART.pick(text), text, text, (".",)):
        values.add(float("0." + match.group(1)))
    return values


def stated_values(text: str) -> tuple[set[float], list[tuple[str, dt.date | tuple[int, int]]], set[str]]:
    """What a grounding text states: its quantities (dates, levels and references excluded), dates, levels."""
    text, words = clear_references_with_words(text)
    dates, text = find_dates(text, words)
    levels, text = find_levels(text)
    return all_values(text, words), dates, levels
