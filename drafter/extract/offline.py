"""Offline extractor: a CaseFile becomes a CaseSummary with regexes and lexicons, no LLM.

Deterministic and fast (well under 2 ms for a one-page summary). Each fact carries Evidence whose
quote is exactly `document.text[start:end]`. Negation is handled per fact type: "no numbness" is an
absent paresthesia, "denies bowel or bladder dysfunction" is an absent red flag, "no documentation of
a urine drug screen" is monitoring not documented. Sentences that give the utilization review's
reasoning or the request itself do not count as record facts; sentences that propose care do not
count as care received.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from drafter.check.folding import Folded, fold
from drafter.extract import patterns as P
from drafter.extract.text import (
    DATE,
    Sentence,
    SentenceIndex,
    body_region,
    clause_bounds,
    is_negated,
    last_region,
    negation_cue,
    parse_date_match,
    split_sentences,
    to_int,
)
from drafter.models import (
    AgeFact,
    BodyRegion,
    CaseFile,
    CaseSummary,
    Diagnosis,
    Document,
    DocumentRef,
    Evidence,
    Fact,
    FunctionalStatus,
    MedicationUse,
    MonitoringRecord,
    NeuroFinding,
    PainScore,
    PlantedInstruction,
    PriorImaging,
    RedFlag,
    SexFact,
    SurgeryRecord,
    TreatmentCourse,
    URCertification,
    WorkStatus,
)

EXTRACTOR = "offline"
_FLATTEN = str.maketrans("\n\r\t\f\v", "     ")
F = TypeVar("F", bound=Fact)
_WEEKS_PER_UNIT = {"week": 1.0, "month": 52 / 12, "year": 52.0}


@dataclass
class _Doc:
    """One document prepared for extraction: its sentences and what each sentence is about."""

    doc: Document
    scan: P.Scan
    sentences: list[Sentence]
    index: SentenceIndex
    ur: set[int] = field(default_factory=set)
    plan: set[int] = field(default_factory=set)
    planted: set[int] = field(default_factory=set)

    @property
    def text(self) -> str:
        """The document text with line breaks and tabs as spaces: patterns see "physical\\ntherapy" as
        "physical therapy". Offsets are the document's; quotes are cut from the document itself."""
        return self.scan.text

    @classmethod
    def prepare(cls, doc: Document) -> _Doc:
        flat = doc.text.translate(_FLATTEN)
        sentences = split_sentences(doc.text, view=flat)
        prepared = cls(doc, P.Scan(flat), sentences, SentenceIndex(sentences))
        for marks, trigger in ((prepared.ur, P.UR_CONTEXT), (prepared.plan, P.PLAN_CONTEXT),
                               (prepared.planted, P.PLANTED)):
            for m in trigger.finditer(prepared.scan):
                marks.add(prepared.sentence(m.start()).start)
        # Text addressed to the reviewer is not a record of care: no fact is taken from it.
        prepared.ur |= prepared.planted
        # Every sentence under a "Plan:" heading proposes care; under a "UR determination:" heading, reviews it.
        headings = list(P.section_headings(doc.text))
        for i, heading in enumerate(headings):
            marks = (prepared.plan if P.PLAN_HEADING.search(heading.group(1))
                     else prepared.ur if P.UR_HEADING.search(heading.group(1)) else None)
            if marks is None:
                continue
            end = headings[i + 1].start() if i + 1 < len(headings) else len(doc.text)
            blank = doc.text.find("\n\n", heading.end(), end)
            end = blank if blank >= 0 else end
            marks.update(s.start for s in sentences if heading.start() <= s.start < end)
        return prepared

    def sentence(self, offset: int) -> Sentence:
        return self.index.at(offset)

    def is_ur(self, s: Sentence) -> bool:
        return s.start in self.ur

    def is_plan(self, s: Sentence) -> bool:
        return s.start in self.plan

    def before(self, folded: Folded, start: int, end: int) -> re.Match[str] | None:
        """folded.pattern.search(self.text, start, end); on ASCII text, its lower-case twin's search of the
        lower-case text (same offsets; group strings lower-case)."""
        if self.scan.ascii:
            return folded.lower.search(self.scan.lower, start, end)
        return folded.pattern.search(self.text, start, end)

    def not_recorded(self, start: int, end: int) -> bool:
        """Whether text[start:end] says the records are silent about what follows ("no documentation of"):
        before(P.NOT_RECORDED_FOLDED, start, end). On ASCII text the search runs only when the lower-case window
        holds one of P.NOT_RECORDED_WORDS, which every match contains (a few substring searches rule out most
        windows; the twin would try each of its many leading letters)."""
        if self.scan.ascii and not P.holds_any(self.scan.lower, P.NOT_RECORDED_WORDS, start, end):
            return False
        return self.before(P.NOT_RECORDED_FOLDED, start, end) is not None

    def at(self, folded: Folded, start: int) -> re.Match[str] | None:
        """folded.pattern.match(self.text, start); on ASCII text, its lower-case twin's match of the lower-case text."""
        if self.scan.ascii:
            return folded.lower.match(self.scan.lower, start)
        return folded.pattern.match(self.text, start)

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for document.text[start:end], trimmed of surrounding whitespace and trailing commas."""
        text = self.doc.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
            end -= 1
        return Evidence(doc_id=self.doc.doc_id, start=start, end=end, quote=text[start:end])


def extract_offline(case: CaseFile) -> CaseSummary:
    """Extract every fact type from every document of the case."""
    # The facts are gathered in local lists and the summary made once at the end: assigning a field of a
    # pydantic model costs a __setattr__ (thousands of instructions), validating a list of models a few per item.
    age: AgeFact | None = None
    sex: SexFact | None = None
    found: dict[str, list[Any]] = defaultdict(list)  # field name -> its facts
    for doc in case.documents:
        d = _Doc.prepare(doc)
        if age is None:
            age = _age(d)
        if sex is None:
            sex = _sex(d)
        found["diagnoses"] += _diagnoses(d)
        found["pain_scores"] += _pain_scores(d)
        found["treatments"] += _treatments(d)
        found["medications"] += _medications(d)
        found["neuro_findings"] += _neuro_findings(d)
        found["red_flags"] += _red_flags(d)
        found["imaging"] += _imaging(d)
        found["functional_status"] += _functional_status(d)
        found["work_status"] += _work_status(d)
        found["monitoring"] += _monitoring(d, found["pain_scores"])
        found["surgeries"] += _surgeries(d)
        found["ur_certifications"] += _ur_certifications(d)
        found["planted_instructions"] += _planted_instructions(d)
    found["diagnoses"] = _unique(found["diagnoses"], lambda f: f.name.lower())
    found["medications"] = _merge_medications(found["medications"])
    return CaseSummary(
        case_id=case.case_id,
        header=case.header,
        documents=[DocumentRef(doc_id=d.doc_id, name=d.name, date=d.date) for d in case.documents],
        disputed_items=case.disputed_items,
        age=age,
        sex=sex,
        extractor=EXTRACTOR,
        **found,
    )


def _unique(facts: list[F], key: Callable[[F], Hashable]) -> list[F]:
    """The facts without repeats (same key), first mention kept."""
    seen: set[Hashable] = set()
    kept: list[F] = []
    for fact in facts:
        k = key(fact)
        if k not in seen:
            seen.add(k)
            kept.append(fact)
    return kept


# ---------------------------------------------------------------------------------------------
# claimant
# ---------------------------------------------------------------------------------------------


def _age(d: _Doc) -> AgeFact | None:
    for m in P.AGE.finditer(d.scan):
        years = int(m.group(1) or m.group(2))
        if 14 <= years <= 100 and d.sentence(m.start()).start not in d.planted:
            return AgeFact(years=years, evidence=d.evidence(m.start(), m.end()))
    return None


def _sex(d: _Doc) -> SexFact | None:
    m = next((m for m in P.SEX.finditer(d.scan) if d.sentence(m.start()).start not in d.planted), None)
    if m is None:
        return _sex_from_pronouns(d)
    return SexFact(sex=P.SEX_WORDS[m.group(1).lower()], evidence=d.evidence(m.start(), m.end()))  # type: ignore[arg-type]


def _sex_from_pronouns(d: _Doc) -> SexFact | None:
    """"He could not bear weight": the pronouns, when every one of them agrees."""
    pronouns = [m for m in P.PRONOUN.finditer(d.scan) if d.sentence(m.start()).start not in d.planted]
    sexes = {"female" if m.group(0).lower().startswith(("she", "her")) else "male" for m in pronouns}
    if len(sexes) != 1:
        return None
    return SexFact(sex=sexes.pop(), evidence=d.evidence(pronouns[0].start(), pronouns[0].end()))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# diagnoses
# ---------------------------------------------------------------------------------------------


def _diagnoses(d: _Doc) -> list[Diagnosis]:
    found: list[Diagnosis] = []
    text = d.text
    for lead in P.DIAGNOSIS_LEAD.finditer(d.scan):
        s = d.sentence(lead.start())
        if d.is_ur(s) and not lead.group(0).lower().startswith("claim"):
            continue
        start = lead.end()
        # A "Diagnoses:" heading runs to the next heading or blank line; a sentence lead to the sentence end.
        original = d.doc.text
        line_start = original.rfind("\n", 0, lead.start()) + 1
        if P.DIAGNOSIS_HEADING.match(lead.group(0)) and not original[line_start:lead.start()].strip():
            following = next(P.section_headings(original, start), None)
            blank = original.find("\n\n", start)
            end = min(x for x in (following.start() if following else -1, blank, len(original)) if x >= 0)
        else:
            end = s.end
            stop = P.DIAGNOSIS_STOP.search(text, start, end)
            if stop:
                end = stop.start()
        found += _diagnosis_items(d, start, end)
    return found


def _diagnosis_items(d: _Doc, start: int, end: int) -> list[Diagnosis]:
    """Split a diagnosis list ("A, B and C", "A; B", "A. B.") into one Diagnosis per item."""
    text = d.text
    segment = text[start:end]
    pieces: list[tuple[int, int]] = []
    cursor = 0
    for m in P.DIAGNOSIS_ITEM_BREAK.finditer(segment):
        pieces.append((cursor, m.start()))
        cursor = m.end()
    pieces.append((cursor, len(segment)))
    if re.search(r"[,;]|\.\s", segment):  # "A, B and C": the last "and" separates items too
        split_pieces = []
        for a, b in pieces:
            inner = a
            for m in P.DIAGNOSIS_AND.finditer(segment, a, b):
                split_pieces.append((inner, m.start()))
                inner = m.end()
            split_pieces.append((inner, b))
        pieces = split_pieces
    found: list[Diagnosis] = []
    for a, b in pieces:
        piece = segment[a:b]
        trim = P.DIAGNOSIS_TRIM.search(piece)
        while trim and trim.group(0):
            if trim.start() == 0:
                a += trim.end()
            else:
                b = a + trim.start()
            piece = segment[a:b]
            trim = P.DIAGNOSIS_TRIM.search(piece)
        piece = piece.rstrip(".")
        b = a + len(piece)
        if len(piece) < 4 or not re.search(r"[A-Za-z]{3}", piece) or len(piece) > 120 \
                or P.DIAGNOSIS_NOT_ITEM.fullmatch(piece):
            continue
        if found and P.DIAGNOSIS_CERTAINTY_ITEM.fullmatch(piece):
            found[-1].certainty = "suspected"
            continue
        if found and P.DIAGNOSIS_CONTINUES.match(piece):
            # ICD style "strain of muscle, fascia and tendon at neck level" is one diagnosis.
            merged = d.evidence(found[-1].evidence.start, start + b)
            found[-1] = Diagnosis(name=merged.quote, body_region=found[-1].body_region or body_region(merged.quote),
                                  certainty=found[-1].certainty, evidence=merged)
            continue
        if P.REGION_ONLY.fullmatch(piece):
            # ICD style "dislocation, shoulder": the place belongs to the item before it.
            if found and found[-1].body_region is None:
                found[-1].body_region = body_region(piece)
            continue
        certainty = "confirmed"
        if P.RULED_OUT.search(piece):
            certainty = "ruled_out"
        elif P.SUSPECTED.search(piece):
            certainty = "suspected"
        found.append(Diagnosis(
            name=piece,
            body_region=body_region(piece),
            certainty=certainty,  # type: ignore[arg-type]
            evidence=d.evidence(start + a, start + b),
        ))
    return found


# ---------------------------------------------------------------------------------------------
# pain
# ---------------------------------------------------------------------------------------------


def _pain_scores(d: _Doc) -> list[PainScore]:
    found: list[PainScore] = []
    text = d.text
    for m in P.PAIN.finditer(d.scan):
        s = d.sentence(m.start())
        if d.is_ur(s) or not P.PAIN_CONTEXT.search(s.text):
            continue
        low, high = float(m.group(1)), float(m.group(2) or m.group(1))
        if high > 10 or low > high:
            continue
        left, right = clause_bounds(text, s, m.start(), m.end())
        context_parts = []
        # The medication context nearest to the score: "with medication 5/10 and without medication 8/10".
        after = P.WITH_MEDICATION.search(text, m.end(), min(right, m.end() + 40))
        before = _last(P.WITH_MEDICATION, text, max(left, m.start() - 40), m.start())
        med = min((x for x in (before, after) if x), default=None,
                  key=lambda x: m.start() - x.end() if x.end() <= m.start() else x.start() - m.end())
        if med:
            context_parts.append(med.group(0).lower())
        else:
            region = last_region(text, max(left, m.start() - 80), m.start())
            if region:
                context_parts.append(region)
        if m.group(2):
            context_parts.append(f"range {m.group(1)}-{m.group(2)}")
        start, end = m.start(), m.end()
        if med:
            start, end = min(start, med.start()), max(end, med.end())
        found.append(PainScore(score=high, context="; ".join(context_parts) or None,
                               evidence=d.evidence(start, end)))
    return found


def _last(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    last = None
    for m in pattern.finditer(text, start, end):
        last = m
    return last


# ---------------------------------------------------------------------------------------------
# treatments
# ---------------------------------------------------------------------------------------------


def _treatments(d: _Doc) -> list[TreatmentCourse]:
    found: list[TreatmentCourse] = []
    mentions_by_sentence: dict[int, list[re.Match[str]]] = {}
    for m in P.MODALITY.finditer(d.scan):
        mentions_by_sentence.setdefault(d.sentence(m.start()).start, []).append(m)
    for s_start, mentions in mentions_by_sentence.items():
        s = d.sentence(s_start)
        if not (d.is_ur(s) or d.is_plan(s)):
            found += _sentence_treatments(d, s, mentions)
    found += _own_visits(d, set(mentions_by_sentence))
    # A bare repeat of a modality for the same region ("physical therapy" with no count or response) adds
    # nothing; therapy of another region (or of no stated region) is another course.
    informative = {(f.modality, f.body_region) for f in found if f.sessions is not None or f.response != "not_stated"}
    kept: list[TreatmentCourse] = []
    seen: set[tuple[str, str | None]] = set()
    for f in found:
        key = (f.modality, f.body_region)
        bare = f.sessions is None and f.response == "not_stated"
        if bare and (key in informative or key in seen):
            continue
        seen.add(key)
        kept.append(f)
    return kept


def _sentence_treatments(d: _Doc, s: Sentence, mentions: list[re.Match[str]]) -> list[TreatmentCourse]:
    """The courses one sentence reports: modality, visits (counts go to the nearest mention), outcome."""
    text = d.text
    history = P.TREATMENT_HISTORY.search(s.text) is not None
    lower = d.scan.lower[s.start:s.end]
    has_counts = "session" in lower or "visit" in lower or "treatments" in lower or "injections" in lower
    counts = _assign_counts(text, mentions, _sessions(d, s)) if has_counts else {}
    courses: list[tuple[int, TreatmentCourse]] = []
    for i, m in enumerate(mentions):
        modality = m.lastgroup or "other"
        seg_start = mentions[i - 1].end() if i else s.start
        seg_end = mentions[i + 1].start() if i + 1 < len(mentions) else s.end
        negation = P.TREATMENT_NEGATION.search(text, max(seg_start, m.start() - 30), m.start())
        if (negation and modality not in P.COUNTABLE) or (modality == "medication" and not history) or \
                d.not_recorded(max(s.start, m.start() - 60), m.start()):
            continue
        count_match = None if negation else counts.get(i)
        if negation:  # "no prior chiropractic care": zero sessions
            count, response, start, end = 0, "not_stated", negation.start(), m.end()
        else:
            count = to_int(count_match.group("digits") or count_match.group("n")) if count_match else None
            response = _response(text, s, seg_start, seg_end, m)
            start, end = m.start(), m.end()
            if count_match:
                start, end = min(start, count_match.start()), max(end, count_match.end())
        clause_left, clause_right = clause_bounds(text, s, m.start(), m.end())
        courses.append((i, TreatmentCourse(
            modality=modality,  # type: ignore[arg-type]
            sessions=count,
            body_region=body_region(text, m.end(), min(clause_right, m.end() + 40))
            or last_region(text, max(clause_left, m.start() - 40), m.start()),
            response=response,  # type: ignore[arg-type]
            evidence=d.evidence(start, end),
        )))
    # "She has not had physical therapy, acupuncture or injections": none of them.
    for (i, course), (j, following) in zip(courses[:-1], courses[1:], strict=True):
        glue = text[mentions[i].end():mentions[j].start()]
        if course.sessions == 0 and following.sessions is None and following.response == "not_stated" \
                and following.modality in P.COUNTABLE and re.search(r",|\bor\b", glue) \
                and P.LIST_GLUE.fullmatch(glue):
            following.sessions = 0
    # "24 PT visits, 12 chiropractic visits and two injections without lasting benefit": the outcome
    # closing a plain list is the outcome of every item of it.
    for (i, course), (j, following) in zip(reversed(courses[:-1]), reversed(courses[1:]), strict=True):
        if course.response == "not_stated" and following.response != "not_stated" and course.sessions != 0 \
                and P.LIST_GLUE.fullmatch(text, mentions[i].end(), mentions[j].start()):
            course.response = following.response
    return [course for _, course in courses]


def _sessions(d: _Doc, s: Sentence) -> list[re.Match[str]]:
    """The visit counts (P.SESSIONS) in a sentence; on ASCII text, by the lower-case twin in the lower-case text."""
    if d.scan.ascii:
        return list(P.SESSIONS_FOLDED.lower.finditer(d.scan.lower, s.start, s.end))
    return list(P.SESSIONS.finditer(d.text, s.start, s.end))


def _own_visits(d: _Doc, mention_sentences: set[int]) -> list[TreatmentCourse]:
    """A therapy note's own visits: "Visit 14.", "Ten visits completed." in a physical therapy note."""
    named = P.MODALITY.search(d.doc.name)
    if named is None or named.lastgroup in (None, "medication", "other"):
        return []
    found: list[TreatmentCourse] = []
    for s in d.sentences:
        if s.start in mention_sentences or d.is_ur(s) or d.is_plan(s):
            continue
        visit = P.VISIT_NUMBER.search(s.text)
        count = P.SESSIONS.search(s.text) if P.VISITS_DONE.search(s.text) else None
        match = visit or count
        if match is None:
            continue
        sessions = int(visit.group(1)) if visit else to_int(count.group("digits") or count.group("n"))  # type: ignore[union-attr]
        following = d.sentences[d.sentences.index(s) + 1].text if s is not d.sentences[-1] else ""
        after = s.text[match.end():] + " " + following  # progress is often the next sentence of the note
        response = ("not_improved" if P.NOT_IMPROVED.search(after) else
                    "improved" if P.IMPROVED.search(after) else "not_stated")
        found.append(TreatmentCourse(modality=named.lastgroup, sessions=sessions,  # type: ignore[arg-type]
                                     body_region=None, response=response,  # type: ignore[arg-type]
                                     evidence=d.evidence(s.start + match.start(), s.start + match.end())))
    return found


_COUNT_OF = re.compile(r"\s+of\s+(?:\w+\s+){0,2}")


def _assign_counts(text: str, mentions: list[re.Match[str]], counts: list[re.Match[str]]) -> dict[int, re.Match[str]]:
    """Each visit count goes to the modality mention nearest to it (within 40 characters)."""
    assigned: dict[int, re.Match[str]] = {}
    for c in counts:
        best: tuple[int, int] | None = None
        for i, m in enumerate(mentions):
            if c.start() <= m.start() < c.end():
                distance = 0
            elif c.start() >= m.end():
                distance = c.start() - m.end()
            elif _COUNT_OF.fullmatch(text, c.end(), m.start()):  # "6 sessions of acupuncture"
                distance = m.start() - c.end()
            else:  # a count before a mention usually closes the previous item: "PT (6 sessions), acupuncture"
                distance = m.start() - c.end() + 20
            if distance <= 40 and (best is None or distance < best[0]):
                best = (distance, i)
        if best is not None and best[1] not in assigned:
            assigned[best[1]] = c
    return assigned


def _response(text: str, s: Sentence, seg_start: int, seg_end: int, m: re.Match[str]) -> str:
    """The outcome stated after the mention (up to the next one), else just before it ("no relief despite PT")."""
    after = text[m.end():seg_end].split(";", 1)[0]
    before = text[max(seg_start, s.start, m.start() - 40):m.start()]
    before = before[before.rfind(",") + 1:]
    windows = [after]
    if P.RESPONSE_BEFORE.search(before):
        windows.append(before)
    for window in windows:
        # "without documentation of functional improvement" says nothing about the outcome itself.
        if P.NOT_DOCUMENTED.search(window):
            return "not_stated"
        if P.NOT_IMPROVED.search(window):
            return "not_improved"
        if P.IMPROVED.search(window):
            return "improved"
    return "not_stated"


# ---------------------------------------------------------------------------------------------
# medications
# ---------------------------------------------------------------------------------------------


def _medications(d: _Doc) -> list[MedicationUse]:
    text = d.text
    found: list[MedicationUse] = []
    drug_matches = list(P.MEDICATION.finditer(d.scan))
    for i, m in enumerate(drug_matches):
        s = d.sentence(m.start())
        if d.is_ur(s):
            continue
        if d.is_plan(s) and not _continued(text, s, m.start()):
            continue
        if P.TREATMENT_NEGATION.search(text, max(s.start, m.start() - 30), m.start()):
            continue
        # The start date or duration stated after this drug, before the next drug is named.
        next_drug = drug_matches[i + 1].start() if i + 1 < len(drug_matches) else len(text)
        horizon = min(s.end, next_drug, m.end() + 90)
        start_date, weeks, end = None, None, m.end()
        since = P.SINCE.search(text, m.end(), horizon)
        if since:
            date = DATE.match(text, since.end())
            if date:
                start_date = parse_date_match(date)
                end = date.end() if start_date else end
        duration = P.DURATION.search(text, m.end(), horizon)
        if duration and start_date is None:
            n = (duration.group("n") or duration.group("n_past") or "a").lower()  # "for the past year": one
            count = 1 if n in ("a", "an") else to_int(n)
            weeks = round(count * _WEEKS_PER_UNIT[duration.group("unit").lower().rstrip("s")], 1)
            end = duration.end()
        if start_date is not None and d.doc.date is not None and d.doc.date >= start_date:
            weeks = round((d.doc.date - start_date).days / 7)  # use documented up to this note
        drug = P.DRUGS[m.group("drug").lower()]
        found.append(MedicationUse(
            name=text[m.start():m.end()].strip(),
            drug_class=drug.drug_class,
            start_date=start_date,
            duration_weeks=weeks,
            evidence=d.evidence(m.start(), end),
        ))
    return found


def _continued(text: str, s: Sentence, start: int) -> bool:
    """In a plan, a drug is already in use when the nearest verb before it refills or continues it."""
    current = _last(P.CURRENT_USE, text, s.start, start)
    new = _last(P.NEW_USE, text, s.start, start)
    return current is not None and (new is None or new.start() < current.start())


def _merge_medications(meds: list[MedicationUse]) -> list[MedicationUse]:
    """One fact per drug: the first mention, or the first that states a start date or duration."""
    chosen: dict[str, MedicationUse] = {}
    for med in meds:
        key = P.DRUGS[P.MEDICATION.regex.match(med.name).group("drug").lower()].generic  # type: ignore[union-attr]
        current = chosen.get(key)
        if current is None or (current.start_date is None and current.duration_weeks is None
                               and (med.start_date or med.duration_weeks)):
            chosen[key] = med
    return list(chosen.values())


# ---------------------------------------------------------------------------------------------
# neurologic findings
# ---------------------------------------------------------------------------------------------


def _neuro_findings(d: _Doc) -> list[NeuroFinding]:
    text = d.text
    found: list[NeuroFinding] = []
    covered: list[tuple[int, int, str]] = []

    def add(kind: str, present: bool, start: int, end: int, s: Sentence, detail: str | None = None) -> None:
        for a, b, k in covered:
            if k == kind and a < end and start < b:
                return
        covered.append((start, end, kind))
        left, right = clause_bounds(text, s, start, end)
        dermatome = P.dermatome(text, left, right)
        found.append(NeuroFinding(
            finding=kind,  # type: ignore[arg-type]
            present=present,
            body_region=_finding_region(text, start, end, left, right),
            detail=detail or (dermatome.group(0) if dermatome else None),
            evidence=d.evidence(start, end),
        ))

    def usable(s: Sentence, start: int) -> bool:
        return not (d.is_ur(s) or d.before(P.HEDGE_FOLDED, max(s.start, start - 25), start)
                    or d.not_recorded(max(s.start, start - 60), start))

    for m in P.NORMAL_LIST.finditer(d.scan):
        s = d.sentence(m.start())
        if usable(s, m.start()):
            for member, kind in P.NORMAL_LIST_MEMBERS:
                if member.search(m.group(0)):
                    add(kind, False, m.start(), m.end(), s)
    for m in P.NO_NEURO_DEFICIT.finditer(d.scan):
        s = d.sentence(m.start())
        if usable(s, m.start()) and not P.NOT_DOCUMENTED.search(m.group(0)):
            for kind in ("sensory_deficit", "motor_weakness", "reflex_change"):
                add(kind, False, m.start(), m.end(), s, detail="no neurologic deficit")
    for pattern, kind, present in P.NEURO_PATTERNS:
        for m in pattern.finditer(d.scan):
            s = d.sentence(m.start())
            if not usable(s, m.start()):
                continue
            if d.at(P.POST_HEDGE_FOLDED, m.end()):
                continue
            cue = negation_cue(text, s, m.start()) if present else None
            post = d.at(P.POST_NEGATION_FOLDED, m.end()) if present and cue is None else None
            end = post.end() if post else m.end()
            add(kind, present and cue is None and post is None, cue.start() if cue else m.start(), end, s)
    for m in P.RADICULAR_WHEN_DENIED.finditer(d.scan):
        s = d.sentence(m.start())
        cue = negation_cue(text, s, m.start())
        if cue is not None and usable(s, m.start()):
            add("radicular_symptoms", False, cue.start(), m.end(), s)
    for m in P.STRENGTH_GRADE.finditer(d.scan):
        s = d.sentence(m.start())
        if not usable(s, m.start()):
            continue
        weak = int(m.group(1)) < 5 or m.group(2) == "-"
        left, _ = clause_bounds(text, s, m.start(), m.end())
        label = _last(P.STRENGTH_LABEL, text, max(left, m.start() - 40), m.start())
        start = label.start() if label else m.start()
        add("motor_weakness", weak, start, m.end(), s, detail=text[start:m.end()])
    found += _reflexes(d, covered)
    found += _straight_leg_raise(d)
    return found


def _finding_region(text: str, start: int, end: int, left: int, right: int) -> BodyRegion | None:
    """The region a finding names, else the place after it ("... in the left foot"), else the nearest before."""
    inside = body_region(text, start, end)
    if inside:
        return inside
    if P.PLACE_AFTER.match(text, end):
        return body_region(text, end, right) or last_region(text, left, start)
    return last_region(text, left, start) or body_region(text, end, right)


def _reflexes(d: _Doc, covered: list[tuple[int, int, str]]) -> list[NeuroFinding]:
    text = d.text
    found: list[NeuroFinding] = []
    for m in P.REFLEX.finditer(d.scan):
        s = d.sentence(m.start())
        if d.is_ur(s) or any(k == "reflex_change" and a <= m.start() < b for a, b, k in covered):
            continue
        left = s.start
        breaks, scanned = P.REFLEX_SEGMENT_BREAK_FOLDED.pick(d.scan.ascii), d.scan.lower if d.scan.ascii else text
        for br in breaks.finditer(scanned, s.start, m.start()):
            left = br.end()
        brk = breaks.search(scanned, m.end(), s.end)
        right = brk.start() if brk else s.end
        segment = text[left:right]
        searched, folded = fold(segment)
        if P.REFLEX_ABNORMAL_FOLDED.pick(folded).search(searched) and not is_negated(text, s, m.start()):
            present = True
        elif P.REFLEX_NORMAL_FOLDED.pick(folded).search(searched) or is_negated(text, s, m.start()):
            present = False
        else:
            continue
        ev = d.evidence(left, right)
        covered.append((left, right, "reflex_change"))
        found.append(NeuroFinding(finding="reflex_change", present=present,
                                  body_region=body_region(segment), detail=ev.quote, evidence=ev))
    return found


def _straight_leg_raise(d: _Doc) -> list[NeuroFinding]:
    text = d.text
    found: list[NeuroFinding] = []
    for m in P.SLR.finditer(d.scan):
        s = d.sentence(m.start())
        if d.is_ur(s):
            continue
        left, right = clause_bounds(text, s, m.start(), m.end())
        after_end = min(right, m.end() + 30)
        pos_after = P.POSITIVE.search(text, m.end(), after_end)
        neg_after = P.NEGATIVE.search(text, m.end(), after_end)
        pos_before = _last(P.POSITIVE, text, max(left, m.start() - 60), m.start())
        neg_before = _last(P.NEGATIVE, text, max(left, m.start() - 60), m.start())
        after = min((x for x in (pos_after, neg_after) if x), key=lambda x: x.start(), default=None)
        before = max((x for x in (pos_before, neg_before) if x), key=lambda x: x.start(), default=None)
        polarity = after or before
        if polarity is None:
            continue
        present = polarity is pos_after or polarity is pos_before
        start, end = min(m.start(), polarity.start()), max(m.end(), polarity.end())
        found.append(NeuroFinding(
            finding="positive_straight_leg_raise",
            present=present,
            body_region="lumbar",
            detail=None,
            evidence=d.evidence(start, end),
        ))
    return found


# ---------------------------------------------------------------------------------------------
# red flags
# ---------------------------------------------------------------------------------------------


def _red_flags(d: _Doc) -> list[RedFlag]:
    text = d.text
    found: list[RedFlag] = []
    for pattern, kind in P.RED_FLAG_PATTERNS:
        for m in pattern.finditer(d.scan):
            s = d.sentence(m.start())
            if d.is_ur(s) or d.before(P.HEDGE_FOLDED, max(s.start, m.start() - 40), m.start()) \
                    or d.not_recorded(max(s.start, m.start() - 60), m.start()) \
                    or P.RED_FLAG_NOT_CONDITION.match(text, m.end()):
                continue
            cue = negation_cue(text, s, m.start())
            post = d.at(P.POST_NEGATION_FOLDED, m.end()) if cue is None else None
            if post:
                found.append(RedFlag(flag=kind, present=False,  # type: ignore[arg-type]
                                     evidence=d.evidence(m.start(), post.end())))
                continue
            if d.is_plan(s) and cue is None:
                continue
            found.append(RedFlag(flag=kind, present=cue is None,  # type: ignore[arg-type]
                                 evidence=d.evidence(cue.start() if cue else m.start(), m.end())))
    for m in P.RED_FLAGS_ANY.finditer(d.scan):
        s = d.sentence(m.start())
        cue = negation_cue(text, s, m.start())
        if d.is_ur(s) or cue is None:
            continue
        ev = d.evidence(cue.start(), m.end())
        found += [RedFlag(flag=kind, present=False, evidence=ev) for kind in P.RED_FLAG_KINDS]  # type: ignore[arg-type]
    return _unique(found, lambda f: (f.flag, f.present, f.evidence.start))


# ---------------------------------------------------------------------------------------------
# imaging
# ---------------------------------------------------------------------------------------------


def _imaging(d: _Doc) -> list[PriorImaging]:
    text = d.text
    found: list[PriorImaging] = []
    for m in P.IMAGING.finditer(d.scan):
        s = d.sentence(m.start())
        if d.is_ur(s) or d.is_plan(s) or d.before(P.HEDGE_FOLDED, max(s.start, m.start() - 25), m.start()):
            continue
        left, right = clause_bounds(text, s, m.start(), m.end())
        if P.TREATMENT_NEGATION.search(text, max(s.start, m.start() - 30), m.start()) or \
                P.IMAGING_NOT_DONE.search(text, m.end(), s.end):
            continue
        region = body_region(text, m.end(), min(s.end, m.end() + 40)) or last_region(
            text, max(left, m.start() - 30), m.start())
        date_match = DATE.search(text, m.end(), min(s.end, m.end() + 80))
        if date_match is None:
            date_match = _last(DATE, text, max(s.start, m.start() - 60), m.start())
        date = parse_date_match(date_match) if date_match else None
        result = P.IMAGING_RESULT.search(text, m.end(), s.end)
        finding = None
        end = m.end()
        if result:
            finding = text[result.end():s.end].strip().rstrip(".").strip('"') or None
            end = s.end
        elif date_match and date_match.start() > m.end():
            end = date_match.end()
        if finding is None and date is None:
            continue
        found.append(PriorImaging(
            modality=m.lastgroup,  # type: ignore[arg-type]
            body_region=region,
            date=date,
            finding=finding,
            evidence=d.evidence(m.start(), end),
        ))
    return _unique(found, lambda f: (f.modality, f.body_region, f.date))


# ---------------------------------------------------------------------------------------------
# function, work status, monitoring, surgery, planted instructions
# ---------------------------------------------------------------------------------------------


def _functional_status(d: _Doc) -> list[FunctionalStatus]:
    text = d.text
    found: list[FunctionalStatus] = []
    for m in P.FUNCTION.finditer(d.scan):
        s = d.sentence(m.start())
        if d.is_ur(s) or d.is_plan(s):
            continue
        cue = negation_cue(text, s, m.start())
        found.append(FunctionalStatus(
            improved=cue is None,
            related_to=_related_treatment(d, s),
            evidence=d.evidence(cue.start() if cue else m.start(), m.end()),
        ))
    for m in P.FUNCTION_UNCHANGED.finditer(d.scan):
        s = d.sentence(m.start())
        if not (d.is_ur(s) or d.is_plan(s) or any(f.evidence.start <= m.start() < f.evidence.end for f in found)):
            found.append(FunctionalStatus(improved=False, related_to=_related_treatment(d, s),
                                          evidence=d.evidence(m.start(), m.end())))
    found.sort(key=lambda f: f.evidence.start)
    return found


def _related_treatment(d: _Doc, s: Sentence) -> str | None:
    """The treatment a function statement follows: one the sentence names, else the therapy the note is
    from ("Physical therapy re-evaluation")."""
    named = _treatment_named(d.text, s.start, s.end)
    if named:
        return named
    own = P.MODALITY.search(d.doc.name)
    return own.lastgroup if own and own.lastgroup not in ("medication", "other") else None


def _treatment_named(text: str, start: int, end: int) -> str | None:
    drug = P.MEDICATION.regex.search(text, start, end)
    modality = P.MODALITY.regex.search(text, start, end)
    candidates = [x for x in (drug, modality) if x is not None]
    if not candidates:
        return None
    first = min(candidates, key=lambda x: x.start())
    return first.group("drug") if first is drug else first.lastgroup


def _work_status(d: _Doc) -> list[WorkStatus]:
    found: list[WorkStatus] = []
    for pattern, status in P.WORK_STATUS:
        for m in pattern.finditer(d.scan):
            s = d.sentence(m.start())
            if d.is_ur(s) or P.WORK_NOT_ACTUAL.search(d.text, max(s.start, m.start() - 30), m.start()):
                continue
            if any(f.evidence.start <= m.start() < f.evidence.end for f in found):
                continue
            found.append(WorkStatus(status=status, evidence=d.evidence(m.start(), m.end())))  # type: ignore[arg-type]
    found.sort(key=lambda f: f.evidence.start)
    return found


def _monitoring(d: _Doc, pain_scores: list[PainScore]) -> list[MonitoringRecord]:
    text = d.text
    found: list[MonitoringRecord] = []
    for pattern, kind in P.MONITORING:
        for m in pattern.finditer(d.scan):
            s = d.sentence(m.start())
            if d.is_ur(s) or d.is_plan(s):
                continue
            if kind == "aberrant_behavior" and m.group(0).lower().endswith("prescribed") \
                    and not P.DRUG_TEST_CONTEXT.search(s.text):
                continue  # "not prescribed" is aberrant only of a drug found on a screen
            not_documented = d.before(P.NOT_DOCUMENTED_FOLDED, max(s.start, m.start() - 60), m.start())
            cue = negation_cue(text, s, m.start())
            start = not_documented.start() if not_documented else (cue.start() if cue else m.start())
            if kind == "side_effects_assessed":
                # "denies side effects" documents the assessment; only silence counts as absent.
                present = not_documented is None
                detail = "none reported" if cue and present else None
            else:  # urine drug screen done, CURES checked, ... ; aberrant behaviour seen
                present = not (not_documented or cue)
                detail = None
            found.append(MonitoringRecord(kind=kind, present=present, detail=detail,  # type: ignore[arg-type]
                                          evidence=d.evidence(start, m.end())))
    for m in P.SIDE_EFFECT_TERMS.finditer(d.scan):
        s = d.sentence(m.start())
        if d.is_ur(s) or d.is_plan(s) or d.before(P.NOT_DOCUMENTED_FOLDED, max(s.start, m.start() - 60), m.start()):
            continue
        cue = negation_cue(text, s, m.start())
        # A denied side effect may follow the sentence naming the drug ("Naproxen 550 mg. No stomach upset.");
        # a reported one must name the drug just before it ("the medicine makes him drowsy").
        context = (text[d.sentence(max(s.start - 2, 0)).start:s.end] if cue
                   else text[max(s.start, m.start() - 60):m.start()])
        if not (P.MEDICATION_WORD.search(context) or P.MEDICATION.regex.search(context)):
            continue  # "headaches with nausea" is a symptom, not a drug's side effect
        found.append(MonitoringRecord(kind="side_effects_assessed", present=True, detail=m.group(0).lower(),
                                      evidence=d.evidence(cue.start() if cue else m.start(), m.end())))
    for m in P.RELIEF_UNKNOWN.finditer(d.scan):
        if not d.is_ur(d.sentence(m.start())):
            found.append(MonitoringRecord(kind="pain_relief_quantified", present=False, detail=None,
                                          evidence=d.evidence(m.start(), m.end())))
    found += _pain_relief(d, pain_scores)
    return _unique(found, lambda f: (f.kind, f.present, d.sentence(f.evidence.start).start))


def _pain_relief(d: _Doc, pain_scores: list[PainScore]) -> list[MonitoringRecord]:
    """Pain rated with and without a medication (or before and after it) in one sentence."""
    by_sentence: dict[int, list[PainScore]] = {}
    for score in pain_scores:
        if score.evidence.doc_id == d.doc.doc_id:
            by_sentence.setdefault(d.sentence(score.evidence.start).start, []).append(score)
    found: list[MonitoringRecord] = []
    for s_start, scores in by_sentence.items():
        s = d.sentence(s_start)
        contexts = [score.context for score in scores if score.context and "medication" in score.context]
        two_with_drug = len({score.score for score in scores}) >= 2 and (
            P.MEDICATION_WORD.search(s.text) or P.MEDICATION.regex.search(s.text))
        if contexts or two_with_drug:
            found.append(MonitoringRecord(
                kind="pain_relief_quantified", present=True, detail="; ".join(contexts) or None,
                evidence=d.evidence(scores[0].evidence.start, scores[-1].evidence.end)))
    return found


def _surgeries(d: _Doc) -> list[SurgeryRecord]:
    text = d.text
    found: list[SurgeryRecord] = []
    for m in P.PROCEDURE.finditer(d.scan):
        if P.PROCEDURE_NOT_SURGERY.match(text, m.end()):
            continue
        s = d.sentence(m.start())
        if s.start in d.planted or is_negated(text, s, m.start()) \
                or d.before(P.HEDGE_FOLDED, max(s.start, m.start() - 25), m.start()):
            continue
        before = text[s.start:m.start()]
        if d.is_ur(s) or d.is_plan(s):
            status = "authorized" if P.SURGERY_AUTHORIZED.search(s.text) and not d.is_plan(s) else "planned"
            if (P.SURGERY_DONE.search(before) and not P.UR_CONTEXT.regex.search(before)) \
                    or P.SURGERY_DONE_AFTER.match(text, m.end()) or _done_after(text, s, m):
                status = "done"
        elif P.SURGERY_DONE.search(s.text) or _done_after(text, s, m):
            status = "done"
        else:
            continue
        date_match = DATE.search(text, m.end(), min(s.end, m.end() + 40))
        procedure = m.group(0).strip()
        found.append(SurgeryRecord(
            procedure=procedure,
            body_region=body_region(procedure) or body_region(text, s.start, s.end),
            date=parse_date_match(date_match) if date_match else None,
            status=status,  # type: ignore[arg-type]
            evidence=d.evidence(m.start(), date_match.end() if date_match else m.end()),
        ))
    return _unique(found, lambda f: (f.procedure.lower(), f.status))


# ---------------------------------------------------------------------------------------------
# utilization review certifications
# ---------------------------------------------------------------------------------------------


def _ur_certifications(d: _Doc) -> list[URCertification]:
    """Care the utilization review certified, in full or in part ("the request for acupuncture was modified to
    6 sessions"): the disputed remainder of such a request comes after it."""
    text = d.text
    found: list[URCertification] = []
    mentions: list[re.Match[str]] | None = None
    for cue in P.UR_CERTIFIED.finditer(d.scan):
        s = d.sentence(cue.start())
        if not d.is_ur(s):
            continue
        if mentions is None:
            mentions = [m for m in P.MODALITY.finditer(d.scan) if m.lastgroup in P.CERTIFIABLE]
        in_sentence = [m for m in mentions if s.start <= m.start() < s.end]
        before = [m for m in in_sentence if m.end() <= cue.start() and not P.DENIED.search(text, m.end(), cue.start())]
        after = [m for m in in_sentence
                 if m.start() >= cue.end() and not P.CERTIFIED_SERVICE_END.search(text, cue.end(), m.start())]
        chosen: list[re.Match[str]] = []
        if before and P.CERTIFIED_PASSIVE.search(text, max(s.start, cue.start() - 30), cue.start()):
            chosen = [before[-1]]
            for m in reversed(before[:-1]):  # "the request for physical therapy and acupuncture was modified"
                if not P.SERVICE_LIST_GLUE.fullmatch(text, m.end(), chosen[0].start()):
                    break
                chosen.insert(0, m)
        elif after:
            chosen = [after[0]]
        for m in chosen:
            following = next((n.start() for n in in_sentence if n.start() > m.start()), s.end)
            found.append(_certification(d, s, following, m, cue))
    return _unique(found, lambda f: (f.service.lower(), f.sessions))


def _certification(d: _Doc, s: Sentence, limit: int, mention: re.Match[str], cue: re.Match[str]) -> URCertification:
    """The service as named (up to the next service, the decision or its reason) and the visits certified."""
    text = d.text
    horizon = min(limit, mention.end() + 80)
    stop = P.CERTIFIED_SERVICE_END.search(text, mention.end(), horizon)
    end = stop.start() if stop else horizon
    if mention.start() < cue.start():
        end = min(end, cue.start())
    service = P.CERTIFIED_TRAILING_WORD.sub("", text[mention.start():end].strip(" ,."))
    lo, hi = min(mention.start(), cue.start()), max(end, cue.end())
    count = None
    for c in P.CERTIFIED_COUNT.finditer(text, max(s.start, lo - 30), min(s.end, hi + 40)):
        if P.DENIED.search(text, min(c.end(), cue.end()), max(c.start(), cue.start())):
            continue
        if P.CERTIFIED_AMOUNT.search(text, max(s.start, c.start() - 30), c.start()):
            count = c
            break
        if count is None or abs(c.start() - cue.start()) < abs(count.start() - cue.start()):
            count = c
    if count:
        lo, hi = min(lo, count.start()), max(hi, count.end())
    return URCertification(service=service, sessions=to_int(count.group("digits") or count.group("n")) if count
                           else None, evidence=d.evidence(lo, hi))


def _done_after(text: str, s: Sentence, m: re.Match[str]) -> bool:
    """'was performed' said of this procedure: in its clause, before the sentence turns to something else."""
    _, right = clause_bounds(text, s, m.start(), m.end())
    turn = P.SURGERY_CLAUSE_TURN.search(text, m.end(), right)
    return P.SURGERY_DONE_AFTER.search(text, m.end(), turn.start() if turn else right) is not None


def _planted_instructions(d: _Doc) -> list[PlantedInstruction]:
    """Each sentence that addresses the reviewer or the tool, quoted whole."""
    return [PlantedInstruction(evidence=d.evidence(s.start, s.end)) for s in d.sentences if s.start in d.planted]


