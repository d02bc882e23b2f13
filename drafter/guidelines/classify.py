"""Parse a free-text disputed item ('Physical therapy 2x6 for the low back') into `RequestDetails`.

Deterministic: regular expressions over the lower-cased request. The service category comes from the
registered rules (each rule lists the patterns and drug classes it covers), so a new topic module extends
classification without editing this file.
"""

from __future__ import annotations

import copy
import functools
import re

from drafter.guidelines.drugs import LEXICON, find_drug
from drafter.guidelines.rules import all_rules, registered
from drafter.models import BodyRegion, Laterality, RequestDetails

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "twenty-four": 24, "thirty": 30,
    "once": 1, "twice": 2, "thrice": 3, "single": 1,
}
_WORDS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
NUM = rf"(\d+(?:\.\d+)?|{_WORDS})"
RANGE = rf"{NUM}(?:\s*(?:-|to|or)\s*{NUM})?"

REGION_PATTERNS: tuple[tuple[BodyRegion, str], ...] = (
    ("cervical", r"cervical|\bneck\b|c-spine|\bc[1-7]\b|c[1-7]-[c1-7]"),
    ("thoracic", r"thoracic|t-spine|mid[- ]?back|upper back|\bt\d{1,2}-t?\d{1,2}\b"),
    ("lumbar", r"lumbar|lumbosacral|low(?:er)? back|l-spine|\bl[1-5]\b|\bl[1-5]-[ls]?[1-5]\b|sacroiliac|\bsi joint"),
    ("shoulder", r"shoulder|rotator cuff|\bslap\b|labral|bankart|acromio"),
    ("elbow", r"elbow"),
    ("wrist_hand", r"wrist|hand\b|hands\b|finger|thumb|carpal"),
    ("hip", r"\bhip\b|\bhips\b"),
    ("knee", r"knee"),
    ("ankle_foot", r"ankle|\bfoot\b|\bfeet\b|\btoe"),
    ("upper_extremity", r"upper extremit|\barms?\b|\b[rl]ue\b"),
    ("lower_extremity", r"lower extremit|\blegs?\b|\b[rl]le\b"),
    ("head", r"\bhead\b|\bbrain\b"),
    ("abdomen_pelvis", r"abdomen|pelvi|groin|hernia"),
)

MODIFIER_PATTERNS: tuple[tuple[str, str], ...] = (
    ("without contrast", r"without contrast|w/o contrast|non-?contrast"),
    ("with contrast", r"(?<!without )(?<!w/o )\bwith contrast"),
    ("retrospective", r"retro(?:spective)?\b|\bdos\b|date of service"),
    ("post-op", r"post[- ]?op(?:erative)?\b"),
    ("pre-op", r"pre[- ]?op(?:erative)?\b"),
    ("associated surgical service", r"associated surgical service"),
    ("purchase", r"purchase"),
    ("rental", r"rental|\brent\b"),
    ("additional", r"additional|continue|continued|more\b|further"),
    ("trial", r"\btrial\b"),
    ("refill", r"refills?\b"),
)

VISIT_WORDS = r"therap|session|visit|treatment|acupunct|chiro|manipulat|stimulation|ultrasound|massage|physio|rehab"

# Compiled once: parse_request runs for every disputed item.
_REGIONS = tuple((region, re.compile(pattern)) for region, pattern in REGION_PATTERNS)
_MODIFIERS = tuple((name, re.compile(pattern)) for name, pattern in MODIFIER_PATTERNS)
_BILATERAL = re.compile(r"bilateral|\bboth\b|\bb/l\b")
_LEFT = re.compile(r"\bleft\b|\blt\b|\blue\b|\blle\b")
_RIGHT = re.compile(r"\bright\b|\brt\b|\brue\b|\brle\b")
_PER_WEEK = (rf"{RANGE}\s*(?:(?:x|times|visits|sessions)\s*(?:a|per|/|each)?|a|per|/|each)\s*(?:week|wk)\b"
             rf"|{RANGE}\s*(?:x|times)?\s*weekly")
_SCHEDULE = re.compile(
    rf"(?:{_PER_WEEK})\s*(?:for|x|times|over|during|\*)?\s*(?:the\s+next\s+)?{RANGE}\s*(?:weeks?|wks?)\b")
_TIMES = re.compile(r"\b(\d+)\s*(?:x|times)\s*(\d+)\b(?!\s*(?:mg|%|day|hour))")
_FREQUENCY = re.compile(rf"(?:{_PER_WEEK})")
_DAILY = re.compile(rf"\bdaily\b.*?(?:for|x)\s*{NUM}\s*weeks?")
_WEEKS = re.compile(rf"{NUM}[- ]?(?:weeks?|wks?)\b")
_DAYS = re.compile(rf"{NUM}[- ]?days?\b(?!\s*supply)")
_MONTHS = re.compile(rf"{NUM}[- ]?months?\b")
_PRODUCT = re.compile(rf"{NUM}\s*(?:x|times)\s*{NUM}\s*(?:sessions?|visits?|treatments?)\b")
_FILLER = rf"(?:(?!(?:{_WORDS}|times|x|and)\b)[a-z/-]+\s+)"
_EXPLICIT = re.compile(rf"{RANGE}\s*(?:\(\d+\)\s*)?{_FILLER}{{0,3}}?(?:sessions?|visits?|treatments?)\b"
                       rf"(?!\s*(?:per|a|each|/)\s*(?:week|wk))")
_TRAILING_COUNT = re.compile(rf"(?:sessions?|visits?|treatments?),?\s*{RANGE}\b(?!\s*(?:x|times)\b)")
_VISIT_WORDS = re.compile(VISIT_WORDS)
_COUNT_MARK = re.compile(rf"(?:#|\btimes\s+|\bx\s*){NUM}\b(?!\s*(?:a|per)\s+week)")
_QUANTITY = re.compile(r"#\s*(\d+)|\bqty:?\s*(\d+)")
_STRENGTH = re.compile(r"\d+(?:\.\d+)?(?:\s*[-/]\s*\d+(?:\.\d+)?)*\s*(?:mg/ml|mg|mcg|%|gm|g|ml)(?![a-z])")
_NUMBERS = re.compile(rf"\d+(?:\.\d+)?|\b(?:{_WORDS})\b")


def _number(token: str) -> float:
    return float(NUMBER_WORDS[token]) if token in NUMBER_WORDS else float(token)


def _upper(low: str, high: str | None) -> float:
    """The upper end of '2-3' (the request as written allows up to it)."""
    return max(_number(low), _number(high)) if high else _number(low)


def _as_int(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def body_regions(text: str) -> list[BodyRegion]:
    return [region for region, pattern in _REGIONS if pattern.search(text)]


def laterality(text: str) -> Laterality | None:
    if _BILATERAL.search(text):
        return "bilateral"
    left = _LEFT.search(text)
    right = _RIGHT.search(text)
    if left and right:
        return "bilateral"
    return "left" if left else "right" if right else None


def schedule(text: str) -> tuple[float | None, float | None]:
    """(visits per week, weeks) from '3 times a week for 2 weeks', '2x6', 'three times weekly', 'daily'."""
    match = _SCHEDULE.search(text)
    if match:
        groups = [g for g in match.groups()]
        freq = _upper(groups[0], groups[1]) if groups[0] else _upper(groups[2], groups[3])
        return freq, _upper(groups[4], groups[5])
    match = _TIMES.search(text)
    if match:
        return float(match.group(1)), float(match.group(2))
    match = _FREQUENCY.search(text)
    if match:
        groups = match.groups()
        freq = _upper(groups[0], groups[1]) if groups[0] else _upper(groups[2], groups[3])
        return freq, None
    daily = _DAILY.search(text)
    if daily:
        return 7.0, _number(daily.group(1))
    return None, None


def duration_weeks(text: str) -> float | None:
    """Weeks from 'for 4 weeks', '30 day rental', 'seven day use', 'for one week', 'one month supply'."""
    match = _WEEKS.search(text)
    if match:
        return _number(match.group(1))
    match = _DAYS.search(text)
    if match:
        return round(_number(match.group(1)) / 7, 2)
    match = _MONTHS.search(text)
    if match:
        return round(_number(match.group(1)) * 52 / 12, 2)
    return None


def session_count(text: str, per_week: float | None, weeks: float | None) -> int | None:
    """Total visits requested, the request as written (upper end of a range; parts of the request summed)."""
    product = _PRODUCT.search(text)
    if product:
        return _as_int(_number(product.group(1)) * _number(product.group(2)))
    explicit = _EXPLICIT.findall(text)
    counts = [_upper(low, high) for low, high in explicit]
    if not counts:
        counts = [_upper(low, high) for low, high in _TRAILING_COUNT.findall(text)]
    if counts:
        return _as_int(sum(counts))
    if per_week is not None and weeks is not None:
        return _as_int(per_week * weeks)
    if not _VISIT_WORDS.search(text):
        return None
    match = _COUNT_MARK.search(text)
    if match:
        return _as_int(_number(match.group(1)))
    return None


def quantity(text: str) -> int | None:
    match = _QUANTITY.search(text)
    if match:
        return int(match.group(1) or match.group(2))
    return None


def strength(text: str) -> str | None:
    match = _STRENGTH.search(text)
    return match.group(0).strip() if match else None


def modifiers(text: str) -> list[str]:
    return [name for name, pattern in _MODIFIERS if pattern.search(text)]


def numbers(request: str) -> list[str]:
    """Every number in the request: digit strings as written, number words as digits ('eight' -> '8')."""
    found: list[str] = []
    for match in _NUMBERS.finditer(request.lower()):
        token = match.group(0)
        value = str(NUMBER_WORDS[token]) if token in NUMBER_WORDS else token
        if value not in found:
            found.append(value)
    return found


def parse_request(text: str) -> RequestDetails:
    """What the request asks for: category, regions, side, visits, drug, strength, quantity, modifiers."""
    # Keyed on the rule table and the drug lexicon too: a topic registered later must be seen.
    return _fresh_copy(_parse_request(text, registered(), len(LEXICON)))


def _fresh_copy(details: RequestDetails) -> RequestDetails:
    """A copy the caller may change, as model_copy(deep=True) makes it, a quarter of the cost: RequestDetails
    holds scalars and lists of strings, so a shallow copy with its lists copied shares nothing mutable."""
    copied = copy.copy(details)
    copied.__dict__.update({name: list(value) for name, value in details.__dict__.items() if isinstance(value, list)})
    return copied


@functools.lru_cache(maxsize=4096)
def _parse_request(text: str, rule_ids: tuple[str, ...], drug_names: int) -> RequestDetails:
    low = " ".join(text.lower().split())
    drug = find_drug(low)
    per_week, weeks = schedule(low)
    weeks = weeks if weeks is not None else duration_weeks(low)
    sessions = session_count(low, per_week, weeks) if drug is None else None
    details = RequestDetails(
        category=None,
        body_regions=body_regions(low),
        laterality=laterality(low),
        sessions=sessions,
        frequency_per_week=per_week,
        duration_weeks=weeks,
        drug=drug[1].generic if drug else None,
        strength=strength(low),
        quantity=None if sessions is not None and low.find("#") >= 0 else quantity(low),
        modifiers=modifiers(low),
        numbers=numbers(text),
    )
    drug_class = drug[1].drug_class if drug else None
    for rule in all_rules():
        if rule.matches(low, drug_class) and rule.applies(details):
            return details.model_copy(update={"category": rule.category})
    return details
