"""Parse a free-text disputed item ('Physical therapy 2x6 for the low back') into `RequestDetails`.

Deterministic: regular expressions over the lower-cased request. The service category comes from the
registered rules (each rule lists the patterns and drug classes it covers), so a new topic module extends
classification without editing this file.
"""

from __future__ import annotations

import re

from drafter.guidelines.drugs import find_drug
from drafter.guidelines.rules import all_rules, load_topics
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


def _number(token: str) -> float:
    return float(NUMBER_WORDS[token]) if token in NUMBER_WORDS else float(token)


def _upper(low: str, high: str | None) -> float:
    """The upper end of '2-3' (the request as written allows up to it)."""
    return max(_number(low), _number(high)) if high else _number(low)


def _as_int(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def body_regions(text: str) -> list[BodyRegion]:
    return [region for region, pattern in REGION_PATTERNS if re.search(pattern, text)]


def laterality(text: str) -> Laterality | None:
    if re.search(r"bilateral|\bboth\b|\bb/l\b", text):
        return "bilateral"
    left = re.search(r"\bleft\b|\blt\b|\blue\b|\blle\b", text)
    right = re.search(r"\bright\b|\brt\b|\brue\b|\brle\b", text)
    if left and right:
        return "bilateral"
    return "left" if left else "right" if right else None


def schedule(text: str) -> tuple[float | None, float | None]:
    """(visits per week, weeks) from '3 times a week for 2 weeks', '2x6', 'three times weekly', 'daily'."""
    per_week = (rf"{RANGE}\s*(?:(?:x|times|visits|sessions)\s*(?:a|per|/|each)?|a|per|/|each)\s*(?:week|wk)\b"
                rf"|{RANGE}\s*(?:x|times)?\s*weekly")
    match = re.search(
        rf"(?:{per_week})\s*(?:for|x|times|over|during|\*)?\s*(?:the\s+next\s+)?{RANGE}\s*(?:weeks?|wks?)\b", text)
    if match:
        groups = [g for g in match.groups()]
        freq = _upper(groups[0], groups[1]) if groups[0] else _upper(groups[2], groups[3])
        return freq, _upper(groups[4], groups[5])
    match = re.search(r"\b(\d+)\s*(?:x|times)\s*(\d+)\b(?!\s*(?:mg|%|day|hour))", text)
    if match:
        return float(match.group(1)), float(match.group(2))
    match = re.search(rf"(?:{per_week})", text)
    if match:
        groups = match.groups()
        freq = _upper(groups[0], groups[1]) if groups[0] else _upper(groups[2], groups[3])
        return freq, None
    daily = re.search(rf"\bdaily\b.*?(?:for|x)\s*{NUM}\s*weeks?", text)
    if daily:
        return 7.0, _number(daily.group(1))
    return None, None


def duration_weeks(text: str) -> float | None:
    """Weeks from 'for 4 weeks', '30 day rental', 'seven day use', 'for one week', 'one month supply'."""
    match = re.search(rf"{NUM}[- ]?(?:weeks?|wks?)\b", text)
    if match:
        return _number(match.group(1))
    match = re.search(rf"{NUM}[- ]?days?\b(?!\s*supply)", text)
    if match:
        return round(_number(match.group(1)) / 7, 2)
    match = re.search(rf"{NUM}[- ]?months?\b", text)
    if match:
        return round(_number(match.group(1)) * 52 / 12, 2)
    return None


def session_count(text: str, per_week: float | None, weeks: float | None) -> int | None:
    """Total visits requested, the request as written (upper end of a range; parts of the request summed)."""
    product = re.search(rf"{NUM}\s*(?:x|times)\s*{NUM}\s*(?:sessions?|visits?|treatments?)\b", text)
    if product:
        return _as_int(_number(product.group(1)) * _number(product.group(2)))
    filler = rf"(?:(?!(?:{_WORDS}|times|x|and)\b)[a-z/-]+\s+)"
    explicit = re.findall(rf"{RANGE}\s*(?:\(\d+\)\s*)?{filler}{{0,3}}?(?:sessions?|visits?|treatments?)\b"
                          rf"(?!\s*(?:per|a|each|/)\s*(?:week|wk))", text)
    counts = [_upper(low, high) for low, high in explicit]
    if not counts:
        counts = [_upper(low, high) for low, high in
                  re.findall(rf"(?:sessions?|visits?|treatments?),?\s*{RANGE}\b(?!\s*(?:x|times)\b)", text)]
    if counts:
        return _as_int(sum(counts))
    if per_week is not None and weeks is not None:
        return _as_int(per_week * weeks)
    if not re.search(VISIT_WORDS, text):
        return None
    match = re.search(rf"(?:#|\btimes\s+|\bx\s*){NUM}\b(?!\s*(?:a|per)\s+week)", text)
    if match:
        return _as_int(_number(match.group(1)))
    return None


def quantity(text: str) -> int | None:
    match = re.search(r"#\s*(\d+)|\bqty:?\s*(\d+)", text)
    if match:
        return int(match.group(1) or match.group(2))
    return None


def strength(text: str) -> str | None:
    match = re.search(
        r"\d+(?:\.\d+)?(?:\s*[-/]\s*\d+(?:\.\d+)?)*\s*(?:mg/ml|mg|mcg|%|gm|g|ml)(?![a-z])", text)
    return match.group(0).strip() if match else None


def modifiers(text: str) -> list[str]:
    return [name for name, pattern in MODIFIER_PATTERNS if re.search(pattern, text)]


def numbers(request: str) -> list[str]:
    """Every number in the request: digit strings as written, number words as digits ('eight' -> '8')."""
    found: list[str] = []
    for match in re.finditer(rf"\d+(?:\.\d+)?|\b(?:{_WORDS})\b", request.lower()):
        token = match.group(0)
        value = str(NUMBER_WORDS[token]) if token in NUMBER_WORDS else token
        if value not in found:
            found.append(value)
    return found


def parse_request(text: str) -> RequestDetails:
    """What the request asks for: category, regions, side, visits, drug, strength, quantity, modifiers."""
    load_topics()  # topic modules may add drug names before the request is read
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
