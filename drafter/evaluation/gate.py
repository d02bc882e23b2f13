"""Evaluation of the consistency gate (stage 5) on real rationales and on corrupted copies of them.

1. Acceptance: every real rationale is checked against its real decision. The letter's CLINICAL CASE
   SUMMARY stands in for the records; facts come from the offline extractor over that text. A real
   rationale that fails a check is a false alarm.
2. Detection: each real rationale is corrupted in six realistic ways (flipped conclusion, another
   guideline cited, a changed visit count/frequency/dose, a drug the case never mentions, a "no
   documentation of" claim about a documented fact, a reviewer's name); the share caught is reported
   per corruption type. Corruptions are plain string edits written independently of the checks.

The letters are read at run time; nothing of them is stored in the repository.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drafter.check import Grounding, check_rationale
from drafter.check.checks import GENERIC_OF, drugs_in
from drafter.ingest import sha256_text
from drafter.models import (
    CaseFile,
    CaseHeader,
    CaseSummary,
    CheckReport,
    DisputedItem,
    Document,
    GuidelineCitation,
    ItemDecision,
    Outcome,
    RequestDetails,
)

CORRUPTIONS = ("flip_conclusion", "other_guideline", "changed_number", "unmentioned_drug",
               "false_not_documented", "reviewer_name")
REVIEWER = "Morgan Ellery"  # synthetic name used for the reviewer-name corruption

HEADER_FIELDS = {
    "Case Number": "case_number",
    "Date of Injury": "date_of_injury",
    "UR Denial Date": "ur_denial_date",
    "Date Assigned": "date_assigned",
    "Application Received": "application_received",
    "Decision Date": "decision_date",
    "Priority": "priority",
}


@dataclass
class RealItem:
    key: str
    letter: str
    rationale: str
    decision: ItemDecision
    summary: CaseSummary
    records: list[str]
    grounding: Grounding | None = None


# ---------------------------------------------------------------------------------------------
# building decisions and summaries from a real letter
# ---------------------------------------------------------------------------------------------


def letter_header(text: str) -> CaseHeader:
    values: dict[str, object] = {}
    for label, field in HEADER_FIELDS.items():
        match = re.search(rf"^{label}:\s*(.+)$", text, re.M)
        if not match:
            continue
        value = match.group(1).strip()
        if field in ("case_number", "priority"):
            values[field] = value
            continue
        try:
            values[field] = dt.datetime.strptime(value, "%m/%d/%Y").date()
        except ValueError:
            continue
    return CaseHeader(**values)


def case_summary_text(text: str) -> str:
    """The CLINICAL CASE SUMMARY section without its fixed opening sentence."""
    match = re.search(r"CLINICAL CASE SUMMARY\s*(.*?)\s*IMR ISSUES", text, re.S)
    body = match.group(1) if match else ""
    return re.sub(r"^The expert reviewer developed the following[^:]*:\s*", "", body).strip()


def citation_from(guideline: str) -> GuidelineCitation | None:
    mtus = re.search(r"MTUS\s+(.+?)\s+((?:19|20)\d\d)", guideline)
    if mtus:
        return GuidelineCitation(source="MTUS", document=mtus.group(1), edition=mtus.group(2))
    if re.search(r"Official Disability Guidelines|ODG", guideline):
        return GuidelineCitation(source="ODG", document="Official Disability Guidelines", edition="ODG")
    return None


def load_items(letters_dir: Path, items_file: Path) -> list[RealItem]:
    rows = [json.loads(line) for line in items_file.read_text().splitlines() if line.strip()]
    by_letter: dict[str, list[dict]] = {}
    for row in rows:
        by_letter.setdefault(row["letter"], []).append(row)
    items: list[RealItem] = []
    for letter, letter_rows in by_letter.items():
        text = (letters_dir / f"{letter}.txt").read_text()
        header = letter_header(text)
        records = [case_summary_text(text)]
        records += [row[field] for row in letter_rows for field in ("original_request", "ur_authorized")
                    if row.get(field)]
        disputed = [DisputedItem(item_id=f"item-{index}", request=row["item"])
                    for index, row in enumerate(letter_rows, start=1)]
        summary = summary_for(letter, header, records[0], disputed)
        for index, row in enumerate(letter_rows, start=1):
            decision = ItemDecision(
                item_id=f"item-{index}",
                request=row["item"],
                details=RequestDetails(category=None),
                outcome=Outcome(row["decision"]),
                citation=citation_from(row["guideline"]),
                guideline_summary=row["guideline"],
                rule_id=None,
                rules_version="real-letter",
            )
            items.append(RealItem(f"{letter}#{index}", letter, row["rationale"], decision, summary, records))
    return items


def summary_for(letter: str, header: CaseHeader, records: str, disputed: list[DisputedItem]) -> CaseSummary:
    """Facts from the offline extractor run over the letter's case summary as the only document.

    Without the extractor the summary carries no facts, and only the record text grounds the checks.
    """
    try:
        from drafter.extract.offline import extract_offline
    except ImportError:
        return CaseSummary(case_id=letter, header=header, documents=[], disputed_items=disputed,
                           extractor="none")
    document = Document(doc_id="D1", name=f"letter {letter} case summary", text=records,
                        sha256=sha256_text(records))
    case = CaseFile(case_id=letter, header=header, documents=[document], disputed_items=disputed,
                    sources=[f"{letter}.txt"], input_sha256=document.sha256)
    return extract_offline(case)


# ---------------------------------------------------------------------------------------------
# corruptions: plain string edits, independent of the checks
# ---------------------------------------------------------------------------------------------

GUIDELINE_NAMES = (
    ("chronic pain", r"chronic pain", "MTUS Chronic Pain Medical Treatment Guidelines"),
    ("acupuncture", r"acupuncture (?:medical )?treatment|acupuncture guidelines?",
     "MTUS Acupuncture Medical Treatment Guidelines"),
    ("odg", r"ODG|Official Disability", "Official Disability Guidelines (ODG)"),
    ("knee", r"Knee Complaints|Chapter 13\b", "MTUS Knee Complaints chapter (ACOEM Chapter 13)"),
    ("shoulder", r"Shoulder Complaints|Chapter 9\b", "MTUS Shoulder Complaints chapter (ACOEM Chapter 9)"),
    ("low back", r"Low Back Complaints|Chapter 12\b", "MTUS Low Back Complaints chapter (ACOEM Chapter 12)"),
    ("neck", r"Neck and Upper Back|Chapter 8\b", "MTUS Neck and Upper Back Complaints chapter (ACOEM Chapter 8)"),
    ("postsurgical", r"Post-?surgical", "MTUS Postsurgical Treatment Guidelines"),
    ("opioids", r"Opioids? Treatment", "MTUS Opioids Treatment Guidelines"),
)
GUIDELINE_MENTION = re.compile(
    r"(?:the\s+)?(?:Chronic\s+Pain\s+(?:Medical\s+)?(?:Treatment\s+)?Guidelines?(?:\s+MTUS)?"
    r"|Acupuncture\s+(?:Medical\s+)?(?:Treatment\s+)?Guidelines?|Post-?\s?surgical\s+(?:Treatment\s+)?Guidelines?"
    r"|Official\s+Disability\s+Guidelines(?:\s+\(ODG\))?|ODG(?:\s+guidelines?)?"
    r"|(?:California\s+|CA\s+)?(?:MTUS|ACOEM)(?:\s*/\s*ACOEM)?(?:\s+\(?\d{4}\)?)?"
    r"(?:\s+(?:Chronic\s+Pain|Acupuncture|Opioids?|ACOEM|Medical|Treatment))*(?:\s+Guidelines?)?)",
    re.I)
NOT_ADDRESSED = re.compile(r"\bnot\s+(?:specifically\s+)?address|\bsilent\b|\bnot\s+apply", re.I)
NEGATION_WORD = re.compile(r"\b(?:not\s+be|not|cannot\s+be)\s+|n't\s+", re.I)
COUNT_UNITS = r"visits?|sessions?|treatments?|times?(?:\s+(?:a|per)\s+week)?|x|mg|tablets?|refills?|injections?"
WORD_VALUES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "sixteen": 16,
               "eighteen": 18, "twenty": 20, "twenty-four": 24}
COUNT_IN_TEXT = re.compile(rf"(?<![\w./-])(\d+(?:\.\d+)?|{'|'.join(WORD_VALUES)})(\s*(?:{COUNT_UNITS})\b)", re.I)
DOSE_STRENGTHS = (5.0, 7.5, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 400.0,
                  500.0, 600.0, 750.0, 800.0)
INSERTED_DRUGS = ("Lyrica", "meloxicam", "tizanidine", "duloxetine", "zolpidem", "Percocet", "tramadol",
                  "gabapentin", "omeprazole", "Norco", "celecoxib", "methocarbamol", "nortriptyline", "Ambien",
                  "oxycodone", "diclofenac", "Soma", "trazodone", "Cymbalta", "pantoprazole")
REVIEWER_EDITS = (
    "Reviewed by Dr. {last}.",
    "{first} {last}, MD, reviewed the submitted records.",
    "This determination was prepared by {first} {last}.",
    "As {first} {last} noted on review, the records were complete.",
)


def numbers_in(text: str) -> set[float]:
    values = {float(value.replace(",", "")) for value in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text)}
    values.update(float(value) for word, value in WORD_VALUES.items() if re.search(rf"\b{word}\b", text, re.I))
    return values


def conclusion_index(sentences: list[str]) -> int:
    """The last sentence saying '(not) necessary' (else 'necessity'), skipping 'if necessary' asides."""
    for pattern in (r"(?<!if )(?<!if not )\bnecessary\b", r"(?<!if )(?<!if not )necess"):
        for index in range(len(sentences) - 1, -1, -1):
            if re.search(pattern, sentences[index], re.I):
                return index
    return len(sentences) - 1


def split(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", text.strip())


def flip_conclusion(item: RealItem, _: int) -> str:
    """Negate the concluding sentence: drop its negation, or add one."""
    sentences = split(item.rationale)
    index = conclusion_index(sentences)
    sentence = sentences[index]
    position = max(match.start() for match in re.finditer(r"(?<!if )(?<!if not )necess", sentence, re.I)
                   if "decision" not in sentence[match.start():match.start() + 20])
    before = list(NEGATION_WORD.finditer(sentence[:position]))
    after = list(NEGATION_WORD.finditer(sentence, position))
    if before or after:
        last = before[-1] if before else after[0]
        replacement = {"not be": "be ", "cannot be": "can be "}.get(" ".join(last.group(0).split()).lower(), "")
        sentence = sentence[:last.start()] + replacement + sentence[last.end():]
    else:
        target = re.search(r"(?:medically\s+)?necess\w*", sentence[position - 10:], re.I)
        start = position - 10 + target.start() if target else position
        sentence = sentence[:start] + "not " + sentence[start:]
    sentences[index] = sentence
    return " ".join(sentences)


def other_guideline(item: RealItem, seed: int) -> str:
    """Name a guideline the decision does not cite where the rationale states its basis (else add one)."""
    cited = item.decision.guideline_summary + " " + item.rationale
    choices = [name for _, pattern, name in GUIDELINE_NAMES if not re.search(pattern, cited, re.I)]
    name = choices[seed % len(choices)]
    sentences = split(item.rationale)
    for index, sentence in enumerate(sentences):
        mention = GUIDELINE_MENTION.search(sentence)
        if mention and not NOT_ADDRESSED.search(sentence):
            article = "The " if mention.start() == 0 else "the "
            sentences[index] = sentence[:mention.start()] + article + name + sentence[mention.end():]
            return " ".join(sentences)
    return f"Per the {name}, this request was reviewed. {item.rationale}"


GUIDELINE_CUE = re.compile(r"guideline|MTUS|ODG|ACOEM|recommend", re.I)
CASE_WORDS = re.compile(r"request|records?|documentation|patient|injured worker|claimant|applicant|received|attended|"
                        r"completed|underwent", re.I)


def case_numbers(item: RealItem) -> set[float]:
    """Every number the case states: the letter's requests, the records and the extracted facts."""
    texts = [*item.records, *(disputed.request for disputed in item.summary.disputed_items)]
    for name in ("treatments", "medications", "pain_scores", "imaging", "diagnoses", "neuro_findings"):
        texts += [fact.evidence.quote for fact in getattr(item.summary, name)]
    values = numbers_in(" ".join(texts))
    values.update(float(course.sessions) for course in item.summary.treatments if course.sessions is not None)
    return values


def changed_number(item: RealItem, seed: int) -> str:
    """Change a count, frequency or dose of the request (else of the records) where the rationale speaks of
    the case, to another plausible value the case never states; without one, add a sentence with such a count."""
    taken = case_numbers(item)
    request_values = numbers_in(item.decision.request)
    candidates = []
    for index, sentence in enumerate(split(item.rationale)):
        if GUIDELINE_CUE.search(sentence):
            continue
        if not CASE_WORDS.search(sentence):
            continue
        for match in COUNT_IN_TEXT.finditer(sentence):
            value = word_or_number(match.group(1))
            if value in taken:
                candidates.append((value not in request_values, index, match))
    sentences = split(item.rationale)
    for _, index, match in sorted(candidates, key=lambda candidate: candidate[:2]):
        old = word_or_number(match.group(1))
        new = replacement_value(old, match.group(2), taken | {old}, seed)
        if new is None:
            continue
        sentence = sentences[index]
        sentences[index] = sentence[:match.start(1)] + f"{new:g}" + sentence[match.end(1):]
        return " ".join(sentences)
    value = next(value for value in (14, 16, 18, 22, 26, 28, 32, 34, 38) if value not in taken)
    sentences.insert(max(len(sentences) - 1, 0), f"The records document {value} completed therapy visits.")
    return " ".join(sentences)


def word_or_number(token: str) -> float:
    return float(WORD_VALUES.get(token.lower()) or token)


def replacement_value(old: float, unit: str, taken: set[float], seed: int) -> float | None:
    """A plausible other value for the unit: a standard strength for doses, 1-5 for weekly frequencies."""
    unit = unit.lower()
    if "mg" in unit:
        candidates = [value for value in DOSE_STRENGTHS if value != old]
        start = seed % len(candidates)
        candidates = candidates[start:] + candidates[:start]
    elif "week" in unit or unit.strip() in ("x", "times", "time"):
        candidates = [value for value in (1.0, 2.0, 3.0, 4.0, 5.0) if value != old]
    else:
        candidates = [old + 2, old * 2, old + 4, old + 6, old - 2, old + 8, old + 10, old * 3, old + 1, old + 3]
    return next((value for value in candidates if value > 0 and value not in taken), None)


def unmentioned_drug(item: RealItem, seed: int) -> str:
    """Add a sentence saying the worker takes a drug that neither the case, the rule nor the rationale names."""
    case = " ".join([*(disputed.request for disputed in item.summary.disputed_items), *item.records, item.rationale,
                     item.decision.guideline_summary])
    mentioned = drugs_in(case)
    choices = [name for name in INSERTED_DRUGS if GENERIC_OF[name.lower()] not in mentioned]
    drug = choices[seed % len(choices)]
    sentences = split(item.rationale)
    index = conclusion_index(sentences)
    sentences.insert(index, f"The injured worker has also been taking {drug}.")
    return " ".join(sentences)


def documented_fact_label(summary: CaseSummary, seed: int) -> str | None:
    labels: list[str] = []
    labels += [course.modality.replace("_", " ") for course in summary.treatments
               if course.modality not in ("other", "medication", "activity_modification")]
    labels += [medication.name for medication in summary.medications]
    labels += [{"mri": "an MRI", "ct": "a CT scan", "xray": "X-rays", "emg_ncv": "electrodiagnostic testing",
                "ultrasound": "an ultrasound", "bone_scan": "a bone scan"}.get(study.modality, "")
               for study in summary.imaging]
    labels = [label for label in labels if label]
    return labels[seed % len(labels)] if labels else None


def false_not_documented(item: RealItem, seed: int) -> str | None:
    label = documented_fact_label(item.summary, seed)
    if label is None:
        return None
    sentences = split(item.rationale)
    index = conclusion_index(sentences)
    template = ("There is no documentation of {label} in the records.",
                "The injured worker has not tried {label}.",
                "The records do not document {label}.",
                "No prior {label} is documented.")[seed % 4]
    sentences.insert(index, template.format(label=label))
    return " ".join(sentences)


def reviewer_name(item: RealItem, seed: int) -> str:
    first, last = REVIEWER.split()
    return item.rationale + " " + REVIEWER_EDITS[seed % len(REVIEWER_EDITS)].format(first=first, last=last)


CORRUPTORS: dict[str, Callable[[RealItem, int], str | None]] = {
    "flip_conclusion": flip_conclusion,
    "other_guideline": other_guideline,
    "changed_number": changed_number,
    "unmentioned_drug": unmentioned_drug,
    "false_not_documented": false_not_documented,
    "reviewer_name": reviewer_name,
}
EXPECTED_CHECK = {
    "flip_conclusion": "conclusion",
    "other_guideline": "guideline",
    "changed_number": "numbers",
    "unmentioned_drug": "drugs",
    "false_not_documented": "documented_facts",
    "reviewer_name": "reviewer_name",
}


# ---------------------------------------------------------------------------------------------
# the evaluation
# ---------------------------------------------------------------------------------------------


def check(item: RealItem, text: str) -> CheckReport:
    """Check one text against the item's decision; the grounding is built once per item and reused."""
    if item.grounding is None:
        item.grounding = Grounding.build(item.decision, item.summary, item.records)
    return check_rationale(text, item.decision, item.summary, reviewer_names=[REVIEWER], records=item.records,
                           grounding=item.grounding)


def run_gate_eval(letters_dir: Path, items_file: Path) -> dict:
    """Acceptance of real rationales and detection of each corruption type (JSON-serializable)."""
    return evaluate(load_items(letters_dir, items_file))


def evaluate(items: list[RealItem]) -> dict:
    """The gate report over prepared items (see run_gate_eval)."""
    check_seconds = 0.0

    def timed_check(item: RealItem, text: str) -> CheckReport:
        nonlocal check_seconds
        started = time.perf_counter()
        report = check(item, text)
        check_seconds += time.perf_counter() - started
        return report

    false_alarms = []
    failing_checks: Counter[str] = Counter()
    for item in items:
        for result in timed_check(item, item.rationale).results:
            if not result.passed:
                failing_checks[result.check] += 1
                false_alarms.append({"key": item.key, "letter": item.letter, "item": item.decision.request,
                                     "check": result.check, "detail": result.detail})
    accepted = len(items) - len({alarm["key"] for alarm in false_alarms})

    corruptions = {}
    for kind, corrupt in CORRUPTORS.items():
        made = caught = by_expected = 0
        missed = []
        for seed, item in enumerate(items):
            text = corrupt(item, seed)
            if text is None or text == item.rationale:
                continue
            made += 1
            report = timed_check(item, text)
            if not report.passed:
                caught += 1
                failed = {result.check for result in report.results if not result.passed}
                by_expected += EXPECTED_CHECK[kind] in failed
            else:
                missed.append({"key": item.key, "letter": item.letter, "item": item.decision.request,
                               "corrupted_text_tail": text[-160:]})
        corruptions[kind] = {"made": made, "caught": caught, "caught_share": share(caught, made),
                             "caught_by_intended_check": by_expected, "missed": missed}
    checks_run = len(items) + sum(entry["made"] for entry in corruptions.values())
    extractors = sorted({item.summary.extractor for item in items})
    return {
        "items": len(items),
        "letters": len({item.letter for item in items}),
        "facts_source": f"extractor {', '.join(extractors)} over the letter's CLINICAL CASE SUMMARY",
        "real_accepted": accepted,
        "real_accepted_share": share(accepted, len(items)),
        "false_alarms_by_check": dict(failing_checks),
        "false_alarms": false_alarms,
        "corruptions": corruptions,
        "checks_run": checks_run,
        "checks_per_second": round(checks_run / check_seconds, 1) if check_seconds else None,
    }


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def render_gate_markdown(report: dict) -> str:
    lines = [
        "# Consistency gate on real IMR rationales",
        "",
        f"Items: {report['items']} from {report['letters']} letters. Facts: {report['facts_source']}.",
        "",
        f"**Real rationales accepted: {report['real_accepted']}/{report['items']} "
        f"({percent(report['real_accepted_share'])})**",
        "",
        "| corruption | made | caught | share | caught by the intended check |",
        "|---|---|---|---|---|",
    ]
    for kind, entry in report["corruptions"].items():
        lines.append(f"| {kind} | {entry['made']} | {entry['caught']} | {percent(entry['caught_share'])} | "
                     f"{entry['caught_by_intended_check']} |")
    lines += ["", f"Throughput: {report['checks_per_second']} checks/s.", "", "## False alarms", ""]
    if not report["false_alarms"]:
        lines.append("None.")
    for alarm in report["false_alarms"]:
        lines.append(f"- letter {alarm['letter']}, {alarm['item']!r}: **{alarm['check']}**: {alarm['detail']}")
    lines += ["", "## Missed corruptions", ""]
    for kind, entry in report["corruptions"].items():
        for miss in entry["missed"]:
            lines.append(f"- {kind}: letter {miss['letter']}, {miss['item']!r}: ...{miss['corrupted_text_tail']}")
    return "\n".join(lines) + "\n"


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def main(argv: list[str] | None = None) -> None:
    """python -m drafter.evaluation.gate [LETTERS_DIR ITEMS_FILE] [--json]: print the report."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    paths = [Path(arg) for arg in args if arg != "--json"]
    if not paths:
        from drafter.evaluation.cli import DEFAULT_DEV as dev
        paths = [dev / "letters", dev / "items.jsonl"]
    report = run_gate_eval(paths[0], paths[1])
    print(json.dumps(report, indent=2) if as_json else render_gate_markdown(report))


if __name__ == "__main__":
    main()
