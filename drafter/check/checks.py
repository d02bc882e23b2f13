"""The individual checks of the consistency gate, and what a rationale is grounded in."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from drafter.check import lexicon, numbers
from drafter.check.folding import Folded, fold, letter_words, needle_finditer, word_led
from drafter.check.prose import Verdict, all_verdicts
from drafter.models import (
    CaseSummary,
    CheckResult,
    CriterionStatus,
    ItemDecision,
    Outcome,
)

# ---------------------------------------------------------------------------------------------
# grounding
# ---------------------------------------------------------------------------------------------

GENERIC_OF = {name.lower(): drug.generic for drug in lexicon.DRUGS for name in drug.names}
MULTIWORD_NAMES = {name: generic for name, generic in GENERIC_OF.items() if not re.fullmatch(r"[a-z]+", name)}
SINGLE_WORD_NAMES = frozenset(GENERIC_OF.keys() - MULTIWORD_NAMES.keys())
WORD = re.compile(r"[a-z][a-z]*")  # [a-z]+, opening with a character class `re` can skip to
CLASS_OF = {drug.generic: drug.drug_class for drug in lexicon.DRUGS}
NAME_PATTERNS_OF = {generic: [re.escape(name) for drug in lexicon.DRUGS if drug.generic == generic
                              for name in drug.names] for generic in CLASS_OF}
"""A generic name -> the escaped names of every drug entry with that generic, in lexicon order."""
LOWER_NAME_PATTERNS_OF = {generic: frozenset(name.lower() for name in names)
                          for generic, names in NAME_PATTERNS_OF.items()}
GUIDELINE_DATES = {dt.date(2016, 7, 28), dt.date(2009, 7, 18), dt.date(2016, 7, 29), (2009, 5), (2016, 7)}
EDITION_YEARS = {1999, 2003, 2004, 2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017}
"""Years of guideline editions: a bare year from these may appear where the text speaks of a guideline."""


@dataclass(frozen=True)
class AllowedNumber:
    lo: float
    hi: float | None
    unit: str | None


def parse_allowed(expression: str) -> AllowedNumber:
    quantity = numbers.find_quantities(expression)[0]
    return AllowedNumber(quantity.lo, quantity.hi, quantity.unit)


ALLOWED_NUMBERS = {family: frozenset(parse_allowed(expression) for expression in expressions)
                   for family, expressions in lexicon.GUIDELINE_NUMBERS.items()}
GENERAL_NUMBERS = frozenset(parse_allowed(expression) for expression in lexicon.GENERAL_NUMBERS)


@dataclass(frozen=True)
class CaseGrounding:
    """What the case (records and extracted facts) grounds, shared by all items of a case."""

    values: frozenset[float]
    dates: frozenset[object]
    """Every date the case states, with its partial forms (with_partial_dates)."""
    years: frozenset[int]
    """The years of the dates."""
    levels: frozenset[str]
    drugs: frozenset[str]
    procedures: frozenset[str]
    window: tuple[dt.date, dt.date] | None
    spans: frozenset[int]
    """Days from a header date to another case date (elapsed_grounded)."""
    course_totals: frozenset[float]
    """Totals of the courses the case writes as frequency x duration: '2x6' and '2 times a week for 6 weeks' are
    12 visits."""
    documented: tuple[tuple[re.Pattern[str], str], ...]
    """(pattern, label) of every fact the summary documents as present."""


_last_case: tuple[CaseSummary, tuple[str, ...], CaseGrounding] | None = None


def case_grounding(summary: CaseSummary, records: Sequence[str]) -> CaseGrounding:
    """Computed once per case: consecutive items of one case reuse it (the artifacts are not mutated)."""
    global _last_case
    key = tuple(records)
    if _last_case is not None and _last_case[0] is summary and _last_case[1] == key:
        return _last_case[2]
    text = "\n".join(dict.fromkeys([*records, *fact_texts(summary)]))  # each distinct text once
    values, found_dates, levels = numbers.stated_values(text)
    words = ascii_words(text)
    dates: set[object] = {value for _, value in found_dates} | set(summary_dates(summary))
    header_dates = [value for value in (summary.header.date_of_injury, summary.header.ur_denial_date,
                                        summary.header.date_assigned, summary.header.application_received,
                                        summary.header.decision_date) if value is not None]
    expanded = with_partial_dates(dates)
    grounding = CaseGrounding(
        values=frozenset(values | fact_values(summary)),
        dates=frozenset(expanded),
        years=frozenset(years_of(expanded)),
        levels=frozenset(levels),
        drugs=frozenset(drugs_in(text, words)),
        procedures=frozenset(procedures_in(text, words)),
        window=(min(header_dates), max(header_dates)) if header_dates else None,
        spans=frozenset(day_spans(header_dates, dates)),
        course_totals=frozenset(numbers.course_totals(text)),
        documented=tuple(documented_terms(summary)),
    )
    _last_case = (summary, key, grounding)
    return grounding


@dataclass(frozen=True)
class Grounding:
    """Everything a rationale may draw on: the request and records (case) and the rule."""

    case_values: frozenset[float]
    totals: frozenset[float]
    """Products of the request's numbers: '2 times a week for 6 weeks' is 12 visits."""
    course_totals: frozenset[float]
    """Totals of the courses the records write as frequency x duration ('2x6' is 12 visits): they ground a count
    the text states of the case, but not one inside a restatement of the request."""
    request: str
    """The request as written: a number inside a restatement of it (restated_request) speaks of the case even in
    a sentence that also cites the guideline."""
    spans: frozenset[int]
    """Days from a header date to another case date: '20 days', 'two months' may be said of them."""
    dates: frozenset[object]
    years: frozenset[int]
    levels: frozenset[str]
    families: frozenset[str]
    allowed_numbers: frozenset[AllowedNumber]
    drugs: frozenset[str]
    """Drugs the request, the records or the facts name."""
    guideline_drugs: frozenset[str]
    """Drugs the rule text names or its guideline topic discusses: allowed where the text speaks of the guideline."""
    procedures: frozenset[str]
    """Procedures the request, the records, the facts or the rule name."""
    window: tuple[dt.date, dt.date] | None
    """From the earliest to the latest header date: record dates in it count as grounded."""
    documented: tuple[tuple[re.Pattern[str], str], ...]
    """(pattern, label) of every fact the summary documents as present."""

    @classmethod
    def build(cls, decision: ItemDecision, summary: CaseSummary, records: Sequence[str]) -> Grounding:
        case = case_grounding(summary, records)
        item_texts = [decision.request]
        item_texts += [text for result in decision.criteria
                       for text in (result.finding, *(evidence.quote for evidence in result.evidence))]
        rule_texts = [decision.guideline_summary, decision.note or "",
                      *(result.requirement for result in decision.criteria)]
        if decision.citation is not None:
            rule_texts.append(decision.citation.letter_text())
        item_text = "\n".join(item_texts)
        rule_text = "\n".join(rule_texts)
        item_values, item_dates, item_levels = numbers.stated_values(item_text)
        item_words = ascii_words(item_text)
        rule = rule_grounding(rule_text, citation_text(decision))
        known_procedures = case.procedures | rule.procedures  # the item text's patterns for these are not run
        dates = with_partial_dates({value for _, value in item_dates} | rule.dates)
        years = set(case.years) | years_of(dates)
        dates |= case.dates
        if case.window:
            years.update(range(case.window[0].year, case.window[1].year + 1))
        return cls(
            case_values=case.values | item_values,
            totals=frozenset(request_products(decision.request)),
            course_totals=case.course_totals,
            request=decision.request,
            spans=case.spans,
            dates=frozenset(dates),
            years=frozenset(years),
            levels=case.levels | item_levels | rule.levels,
            families=rule.families,
            allowed_numbers=rule.allowed_numbers,
            drugs=frozenset(case.drugs | drugs_in(item_text, item_words)),
            guideline_drugs=frozenset(guideline_drugs(decision.request, rule)),
            procedures=known_procedures | procedures_in(item_text, item_words, skip=known_procedures),
            window=case.window,
            documented=case.documented,
        )

    def date_grounded(self, value: dt.date | tuple[int, int]) -> bool:
        if value in self.dates or value in GUIDELINE_DATES:
            return True
        if self.window is None:
            return False
        first, last = self.window
        if isinstance(value, dt.date):
            return first <= value <= last
        year, month = value
        if year == 0:  # month and day without a year
            return True
        return (first.year, first.month) <= (year, month) <= (last.year, last.month)


def with_partial_dates(dates: set[object]) -> set[object]:
    """The dates, and for each exact date its (year, month) and its month and day without a year."""
    expanded = set(dates)
    for value in dates:
        if isinstance(value, dt.date):
            expanded.update({(value.year, value.month), (0, value.month * 100 + value.day)})
    return expanded


def years_of(dates: Iterable[object]) -> set[int]:
    return {value.year if isinstance(value, dt.date) else value[0] for value in dates}  # type: ignore[index]


FACT_TEXT_FIELDS = ("name", "detail", "finding", "procedure", "related_to", "context")
FACT_LISTS = ("diagnoses", "pain_scores", "treatments", "medications", "neuro_findings", "red_flags", "imaging",
              "functional_status", "work_status", "monitoring", "surgeries")


def fact_texts(summary: CaseSummary) -> Iterable[str]:
    """The evidence quotes and text fields of every fact, and the disputed requests."""
    for fact in (summary.age, summary.sex):
        if fact is not None:
            yield fact.evidence.quote
    for name in FACT_LISTS:
        for fact in getattr(summary, name):
            fields = vars(fact)
            yield fields["evidence"].quote
            for field in FACT_TEXT_FIELDS:
                text = fields.get(field)
                if isinstance(text, str):
                    yield text
    for item in summary.disputed_items:
        yield item.request


def fact_values(summary: CaseSummary) -> set[float]:
    values: set[float] = set()
    if summary.age:
        values.add(float(summary.age.years))
    values.update(float(course.sessions) for course in summary.treatments if course.sessions is not None)
    values.update(float(score.score) for score in summary.pain_scores)
    values.update(float(med.duration_weeks) for med in summary.medications if med.duration_weeks is not None)
    return values


def summary_dates(summary: CaseSummary) -> Iterable[dt.date]:
    header = summary.header
    for value in (header.date_of_injury, header.ur_denial_date, header.date_assigned,
                  header.application_received, header.decision_date):
        if value is not None:
            yield value
    for document in summary.documents:
        if document.date is not None:
            yield document.date
    for collection in (summary.medications, summary.imaging, summary.surgeries):
        for fact in collection:
            value = getattr(fact, "start_date", None) or getattr(fact, "date", None)
            if value is not None:
                yield value


def day_spans(anchors: list[dt.date], dates: Iterable[object]) -> set[int]:
    """Days from each header date to each other case date."""
    exact = {value for value in dates if isinstance(value, dt.date)} | set(anchors)
    return {abs((other - anchor).days) for anchor in anchors for other in exact if other != anchor}


UNIT_DAYS = {"day": 1, "week": 7, "month": 30.44, "year": 365.25}


def elapsed_grounded(value: float, unit: str | None, spans: Iterable[int]) -> bool:
    """Whether `value` days, weeks, months or years is a span of the case, rounded either way (asked only of
    numbers the case does not state)."""
    length = UNIT_DAYS.get(unit or "")
    return length is not None and any(float(int(days / length)) == value or float(round(days / length)) == value
                                      for days in spans)


@lru_cache(maxsize=1024)
def request_pattern(request: str, folded: bool = False) -> re.Pattern[str] | None:
    """'Acupuncture 12 sessions' -> a pattern matching 'acupuncture <any number> sessions' (first six words).
    `folded`: its lower-case twin for lower-cased ASCII text, without IGNORECASE (compiled in a tenth of the
    time: a request unseen before costs a compile)."""
    words = re.findall(r"[A-Za-z]+|\d+(?:[./]\d+)*", request)[:6]
    if len(words) < 2:
        return None
    parts = [r"\S+" if word[0].isdigit() or word.lower() in numbers.NUMBER_WORDS else re.escape(word)
             for word in words]
    if folded:
        return re.compile(r"[^a-z0-9]+".join(part if part == r"\S+" else part.lower() for part in parts))
    return re.compile(r"[^A-Za-z0-9]+".join(parts), re.I)


def restated_request(request: str, text: str) -> list[tuple[int, int]]:
    """Spans of the text restating the request (request_pattern); ASCII text is searched lower-cased with the
    twin (same offsets), so the case-insensitive pattern is compiled only for other text."""
    folded = text.isascii()
    pattern = request_pattern(request, folded=folded)
    if pattern is None:
        return []
    return [match.span() for match in pattern.finditer(text.lower() if folded else text)]


def request_products(request: str) -> set[float]:
    """'3 times a week for 2 weeks' also says 6 visits: products of the request's small numbers."""
    values = [value for value in numbers.all_values(request) if 0 < value <= 12]
    return {a * b for a, b in combinations(values, 2)}


@dataclass(frozen=True)
class RuleGrounding:
    """What the rule (its citation, summary and criteria requirements) grounds; the same for every item the
    rule decides, so it is computed once per distinct rule text."""

    families: frozenset[str]
    allowed_numbers: frozenset[AllowedNumber]
    dates: frozenset[object]
    levels: frozenset[str]
    drugs: frozenset[str]
    """Drugs the rule text names (guideline_drugs adds those of the topics the rule and the request speak of)."""
    procedures: frozenset[str]
    topics: frozenset[str]
    """lexicon.TOPIC_WORDS topics the rule text speaks of."""
    head: str
    """The rule text's opening (see rule_head): what a topic word running on from the request can reach."""


def citation_text(decision: ItemDecision) -> str:
    if decision.citation is None:
        return ""
    citation = decision.citation
    return " ".join([citation.document, *citation.sections, "ODG" if citation.source == "ODG" else ""])


@lru_cache(maxsize=1024)
def rule_grounding(rule_text: str, citation: str) -> RuleGrounding:
    families = cited_families(rule_text, citation)
    cleared = numbers.clear_references(rule_text)
    found_dates, cleared = numbers.find_dates(cleared)
    levels, cleared = numbers.find_levels(cleared)
    stated = frozenset(AllowedNumber(quantity.lo, quantity.hi, quantity.unit)
                       for quantity in numbers.find_quantities(cleared))
    return RuleGrounding(
        families=families,
        allowed_numbers=GENERAL_NUMBERS.union(stated, *(ALLOWED_NUMBERS.get(family, frozenset())
                                                        for family in families)),
        dates=frozenset(value for _, value in found_dates),
        levels=frozenset(levels),
        drugs=frozenset(drugs_in(rule_text)),
        procedures=frozenset(procedures_in(rule_text)),
        topics=frozenset(topics_in(rule_text)),
        head=rule_head(rule_text),
    )


TOPIC_FOLDED = {topic: Folded(pattern.pattern) for topic, pattern in lexicon.TOPIC_WORDS.items()}
"""lexicon.TOPIC_WORDS with their lower-case twins (see folding)."""


def topics_in(text: str, skip: Iterable[str] = ()) -> set[str]:
    """The lexicon.TOPIC_WORDS topics the text speaks of (those in `skip` not looked for)."""
    searched, folded = fold(text)
    return {topic for topic, pattern in TOPIC_FOLDED.items()
            if topic not in skip and pattern.pick(folded).search(searched)}


TOPIC_REACH = 80
"""Characters past its leading whitespace a topic word that runs on from the request ('muscle' + 'relaxant')
reaches into the rule text, at most."""
WHITESPACE = re.compile(r"\s")


def rule_head(rule_text: str) -> str:
    """The rule text up to the first whitespace TOPIC_REACH characters past its leading whitespace."""
    reach = len(rule_text) - len(rule_text.lstrip()) + TOPIC_REACH
    cut = WHITESPACE.search(rule_text, reach)
    return rule_text[:cut.start()] if cut else rule_text


def cited_families(rule_text: str, citation: str) -> frozenset[str]:
    """Guideline families the decision's citation names or its rule text discusses."""
    families = families_in(citation, cited=True) | families_in(rule_text, cited=True)
    for family in list(families):
        families.update(lexicon.RELATED_FAMILIES.get(family, ()))
    return frozenset(families)


GUIDELINE_HINT = Folded(r"guideline|MTUS|ODG|ACOEM|complaints|chapter|disability|CPMTG|conditions|approaches")


def families_in(text: str, cited: bool = False) -> set[str]:
    if cited:
        found = {family.family for family in lexicon.GUIDELINE_FAMILIES if family.cited.search(text)}
    else:
        searched, folded = fold(text)
        if not GUIDELINE_HINT.pick(folded).search(searched):
            return set()
        lowered = searched if folded else text.lower()
        found = {family.family for family in lexicon.GUIDELINE_FAMILIES
                 if any(map(lowered.__contains__, lexicon.FAMILY_TRIGGERS[family.family]))
                 and family.named.search(text)}
    lowered = text.lower()
    if "chapter" not in lowered:
        return found
    # every match opens with 'ACOEM' or 'MTUS': in ASCII text (same offsets lower-cased) tried only where they start
    matches = (needle_finditer(lexicon.ACOEM_CHAPTER, text, lowered, ("acoem", "mtus")) if text.isascii()
               else lexicon.ACOEM_CHAPTER.finditer(text))
    for match in matches:
        family = lexicon.CHAPTER_FAMILY.get(int(match.group(1)))
        if family:
            found.add(family)
    return found


def ascii_words(text: str) -> frozenset[str] | None:
    """letter_words of ASCII text, to share among drugs_in and procedure_mentions of one text; None for other
    text (they then read it their own way)."""
    return letter_words(text.lower()) if text.isascii() else None


def drugs_in(text: str, words: frozenset[str] | None = None) -> set[str]:
    """Generic names of the drugs a text names (by generic or brand name). `words`: ascii_words(text), if known."""
    lowered = text.lower()
    if words is None:
        words = letter_words(lowered) if text.isascii() else frozenset(WORD.findall(lowered))
    found = set(map(GENERIC_OF.__getitem__, SINGLE_WORD_NAMES.intersection(words)))
    found.update(generic for name, generic in MULTIWORD_NAMES.items()
                 if name in lowered and re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", lowered))
    return found


def drug_mentions(text: str) -> list[tuple[str, int]]:
    """(generic name, position) of every drug the text names."""
    lowered = text.lower()
    words = letter_words(lowered) if text.isascii() else WORD.findall(lowered)
    found = [] if SINGLE_WORD_NAMES.isdisjoint(words) else [
        (GENERIC_OF[match.group(0)], match.start()) for match in WORD.finditer(lowered) if match.group(0) in GENERIC_OF]
    for name, generic in MULTIWORD_NAMES.items():
        if name in lowered:
            found += [(generic, match.start())
                      for match in re.finditer(rf"(?<![a-z]){re.escape(name)}(?![a-z])", lowered)]
    return found


PROCEDURE_PATTERNS = tuple((name, substrings, words, Folded(pattern))
                           for name, (substrings, words, pattern) in lexicon.PROCEDURES.items())


PROCEDURE_SUBSTRINGS = frozenset(substring for _, substrings, _, _ in PROCEDURE_PATTERNS for substring in substrings)
PROCEDURE_WORDS = frozenset(word for _, _, words, _ in PROCEDURE_PATTERNS for word in words)


def patterns_of_cue() -> dict[str, tuple[int, ...]]:
    """A substring or word -> the indices in PROCEDURE_PATTERNS of the patterns it lets run."""
    indices: dict[str, tuple[int, ...]] = {}
    for index, (_, substrings, words, _) in enumerate(PROCEDURE_PATTERNS):
        for cue in {*substrings, *words}:
            indices[cue] = (*indices.get(cue, ()), index)
    return indices


PATTERNS_OF_CUE = patterns_of_cue()


def procedure_mentions(text: str, words: frozenset[str] | None = None,
                       skip: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    """(procedure, position) of every procedure the text names, but those in `skip` (known already: their
    patterns are not run); a pattern runs only if one of its substrings or whole words occurs (in text that is
    not ASCII, where case-insensitive matching goes beyond lower(), a word counts as a substring). `words`:
    ascii_words(text), if known."""
    lowered = text.lower()
    folded = text.isascii()
    searched = lowered if folded else text  # fold(), lower() done
    cues = set(filter(lowered.__contains__, PROCEDURE_SUBSTRINGS))
    if folded:  # a whole word (no letter, digit or '_' beside it) is a run of letters: a superset of the cues
        cues.update(PROCEDURE_WORDS.intersection(letter_words(lowered) if words is None else words))
    else:
        cues.update(filter(lowered.__contains__, PROCEDURE_WORDS))
    found = []
    for index in sorted({index for cue in cues for index in PATTERNS_OF_CUE[cue]}):  # in PROCEDURE_PATTERNS order
        name, _, _, pattern = PROCEDURE_PATTERNS[index]
        if name in skip:
            continue
        found += [(name, match.start()) for match in pattern.pick(folded).finditer(searched)]
    return found


def procedures_in(text: str, words: frozenset[str] | None = None, skip: frozenset[str] = frozenset()) -> set[str]:
    return {name for name, _ in procedure_mentions(text, words, skip)}


def guideline_drugs(request: str, rule: RuleGrounding) -> set[str]:
    """The drugs the rule text names and those of the topics the request's drugs, the request and the rule text
    speak of. A topic word of the request joined to the rule text ('request rule_text') lies in the request, in
    the rule text (rule.topics) or runs on from the request into the rule text's head."""
    drugs = set(rule.drugs)
    topics = {CLASS_OF[drug] for drug in drugs_in(request)} | rule.topics
    topics.update(topics_in(" ".join([request, rule.head]), skip=topics))
    for topic in topics:
        drugs.update(lexicon.DRUG_TOPICS.get(topic, ()))
    return drugs


# ---------------------------------------------------------------------------------------------
# 1. conclusion
# ---------------------------------------------------------------------------------------------

EXPECTED = {Outcome.UPHELD: "negative", Outcome.OVERTURNED: "positive"}
WORDS = {"negative": "not medically necessary", "positive": "medically necessary"}


def conclusion_of(verdicts: list[Verdict]) -> Verdict | None:
    firm = [verdict for verdict in verdicts if not verdict.hypothetical]
    return (firm or verdicts)[-1] if verdicts else None


def check_conclusion(sentences: list[str], decision: ItemDecision) -> CheckResult:
    verdicts = all_verdicts(sentences)
    if decision.outcome is None:
        stated = [verdict for verdict in verdicts if not verdict.hypothetical]
        if stated:
            return CheckResult(check="conclusion", passed=False,
                               detail="no rule decided this item, yet the text states an outcome: "
                                      f"{sentences[stated[-1].sentence_index]!r}")
        return CheckResult(check="conclusion", passed=True, detail="no outcome stated (undecided item)")
    expected = EXPECTED[decision.outcome]
    final = conclusion_of(verdicts)
    if final is None:
        return CheckResult(check="conclusion", passed=False, detail="no sentence states the outcome")
    if final.polarity != expected:
        return CheckResult(check="conclusion", passed=False,
                           detail=f"decided {decision.outcome.value} ({WORDS[expected]}), but the conclusion "
                                  f"says {WORDS[final.polarity]}: {sentences[final.sentence_index]!r}")
    opposite = [verdict for verdict in verdicts
                if verdict.polarity != expected and not verdict.hypothetical and verdict.about_request]
    if opposite:
        return CheckResult(check="conclusion", passed=False,
                           detail=f"a sentence states the opposite ({WORDS[opposite[0].polarity]}): "
                                  f"{sentences[opposite[0].sentence_index]!r}")
    return CheckResult(check="conclusion", passed=True, detail=f"states {WORDS[expected]}")


# ---------------------------------------------------------------------------------------------
# 2. guideline
# ---------------------------------------------------------------------------------------------

NOT_ADDRESSED = re.compile(r"\b(?:do(?:es)?|did)\s+not\s+(?:specifically\s+|directly\s+)?(?:address|apply|discuss|"
                           r"cover)|\bsilent\b|\bnot\s+(?:specifically\s+)?addressed\b|\bno\s+(?:specific\s+)?"
                           r"(?:recommendations?|guidance)\b|\bintended\s+(?:to\s+address|for)\b", re.I)


REFERRAL = re.compile(r"\brefers?\s+to\b|\breferenc\w+|\bincorporat\w+", re.I)


def check_guideline(sentences: list[str], grounding: Grounding) -> CheckResult:
    allowed = grounding.families
    if not families_in(" ".join(sentences)) - allowed:
        return CheckResult(check="guideline", passed=True)
    stray: list[str] = []
    quoted = [lexicon.QUOTED_NAMES[family] for family in allowed if family in lexicon.QUOTED_NAMES]
    for sentence in sentences:
        for pattern in quoted:
            sentence = pattern.sub(" ", sentence)
        named = families_in(sentence)
        if not named or NOT_ADDRESSED.search(sentence) or (named & allowed and REFERRAL.search(sentence)):
            continue
        stray.extend(family for family in sorted(named - allowed) if family not in stray)
    if stray:
        labels = ", ".join(lexicon.FAMILY_LABELS[family] for family in stray)
        cited = ", ".join(lexicon.FAMILY_LABELS[family] for family in sorted(allowed)) or "none"
        return CheckResult(check="guideline", passed=False,
                           detail=f"names {labels}, which the rule does not cite (rule cites: {cited})")
    return CheckResult(check="guideline", passed=True)


# ---------------------------------------------------------------------------------------------
# 3. numbers
# ---------------------------------------------------------------------------------------------


UNIT_AFTER_YEAR = re.compile(r"\s*(?:mg|mcg|g|ml|%|visits|sessions)\b", re.I)
"""A unit after a four-digit number: a dose or a count, not a year."""


def check_numbers(text: str, cues: CaseCues, grounding: Grounding) -> CheckResult:
    cleared, words = numbers.clear_references_with_words(text)
    ungrounded: list[str] = []
    dates, cleared = numbers.find_dates(cleared, words)
    for written, value in dates:
        if not grounding.date_grounded(value):
            ungrounded.append(written)
    levels, cleared = numbers.find_levels(cleared)
    ungrounded.extend(sorted(level for level in levels if level not in grounding.levels))
    for match in numbers.year_matches(cleared):
        year = int(match.group(1))
        following = cleared[match.end():match.end() + 12]
        if UNIT_AFTER_YEAR.match(following):
            continue
        edition = year in EDITION_YEARS and not cues.about_case_at(match.start())
        if year not in grounding.years and not edition:
            ungrounded.append(match.group(0))
        cleared = numbers.blank(cleared, match.start(), match.end())
    restated = restated_request(grounding.request, text)
    for quantity in numbers.find_quantities(cleared, words):
        in_request = any(start <= quantity.start < end for start, end in restated)

        def case_claim(quantity: numbers.Quantity = quantity, in_request: bool = in_request) -> bool:
            """The number speaks of the case: inside the restated request, or in a sentence about the case
            and not as a threshold ('over 6 weeks')."""
            return in_request or (cues.about_case_at(quantity.start)
                                  and not COMPARATIVE.search(text[max(0, quantity.start - 16):quantity.start]))

        if not quantity_grounded(quantity, grounding, case_claim, in_request):
            ungrounded.append(quantity.text)
    if ungrounded:
        return CheckResult(check="numbers", passed=False,
                           detail="not in the request, the records or the rule: " + "; ".join(ungrounded))
    return CheckResult(check="numbers", passed=True)


CASE_CUE = Folded(
    r"\b(?:(?:the|this|current|original)\s+request(?:ed)?|requested|(?:the|medical)\s+records?|injured\s+worker|"
    r"claimant|applicant|IW|this\s+(?:patient|case|worker|individual)|the\s+patient|here|he|she|his|her|underwent|"
    r"undergone|attended|authorized|approved|documentation\s+(?:of|shows?|indicates?|provided|submitted|reveals?))\b",
    twin="(?:" + "|".join(word_led(cue) for cue in (
        r"the\s+request(?:ed)?", r"this\s+request(?:ed)?", r"current\s+request(?:ed)?", r"original\s+request(?:ed)?",
        "requested", r"the\s+records?", r"medical\s+records?", r"injured\s+worker", "claimant", "applicant", "iw",
        r"this\s+(?:patient|case|worker|individual)", r"the\s+patient", "here", "he", "she", "his", "her", "underwent",
        "undergone", "attended", "authorized", "approved",
        r"documentation\s+(?:of|shows?|indicates?|provided|submitted|reveals?)")) + r")\b")
GUIDELINE_ATTRIBUTION = Folded(
    r"\b(?:guidelines?|MTUS|ODG|ACOEM|recommend\w*)\b",
    twin="(?:" + "|".join(word_led(word) for word in ("guidelines?", "mtus", "odg", "acoem", r"recommend\w*")) + r")\b")
COMPARATIVE = re.compile(r"(?:over|under|above|below|beyond|older\s+than|younger\s+than|at\s+least|more\s+than|"
                         r"less\s+than|greater\s+than|up\s+to|exceeds?|exceeding|age\s+of|maximum\s+of)\s*$", re.I)


def about_case(sentence: str) -> bool:
    """The sentence speaks of this case (the request, the records, the worker), not of the guideline alone."""
    sentence, folded = fold(sentence)
    return bool(CASE_CUE.pick(folded).search(sentence)) and not GUIDELINE_ATTRIBUTION.pick(folded).search(sentence)


class CaseCues:
    """Whether each sentence of a text speaks of the case (about_case), each sentence read at most once."""

    def __init__(self, sentences: list[str], spans: list[tuple[int, int]]) -> None:
        self.sentences = sentences
        self.spans = spans
        self.starts = [start for start, _ in spans]
        self.known: dict[int, bool] = {}
        self.joined = "\n".join(sentences)
        self.joined_words = ascii_words(self.joined)
        """The sentences joined, and their letter words (ascii_words), read by the drug and procedure checks."""

    def about_case(self, index: int) -> bool:
        if index not in self.known:
            self.known[index] = about_case(self.sentences[index])
        return self.known[index]

    def about_case_at(self, position: int) -> bool:
        """about_case of the sentence holding the position (False between sentences)."""
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.spans[index][1] and self.about_case(index)


def quantity_grounded(quantity: numbers.Quantity, grounding: Grounding, about_case: Callable[[], bool],
                      in_request: bool = False) -> bool:
    """Grounded in the case or the rule text; a guideline's own numbers count in ranges anywhere, and as single
    values only in sentences that speak of the guideline alone (not of the request or the records). `about_case`
    is asked only when it decides."""
    known = grounding.case_values
    if quantity.hi is None:
        if quantity.lo in known or elapsed_grounded(quantity.lo, quantity.unit, grounding.spans):
            return True
        if (quantity.lo in grounding.totals or (not in_request and quantity.lo in grounding.course_totals)) \
                and quantity.unit in ("visit", "times", None):
            return True
        return any(allowed.hi is None and allowed.lo == quantity.lo and allowed.unit == quantity.unit
                   for allowed in grounding.allowed_numbers) and not about_case()
    if quantity.lo in known and quantity.hi in known:
        return True
    return any(allowed.lo == quantity.lo and allowed.hi == quantity.hi for allowed in grounding.allowed_numbers)


# ---------------------------------------------------------------------------------------------
# 4. drugs
# ---------------------------------------------------------------------------------------------


def check_drugs(sentences: list[str], cues: CaseCues, grounding: Grounding) -> CheckResult:
    """A drug the case does not name may appear only where the text speaks of the guideline (its topic's
    drugs) or as not taken ('no trial of gabapentin'), not as taken by the injured worker."""
    named: list[str] = []
    if grounding.drugs.issuperset(drugs_in(cues.joined, cues.joined_words)):
        return CheckResult(check="drugs", passed=True)  # every drug named anywhere is grounded
    for index, sentence in enumerate(sentences):
        for drug, position in drug_mentions(sentence):
            if drug in grounding.drugs or drug in named:
                continue
            if drug in grounding.guideline_drugs and (not cues.about_case(index)
                                                      or NOT_PERFORMED.search(sentence[:position])):
                continue
            named.append(drug)
    if named:
        return CheckResult(check="drugs", passed=False,
                           detail="not in the request, the records or the rule: " + ", ".join(named))
    return CheckResult(check="drugs", passed=True)


NOT_PERFORMED = re.compile(r"\b(?:no|not|never|without|lack|lacks|lacking|absence|absent|nor|neither|failed\s+to|"
                           r"would|could|may|might|should|consider\w*|recommend\w*|trial\s+of|option|request\w*|"
                           r"plan\w*|refer\w*|candidate|prior\s+to|before|if|unless|whether|when|patients|"
                           r"indicated|helpful|useful|effective|evidence|studies|proven)\b", re.I)


def check_procedures(sentences: list[str], cues: CaseCues, grounding: Grounding) -> CheckResult:
    """A procedure the case does not name may not be stated as done or found in this case; it may appear in
    guideline statements, and as absent, proposed or conditional ('no prior physical therapy')."""
    named: list[str] = []
    # procedures of the grounding are allowed: their patterns are not run (skip)
    if not procedures_in(cues.joined, cues.joined_words, skip=grounding.procedures):
        return CheckResult(check="procedures", passed=True)
    for index, sentence in enumerate(sentences):
        if not cues.about_case(index):
            continue
        for name, position in procedure_mentions(sentence, skip=grounding.procedures):
            if name in named or NOT_PERFORMED.search(sentence[:position]):
                continue
            named.append(name)
    if named:
        return CheckResult(check="procedures", passed=False,
                           detail="stated for this case but not in the request, the records or the rule: "
                                  + ", ".join(named))
    return CheckResult(check="procedures", passed=True)


# ---------------------------------------------------------------------------------------------
# 5. decisive criteria addressed
# ---------------------------------------------------------------------------------------------

STOPWORDS = frozenset({
    "with", "that", "this", "from", "have", "been", "were", "their", "there", "which", "what", "when", "where",
    "than", "then", "them", "they", "these", "those", "into", "onto", "upon", "about", "after", "before",
    "under", "over", "more", "most", "less", "least", "only", "also", "such", "other", "same", "each", "every",
    "some", "records", "record", "request", "requested", "guideline", "guidelines", "documented",
    "documentation", "shows", "show", "does",
})


CONTENT_WORD = re.compile(r"[a-z][a-z]{3,}")  # [a-z]{4,}, opening with a character class `re` can skip to


def content_stems(text: str) -> set[str]:
    lowered = text.lower()
    words = letter_words(lowered) if text.isascii() else set(CONTENT_WORD.findall(lowered))
    return {word[:6] for word in words - STOPWORDS if len(word) > 3}


@lru_cache(maxsize=1024)
def requirement_stems(requirement: str) -> frozenset[str]:
    """content_stems of a rule's requirement: the same for every item the rule decides, computed once."""
    return frozenset(content_stems(requirement))


def check_criteria(text: str, decision: ItemDecision) -> CheckResult:
    text_stems: set[str] | None = None  # read once a criterion needs addressing
    missing = []
    for result in decision.criteria:
        if not result.decisive or result.status == CriterionStatus.MET:
            continue
        text_stems = content_stems(text) if text_stems is None else text_stems
        best = max((len(stems & text_stems) / len(stems) for stems in
                    (requirement_stems(result.requirement), content_stems(result.finding)) if stems), default=1.0)
        if best < 0.5:
            missing.append(result.criterion_id)
    if missing:
        return CheckResult(check="criteria", passed=False,
                           detail="decisive criteria not addressed: " + ", ".join(missing))
    return CheckResult(check="criteria", passed=True)


# ---------------------------------------------------------------------------------------------
# 6. "not documented" claims against documented facts
# ---------------------------------------------------------------------------------------------

_NO_EVIDENCE_LEAD = r"\b(?:no|without|lack\s+of|absence\s+of|not\s+any)"
_NO_EVIDENCE = (r"\s+(?:clear\s+|objective\s+|adequate\s+|further\s+|current\s+|recent\s+|prior\s+|specific\s+|"
                r"medical\s+|submitted\s+)*(?:documentation|documented\s+evidence|evidence|record|indication|mention|"
                r"report)\s+(?:of|that|regarding|for|to\s+suggest|showing|indicating|about)\s+(?:any\s+|a\s+|an\s+|"
                r"the\s+)?(?P<x>[^.;:]{3,80})")
_NOT_TRIED = (r"h(?:as|ave|ad)\s+not\s+(?:yet\s+|previously\s+|ever\s+)?(?:tried|undergone|received|attempted|"
              r"completed|had|used|taken)\s+(?:any\s+|a\s+|an\s+)?(?P<x>[^.;:]{3,60})")
_NO_PRIOR = r"no\s+(?:prior|previous|history\s+of)\s+(?P<x>[^.;:]{3,60})"
_RECORDS_SILENT_LEAD = r"\b(?:records?|documentation|notes?|reports?|file)"
_RECORDS_SILENT = (r"\s+(?:provided\s+|submitted\s+|reviewed\s+)?(?:do(?:es)?|did)\s+not\s+(?:document|show|"
                   r"describe|mention|indicate|include|reflect|contain|note)\s+(?:any\s+|a\s+|an\s+|the\s+)?"
                   r"(?P<x>[^.;:]{3,80})")
NEGATIVE_CLAIMS = (  # run on the lower-cased twin of ASCII text (see folding)
    Folded(_NO_EVIDENCE_LEAD + _NO_EVIDENCE, twin="(?:" + "|".join(word_led(lead) for lead in (
        "no", "without", r"lack\s+of", r"absence\s+of", r"not\s+any")) + ")" + _NO_EVIDENCE),
    Folded(r"\b" + _NOT_TRIED, twin=word_led(_NOT_TRIED)),
    Folded(r"\b" + _NO_PRIOR, twin=word_led(_NO_PRIOR)),
    Folded(_RECORDS_SILENT_LEAD + _RECORDS_SILENT, twin="(?:" + "|".join(word_led(lead) for lead in (
        "records?", "documentation", "notes?", "reports?", "file")) + ")" + _RECORDS_SILENT),
    Folded(r"(?:^|[,;]\s*|\b(?:that|and)\s+)(?:the\s+|any\s+|a\s+|an\s+)?(?P<x>[A-Za-z][A-Za-z /-]{2,50}?)\s+"
           r"(?:is|are|was|were|has|have)\s+not\s+(?:been\s+)?(?:documented|noted|reported|recorded|tried|"
           r"provided|described|mentioned)"),
)
CLAIM_WORDS = (  # per claim pattern: lower-case words one of which every match holds (a cheap test first)
    ("documentation", "evidence", "record", "indication", "mention", "report"),
    ("not",),
    ("prior", "previous", "history"),
    ("not",),
    ("documented", "noted", "reported", "recorded", "tried", "provided", "described", "mentioned"),
)
NEGATIVE_HINT = Folded(r"\b(?:no|not|without|lack|absence)\b|n't",
                       twin="|".join([*(word_led(word) + r"\b" for word in ("no", "not", "without", "lack", "absence")),
                                      "n't"]))
QUOTED = re.compile(r"[\"“][^\"”]{0,400}[\"”]")
CLAIM_CUT = re.compile(r"\b(?:from|with|after|following|since|despite|in\s+response|that|which|and|or|but|prior\s+to|"
                       r"before|as|for|to|on|at|in|by|of\s+the\s+(?:prior|previous))\b|,", re.I)
ATTRIBUTE_HEAD = re.compile(
    r"^(?:\w+\s+){0,2}?(?:failure|failed|benefit|response|efficacy|effectiveness|trial|results?|outcome|change|"
    r"relief|reduction|decrease|increase|compliance|duration|frequency|number|total|dates?|specifics|extent|"
    r"details|intolerance|contraindication|rationale|plan|goals?|reason|need|necessity|progress|quantity|"
    r"amount|dose|dosage|recent|current|updated|new|ongoing|continued|significant|measurable|quantifiable|"
    r"objective\s+(?!functional)|substantial|exhaustion|completion|attempt|use\s+of|trials?|course)\b", re.I)
FUNCTIONAL = re.compile(r"^(?:(?:objective|significant|clinically\s+significant|meaningful|any)\s+)*"
                        r"(?:functional\s+(?:improvement|gains?|benefit)|improvement\s+in\s+function)", re.I)

MODALITY_TERMS = {
    "physical_therapy": r"physical\s+therapy|\bPT\b|physiotherapy",
    "occupational_therapy": r"occupational\s+therapy",
    "chiropractic": r"chiropract\w*|manipulation",
    "acupuncture": r"acupuncture",
    "massage": r"massage",
    "home_exercise": r"home\s+exercise|\bHEP\b",
    "injection": r"injections?",
    "tens": r"\bTENS\b|transcutaneous",
    "psychotherapy": r"psychotherapy|cognitive\s+behavio\w+|\bCBT\b",
    "functional_restoration": r"functional\s+restoration",
    "surgery": r"surgery|surgical",
}
IMAGING_TERMS = {
    "mri": r"\bMRI\b|magnetic\s+resonance",
    "ct": r"\bCT\b|computed\s+tomography",
    "xray": r"x-?rays?|radiograph\w*",
    "emg_ncv": r"\bEMG|\bNCV|\bNCS\b|electrodiagnostic|nerve\s+conduction|electromyograph\w*",
    "ultrasound": r"ultrasound",
    "bone_scan": r"bone\s+scan",
}
NEURO_TERMS = {
    "sensory_deficit": r"sensory\s+(?:deficit|loss|change)|decreased\s+sensation|hypoesthesia",
    "motor_weakness": r"weakness|motor\s+deficit|decreased\s+strength",
    "reflex_change": r"reflex\w*",
    "radicular_symptoms": r"radicul\w+",
    "positive_straight_leg_raise": r"straight[-\s]leg",
    "atrophy": r"atrophy",
    "paresthesia": r"paresthesia\w*|tingling",
}
MONITORING_TERMS = {
    "urine_drug_screen": r"urine\s+drug|\bUDS\b|\bUDT\b|drug\s+screen\w*|toxicology",
    "cures_report": r"\bCURES\b",
    "pain_agreement": r"(?:opioid|pain|narcotic)\s+(?:agreement|contract)",
    "side_effects_assessed": r"side\s+effects|adverse\s+effects",
    "aberrant_behavior": r"aberrant",
}
CLASS_TERMS = {
    "opioid": r"opioids?|opiates?|narcotics?",
    "nsaid": r"nsaids?|anti-?inflammator\w+",
    "muscle_relaxant": r"muscle\s+relaxants?",
    "anticonvulsant": r"anticonvulsants?|anti-?epilep\w+",
    "antidepressant": r"antidepressants?",
    "ppi": r"proton\s+pump\s+inhibitors?|\bPPIs?\b",
}


def documented_terms(summary: CaseSummary) -> list[tuple[re.Pattern[str], str]]:
    """(pattern, label) for every fact the summary documents as present."""
    terms: list[tuple[str, str]] = []
    for course in summary.treatments:
        if course.modality in MODALITY_TERMS:
            terms.append((MODALITY_TERMS[course.modality], course.modality.replace("_", " ")))
    for medication in summary.medications:
        generic = next(iter(drugs_in(medication.name)), None)
        first = re.escape(medication.name.split()[0])
        # the first word is left out where it is one of the generic's names (the pattern is case-insensitive),
        # so the pattern is the generic's own and compiled once for all cases (term_pattern)
        names = [] if generic and first.lower() in LOWER_NAME_PATTERNS_OF[generic] else [first]
        if generic:
            names += NAME_PATTERNS_OF[generic]
            drug_class = CLASS_OF[generic]
            if drug_class in CLASS_TERMS:
                names.append(CLASS_TERMS[drug_class])
        if medication.drug_class in CLASS_TERMS:
            names.append(CLASS_TERMS[medication.drug_class])
        terms.append((r"\b(?:" + "|".join(names) + r")\b", medication.name))
    for study in summary.imaging:
        terms.append((IMAGING_TERMS.get(study.modality, r"(?!)"), study.modality))
    for finding in summary.neuro_findings:
        if finding.present:
            terms.append((NEURO_TERMS[finding.finding], finding.finding.replace("_", " ")))
    for record in summary.monitoring:
        if record.present and record.kind in MONITORING_TERMS:
            terms.append((MONITORING_TERMS[record.kind], record.kind.replace("_", " ")))
    return [(term_pattern(pattern), label) for pattern, label in terms]


@lru_cache(maxsize=1024)
def term_pattern(pattern: str) -> re.Pattern[str]:
    """A documented fact's pattern, compiled once: the patterns are the lexicons' (see documented_terms)."""
    return re.compile(pattern, re.I)


def check_documented_facts(sentences: list[str], summary: CaseSummary, grounding: Grounding) -> CheckResult:
    terms = grounding.documented
    improvements = [status for status in summary.functional_status if status.improved]
    for sentence in sentences:
        searched, folded = fold(sentence)
        if not NEGATIVE_HINT.pick(folded).search(searched):
            continue
        if '"' in sentence or "“" in sentence:
            sentence = QUOTED.sub(" ", sentence)  # the records' or the guideline's own words, not the text's claims
            searched, folded = fold(sentence)
        for pattern, words in zip(NEGATIVE_CLAIMS, CLAIM_WORDS, strict=True):
            if folded and not any(map(searched.__contains__, words)):
                continue
            for match in pattern.pick(folded).finditer(searched):
                claim = sentence[match.start("x"):match.end("x")]
                subject = CLAIM_CUT.split(claim, maxsplit=1)[0].strip()
                if FUNCTIONAL.match(subject):
                    if any(improvement_matches(status.related_to, claim) for status in improvements):
                        return contradiction(sentence, "functional improvement")
                    continue
                if not subject or ATTRIBUTE_HEAD.match(subject):
                    continue
                for term, label in terms:
                    if term.search(subject):
                        return contradiction(sentence, label)
    return CheckResult(check="documented_facts", passed=True)


def improvement_matches(related_to: str | None, claim: str) -> bool:
    """'No functional improvement from the opioid' contradicts an improvement after the opioid (or after an
    unnamed treatment), not one after physical therapy."""
    named = re.search(r"\b(?:from|with|after|following|since|in\s+response\s+to)\s+(?P<cause>.+)", claim, re.I)
    if named is None or not related_to:
        return True
    cause_words = content_stems(named.group("cause"))
    return bool(cause_words & content_stems(related_to)) or not cause_words


def contradiction(sentence: str, label: str) -> CheckResult:
    return CheckResult(check="documented_facts", passed=False,
                       detail=f"claims {label} is not documented, but the records document it: {sentence!r}")


# ---------------------------------------------------------------------------------------------
# 7. reviewer name
# ---------------------------------------------------------------------------------------------

NAME = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
REVIEWER_PATTERNS = (  # (substrings one of which must occur, pattern, needles every match starts with or ()):
    # the pattern runs only if a substring occurs, and only where a needle starts if there are needles
    (("Dr", "Doctor"), re.compile(rf"\b(?:Dr|Doctor)\.?\s+{NAME}"), ("Dr", "Doctor")),
    (("MD", "M.D", "DO", "D.O", "PhD", "Ph.D", "DC", "D.C", "FAAPMR", "MPH"),
     re.compile(rf"\b{NAME}(?:\s+[A-Z]\.)?\s+{NAME},?\s+(?:M\.?D\.?|D\.?O\.?|Ph\.?D\.?|D\.?C\.?|FAAPMR|MPH)\b"), ()),
    (("reviewed", "signed", "prepared", "written", "authored", "determined"),
     re.compile(rf"\b(?:reviewed|signed|prepared|written|authored|determined)\s+by\s+{NAME}"),
     ("reviewed", "signed", "prepared", "written", "authored", "determined")),
    (("I,",), re.compile(rf"\bI,\s+{NAME}"), ()),
    (("reviewer",), re.compile(rf"\b(?:reviewer|physician\s+reviewer|expert\s+reviewer)\s*(?:,|:)?\s+{NAME}\s+{NAME}"),
     ("reviewer", "physician", "expert")),
)


CREDENTIALS = frozenset({"MD", "DO", "PHD", "DC", "MPH", "FAAPMR", "DPM", "PSYD", "FACS", "DR", "MBA", "JR", "SR"})


def check_reviewer_name(text: str, reviewer_names: Sequence[str]) -> CheckResult:
    for triggers, pattern, starts in REVIEWER_PATTERNS:
        if not any(map(text.__contains__, triggers)):
            continue
        match = next(iter(needle_finditer(pattern, text, text, starts)), None) if starts else pattern.search(text)
        if match:
            return CheckResult(check="reviewer_name", passed=False, detail=f"names a person: {match.group(0)!r}")
    for name in reviewer_names:
        parts = [re.escape(part) for part in re.findall(r"[A-Za-z][A-Za-z'-]+", name)
                 if len(part) > 2 and part.upper().replace(".", "") not in CREDENTIALS]
        for part in parts:
            if re.search(rf"\b{part}\b", text):
                return CheckResult(check="reviewer_name", passed=False,
                                   detail=f"names the reviewer: {part.replace(chr(92), '')!r}")
    return CheckResult(check="reviewer_name", passed=True)
