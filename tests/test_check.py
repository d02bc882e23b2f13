"""The consistency gate on synthetic cases: sound rationales pass, hand-written fakes are caught.

Every rationale below is written for these tests. The ones named `FAKE_...` are hand-written fakes, each
carrying exactly one error a drafting model could make; each must fail the check named next to it and
only that check.
"""

from __future__ import annotations

import datetime as dt

import pytest

from drafter.check import check_rationale
from drafter.models import (
    CaseHeader,
    CaseSummary,
    CriterionResult,
    CriterionStatus,
    DisputedItem,
    Evidence,
    FunctionalStatus,
    GuidelineCitation,
    ItemDecision,
    MedicationUse,
    MonitoringRecord,
    Outcome,
    PriorImaging,
    RequestDetails,
    TreatmentCourse,
)

RECORD = (
    "Progress note 03/02/2017. The claimant, a 46-year-old warehouse worker, reports low back pain rated 7/10. "
    "He completed 12 sessions of physical therapy in January 2017 without lasting change. "
    "Medications: naproxen 550 mg twice daily and omeprazole 20 mg daily. "
    "MRI of the lumbar spine on 12/20/2016 showed a disc bulge at L4-5. "
    "A urine drug screen on 02/01/2017 was consistent. Plan: physical therapy 2 times a week for 6 weeks."
)


def quote(text: str) -> Evidence:
    start = RECORD.index(text)
    return Evidence(doc_id="D1", start=start, end=start + len(text), quote=text)


def make_summary() -> CaseSummary:
    return CaseSummary(
        case_id="SYN-1",
        header=CaseHeader(date_of_injury=dt.date(2016, 9, 14), ur_denial_date=dt.date(2017, 3, 20),
                          decision_date=dt.date(2017, 4, 28)),
        documents=[],
        disputed_items=[DisputedItem(item_id="item-1", request="Physical therapy 2 times a week for 6 weeks")],
        treatments=[TreatmentCourse(evidence=quote("He completed 12 sessions of physical therapy"),
                                    modality="physical_therapy", sessions=12, body_region="lumbar",
                                    response="not_improved")],
        medications=[MedicationUse(evidence=quote("naproxen 550 mg twice daily"), name="naproxen 550 mg",
                                   drug_class="nsaid", start_date=None, duration_weeks=None),
                     MedicationUse(evidence=quote("omeprazole 20 mg daily"), name="omeprazole 20 mg",
                                   drug_class="ppi", start_date=None, duration_weeks=None)],
        imaging=[PriorImaging(evidence=quote("MRI of the lumbar spine on 12/20/2016"), modality="mri",
                              body_region="lumbar", date=dt.date(2016, 12, 20), finding="disc bulge at L4-5")],
        monitoring=[MonitoringRecord(evidence=quote("A urine drug screen on 02/01/2017 was consistent"),
                                     kind="urine_drug_screen", present=True, detail=None)],
        extractor="offline",
    )


def make_decision(outcome: Outcome | None = Outcome.UPHELD) -> ItemDecision:
    finding = "The records describe 12 completed sessions of physical therapy with no measured functional gain."
    return ItemDecision(
        item_id="item-1",
        request="Physical therapy 2 times a week for 6 weeks",
        details=RequestDetails(category="physical_therapy", sessions=12, frequency_per_week=2, duration_weeks=6),
        outcome=outcome,
        citation=GuidelineCitation(source="MTUS", document="Chronic Pain Medical Treatment", edition="2016",
                                   sections=["Physical medicine"]),
        guideline_summary="The chronic pain guideline allows 8-10 visits over 4-8 weeks and further visits only "
                          "with documented functional improvement.",
        criteria=[CriterionResult(criterion_id="functional_improvement",
                                  requirement="Functional improvement documented after the prior therapy",
                                  status=CriterionStatus.NOT_DOCUMENTED, finding=finding,
                                  evidence=[quote("He completed 12 sessions of physical therapy")], decisive=True)],
        rule_id="physical_therapy",
        rules_version="test",
    )


SOUND_UPHELD = (
    "The MTUS Chronic Pain Medical Treatment Guidelines allow 8-10 visits over 4-8 weeks, and additional therapy "
    "only when the earlier visits produced functional improvement. The injured worker has completed 12 sessions "
    "of physical therapy, and the records describe no measured functional gain from them. He takes naproxen "
    "550 mg and omeprazole 20 mg; an MRI of 12/20/2016 showed a disc bulge at L4-5. The request adds 12 more "
    "visits to a course that has not helped. The request for Physical therapy 2 times a week for 6 weeks is not "
    "medically necessary."
)

SOUND_OVERTURNED = (
    "The MTUS Chronic Pain Medical Treatment Guidelines support further therapy where the earlier visits produced "
    "functional improvement. The records describe 12 completed sessions of physical therapy. The request for "
    "Physical therapy 2 times a week for 6 weeks is medically necessary."
)


def failed(text: str, outcome: Outcome | None = Outcome.UPHELD, reviewer_names: tuple[str, ...] = ()) -> set[str]:
    report = check_rationale(text, make_decision(outcome), make_summary(), reviewer_names=reviewer_names)
    assert report.passed == (not any(not result.passed for result in report.results))
    return {result.check for result in report.results if not result.passed}


def test_sound_rationales_pass_every_check() -> None:
    assert failed(SOUND_UPHELD) == set()
    assert failed(SOUND_OVERTURNED, Outcome.OVERTURNED) == set()


def test_every_check_reports_a_stable_id() -> None:
    report = check_rationale(SOUND_UPHELD, make_decision(), make_summary())
    assert [result.check for result in report.results] == [
        "conclusion", "guideline", "numbers", "drugs", "procedures", "criteria", "documented_facts", "reviewer_name"]
    assert report.item_id == "item-1" and report.passed


# Hand-written fakes: one error each, and the check expected to catch it.
FAKES = {
    "flipped conclusion": (SOUND_UPHELD.replace("is not medically necessary", "is medically necessary"),
                           "conclusion"),
    "negation dropped in a list": (
        SOUND_UPHELD.replace("The request for Physical therapy 2 times a week for 6 weeks is not medically "
                             "necessary.", "Therefore, the request was medically necessary, medically appropriate, "
                                            "and indicated here."), "conclusion"),
    "opposite stated mid-text": (
        SOUND_UPHELD.replace("The request adds", "The requested therapy is warranted. The request adds"),
        "conclusion"),
    "review outcome stated the other way": (
        SOUND_UPHELD.replace("The request adds", "The utilization review denial is overturned. The request adds"),
        "conclusion"),
    "another guideline cited": (
        SOUND_UPHELD.replace("MTUS Chronic Pain Medical Treatment Guidelines", "MTUS Acupuncture Medical "
                                                                               "Treatment Guidelines"), "guideline"),
    "ACOEM chapter of another body part": (
        SOUND_UPHELD.replace("The request adds", "ACOEM Chapter 13 supports this view. The request adds"),
        "guideline"),
    "visit count changed": (SOUND_UPHELD.replace("completed 12 sessions", "completed 16 sessions"), "numbers"),
    "frequency changed in the request": (
        SOUND_UPHELD.replace("Physical therapy 2 times a week for 6 weeks is not",
                             "Physical therapy 4 times a week for 6 weeks is not"), "numbers"),
    "dose changed": (SOUND_UPHELD.replace("naproxen 550 mg", "naproxen 500 mg"), "numbers"),
    "date invented": (SOUND_UPHELD.replace("12/20/2016", "06/11/2015"), "numbers"),
    "spinal level invented": (SOUND_UPHELD.replace("L4-5", "L2-3"), "numbers"),
    "count spelled out": (SOUND_UPHELD.replace("completed 12 sessions", "completed fourteen sessions"), "numbers"),
    "drug never mentioned": (SOUND_UPHELD.replace("He takes naproxen", "He takes gabapentin, naproxen"),
                             "drugs"),
    "brand name never mentioned": (SOUND_UPHELD.replace("He takes naproxen", "He takes Norco and naproxen"),
                                   "drugs"),
    "procedure never performed": (
        SOUND_UPHELD.replace("The request adds", "The injured worker underwent an EMG of both legs. "
                                                 "The request adds"), "procedures"),
    "surgery invented": (
        SOUND_UPHELD.replace("The request adds", "He had a lumbar fusion. The request adds"), "procedures"),
    "year of an earlier event invented": (
        SOUND_UPHELD.replace("The request adds", "He first hurt his back in 2011. The request adds"), "numbers"),
    "decisive criterion ignored": (
        "The MTUS Chronic Pain Medical Treatment Guidelines allow 8-10 visits over 4-8 weeks. The request for "
        "Physical therapy 2 times a week for 6 weeks is not medically necessary.", "criteria"),
    "prior therapy called undocumented": (
        SOUND_UPHELD.replace("The request adds", "There is no documentation of prior physical therapy. "
                                                 "The request adds"), "documented_facts"),
    "drug screen called undocumented": (
        SOUND_UPHELD.replace("The request adds", "A urine drug screen was not documented. The request adds"),
        "documented_facts"),
    "NSAID trial denied": (
        SOUND_UPHELD.replace("The request adds", "The injured worker has not tried NSAIDs. The request adds"),
        "documented_facts"),
    "records said not to show the medication": (
        SOUND_UPHELD.replace("The request adds", "The records do not document omeprazole use. The request adds"),
        "documented_facts"),
    "imaging called undocumented": (
        SOUND_UPHELD.replace("The request adds", "No prior MRI is documented. The request adds"),
        "documented_facts"),
    "reviewer named with title": (SOUND_UPHELD + " Reviewed by Dr. Hollis.", "reviewer_name"),
    "reviewer named with degree": (SOUND_UPHELD + " Dana Whitcomb, MD", "reviewer_name"),
}


@pytest.mark.parametrize("name", sorted(FAKES))
def test_hand_written_fake_is_caught_by_its_check(name: str) -> None:
    text, check = FAKES[name]
    assert failed(text) == {check}


def test_reviewer_name_given_by_the_caller_is_caught_without_a_title() -> None:
    text = SOUND_UPHELD + " Avery Lindqvist agrees."
    assert failed(text) == set()
    assert failed(text, reviewer_names=("Avery Lindqvist, MD",)) == {"reviewer_name"}
    assert failed(SOUND_UPHELD + " The MD notes agree.", reviewer_names=("Avery Lindqvist, M.D.",)) == set()


@pytest.mark.parametrize("sentence", [
    "The request was not medically necessary, medically appropriate, or indicated here.",
    "Therefore, the request is considered not medically necessary.",
    "The requested MRI is not supported and cannot be recommended.",
    "As such, the medical necessity of this request has not been established.",
    "The request for MRI of the lumbar spine without contrast is determined to not be medically necessary.",
])
def test_negative_conclusions_in_many_wordings_read_as_upheld(sentence: str) -> None:
    text = SOUND_UPHELD.rsplit(". ", 1)[0] + ". " + sentence
    assert "conclusion" not in failed(text)
    assert "conclusion" in failed(text, Outcome.OVERTURNED)


def test_conditional_and_guideline_statements_are_not_read_as_the_outcome() -> None:
    text = ("Further therapy would be medically necessary if the records documented functional improvement. "
            "Imaging is indicated when red flags are present. " + SOUND_UPHELD)
    assert "conclusion" not in failed(text)


def test_statements_about_other_things_are_not_read_as_the_outcome() -> None:
    text = ("The guideline requires that the surgery is found medically necessary first. Maintenance care is not "
            "medically necessary. The guideline supports medically necessary transportation. " + SOUND_OVERTURNED)
    assert "conclusion" not in failed(text, Outcome.OVERTURNED)


def test_undecided_item_must_not_state_an_outcome() -> None:
    neutral = "No guideline rule covers this service. The reviewer decides this item from the records."
    assert "conclusion" not in failed(neutral, None)
    assert "conclusion" in failed(neutral + " The request is not medically necessary.", None)


def test_guideline_numbers_allowed_where_the_guideline_speaks_not_for_the_case() -> None:
    guideline_sentence = "The guidelines allow up to 18 visits over 6-8 weeks for manual therapy. "
    assert "numbers" not in failed(guideline_sentence + SOUND_UPHELD)
    assert "numbers" in failed("The records show 18 completed visits. " + SOUND_UPHELD)


def test_dates_between_injury_and_decision_and_derived_durations_are_grounded() -> None:
    text = ("The injured worker was seen on 02/15/2017, about five months after the injury. " + SOUND_UPHELD)
    assert "numbers" not in failed(text)


def test_page_and_table_references_and_literature_citations_are_not_claims() -> None:
    text = ("As noted on page 99 of the guideline (Table 12-8) and in the literature (Smith, 2009), " + SOUND_UPHELD)
    assert "numbers" not in failed(text)


def test_quoted_record_words_are_not_the_texts_claims() -> None:
    text = SOUND_UPHELD.replace("The request adds", 'A note reads: "no prior physical therapy". The request adds')
    assert "documented_facts" not in failed(text)


def test_procedures_named_as_absent_proposed_or_in_guideline_statements_pass() -> None:
    text = ("The guidelines support an EMG only after a month of conservative care. There is no documentation "
            "of acupuncture. A trial of chiropractic care could be considered. " + SOUND_UPHELD)
    assert "procedures" not in failed(text)


def test_no_documentation_claims_about_attributes_of_a_documented_fact_pass() -> None:
    text = SOUND_UPHELD.replace("The request adds", "There is no documentation of functional improvement from "
                                                    "the prior physical therapy. The request adds")
    assert "documented_facts" not in failed(text)


def test_functional_improvement_after_another_treatment_does_not_contradict() -> None:
    summary = make_summary()
    summary.functional_status.append(FunctionalStatus(evidence=quote("He completed 12 sessions of physical "
                                                                     "therapy"), improved=True,
                                                      related_to="acupuncture"))
    text = SOUND_UPHELD.replace("The request adds", "The records do not document functional improvement from "
                                                    "the physical therapy. The request adds")
    assert check_rationale(text, make_decision(), summary).passed


def test_functional_improvement_claim_contradicting_the_summary_is_caught() -> None:
    summary = make_summary()
    summary.functional_status.append(FunctionalStatus(evidence=quote("He completed 12 sessions of physical "
                                                                     "therapy"), improved=True,
                                                      related_to="physical therapy"))
    text = SOUND_UPHELD.replace("The request adds", "There is no documentation of functional improvement. "
                                                    "The request adds")
    report = check_rationale(text, make_decision(), summary)
    assert {result.check for result in report.results if not result.passed} == {"documented_facts"}


def test_a_total_of_a_course_the_records_write_as_frequency_times_duration_is_grounded() -> None:
    records = [RECORD + " In December the surgeon ordered acupuncture 2x4, then chiropractic care three times a "
               "week for 3 weeks."]

    def numbers_failed(text: str) -> bool:
        report = check_rationale(text, make_decision(), make_summary(), records=records)
        return not next(result for result in report.results if result.check == "numbers").passed

    assert not numbers_failed("The records show 8 acupuncture visits and then 9 chiropractic visits were ordered. "
                              + SOUND_UPHELD)
    assert numbers_failed("The records show 14 acupuncture visits were ordered. " + SOUND_UPHELD)


def test_a_records_course_total_does_not_ground_a_changed_count_in_the_restated_request() -> None:
    records = [RECORD + " Acupuncture was first ordered 2x4."]
    decision = make_decision().model_copy(update={"request": "Acupuncture 6 visits"})
    summary = make_summary()
    summary = summary.model_copy(update={"disputed_items": [DisputedItem(item_id="item-1",
                                                                         request="Acupuncture 6 visits")]})
    sound = "The records show 8 acupuncture visits were first ordered. The request for Acupuncture 6 visits is not " \
            "medically necessary."
    changed = "The request for Acupuncture 8 visits is not medically necessary."
    results = {text: check_rationale(text, decision, summary, records=records) for text in (sound, changed)}
    assert next(result for result in results[sound].results if result.check == "numbers").passed
    assert not next(result for result in results[changed].results if result.check == "numbers").passed
