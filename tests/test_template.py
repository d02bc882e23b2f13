"""The offline template drafter: its rationales pass the consistency gate and say what was decided.

All cases here are synthetic, built by hand for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from drafter.check import check_rationale
from drafter.draft.template import draft_case_summary, draft_rationale
from drafter.guidelines.registry import decide_item
from drafter.models import (
    AgeFact,
    CaseHeader,
    CaseSummary,
    CriterionResult,
    CriterionStatus,
    Diagnosis,
    DisputedItem,
    Evidence,
    GuidelineCitation,
    ItemDecision,
    MedicationUse,
    NeuroFinding,
    Outcome,
    PainScore,
    PriorImaging,
    RedFlag,
    RequestDetails,
    SexFact,
    TreatmentCourse,
)

RECORD = (
    "Visit 01/10/2017: 52-year-old female cashier with neck pain radiating to the right arm, pain 6/10. "
    "Diagnosis: cervical radiculopathy. She completed 6 sessions of acupuncture with better sleep and less pain. "
    "Medications: cyclobenzaprine 10 mg at night for 8 weeks. Spurling test positive on the right; "
    "decreased sensation in the right C6 dermatome. X-rays of the cervical spine on 11/02/2016 were normal."
)
REQUEST = "Acupuncture 1 time a week for 6 weeks, cervical spine"


def quote(text: str) -> Evidence:
    start = RECORD.index(text)
    return Evidence(doc_id="D1", start=start, end=start + len(text), quote=text)


def make_summary() -> CaseSummary:
    return CaseSummary(
        case_id="SYN-2",
        header=CaseHeader(date_of_injury=dt.date(2016, 10, 3), ur_denial_date=dt.date(2017, 1, 24)),
        documents=[],
        disputed_items=[DisputedItem(item_id="item-1", request=REQUEST)],
        age=AgeFact(evidence=quote("52-year-old"), years=52),
        sex=SexFact(evidence=quote("female"), sex="female"),
        diagnoses=[Diagnosis(evidence=quote("cervical radiculopathy"), name="cervical radiculopathy",
                             body_region="cervical")],
        pain_scores=[PainScore(evidence=quote("pain 6/10"), score=6, context=None)],
        treatments=[TreatmentCourse(evidence=quote("She completed 6 sessions of acupuncture"), modality="acupuncture",
                                    sessions=6, body_region="cervical", response="improved")],
        medications=[MedicationUse(evidence=quote("cyclobenzaprine 10 mg at night for 8 weeks"),
                                   name="cyclobenzaprine 10 mg", drug_class="muscle_relaxant", start_date=None,
                                   duration_weeks=8)],
        neuro_findings=[NeuroFinding(evidence=quote("decreased sensation in the right C6 dermatome"),
                                     finding="sensory_deficit", present=True, body_region="cervical",
                                     detail="right C6 dermatome")],
        imaging=[PriorImaging(evidence=quote("X-rays of the cervical spine on 11/02/2016 were normal"),
                              modality="xray", body_region="cervical", date=dt.date(2016, 11, 2), finding="normal")],
        extractor="offline",
    )


def criterion(status: CriterionStatus, decisive: bool, finding: str, evidence: str | None = None) -> CriterionResult:
    return CriterionResult(
        criterion_id="functional_improvement",
        requirement="Documented functional improvement after the earlier acupuncture treatments",
        status=status, finding=finding, evidence=[quote(evidence)] if evidence else [], decisive=decisive)


def make_decision(outcome: Outcome | None, criteria: list[CriterionResult]) -> ItemDecision:
    return ItemDecision(
        item_id="item-1",
        request=REQUEST,
        details=RequestDetails(category="acupuncture", sessions=6, frequency_per_week=1, duration_weeks=6),
        outcome=outcome,
        citation=GuidelineCitation(source="MTUS", document="Acupuncture Treatment", edition="2007")
        if outcome is not None else None,
        guideline_summary="Acupuncture may continue beyond the first 3-6 treatments when functional improvement "
                          "is documented, at 1-3 treatments per week." if outcome is not None else "",
        criteria=criteria,
        rule_id="acupuncture" if outcome is not None else None,
        rules_version="test",
        note=None if outcome is not None else "No guideline rule covers this service.",
    )


DECISIONS = {
    "overturned, criteria met": make_decision(Outcome.OVERTURNED, [criterion(
        CriterionStatus.MET, True, "The records describe better sleep and less pain after 6 acupuncture sessions.",
        "She completed 6 sessions of acupuncture with better sleep and less pain")]),
    "upheld, criterion not met": make_decision(Outcome.UPHELD, [criterion(
        CriterionStatus.NOT_MET, True, "After 6 sessions the records describe no change in work or daily function.",
        "She completed 6 sessions of acupuncture")]),
    "upheld, criterion not documented": make_decision(Outcome.UPHELD, [criterion(
        CriterionStatus.NOT_DOCUMENTED, True, "The records do not describe function before and after the "
                                              "earlier sessions.")]),
    "upheld, with a met criterion beside the decisive one": make_decision(Outcome.UPHELD, [
        CriterionResult(criterion_id="frequency", requirement="No more than 3 treatments a week",
                        status=CriterionStatus.MET, finding="The request asks for 1 treatment a week.",
                        decisive=False),
        criterion(CriterionStatus.NOT_DOCUMENTED, True, "The records do not quantify any functional change.")]),
    "no rule covers the service": make_decision(None, []),
}


@pytest.mark.parametrize("name", sorted(DECISIONS))
def test_template_rationale_passes_the_gate(name: str) -> None:
    decision = DECISIONS[name]
    rationale = draft_rationale(decision, make_summary())
    report = check_rationale(rationale.text, decision, make_summary())
    assert report.passed, [result for result in report.results if not result.passed]
    assert rationale.source == "template" and rationale.item_id == "item-1"


def test_template_conclusion_is_the_letter_sentence() -> None:
    upheld = draft_rationale(DECISIONS["upheld, criterion not met"], make_summary()).text
    overturned = draft_rationale(DECISIONS["overturned, criteria met"], make_summary()).text
    assert upheld.endswith(f"The request for {REQUEST} is not medically necessary.")
    assert overturned.endswith(f"The request for {REQUEST} is medically necessary.")


def test_template_states_requirement_and_finding_of_the_decisive_criterion() -> None:
    text = draft_rationale(DECISIONS["upheld, criterion not documented"], make_summary()).text
    assert "functional improvement after the earlier acupuncture treatments" in text
    assert "The records do not describe function before and after the earlier sessions." in text
    assert "Acupuncture Treatment" in text


def test_undecided_item_leaves_the_decision_to_the_reviewer() -> None:
    text = draft_rationale(DECISIONS["no rule covers the service"], make_summary()).text
    assert "reviewer" in text
    assert "medically necessary" not in text


def test_case_summary_states_the_facts_and_only_the_facts() -> None:
    text = draft_case_summary(make_summary())
    for fact in ("52-year-old female", "10/03/2016", "cervical radiculopathy", "acupuncture (6 sessions",
                 "cyclobenzaprine 10 mg", "6/10", "sensory deficit (right C6 dermatome)", "X-rays of the cervical "
                 "spine on 11/02/2016 showing normal", REQUEST, "01/24/2017"):
        assert fact in text
    report = check_rationale(text.rsplit(" Utilization review", 1)[0], DECISIONS["no rule covers the service"],
                             make_summary())
    assert {result.check for result in report.results if not result.passed} <= {"criteria"}


def test_case_summary_says_not_documented_when_facts_are_missing() -> None:
    empty = CaseSummary(case_id="SYN-3", header=CaseHeader(), documents=[],
                        disputed_items=[DisputedItem(item_id="item-1", request=REQUEST)], extractor="offline")
    text = draft_case_summary(empty)
    assert "date not documented" in text
    assert "age not documented" in text
    assert "diagnoses are not documented" in text
    assert "Treatment to date is not documented" in text
    assert REQUEST in text


def test_case_summary_names_a_red_flag_the_records_mention_twice_once() -> None:
    summary = make_summary()
    mention = quote("decreased sensation")
    summary.red_flags = [RedFlag(flag="cauda_equina", present=False, evidence=mention),
                         RedFlag(flag="fracture", present=False, evidence=mention),
                         RedFlag(flag="cauda_equina", present=False, evidence=mention)]
    text = draft_case_summary(summary)
    assert "The records exclude cauda equina signs and a fracture." in text


def test_case_summary_writes_pain_regions_as_words_and_a_repeated_score_once() -> None:
    summary = make_summary()
    mention = quote("decreased sensation")
    summary.pain_scores = [PainScore(score=8, context="wrist_hand", evidence=mention),
                           PainScore(score=8, context="wrist_hand", evidence=mention),
                           PainScore(score=5, context="lumbar; range 3-5", evidence=mention)]
    text = draft_case_summary(summary)
    assert "Pain was rated 8/10 (wrist and hand) and 5/10 (lumbar spine; range 3-5)." in text


def test_a_citation_resting_on_several_mtus_documents_names_each_and_passes_the_gate() -> None:
    item = DisputedItem(item_id="item-1", request="Lumbar facet joint injection L4-5")
    summary = make_summary().model_copy(update={"disputed_items": [item]})
    decision = decide_item(item, summary)
    assert decision.citation is not None and decision.citation.also
    text = draft_rationale(decision, summary).text
    assert "under the Low Back Complaints chapter of the MTUS (ACOEM, 2004), Summary, and the MTUS Chronic Pain " \
           "Medical Treatment Guidelines (2016)" in text
    report = check_rationale(text, decision, summary)
    assert report.passed, [result for result in report.results if not result.passed]
