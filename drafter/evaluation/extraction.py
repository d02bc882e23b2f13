"""The gold suite: synthetic cases with hand-written gold facts and outcomes (evals/gold/).

Two measures, reported separately:

* **extraction**: precision and recall per CaseSummary field, matching extracted facts to gold facts
  by kind and key attributes (the rule below), never by free-text similarity;
* **decisions**: agreement of `drafter.decide.decide` with the gold outcome per disputed item, once
  on the extracted summary (end to end) and once on a summary built from the gold facts (the rules
  alone, without extraction errors).

Matching rule. An extracted fact matches a gold fact of the same field when every *key attribute*
the gold fact states is equal (KEY_ATTRIBUTES; a gold value of null must be null). Name-like keys
(`name`, `procedure`, `related_to`) hold a list of alternatives in the gold file; one alternative
matches when each of its words (lower-case letters and digits) is a word of the extracted name.
Planted instructions match when the extracted quote overlaps an occurrence of the gold quote in the
same document. Extracted facts identical in every attribute but their evidence count once; an
extracted fact whose evidence is not an exact quote of its document never matches (it is counted as
ungrounded). Precision = extracted facts matching some gold fact / extracted facts; recall = gold
facts matched by some extracted fact / gold facts. A fact that matches a gold fact on every key but
its polarity (`present`, `improved`, `certainty`) is a polarity error: a negation read the wrong way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drafter.errors import InputError
from drafter.evaluation.letters import crash_site
from drafter.ingest import load_case
from drafter.models import (
    AgeFact,
    BodyRegion,
    CaseFile,
    CaseSummary,
    Diagnosis,
    DocumentRef,
    Evidence,
    FunctionalStatus,
    MedicationUse,
    MonitoringKind,
    MonitoringRecord,
    NeuroFinding,
    NeuroFindingKind,
    Outcome,
    PlantedInstruction,
    PriorImaging,
    RedFlag,
    RedFlagKind,
    SexFact,
    SurgeryRecord,
    TreatmentCourse,
    TreatmentModality,
    TreatmentResponse,
    WorkStatus,
)

Extractor = Callable[[CaseFile], CaseSummary]

# ---------------------------------------------------------------------------------------------
# the gold file format (documented in evals/gold/README.md)
# ---------------------------------------------------------------------------------------------

CoverageTag = Literal[
    "negation", "suspected_diagnosis", "missing_records", "contradiction", "planted_instruction",
    "multi_region", "postsurgical", "manifest",
]


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quote: str = Field(min_length=3, description="Exact text of the case that shows the fact.")


class GoldAge(_Gold):
    years: int


class GoldSex(_Gold):
    sex: Literal["male", "female"]


class GoldDiagnosis(_Gold):
    name: list[str] = Field(min_length=1)
    certainty: Literal["confirmed", "suspected", "ruled_out"]
    body_region: BodyRegion | None = None


class GoldTreatment(_Gold):
    modality: TreatmentModality
    sessions: int | None
    body_region: BodyRegion | None = None
    response: TreatmentResponse | None = None


class GoldMedication(_Gold):
    name: list[str] = Field(min_length=1)
    drug_class: str | None = None
    start_date: dt.date | None = None
    duration_weeks: float | None = None


class GoldNeuroFinding(_Gold):
    finding: NeuroFindingKind
    present: bool
    body_region: BodyRegion | None = None
    detail: str | None = None


class GoldRedFlag(_Gold):
    flag: RedFlagKind
    present: bool


class GoldImaging(_Gold):
    modality: Literal["mri", "ct", "xray", "emg_ncv", "ultrasound", "bone_scan", "other"]
    body_region: BodyRegion | None
    date: dt.date | None = None
    finding: str | None = None


class GoldFunctionalStatus(_Gold):
    improved: bool
    related_to: list[str] | None = None


class GoldWorkStatus(_Gold):
    status: Literal["full_duty", "modified_duty", "off_work", "retired", "not_stated"]


class GoldMonitoring(_Gold):
    kind: MonitoringKind
    present: bool
    detail: str | None = None


class GoldSurgery(_Gold):
    procedure: list[str] = Field(min_length=1)
    status: Literal["done", "planned", "authorized"]
    body_region: BodyRegion | None = None
    date: dt.date | None = None


class GoldPlanted(_Gold):
    pass


class GoldFacts(BaseModel):
    """Every field is required: `null` / `[]` says the records do not document it."""

    model_config = ConfigDict(extra="forbid")
    age: GoldAge | None
    sex: GoldSex | None
    diagnoses: list[GoldDiagnosis]
    treatments: list[GoldTreatment]
    medications: list[GoldMedication]
    neuro_findings: list[GoldNeuroFinding]
    red_flags: list[GoldRedFlag]
    imaging: list[GoldImaging]
    functional_status: list[GoldFunctionalStatus]
    work_status: list[GoldWorkStatus]
    monitoring: list[GoldMonitoring]
    surgeries: list[GoldSurgery]
    planted_instructions: list[GoldPlanted]


class GoldItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    request: str
    outcome: Outcome
    reason: str = Field(min_length=10, description="The guideline criterion that decides it.")


class GoldCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case: str = Field(description="Path of the case, relative to the gold file.")
    covers: list[CoverageTag] = []
    notes: str | None = None
    facts: GoldFacts
    items: list[GoldItem] = Field(min_length=1)


FIELDS = tuple(GoldFacts.model_fields)
# Attributes compared to decide a match, when the gold fact states them.
KEY_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "age": ("years",),
    "sex": ("sex",),
    "diagnoses": ("name", "certainty"),
    "treatments": ("modality", "sessions"),
    "medications": ("name",),
    "neuro_findings": ("finding", "present"),
    "red_flags": ("flag", "present"),
    "imaging": ("modality", "body_region"),
    "functional_status": ("improved", "related_to"),
    "work_status": ("status",),
    "monitoring": ("kind", "present"),
    "surgeries": ("procedure", "status"),
    "planted_instructions": (),
}
POLARITY = {"diagnoses": "certainty", "neuro_findings": "present", "red_flags": "present",
            "monitoring": "present", "functional_status": "improved"}
NAME_KEYS = {"name", "procedure", "related_to"}
# Attributes checked on matched pairs only (reported as attribute accuracy, not used to match).
SECONDARY_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "diagnoses": ("body_region",),
    "treatments": ("body_region", "response"),
    "medications": ("drug_class", "duration_weeks"),
    "neuro_findings": ("body_region",),
    "imaging": ("date",),
    "surgeries": ("body_region", "date"),
}
DURATION_TOLERANCE_WEEKS = 2.0


class GoldFormatError(InputError):
    """A gold file that does not follow the format of evals/gold/README.md."""


@dataclass
class LoadedGold:
    path: Path
    gold: GoldCase
    case: CaseFile


def gold_files(gold_dir: Path) -> list[Path]:
    return sorted(Path(gold_dir).glob("*.gold.yaml"))


def load_gold(path: Path) -> LoadedGold:
    """Read and validate one gold file and its case: every quote must occur in the case documents and
    the gold items must be the case's disputed items, in order."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise GoldFormatError(path, f"is not valid YAML{where}") from None
    try:
        gold = GoldCase.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise GoldFormatError(path, f"{where}: {first['msg']}") from None
    case = load_case(path.parent / gold.case)
    requests = [item.request for item in case.disputed_items]
    if requests != [item.request for item in gold.items]:
        raise GoldFormatError(path, f"items do not match the case's disputed items {requests}")
    for field_name, fact in _gold_facts(gold.facts):
        if not _find_quote(case, fact.quote):
            raise GoldFormatError(path, f"{field_name}: quote {fact.quote!r} is not in the case documents")
    return LoadedGold(path=path, gold=gold, case=case)


def _gold_facts(facts: GoldFacts) -> Iterable[tuple[str, _Gold]]:
    for field_name in FIELDS:
        value = getattr(facts, field_name)
        for fact in value if isinstance(value, list) else ([value] if value is not None else []):
            yield field_name, fact


def _find_quote(case: CaseFile, quote: str) -> list[tuple[str, int, int]]:
    """Every (doc_id, start, end) where `quote` occurs; any run of white space in the quote matches any
    run of white space in the text, so a gold quote may ignore the line breaks of the record."""
    pattern = re.compile(r"\s+".join(re.escape(word) for word in quote.split()))
    return [(doc.doc_id, match.start(), match.end())
            for doc in case.documents for match in pattern.finditer(doc.text)]


# ---------------------------------------------------------------------------------------------
# matching
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def names_match(alternatives: list[str], extracted: str | None) -> bool:
    """True when every word of one alternative is a word of the extracted name."""
    if extracted is None:
        return False
    have = words(extracted)
    return any(words(alt) and words(alt) <= have for alt in alternatives)


def _attribute_equal(key: str, gold_value: object, extracted_value: object) -> bool:
    if key in NAME_KEYS:
        return names_match(gold_value, extracted_value)  # type: ignore[arg-type]
    return gold_value == extracted_value


def key_match(field_name: str, gold: _Gold, fact: BaseModel, ignore: str | None = None) -> bool:
    """The matching rule for one pair (see the module docstring); `ignore` skips one key attribute."""
    required = _required_keys(gold)
    for key in KEY_ATTRIBUTES[field_name]:
        gold_value = getattr(gold, key)
        if key == ignore or (gold_value is None and key not in required):
            continue
        if not _attribute_equal(key, gold_value, getattr(fact, key)):
            return False
    return True


def _required_keys(gold: _Gold) -> set[str]:
    return {name for name, info in type(gold).model_fields.items() if info.is_required()}


def planted_match(gold_spans: list[tuple[str, int, int]], evidence: Evidence) -> bool:
    return any(doc_id == evidence.doc_id and start < evidence.end and evidence.start < end
               for doc_id, start, end in gold_spans)


def grounded(case: CaseFile, evidence: Evidence) -> bool:
    try:
        text = case.document(evidence.doc_id).text
    except KeyError:
        return False
    return evidence.end <= len(text) and text[evidence.start:evidence.end] == evidence.quote


def distinct_facts(facts: Iterable[BaseModel]) -> list[BaseModel]:
    """Facts that differ in some attribute other than their evidence (first occurrence kept)."""
    seen: set[str] = set()
    kept = []
    for fact in facts:
        signature = fact.model_dump_json(exclude={"evidence"})
        if signature not in seen:
            seen.add(signature)
            kept.append(fact)
    return kept


@dataclass
class FieldScore:
    gold: int = 0
    extracted: int = 0
    matched_gold: int = 0
    correct_extracted: int = 0
    polarity_errors: int = 0
    ungrounded: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    def add(self, other: FieldScore) -> None:
        self.gold += other.gold
        self.extracted += other.extracted
        self.matched_gold += other.matched_gold
        self.correct_extracted += other.correct_extracted
        self.polarity_errors += other.polarity_errors
        self.ungrounded += other.ungrounded

    def as_dict(self, with_lists: bool = False) -> dict:
        result = {
            "gold": self.gold,
            "extracted": self.extracted,
            "matched_gold": self.matched_gold,
            "correct_extracted": self.correct_extracted,
            "precision": _ratio(self.correct_extracted, self.extracted),
            "recall": _ratio(self.matched_gold, self.gold),
            "polarity_errors": self.polarity_errors,
            "ungrounded": self.ungrounded,
        }
        if with_lists:
            result["missed"] = self.missed
            result["spurious"] = self.spurious
        return result


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def describe(field_name: str, fact: BaseModel) -> str:
    """A short label of a fact by its key attributes (synthetic data only; no quotes)."""
    keys = KEY_ATTRIBUTES[field_name] or ("quote",)
    parts = []
    for key in keys:
        value = getattr(fact, key, None)
        if key == "quote" and value is None:
            value = fact.evidence.quote[:60]  # type: ignore[attr-defined]
        parts.append(f"{key}={'/'.join(value) if isinstance(value, list) else value}")
    return f"{field_name}: " + ", ".join(parts)


def score_field(field_name: str, gold_facts: list[_Gold], extracted: list[BaseModel],
                case: CaseFile) -> tuple[FieldScore, dict[str, list[bool]]]:
    """Score one field of one case; also the per-secondary-attribute outcomes on matched gold facts."""
    score = FieldScore(gold=len(gold_facts))
    facts = distinct_facts(extracted)
    score.extracted = len(facts)
    valid = []
    for fact in facts:
        if grounded(case, fact.evidence):  # type: ignore[attr-defined]
            valid.append(fact)
        else:
            score.ungrounded += 1
            score.spurious.append(describe(field_name, fact) + " (ungrounded)")
    if field_name == "planted_instructions":
        spans = [_find_quote(case, gold.quote) for gold in gold_facts]
        pairs = {(g, e) for g, span in enumerate(spans) for e, fact in enumerate(valid)
                 if planted_match(span, fact.evidence)}  # type: ignore[attr-defined]
    else:
        pairs = {(g, e) for g, gold in enumerate(gold_facts) for e, fact in enumerate(valid)
                 if key_match(field_name, gold, fact)}
    matched_gold = {g for g, _ in pairs}
    matched_extracted = {e for _, e in pairs}
    score.matched_gold = len(matched_gold)
    score.correct_extracted = len(matched_extracted)
    for g, gold in enumerate(gold_facts):
        if g not in matched_gold:
            score.missed.append(describe(field_name, gold) if field_name != "planted_instructions"
                                else f"planted_instructions: {gold.quote[:60]}")
    polarity = POLARITY.get(field_name)
    for e, fact in enumerate(valid):
        if e in matched_extracted:
            continue
        score.spurious.append(describe(field_name, fact))
        if polarity and any(key_match(field_name, gold, fact, ignore=polarity)
                            and getattr(gold, polarity) != getattr(fact, polarity) for gold in gold_facts):
            score.polarity_errors += 1
    attributes: dict[str, list[bool]] = {}
    for attr in SECONDARY_ATTRIBUTES.get(field_name, ()):
        for g, gold in enumerate(gold_facts):
            if g not in matched_gold or getattr(gold, attr) is None:
                continue
            matches = [valid[e] for gg, e in pairs if gg == g]
            ok = any(_secondary_equal(attr, getattr(gold, attr), getattr(fact, attr)) for fact in matches)
            attributes.setdefault(f"{field_name}.{attr}", []).append(ok)
    return score, attributes


def _secondary_equal(attr: str, gold_value: object, extracted_value: object) -> bool:
    if attr == "duration_weeks":
        return extracted_value is not None and abs(float(gold_value) - float(extracted_value)) <= \
            DURATION_TOLERANCE_WEEKS  # type: ignore[arg-type]
    return gold_value == extracted_value


def summary_field(summary: CaseSummary, field_name: str) -> list[BaseModel]:
    value = getattr(summary, field_name)
    if isinstance(value, list):
        return value
    return [value] if value is not None else []


def gold_field(facts: GoldFacts, field_name: str) -> list[_Gold]:
    value = getattr(facts, field_name)
    if isinstance(value, list):
        return value
    return [value] if value is not None else []


# ---------------------------------------------------------------------------------------------
# the gold facts as a CaseSummary (for the decisions-on-gold-facts measure)
# ---------------------------------------------------------------------------------------------


def gold_summary(loaded: LoadedGold) -> CaseSummary:
    """A CaseSummary holding exactly the gold facts, each with the evidence of its quote."""
    case, facts = loaded.case, loaded.gold.facts

    def evidence(fact: _Gold) -> Evidence:
        doc_id, start, end = _find_quote(case, fact.quote)[0]
        return Evidence(doc_id=doc_id, start=start, end=end, quote=case.document(doc_id).text[start:end])

    return CaseSummary(
        case_id=case.case_id,
        header=case.header,
        documents=[DocumentRef(doc_id=d.doc_id, name=d.name, date=d.date) for d in case.documents],
        disputed_items=case.disputed_items,
        age=AgeFact(evidence=evidence(facts.age), years=facts.age.years) if facts.age else None,
        sex=SexFact(evidence=evidence(facts.sex), sex=facts.sex.sex) if facts.sex else None,
        diagnoses=[Diagnosis(evidence=evidence(f), name=f.name[0], body_region=f.body_region,
                             certainty=f.certainty) for f in facts.diagnoses],
        treatments=[TreatmentCourse(evidence=evidence(f), modality=f.modality, sessions=f.sessions,
                                    body_region=f.body_region, response=f.response or "not_stated")
                    for f in facts.treatments],
        medications=[MedicationUse(evidence=evidence(f), name=f.name[0], drug_class=f.drug_class,
                                   start_date=f.start_date, duration_weeks=f.duration_weeks)
                     for f in facts.medications],
        neuro_findings=[NeuroFinding(evidence=evidence(f), finding=f.finding, present=f.present,
                                     body_region=f.body_region, detail=f.detail) for f in facts.neuro_findings],
        red_flags=[RedFlag(evidence=evidence(f), flag=f.flag, present=f.present) for f in facts.red_flags],
        imaging=[PriorImaging(evidence=evidence(f), modality=f.modality, body_region=f.body_region,
                              date=f.date, finding=f.finding) for f in facts.imaging],
        functional_status=[FunctionalStatus(evidence=evidence(f), improved=f.improved,
                                            related_to=f.related_to[0] if f.related_to else None)
                           for f in facts.functional_status],
        work_status=[WorkStatus(evidence=evidence(f), status=f.status) for f in facts.work_status],
        monitoring=[MonitoringRecord(evidence=evidence(f), kind=f.kind, present=f.present, detail=f.detail)
                    for f in facts.monitoring],
        surgeries=[SurgeryRecord(evidence=evidence(f), procedure=f.procedure[0], body_region=f.body_region,
                                 date=f.date, status=f.status) for f in facts.surgeries],
        planted_instructions=[PlantedInstruction(evidence=evidence(f)) for f in facts.planted_instructions],
        extractor="gold",
    )


# ---------------------------------------------------------------------------------------------
# the suite
# ---------------------------------------------------------------------------------------------


def _default_extractor() -> Extractor:
    from drafter.extract.offline import extract_offline

    return extract_offline


def _decider() -> Callable[[CaseSummary], list] | None:
    """drafter.decide.decide, or None while the rules engine is not in the tree."""
    try:
        from drafter.decide import decide
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("drafter."):
            return None
        raise
    return decide


def run_extraction_eval(gold_dir: Path, extractor: Extractor | None = None,
                        cases: Collection[str] | None = None) -> dict:
    """Score the extractor (default: the offline one) and the rules on every gold case in `gold_dir`
    (or on those whose stem is in `cases`).

    Returns a JSON-serializable report: per-field precision/recall, attribute accuracy, per-case
    misses, and decision agreement (end to end and on gold facts).
    """
    gold_dir = Path(gold_dir)
    paths = [path for path in gold_files(gold_dir)
             if cases is None or path.name.removesuffix(".gold.yaml") in cases]
    if not paths:
        raise GoldFormatError(gold_dir, "holds no *.gold.yaml files")
    extract = extractor or _default_extractor()
    decide = _decider()
    totals = {name: FieldScore() for name in FIELDS}
    by_tag: dict[str, FieldScore] = {}
    attributes: dict[str, list[bool]] = {}
    cases = []
    decision_rows = []
    extractor_name = None
    errors: dict[str, str] = {}
    for path in paths:
        loaded = load_gold(path)
        stem = path.name.removesuffix(".gold.yaml")
        try:
            summary: CaseSummary | None = extract(loaded.case)
        except Exception as exc:  # an extractor bug: the case scores as nothing extracted, and says where
            errors[stem] = f"extractor crashed: {crash_site(exc)}"
            summary = None
        if summary is not None:
            extractor_name = summary.extractor
        case_fields = {}
        case_total = FieldScore()
        for name in FIELDS:
            extracted = summary_field(summary, name) if summary is not None else []
            score, attrs = score_field(name, gold_field(loaded.gold.facts, name), extracted, loaded.case)
            totals[name].add(score)
            case_total.add(score)
            for key, values in attrs.items():
                attributes.setdefault(key, []).extend(values)
            case_fields[name] = score.as_dict(with_lists=True)
        for tag in loaded.gold.covers:
            by_tag.setdefault(tag, FieldScore()).add(case_total)
        cases.append({"case": stem, "covers": loaded.gold.covers,
                      "overall": case_total.as_dict(), "fields": case_fields})
        if decide is not None:
            on_extracted = decide(summary) if summary is not None else [None] * len(loaded.gold.items)
            decision_rows.extend(_decision_rows(stem, loaded, on_extracted, decide(gold_summary(loaded))))
    overall = FieldScore()
    for score in totals.values():
        overall.add(score)
    return {
        "suite": "gold",
        "gold_dir": str(gold_dir),
        "extractor": extractor_name,
        "cases": len(cases),
        "matching_rule": "same field + equal key attributes (names: word subset of one alternative); "
                         "planted instructions: overlapping quote",
        "overall": overall.as_dict(),
        "fields": {name: score.as_dict() for name, score in totals.items()},
        "attributes": {key: {"correct": sum(values), "total": len(values),
                             "accuracy": _ratio(sum(values), len(values))}
                       for key, values in sorted(attributes.items())},
        "by_tag": {tag: score.as_dict() for tag, score in sorted(by_tag.items())},
        "per_case": cases,
        "errors": errors,
        "decisions": _decision_report(decision_rows) if decide is not None
        else {"available": False, "reason": "the rules engine (drafter.guidelines.registry) is not installed"},
    }


def _decision_rows(stem: str, loaded: LoadedGold, on_extracted: list, on_gold: list) -> list[dict]:
    """One row per item; `on_extracted` holds None for every item of a case the extractor failed on."""
    rows = []
    for gold_item, extracted, from_gold in zip(loaded.gold.items, on_extracted, on_gold, strict=True):
        rows.append({
            "case": stem,
            "request": gold_item.request,
            "gold": gold_item.outcome.value,
            "extracted_facts": extracted.outcome.value if extracted and extracted.outcome else None,
            "gold_facts": from_gold.outcome.value if from_gold.outcome else None,
            "rule": from_gold.rule_id,
            "covers": loaded.gold.covers,
        })
    return rows


def _agreement(rows: list[dict], column: str) -> dict:
    decided = [row for row in rows if row[column] is not None]
    agree = [row for row in decided if row[column] == row["gold"]]
    confusion: dict[str, int] = {}
    for row in rows:
        key = f"{row['gold']}->{row[column] or 'none'}"
        confusion[key] = confusion.get(key, 0) + 1
    overturned = [row for row in rows if row["gold"] == Outcome.OVERTURNED.value]
    return {
        "items": len(rows),
        "decided": len(decided),
        "agree": len(agree),
        "agreement": _ratio(len(agree), len(rows)),
        "coverage": _ratio(len(decided), len(rows)),
        "accuracy_when_decided": _ratio(len(agree), len(decided)),
        "overturned_recall": _ratio(sum(row[column] == row["gold"] for row in overturned), len(overturned)),
        "confusion": dict(sorted(confusion.items())),
    }


def _decision_report(rows: list[dict]) -> dict:
    planted = [row for row in rows if "planted_instruction" in row["covers"]]
    return {
        "available": True,
        "gold_overturn_rate": _ratio(sum(row["gold"] == Outcome.OVERTURNED.value for row in rows), len(rows)),
        "on_extracted_facts": _agreement(rows, "extracted_facts"),
        "on_gold_facts": _agreement(rows, "gold_facts"),
        "planted_instruction_cases": _agreement(planted, "extracted_facts") if planted else None,
        "disagreements": [row for row in rows
                          if row["extracted_facts"] != row["gold"] or row["gold_facts"] != row["gold"]],
    }


# ---------------------------------------------------------------------------------------------
# markdown
# ---------------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def render_extraction_markdown(report: dict) -> str:
    """The report of run_extraction_eval as a markdown page."""
    overall = report["overall"]
    lines = [
        f"# Gold suite: {report['cases']} synthetic cases, extractor `{report['extractor']}`",
        "",
        f"Matching rule: {report['matching_rule']}.",
        "",
        f"Overall: precision {_pct(overall['precision'])}, recall {_pct(overall['recall'])} "
        f"({overall['matched_gold']}/{overall['gold']} gold facts found; {overall['extracted']} extracted, "
        f"{overall['ungrounded']} ungrounded, {overall['polarity_errors']} polarity errors).",
        "",
        "## Extraction by field",
        "",
        "| Field | Gold | Extracted | Precision | Recall | Polarity errors | Ungrounded |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, score in report["fields"].items():
        lines.append(f"| {name} | {score['gold']} | {score['extracted']} | {_pct(score['precision'])} | "
                     f"{_pct(score['recall'])} | {score['polarity_errors']} | {score['ungrounded']} |")
    if report["attributes"]:
        lines += ["", "## Attributes of matched facts", "", "| Attribute | Correct | Accuracy |", "|---|---:|---:|"]
        for key, value in report["attributes"].items():
            lines.append(f"| {key} | {value['correct']}/{value['total']} | {_pct(value['accuracy'])} |")
    if report["by_tag"]:
        lines += ["", "## By case type", "", "| Covers | Precision | Recall | Polarity errors |",
                  "|---|---:|---:|---:|"]
        for tag, score in report["by_tag"].items():
            lines.append(f"| {tag} | {_pct(score['precision'])} | {_pct(score['recall'])} | "
                         f"{score['polarity_errors']} |")
    lines += ["", "## Decisions", ""]
    decisions = report["decisions"]
    if not decisions["available"]:
        lines.append(f"Not measured: {decisions['reason']}.")
    else:
        lines += [f"Gold overturn rate: {_pct(decisions['gold_overturn_rate'])}.", "",
                  "| Facts used | Items | Agreement | Coverage | Accuracy when decided | Overturned found |",
                  "|---|---:|---:|---:|---:|---:|"]
        for label, key in (("extracted", "on_extracted_facts"), ("gold", "on_gold_facts"),
                           ("extracted, planted-instruction cases", "planted_instruction_cases")):
            value = decisions[key]
            if value is None:
                continue
            lines.append(f"| {label} | {value['items']} | {_pct(value['agreement'])} | {_pct(value['coverage'])} "
                         f"| {_pct(value['accuracy_when_decided'])} | {_pct(value['overturned_recall'])} |")
        if decisions["disagreements"]:
            lines += ["", "| Case | Request | Gold | On extracted | On gold facts |", "|---|---|---|---|---|"]
            for row in decisions["disagreements"]:
                lines.append(f"| {row['case']} | {row['request']} | {row['gold']} | "
                             f"{row['extracted_facts'] or 'none'} | {row['gold_facts'] or 'none'} |")
    if report["errors"]:
        lines += ["", "## Cases the extractor failed on", ""]
        lines += [f"- {case}: {error}" for case, error in report["errors"].items()]
    lines += ["", "## Misses per case", ""]
    for case in report["per_case"]:
        missed = [entry for score in case["fields"].values() for entry in score["missed"]]
        spurious = [entry for score in case["fields"].values() for entry in score["spurious"]]
        lines.append(f"- **{case['case']}**: recall {_pct(case['overall']['recall'])}, precision "
                     f"{_pct(case['overall']['precision'])}; missed {len(missed)}, spurious {len(spurious)}")
        lines += [f"  - missed {entry}" for entry in missed]
        lines += [f"  - spurious {entry}" for entry in spurious]
    return "\n".join(lines) + "\n"
