"""Stage 4, offline: the deterministic drafter of the rationale and the clinical case summary.

Everything written here comes from the decision (its guideline summary, criteria and their findings)
or from the case summary's facts; nothing is inferred beyond them. The wording is this project's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from drafter.models import (
    CaseSummary,
    CriterionResult,
    CriterionStatus,
    GuidelineCitation,
    ItemDecision,
    MedicationUse,
    Outcome,
    PainScore,
    PriorImaging,
    Rationale,
    TreatmentCourse,
)
from drafter.text import letter_date, one_line

MODALITY_LABELS = {
    "physical_therapy": "physical therapy",
    "occupational_therapy": "occupational therapy",
    "chiropractic": "chiropractic care",
    "acupuncture": "acupuncture",
    "massage": "massage therapy",
    "home_exercise": "a home exercise program",
    "injection": "injections",
    "tens": "a TENS unit",
    "psychotherapy": "psychotherapy",
    "functional_restoration": "a functional restoration program",
    "surgery": "surgery",
    "medication": "medications",
    "activity_modification": "activity modification",
    "other": "other treatment",
}
RESPONSE_LABELS = {"improved": "with reported improvement", "not_improved": "without reported improvement"}
REGION_LABELS = {
    "cervical": "cervical spine",
    "thoracic": "thoracic spine",
    "lumbar": "lumbar spine",
    "wrist_hand": "wrist and hand",
    "ankle_foot": "ankle and foot",
    "upper_extremity": "upper extremity",
    "lower_extremity": "lower extremity",
    "abdomen_pelvis": "abdomen and pelvis",
    "psyche": "psyche",
}
IMAGING_LABELS = {
    "mri": "MRI",
    "ct": "CT",
    "xray": "X-rays",
    "emg_ncv": "electrodiagnostic testing",
    "ultrasound": "ultrasound",
    "bone_scan": "a bone scan",
    "other": "imaging",
}
NEURO_LABELS = {
    "sensory_deficit": "a sensory deficit",
    "motor_weakness": "motor weakness",
    "reflex_change": "a reflex change",
    "radicular_symptoms": "radicular symptoms",
    "positive_straight_leg_raise": "a positive straight leg raise",
    "atrophy": "muscle atrophy",
    "paresthesia": "paresthesias",
}
RED_FLAG_LABELS = {
    "cauda_equina": "cauda equina signs",
    "bowel_bladder_dysfunction": "bowel or bladder dysfunction",
    "progressive_neurologic_deficit": "a progressive neurologic deficit",
    "fracture": "a fracture",
    "cancer": "a malignancy",
    "infection": "an infection",
    "myelopathy": "myelopathy",
    "major_trauma": "major trauma",
}
WORK_LABELS = {
    "full_duty": "working full duty",
    "modified_duty": "on modified duty",
    "off_work": "off work",
    "retired": "retired",
}
MONITORING_LABELS = {
    "urine_drug_screen": "urine drug screening",
    "cures_report": "a CURES report",
    "pain_agreement": "an opioid agreement",
    "side_effects_assessed": "an assessment of side effects",
    "aberrant_behavior": "an assessment of aberrant drug behavior",
    "pain_relief_quantified": "quantified pain relief",
}
SAYS_ABSENT = re.compile(r"\b(?:not|no|none|without|cannot)\b", re.I)


def sentence(text: str) -> str:
    """Trim, capitalise the first letter and make sure the text ends with a full stop."""
    text = one_line(text)
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def join_words(words: Iterable[str]) -> str:
    items = [word for word in words if word]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def guideline_name(citation: GuidelineCitation) -> str:
    """How the rationale names the cited guideline: 'the MTUS Chronic Pain Medical Treatment Guidelines (2016),
    Opioids', 'the Low Back Complaints chapter of the MTUS (ACOEM, 2004)', 'the Official Disability Guidelines'.
    A citation resting on several MTUS documents names each of them, in the citation's order."""
    if citation.source == "MTUS":
        names = [mtus_document_name(cited.document, cited.edition, cited.sections)
                 for cited in (citation, *citation.also)]
        return ", and ".join(names)
    name = f"the {citation.document}" if citation.source == "ODG" else (
        f"the {citation.source} {citation.document} ({citation.edition})")
    if citation.sections:
        name += ", " + "; ".join(citation.sections)
    return name


def mtus_document_name(document: str, edition: str, sections: list[str]) -> str:
    if document.endswith("Complaints") or document in ("General Approaches", "Stress Related Conditions"):
        name = f"the {document} chapter of the MTUS (ACOEM, {edition})"
    else:
        name = f"the MTUS {document} Guidelines ({edition})"
    if sections:
        name += ", " + "; ".join(sections)
    return name


def conclusion(decision: ItemDecision) -> str:
    if decision.outcome == Outcome.UPHELD:
        return f"The request for {decision.request} is not medically necessary."
    return f"The request for {decision.request} is medically necessary."


def criterion_sentences(result: CriterionResult) -> list[str]:
    sentences = [sentence(f"Guideline criterion: {result.requirement.rstrip('.')}"), sentence(result.finding)]
    if result.decisive and result.status == CriterionStatus.NOT_MET:
        sentences.append("This criterion is not met.")
    elif result.decisive and result.status == CriterionStatus.NOT_DOCUMENTED and not SAYS_ABSENT.search(
            result.finding):
        sentences.append("The records provided do not establish it.")
    quote = first_quote(result)
    if quote and result.status == CriterionStatus.MET:
        sentences.append(f'The records note: "{quote}".')
    return sentences


def first_quote(result: CriterionResult) -> str | None:
    for evidence in result.evidence:
        quote = one_line(evidence.quote).rstrip(".")
        if 0 < len(quote) <= 160:
            return quote
    return None


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (MRI, NSAID, ...)."""
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and first_word[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def draft_rationale(decision: ItemDecision, summary: CaseSummary) -> Rationale:
    """The decision rationale: what the guideline requires, what the records show, the conclusion."""
    if decision.outcome is None:
        note = decision.note or "No guideline rule in this tool covers this service."
        text = " ".join([
            sentence(note),
            f"The tool has not decided the request for {decision.request}.",
            "The reviewer decides this item from the records and the applicable guideline.",
        ])
        return Rationale(item_id=decision.item_id, text=text, source="template")

    parts: list[str] = []
    if decision.citation is not None:
        parts.append(f"This request is reviewed under {guideline_name(decision.citation)}.")
    if decision.guideline_summary:
        parts.append(sentence(decision.guideline_summary))
    ordered = sorted(decision.criteria, key=lambda result: not result.decisive)
    for result in ordered:
        parts.extend(criterion_sentences(result))
    unmet = [result for result in decision.criteria
             if result.decisive and result.status != CriterionStatus.MET]
    if decision.outcome == Outcome.UPHELD:
        if unmet:
            parts.append("Because the records do not satisfy every criterion above, the guideline "
                         "criteria for this request are not met.")
    else:
        parts.append("The records satisfy the guideline criteria for this request.")
    parts.append(conclusion(decision))
    text = " ".join(part for part in parts if part)
    return Rationale(item_id=decision.item_id, text=text, source="template")


def draft_case_summary(summary: CaseSummary) -> str:
    """The CLINICAL CASE SUMMARY paragraph, from the extracted facts only."""
    parts = [identity_sentence(summary)]
    if summary.diagnoses:
        names = [lower_first(diagnosis.name)
                 + ("" if diagnosis.certainty == "confirmed" else f" ({diagnosis.certainty})")
                 for diagnosis in summary.diagnoses if diagnosis.certainty != "ruled_out"]
        ruled_out = [lower_first(diagnosis.name) for diagnosis in summary.diagnoses
                     if diagnosis.certainty == "ruled_out"]
        if names:
            parts.append(f"Diagnoses include {join_words(names)}.")
        if ruled_out:
            parts.append(f"Ruled out: {join_words(ruled_out)}.")
    else:
        parts.append("The diagnoses are not documented in the records provided.")
    parts.append(treatment_sentence(summary))
    if summary.surgeries:
        parts.append("Surgical history: " + join_words(
            f"{surgery.procedure} ({surgery.status}{', ' + letter_date(surgery.date) if surgery.date else ''})"
            for surgery in summary.surgeries) + ".")
    if summary.medications:
        parts.append("Medications include " + join_words(medication_phrase(med) for med in summary.medications)
                     + ".")
    else:
        parts.append("Current medications are not documented.")
    if summary.pain_scores:
        parts.append("Pain was rated " + join_words(unique([pain_phrase(score) for score in summary.pain_scores]))
                     + ".")
    parts.extend(exam_sentences(summary))
    if summary.imaging:
        parts.append("Prior studies include " + join_words(imaging_phrase(study) for study in summary.imaging)
                     + ".")
    else:
        parts.append("No prior imaging is documented.")
    parts.extend(status_sentences(summary))
    requests = [item.request for item in summary.disputed_items]
    if requests:
        denial = (f" Utilization review dated {letter_date(summary.header.ur_denial_date)} denied the "
                  f"request{'s' if len(requests) > 1 else ''}." if summary.header.ur_denial_date else "")
        parts.append(f"The disputed request{'s are' if len(requests) > 1 else ' is'}: "
                     f"{'; '.join(requests)}.{denial}")
    return " ".join(part for part in parts if part)


def identity_sentence(summary: CaseSummary) -> str:
    injured = (f"sustained an industrial injury on {letter_date(summary.header.date_of_injury)}"
               if summary.header.date_of_injury else "sustained an industrial injury (date not documented)")
    if summary.age and summary.sex:
        return f"The injured worker is a {summary.age.years}-year-old {summary.sex.sex} who {injured}."
    age = f"{summary.age.years} years old" if summary.age else "age not documented"
    sex = summary.sex.sex if summary.sex else "sex not documented"
    return f"The injured worker ({age}, {sex}) {injured}."


def treatment_sentence(summary: CaseSummary) -> str:
    if not summary.treatments:
        return "Treatment to date is not documented."
    phrases = []
    for course in distinct_courses(summary.treatments):
        phrase = MODALITY_LABELS[course.modality]
        details = []
        if course.sessions is not None:
            details.append(f"{course.sessions} sessions")
        if course.body_region:
            details.append(REGION_LABELS.get(course.body_region, course.body_region))
        if course.response in RESPONSE_LABELS:
            details.append(RESPONSE_LABELS[course.response])
        phrases.append(phrase + (f" ({', '.join(details)})" if details else ""))
    return f"Treatment to date includes {join_words(phrases)}."


def distinct_courses(courses: list[TreatmentCourse]) -> list[TreatmentCourse]:
    """One entry per course: the same course noted in several records is told once, with the response any
    record states; a mention without a visit count is dropped where a counted one of the modality exists."""
    merged: dict[tuple[str, int | None, str | None], TreatmentCourse] = {}
    for course in courses:
        key = (course.modality, course.sessions, course.body_region)
        known = merged.get(key)
        if known is None or (known.response == "not_stated" and course.response != "not_stated"):
            merged[key] = course
    counted = {modality for modality, sessions, _ in merged if sessions is not None}
    return [course for (modality, sessions, _), course in merged.items()
            if sessions is not None or modality not in counted]


def medication_phrase(medication: MedicationUse) -> str:
    details = []
    if medication.start_date:
        details.append(f"since {letter_date(medication.start_date)}")
    if medication.duration_weeks is not None:
        details.append(f"about {medication.duration_weeks:g} weeks")
    return medication.name + (f" ({', '.join(details)})" if details else "")


def imaging_phrase(study: PriorImaging) -> str:
    phrase = IMAGING_LABELS[study.modality]
    if study.body_region:
        phrase += f" of the {REGION_LABELS.get(study.body_region, study.body_region)}"
    if study.date:
        phrase += f" on {letter_date(study.date)}"
    if study.finding:
        phrase += f" showing {study.finding.rstrip('.')}"
    return phrase


def pain_phrase(score: PainScore) -> str:
    """'8/10 (wrist and hand; range 6-8)': the score, and its context with region keys written as words."""
    if not score.context:
        return f"{score.score:g}/10"
    context = "; ".join(REGION_LABELS.get(part, part) for part in score.context.split("; "))
    return f"{score.score:g}/10 ({context})"


def unique(phrases: list[str]) -> list[str]:
    return list(dict.fromkeys(phrases))


def exam_sentences(summary: CaseSummary) -> list[str]:
    sentences = []
    present = unique([NEURO_LABELS[finding.finding] + (f" ({finding.detail})" if finding.detail else "")
                      for finding in summary.neuro_findings if finding.present])
    found_kinds = {finding.finding for finding in summary.neuro_findings if finding.present}
    absent = unique([NEURO_LABELS[finding.finding] for finding in summary.neuro_findings if not finding.present])
    if present:
        sentences.append(f"Examination documented {join_words(present)}.")
    if absent:
        # Records that disagree (an earlier normal examination, a later abnormal one) are both reported.
        disagree = present and any(f.finding in found_kinds for f in summary.neuro_findings if not f.present)
        subject = "Another examination" if disagree else "The examination"
        sentences.append(f"{subject} was negative for {join_words(absent)}.")
    if not summary.neuro_findings:
        sentences.append("Neurologic examination findings are not documented.")
    # a flag the records speak of twice (two notes, two mentions) is named once
    flags = unique([RED_FLAG_LABELS[flag.flag] for flag in summary.red_flags if flag.present])
    excluded = unique([RED_FLAG_LABELS[flag.flag] for flag in summary.red_flags if not flag.present])
    if flags:
        sentences.append(f"Red flags noted: {join_words(flags)}.")
    if excluded:
        sentences.append(f"The records exclude {join_words(excluded)}.")
    return sentences


def status_sentences(summary: CaseSummary) -> list[str]:
    sentences = []
    for status in summary.functional_status:
        related = f" with {status.related_to}" if status.related_to else ""
        verb = "improved" if status.improved else "did not improve"
        sentences.append(f"Function {verb}{related}.")
    work = [WORK_LABELS[status.status] for status in summary.work_status if status.status in WORK_LABELS]
    if work:
        sentences.append(f"The injured worker is {work[-1]}.")
    monitoring = [MONITORING_LABELS[record.kind] for record in summary.monitoring if record.present]
    if monitoring:
        sentences.append(f"Medication monitoring documented includes {join_words(monitoring)}.")
    return sentences
