"""Which guideline documents a decision cites, and in which order: the chapter a reader of the letter sees
first. Synthetic cases, written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from drafter.guidelines.registry import decide_item
from drafter.models import (
    CaseHeader,
    CaseSummary,
    CitedDocument,
    CriterionStatus,
    DisputedItem,
    Evidence,
    GuidelineCitation,
    NeuroFinding,
    Outcome,
    PriorImaging,
    SurgeryRecord,
    TreatmentCourse,
)

UR_DATE = dt.date(2016, 12, 1)


def evidence(sentence: str) -> Evidence:
    return Evidence(doc_id="D1", start=0, end=len(sentence), quote=sentence)


def decide(request: str, *, injury: dt.date = dt.date(2016, 3, 1), ur_date: dt.date = UR_DATE, **facts):
    item = DisputedItem(item_id="item-1", request=request)
    summary = CaseSummary(case_id="T", header=CaseHeader(date_of_injury=injury, ur_denial_date=ur_date),
                          documents=[], disputed_items=[item], extractor="test", **facts)
    return decide_item(item, summary)


def status(decision, criterion_id: str) -> CriterionStatus:
    return next(result.status for result in decision.criteria if result.criterion_id == criterion_id)


def test_a_citation_of_several_documents_prints_them_in_order_as_the_letters_do():
    citation = GuidelineCitation(source="MTUS", document="Knee Complaints", edition="2004", sections=["Table 13-6"],
                                 also=[CitedDocument(document="Chronic Pain Medical Treatment", edition="2016",
                                                     sections=["Physical medicine"]),
                                       CitedDocument(document="Acupuncture Treatment", edition="2007")])
    assert citation.letter_text() == ("Decision based on MTUS Knee Complaints 2004, Section(s): Table 13-6, and "
                                      "Chronic Pain Medical Treatment 2016, Section(s): Physical medicine, and "
                                      "Acupuncture Treatment 2007.")


RADICULOPATHY = {
    "neuro_findings": [NeuroFinding(evidence=evidence("Reduced sensation in the left calf."),
                                    finding="sensory_deficit", present=True, body_region="lower_extremity",
                                    detail=None)],
    "imaging": [PriorImaging(evidence=evidence("Lumbar MRI showed a disc protrusion."), modality="mri",
                             body_region="lumbar", date=None, finding="protrusion")],
    "treatments": [TreatmentCourse(evidence=evidence("Therapy did not help the back."), modality="physical_therapy",
                                   sessions=8, body_region="lumbar", response="not_improved")],
}


@pytest.mark.parametrize("request_text, criterion", [
    ("Lumbar epidural steroid injection L5-S1", "corroborated"),
    ("Transforaminal epidural injection", "corroborated"),
    ("Facet joint injections L4-5", "non_radicular"),
])
def test_low_back_injections_cite_the_acoem_low_back_chapter_before_the_chronic_pain_section(request_text,
                                                                                              criterion):
    decision = decide(request_text, **RADICULOPATHY)
    assert decision.citation.document == "Low Back Complaints"
    assert [cited.document for cited in decision.citation.also] == ["Chronic Pain Medical Treatment"]
    assert decision.citation.sections == ["Summary"]
    assert decision.citation.also[0].edition == "2016"
    # The criteria are unchanged by the citation: the lumbar case above is radicular and corroborated.
    expected = CriterionStatus.MET if criterion == "corroborated" else CriterionStatus.NOT_MET
    assert status(decision, criterion) == expected


def test_a_low_back_injection_before_july_2016_cites_the_2009_chronic_pain_guideline_second():
    decision = decide("Lumbar epidural steroid injection L5-S1", ur_date=dt.date(2015, 6, 1), **RADICULOPATHY)
    assert decision.citation.also[0].edition == "2009"


def test_a_cervical_epidural_injection_cites_the_chronic_pain_guideline_alone():
    decision = decide("Cervical epidural steroid injection C5-6")
    assert decision.citation.document == "Chronic Pain Medical Treatment"
    assert decision.citation.also == []
    assert decision.outcome == Outcome.UPHELD


def operated(region, date: dt.date | None) -> dict:
    return {"surgeries": [SurgeryRecord(evidence=evidence("The fracture was fixed in the operating room."),
                                        procedure="open reduction internal fixation", body_region=region, date=date,
                                        status="done")]}


@pytest.mark.parametrize("request_text, surgery, injury, visits_status, outcome", [
    # Knee operated five weeks before the review: the initial postsurgical course is half of 24 visits.
    ("Physical therapy 2 times a week for 4 weeks for the right knee", ("knee", dt.date(2016, 10, 25)),
     dt.date(2016, 10, 1), CriterionStatus.MET, Outcome.OVERTURNED),
    ("Physical therapy 3 times a week for 6 weeks for the right knee", ("knee", dt.date(2016, 10, 25)),
     dt.date(2016, 10, 1), CriterionStatus.NOT_MET, Outcome.UPHELD),
    # An undated operation for an injury two months old, on a limb the therapy treats.
    ("PT/OT 18 sessions left hand, right lower leg", (None, None), dt.date(2016, 10, 1), CriterionStatus.NOT_MET,
     Outcome.UPHELD),
])
def test_therapy_within_the_postsurgical_period_follows_the_postsurgical_guidelines(request_text, surgery, injury,
                                                                                    visits_status, outcome):
    decision = decide(request_text, injury=injury, **operated(*surgery))
    assert decision.rule_id == "postsurgical-therapy"
    assert decision.details.category == "postsurgical_therapy"
    assert decision.citation.document == "Postsurgical Treatment"
    assert status(decision, "surgery_supported") == CriterionStatus.MET
    assert status(decision, "initial_course") == visits_status
    assert decision.outcome == outcome


@pytest.mark.parametrize("surgery, injury", [
    (("shoulder", dt.date(2016, 2, 1)), dt.date(2016, 11, 1)),  # before this injury: another claim's operation
    (("knee", dt.date(2016, 3, 15)), dt.date(2016, 3, 1)),  # the knee's period ended months ago
    ((None, None), dt.date(2016, 7, 1)),  # undated, region unknown, injury five months old
    (("shoulder", dt.date(2016, 10, 25)), dt.date(2016, 10, 1)),  # recent, but on another region
])
def test_therapy_outside_a_postsurgical_period_follows_the_chronic_pain_guidelines(surgery, injury):
    decision = decide("Physical therapy 2 times a week for 4 weeks for the right knee", injury=injury,
                      **operated(*surgery))
    assert decision.rule_id == "physical-therapy"
    assert decision.citation.document == "Chronic Pain Medical Treatment"


@pytest.mark.parametrize("request_text, document", [
    ("MRI of the right hip and knee", "Knee Complaints"),
    ("X-rays of the pelvis and left ankle", "Ankle and Foot Complaints"),
    ("MRI of the right hip", "Official Disability Guidelines"),
])
def test_imaging_of_several_regions_cites_the_mtus_chapter_before_odg(request_text, document):
    assert decide(request_text).citation.document == document
