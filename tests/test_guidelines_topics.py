"""Each guideline topic beyond the core ones: a criterion met, not met and not documented, with the outcome
that follows. Synthetic cases, written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from drafter.guidelines.registry import decide_item
from drafter.models import (
    AgeFact,
    CaseHeader,
    CaseSummary,
    CriterionStatus,
    Diagnosis,
    DisputedItem,
    Evidence,
    FunctionalStatus,
    MedicationUse,
    MonitoringRecord,
    NeuroFinding,
    Outcome,
    PriorImaging,
    RedFlag,
    SurgeryRecord,
    TreatmentCourse,
)

MET, NOT_MET, NOT_DOCUMENTED = CriterionStatus.MET, CriterionStatus.NOT_MET, CriterionStatus.NOT_DOCUMENTED
UR_DATE = dt.date(2016, 12, 1)


class Case:
    """Builds a synthetic note sentence by sentence; each fact quotes its own sentence."""

    def __init__(self, injury: dt.date = dt.date(2016, 3, 1)):
        self.text = ""
        self.facts: dict[str, list] = {}
        self.header = CaseHeader(date_of_injury=injury, ur_denial_date=UR_DATE)
        self.items: list[DisputedItem] = []

    def _ev(self, sentence: str) -> Evidence:
        start = len(self.text)
        self.text += sentence + " "
        return Evidence(doc_id="D1", start=start, end=start + len(sentence), quote=sentence)

    def _add(self, field: str, fact) -> Case:
        self.facts.setdefault(field, []).append(fact)
        return self

    def dx(self, name: str, region=None) -> Case:
        return self._add("diagnoses", Diagnosis(evidence=self._ev(f"Diagnosis {name}."), name=name,
                                                body_region=region))

    def med(self, name: str, drug_class: str, weeks: float | None = None) -> Case:
        return self._add("medications", MedicationUse(evidence=self._ev(f"Takes {name}."), name=name,
                                                      drug_class=drug_class, start_date=None, duration_weeks=weeks))

    def tx(self, modality: str, response: str = "not_stated", region=None, sessions: int | None = None) -> Case:
        return self._add("treatments", TreatmentCourse(evidence=self._ev(f"Had {modality} ({response})."),
                                                       modality=modality, sessions=sessions, body_region=region,
                                                       response=response))

    def neuro(self, finding: str, present: bool = True, region=None) -> Case:
        return self._add("neuro_findings", NeuroFinding(evidence=self._ev(f"Exam {finding} {present}."),
                                                        finding=finding, present=present, body_region=region,
                                                        detail=None))

    def flag(self, flag: str, present: bool = True) -> Case:
        return self._add("red_flags", RedFlag(evidence=self._ev(f"Flag {flag} {present}."), flag=flag,
                                              present=present))

    def img(self, modality: str, region) -> Case:
        return self._add("imaging", PriorImaging(evidence=self._ev(f"Earlier {modality} of {region}."),
                                                 modality=modality, body_region=region, date=None, finding="x"))

    def function(self, improved: bool, related_to: str | None = None) -> Case:
        return self._add("functional_status", FunctionalStatus(evidence=self._ev(f"Function {improved}."),
                                                               improved=improved, related_to=related_to))

    def monitor(self, kind: str, present: bool = True) -> Case:
        return self._add("monitoring", MonitoringRecord(evidence=self._ev(f"Monitor {kind} {present}."),
                                                        kind=kind, present=present, detail=None))

    def surgery(self, procedure: str, region, status: str) -> Case:
        return self._add("surgeries", SurgeryRecord(evidence=self._ev(f"Surgery {procedure} {status}."),
                                                    procedure=procedure, body_region=region, date=None,
                                                    status=status))

    def aged(self, years: int) -> Case:
        self.facts["age"] = AgeFact(evidence=self._ev(f"Age {years}."), years=years)
        return self

    def also_requested(self, request: str) -> Case:
        self.items.append(DisputedItem(item_id=f"other-{len(self.items)}", request=request))
        return self

    def decide(self, request: str):
        item = DisputedItem(item_id="item-1", request=request)
        summary = CaseSummary(case_id="T", header=self.header, documents=[], disputed_items=[item, *self.items],
                              extractor="test", **self.facts)
        return decide_item(item, summary)


def status(decision, criterion_id: str) -> CriterionStatus:
    return next(result.status for result in decision.criteria if result.criterion_id == criterion_id)


CASES = [
    # (id, request, case builder, criterion, expected status, expected outcome)
    ("joint-mri-met", "MRI of the right knee", lambda: Case().dx("medial meniscus tear", "knee")
     .tx("physical_therapy", "not_improved", "knee"), "structural_question", MET, Outcome.OVERTURNED),
    ("joint-mri-improving", "MRI of the right knee", lambda: Case().dx("medial meniscus tear", "knee")
     .tx("physical_therapy", "improved", "knee"), "conservative_care_failed", NOT_MET, Outcome.UPHELD),
    ("joint-mri-stalled-therapy", "MRI of the left shoulder", lambda: Case().tx("physical_therapy", "not_improved",
     "shoulder").dx("shoulder pain", "shoulder"), "structural_question", MET, Outcome.OVERTURNED),
    ("joint-mri-nothing", "MRI of the left shoulder", lambda: Case().dx("shoulder pain", "shoulder"),
     "structural_question", NOT_DOCUMENTED, Outcome.UPHELD),
    ("shoulder-mri-pain-persists-after-therapy", "MRI of the left shoulder", lambda: Case()
     .tx("physical_therapy", region="shoulder").tx("home_exercise").dx("shoulder strain", "shoulder"),
     "structural_question", MET, Outcome.OVERTURNED),
    ("knee-mri-pain-persists-after-therapy", "MRI of the left knee", lambda: Case()
     .tx("physical_therapy", region="knee").dx("knee strain", "knee"), "structural_question", NOT_DOCUMENTED,
     Outcome.UPHELD),
    ("shoulder-mri-therapy-not-started", "MRI of the left shoulder", lambda: Case()
     .tx("physical_therapy", region="shoulder", sessions=0).dx("shoulder strain", "shoulder"),
     "conservative_care_failed", NOT_DOCUMENTED, Outcome.UPHELD),
    ("knee-mri-acute-tear", "MRI of the right knee", lambda: Case(injury=dt.date(2016, 11, 10))
     .dx("medial meniscus tear", "knee"), "conservative_care_failed", MET, Outcome.OVERTURNED),
    ("knee-mri-old-tear", "MRI of the right knee", lambda: Case().dx("medial meniscus tear", "knee"),
     "conservative_care_failed", NOT_DOCUMENTED, Outcome.UPHELD),
    ("shoulder-mri-stalled", "MRI of the right shoulder", lambda: Case().dx("shoulder sprain", "shoulder")
     .tx("physical_therapy", region="shoulder").function(False), "structural_question", MET, Outcome.OVERTURNED),
    ("xray-remote-fracture", "X-rays of the left shoulder", lambda: Case().dx("thumb fracture", "wrist_hand")
     .flag("fracture"), "red_flag", NOT_DOCUMENTED, Outcome.UPHELD),
    ("xray-fracture-here", "X-rays of the left shoulder", lambda: Case().dx("humerus fracture", "shoulder")
     .flag("fracture"), "red_flag", MET, Outcome.OVERTURNED),
    ("xray-no-flags", "X-ray of the lumbar spine", lambda: Case().flag("fracture", present=False),
     "red_flag", NOT_MET, Outcome.UPHELD),
    ("ct-old-trauma", "CT scan of the cervical spine", lambda: Case().flag("major_trauma"), "red_flag",
     NOT_DOCUMENTED, Outcome.UPHELD),
    ("ct-recent-trauma", "CT scan of the cervical spine", lambda: Case(injury=dt.date(2016, 11, 20))
     .flag("major_trauma"), "red_flag", MET, Outcome.OVERTURNED),
    ("emg-leg-ncs", "EMG/NCV of the bilateral lower extremities", lambda: Case()
     .neuro("radicular_symptoms", region="lower_extremity").tx("physical_therapy", "not_improved", "lumbar"),
     "appropriate_study", NOT_MET, Outcome.UPHELD),
    ("emg-leg-only", "EMG of the bilateral lower extremities", lambda: Case()
     .neuro("radicular_symptoms", region="lower_extremity").tx("physical_therapy", "not_improved", "lumbar"),
     "appropriate_study", MET, Outcome.OVERTURNED),
    ("emg-arm-normal", "NCS of the left upper extremity", lambda: Case()
     .neuro("paresthesia", present=False, region="upper_extremity"), "neurologic_symptoms", NOT_MET,
     Outcome.UPHELD),
    ("emg-care-helping", "NCS of the right upper extremity", lambda: Case().dx("carpal tunnel syndrome",
     "wrist_hand").neuro("paresthesia", region="wrist_hand").tx("chiropractic", "improved"), "symptoms_persist",
     NOT_MET, Outcome.UPHELD),
    ("emg-arm-recent", "NCS of the right upper extremity", lambda: Case(injury=dt.date(2016, 11, 20))
     .neuro("paresthesia", region="wrist_hand"), "symptoms_persist", NOT_MET, Outcome.UPHELD),
    ("emg-arm-lasting", "NCS of the right upper extremity", lambda: Case().neuro("paresthesia", region="wrist_hand"),
     "symptoms_persist", MET, Outcome.OVERTURNED),
    ("emg-repeat", "NCS of the right upper extremity", lambda: Case().neuro("paresthesia", region="wrist_hand")
     .tx("occupational_therapy", "not_improved").img("emg_ncv", "upper_extremity"), "not_a_repeat", NOT_MET,
     Outcome.UPHELD),
    ("esi-met", "Lumbar epidural steroid injection L5-S1", lambda: Case()
     .neuro("sensory_deficit", region="lower_extremity").img("mri", "lumbar")
     .tx("physical_therapy", "not_improved", "lumbar"), "corroborated", MET, Outcome.OVERTURNED),
    ("esi-subjective", "Lumbar epidural steroid injection L5-S1", lambda: Case()
     .neuro("radicular_symptoms", region="lower_extremity").img("mri", "lumbar"), "radiculopathy_on_exam",
     NOT_MET, Outcome.UPHELD),
    ("esi-no-imaging", "Lumbar epidural steroid injection L5-S1", lambda: Case()
     .neuro("reflex_change", region="lower_extremity").tx("chiropractic", "not_improved"), "corroborated",
     NOT_DOCUMENTED, Outcome.UPHELD),
    ("facet-radicular", "Facet joint injections L3-4, L4-5, L5-S1", lambda: Case()
     .neuro("radicular_symptoms", region="lower_extremity"), "non_radicular", NOT_MET, Outcome.UPHELD),
    ("facet-levels", "Facet joint injections L3-4, L4-5, L5-S1", lambda: Case()
     .neuro("radicular_symptoms", present=False, region="lumbar"), "levels", NOT_MET, Outcome.UPHELD),
    ("facet-met", "Medial branch block L4-5", lambda: Case().neuro("radicular_symptoms", present=False,
     region="lumbar").tx("physical_therapy", "not_improved", "lumbar"), "non_radicular", MET, Outcome.OVERTURNED),
    ("topical-gabapentin", "Gabapentin 10%, Lidocaine 5% in cream base", lambda: Case()
     .dx("lumbar radiculopathy").med("nortriptyline", "antidepressant"), "ingredients_recommended", NOT_MET,
     Outcome.UPHELD),
    ("topical-diclofenac-knee", "Voltaren 1% gel", lambda: Case().dx("knee osteoarthritis", "knee"),
     "topical_nsaid_indication", MET, Outcome.OVERTURNED),
    ("topical-diclofenac-back", "Voltaren 1% gel", lambda: Case().dx("lumbar osteoarthritis", "lumbar"),
     "topical_nsaid_indication", NOT_MET, Outcome.UPHELD),
    ("lidoderm-no-first-line", "Lidoderm 5% patch #30", lambda: Case().dx("post-herpetic neuralgia"),
     "first_line_trial", NOT_DOCUMENTED, Outcome.UPHELD),
    ("lidoderm-met", "Lidoderm 5% patch #30", lambda: Case().dx("post-herpetic neuralgia")
     .med("gabapentin 300 mg", "anticonvulsant"), "first_line_trial", MET, Outcome.OVERTURNED),
    ("ppi-no-nsaid", "Omeprazole 20mg #30", lambda: Case().dx("gastritis"), "nsaid_in_use", NOT_DOCUMENTED,
     Outcome.UPHELD),
    ("ppi-risk", "Prilosec 20mg #30", lambda: Case().med("naproxen 550", "nsaid").aged(70), "gi_risk", MET,
     Outcome.OVERTURNED),
    ("ppi-no-risk", "Pantoprazole 20mg #30", lambda: Case().med("naproxen 550", "nsaid").aged(40), "gi_risk",
     NOT_DOCUMENTED, Outcome.UPHELD),
    ("ppi-nsaid-requested", "Prilosec 20mg #30", lambda: Case().dx("gastric ulcer")
     .also_requested("Naproxen 500mg #60"), "nsaid_in_use", MET, Outcome.OVERTURNED),
    ("celecoxib-no-risk", "Celecoxib 200mg #30", lambda: Case().dx("knee osteoarthritis", "knee"),
     "cox2_gi_risk", NOT_DOCUMENTED, Outcome.UPHELD),
    ("gabapentin-neuropathic", "Neurontin 300mg #90", lambda: Case().dx("lumbar radiculopathy", "lumbar"),
     "neuropathic_pain", MET, Outcome.OVERTURNED),
    ("gabapentin-none", "Gabapentin 300mg #90", lambda: Case().dx("knee sprain", "knee"), "neuropathic_pain",
     NOT_DOCUMENTED, Outcome.UPHELD),
    ("ssri-for-pain", "Sertraline 50mg #30", lambda: Case().dx("lumbar strain", "lumbar"), "indication",
     NOT_MET, Outcome.UPHELD),
    ("zolpidem-long", "Ambien 10mg #30", lambda: Case().dx("insomnia").med("zolpidem 10 mg", "hypnotic", 20),
     "short_term", NOT_MET, Outcome.UPHELD),
    ("zolpidem-new", "Ambien 10mg #14", lambda: Case().dx("insomnia"), "short_term", MET, Outcome.OVERTURNED),
    ("benzo-unknown-start", "Xanax 0.5mg #60", lambda: Case().dx("anxiety").med("alprazolam", "benzodiazepine"),
     "short_term", NOT_DOCUMENTED, Outcome.UPHELD),
    ("fioricet", "Fioricet #60", lambda: Case().dx("tension headache"), "recommended_drug", NOT_MET,
     Outcome.UPHELD),
    ("compounded-oral", "Tabradol 250ml", lambda: Case().dx("spasm"), "reason_for_compound", NOT_DOCUMENTED,
     Outcome.UPHELD),
    ("udt-no-opioids", "Urine drug screen", lambda: Case().med("naproxen", "nsaid"), "on_opioids",
     NOT_DOCUMENTED, Outcome.UPHELD),
    ("udt-recent", "Urine drug screen", lambda: Case().med("Norco 10/325", "opioid")
     .monitor("urine_drug_screen"), "testing_due", NOT_MET, Outcome.UPHELD),
    ("udt-due", "Urine drug screen", lambda: Case().med("Norco 10/325", "opioid"), "testing_due", MET,
     Outcome.OVERTURNED),
    ("home-aide", "Home aide 8 hours per day, 5 times a week for 4 weeks for bathing and dressing",
     lambda: Case().surgery("hip replacement", "hip", "done"), "medical_care", NOT_MET, Outcome.UPHELD),
    ("home-nurse", "Home health RN 2 times a week for 3 weeks for wound care", lambda: Case()
     .surgery("hip replacement", "hip", "done"), "medical_care", MET, Outcome.OVERTURNED),
    ("gym", "Gym membership for 6 months", lambda: Case().tx("home_exercise"), "home_programme_failed", NOT_MET,
     Outcome.UPHELD),
    ("tens-no-condition", "TENS unit purchase", lambda: Case().dx("lumbar strain"), "qualifying_condition",
     NOT_DOCUMENTED, Outcome.UPHELD),
    ("tens-trial", "TENS unit one month rental", lambda: Case().dx("complex regional pain syndrome"),
     "trial_first", MET, Outcome.OVERTURNED),
    ("ultrasound", "Therapeutic ultrasound 2 times a week for 3 weeks", lambda: Case(), "modality_recommended",
     NOT_MET, Outcome.UPHELD),
    ("massage-too-many", "Massage therapy 2 times a week for 6 weeks", lambda: Case()
     .tx("physical_therapy", region="lumbar"), "massage_limits", NOT_MET, Outcome.UPHELD),
    ("massage-ok", "Massage therapy, four sessions", lambda: Case().tx("home_exercise"), "massage_limits", MET,
     Outcome.OVERTURNED),
    ("lumbar-support-late", "Lumbar support", lambda: Case(), "acute_phase", NOT_MET, Outcome.UPHELD),
    ("lumbar-support-acute", "Lumbar support", lambda: Case(injury=dt.date(2016, 11, 15)), "acute_phase", MET,
     Outcome.OVERTURNED),
    ("wrist-splint", "Wrist brace", lambda: Case().dx("carpal tunnel syndrome", "wrist_hand"), "condition_treated",
     MET, Outcome.OVERTURNED),
    ("wrist-splint-arm-strain", "Wrist brace", lambda: Case().dx("right wrist sprain", "upper_extremity"),
     "condition_treated", MET, Outcome.OVERTURNED),
    ("wrist-splint-neck-sprain", "Wrist braces #2", lambda: Case().dx("cervical sprain", "cervical"),
     "condition_treated", NOT_DOCUMENTED, Outcome.UPHELD),
    ("pillow", "Cervical pillow", lambda: Case(), "medical_purpose", NOT_MET, Outcome.UPHELD),
    ("scooter", "Knee scooter", lambda: Case().dx("metatarsal fracture", "ankle_foot"), "weight_bearing_limited",
     MET, Outcome.OVERTURNED),
    ("fce", "Functional capacity evaluation", lambda: Case(), "work_capacity_question", NOT_DOCUMENTED,
     Outcome.UPHELD),
    ("rom-test", "Computerized range of motion testing", lambda: Case(), "separate_service", NOT_MET,
     Outcome.UPHELD),
    ("psych-met", "Psychological evaluation", lambda: Case().dx("depression"), "psychological_indication", MET,
     Outcome.OVERTURNED),
    ("surgeon-consult", "Spine surgery consultation", lambda: Case().dx("L5-S1 disc herniation", "lumbar")
     .tx("physical_therapy", "not_improved", "lumbar"), "reason_for_referral", MET, Outcome.OVERTURNED),
    ("eeg", "EEG", lambda: Case().dx("neck strain"), "indication", NOT_DOCUMENTED, Outcome.UPHELD),
    ("eeg-concussion-normal-exam", "EEG", lambda: Case().dx("concussion", "head").neuro("motor_weakness", False),
     "indication", NOT_MET, Outcome.UPHELD),
    ("eeg-concussion-deficit", "EEG", lambda: Case().dx("concussion", "head").neuro("sensory_deficit"),
     "indication", MET, Outcome.OVERTURNED),
    ("eeg-seizure", "Electroencephalogram", lambda: Case().dx("seizure"), "indication", MET, Outcome.OVERTURNED),
    ("hearing", "Hearing aids", lambda: Case().dx("sensorineural hearing loss"), "documented_hearing_loss", MET,
     Outcome.OVERTURNED),
    ("prp", "Platelet rich plasma injection to the elbow", lambda: Case(), "recommended", NOT_MET, Outcome.UPHELD),
    ("antiemetic-opioid-nausea", "Ondansetron 4mg #20", lambda: Case().med("Norco", "opioid"),
     "approved_indication", NOT_DOCUMENTED, Outcome.UPHELD),
    ("inpatient-rehab", "Inpatient rehabilitation one week", lambda: Case().surgery("hip replacement", "hip",
     "done"), "post_acute_need", MET, Outcome.OVERTURNED),
    ("transport", "Transportation to medical appointments", lambda: Case(), "unable_to_travel", NOT_DOCUMENTED,
     Outcome.UPHELD),
    ("office-visit-series", "Office examination 2 times a week for 6 weeks",
     lambda: Case().dx("lumbar strain", "lumbar"), "one_visit_at_a_time", NOT_MET, Outcome.UPHELD),
    ("office-visit-follow-up", "Follow-up office visit", lambda: Case().dx("lumbar strain", "lumbar"),
     "reason_for_visit", MET, Outcome.OVERTURNED),
    ("office-visit-opioid-monitoring", "Office visit", lambda: Case().med("Norco", "opioid"), "reason_for_visit",
     MET, Outcome.OVERTURNED),
    ("office-visit-no-reason", "Office visit", lambda: Case(), "reason_for_visit", NOT_DOCUMENTED, Outcome.UPHELD),
    ("initial-exam-after-an-evaluation", "Initial examination",
     lambda: Case().neuro("positive_straight_leg_raise", region="lumbar"), "initial_evaluation_needed", NOT_MET,
     Outcome.UPHELD),
    ("initial-exam-first", "Initial examination", lambda: Case().dx("lumbar strain", "lumbar"),
     "initial_evaluation_needed", MET, Outcome.OVERTURNED),
]


@pytest.mark.parametrize(("request_text", "build", "criterion", "expected", "outcome"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_topic_criteria(request_text, build, criterion, expected, outcome):
    decision = build().decide(request_text)
    assert status(decision, criterion) == expected
    assert decision.outcome == outcome
    assert decision.citation is not None and decision.citation.letter_text().startswith("Decision based on")


# --- surgery and what goes with it ------------------------------------------------------------------------

SHOULDER_REPAIR = "Right shoulder arthroscopy with rotator cuff repair"


def surgical_candidate() -> Case:
    return (Case().dx("full thickness rotator cuff tear", "shoulder").img("mri", "shoulder")
            .tx("physical_therapy", "not_improved", "shoulder"))


def test_surgery_with_matching_findings_imaging_and_failed_care_is_overturned():
    assert surgical_candidate().decide(SHOULDER_REPAIR).outcome == Outcome.OVERTURNED


def test_surgery_without_imaging_of_the_lesion_is_upheld():
    case = Case().dx("full thickness rotator cuff tear", "shoulder").tx("physical_therapy", "not_improved",
                                                                           "shoulder")
    decision = case.decide(SHOULDER_REPAIR)
    assert status(decision, "imaging_lesion") == NOT_DOCUMENTED
    assert decision.outcome == Outcome.UPHELD


def test_surgery_needs_care_documented_as_failed_not_merely_listed():
    case = Case().dx("rotator cuff tear", "shoulder").img("mri", "shoulder").tx("physical_therapy")
    assert status(case.decide(SHOULDER_REPAIR), "conservative_care_failed") == NOT_DOCUMENTED


def test_add_ons_follow_the_surgery_decided_in_the_same_review():
    supported = surgical_candidate().also_requested(SHOULDER_REPAIR)
    assert supported.decide("Associated surgical service: physical therapy, 12 sessions").outcome == \
        Outcome.OVERTURNED
    assert supported.decide("Associated surgical service: cold therapy unit, 7 day rental").outcome == \
        Outcome.OVERTURNED
    assert supported.decide("Pre-operative medical clearance").outcome == Outcome.OVERTURNED
    not_supported = Case().dx("shoulder pain", "shoulder").also_requested(SHOULDER_REPAIR)
    for request in ("Associated surgical service: physical therapy, 12 sessions", "Pre-operative medical clearance",
                    "Assistant surgeon"):
        decision = not_supported.decide(request)
        assert status(decision, "surgery_supported") == NOT_MET
        assert decision.outcome == Outcome.UPHELD


def test_an_add_on_needs_a_surgery_of_its_own_region():
    earlier_back_surgery = Case().surgery("lumbar fusion", "lumbar", "done")
    decision = earlier_back_surgery.decide("Associated surgical service: shoulder sling")
    assert status(decision, "surgery_supported") == NOT_DOCUMENTED
    shoulder_done = Case().surgery("rotator cuff repair", "shoulder", "done")
    assert status(shoulder_done.decide("Associated surgical service: shoulder sling"), "surgery_supported") == MET


def test_postsurgical_therapy_beyond_the_initial_course_is_upheld():
    case = Case().surgery("rotator cuff repair", "shoulder", "done")
    decision = case.decide("Post-op physical therapy 3 times a week for 6 weeks, right shoulder")
    assert status(decision, "initial_course") == NOT_MET
    assert decision.citation.letter_text() == "Decision based on MTUS Postsurgical Treatment 2009, Section(s): " \
        "Shoulder."


def test_cold_therapy_longer_than_a_week_is_upheld_even_after_surgery():
    case = Case().surgery("rotator cuff repair", "shoulder", "authorized")
    decision = case.decide("Associated surgical service: cold therapy unit, 30 day rental")
    assert status(decision, "surgery_supported") == MET
    assert status(decision, "duration") == NOT_MET


def test_preoperative_test_needs_an_indication_from_the_history():
    case = Case().surgery("rotator cuff repair", "shoulder", "authorized")
    assert status(case.decide("Pre-operative EKG"), "test_indication") == NOT_DOCUMENTED
    assert case.dx("hypertension").decide("Pre-operative EKG").outcome == Outcome.OVERTURNED


def test_severe_acute_injury_supports_a_short_opioid_course():
    case = Case(injury=dt.date(2016, 11, 10)).flag("fracture").dx("rib fractures")
    decision = case.decide("Oxycodone 5mg #40")
    assert status(decision, "severe_acute_injury") == MET
    assert decision.outcome == Outcome.OVERTURNED
    assert "Severe Acute Injuries" in decision.citation.sections[0]


def test_functional_improvement_statement_supports_continued_nsaid():
    case = Case().dx("knee osteoarthritis", "knee").med("meloxicam", "nsaid").function(True, "meloxicam")
    assert case.decide("Meloxicam 15mg #30").outcome == Outcome.OVERTURNED


def test_full_thickness_cuff_tear_with_weakness_need_not_wait_for_conservative_care():
    case = (Case().dx("full thickness rotator cuff tear", "shoulder").img("mri", "shoulder")
            .neuro("motor_weakness", region="shoulder"))
    decision = case.decide(SHOULDER_REPAIR)
    assert status(decision, "conservative_care_failed") == MET
    assert decision.outcome == Outcome.OVERTURNED
    partial = Case().dx("partial thickness rotator cuff tear", "shoulder").img("mri", "shoulder").neuro(
        "motor_weakness", region="shoulder")
    assert status(partial.decide(SHOULDER_REPAIR), "conservative_care_failed") == NOT_DOCUMENTED


@pytest.mark.parametrize(("request_text", "document", "section"), [
    ("Therapeutic ultrasound 2 times a week for 3 weeks", "Chronic Pain Medical Treatment", "Ultrasound"),
    ("Electrical muscle stimulation 1 time a week for 6 weeks", "Chronic Pain Medical Treatment", "TENS"),
    ("Mechanical traction for the low back, 6 sessions", "Low Back Complaints", "Physical Methods"),
    ("Shockwave therapy to the lumbar spine, 3 sessions", "Official Disability Guidelines", "Low Back Chapter"),
])
def test_passive_modalities_cite_the_guideline_section_that_covers_them(request_text, document, section):
    decision = Case().decide(request_text)
    assert decision.outcome == Outcome.UPHELD
    assert decision.citation.document == document
    assert decision.citation.sections[0].startswith(section)


def test_an_nsaid_named_only_by_its_class_calls_for_a_preoperative_chemistry_panel():
    case = Case().dx("rotator cuff tear", "shoulder").surgery("rotator cuff repair", "shoulder", "authorized")
    case.med("nonsteroidal anti-inflammatory drugs", None)
    decision = case.decide("Pre-operative BMP")
    assert status(decision, "test_indication") == MET


def test_an_intensive_psychological_programme_follows_outpatient_care_that_did_not_settle_the_symptoms():
    persisting = Case().dx("major depression", "psyche").tx("psychotherapy")
    assert persisting.decide("Partial hospitalization program").outcome == Outcome.OVERTURNED
    helping = Case().dx("major depression", "psyche").tx("psychotherapy", "improved")
    assert status(helping.decide("Partial hospitalization program"), "stepped_care") == NOT_MET
    first = Case().dx("major depression", "psyche")
    assert status(first.decide("Partial hospitalization program"), "stepped_care") == NOT_DOCUMENTED


def test_cold_therapy_without_a_surgery_cites_acoem_physical_methods_and_with_one_odg():
    home = Case().decide("Hot/cold therapy wrap for the low back")
    assert (home.citation.document, home.citation.sections) == ("Low Back Complaints", ["Physical Methods"])
    after_surgery = Case().surgery("rotator cuff repair", "shoulder", "authorized").decide(
        "Associated surgical service: cold therapy unit, 7 day rental")
    assert after_surgery.citation.source == "ODG"


def test_a_second_line_antidepressant_for_nerve_pain_follows_a_tricyclic():
    radicular = Case().neuro("sensory_deficit", region="lower_extremity")
    assert status(radicular.decide("Venlafaxine ER 37.5mg #30"), "tricyclic_first") == NOT_DOCUMENTED
    after_tricyclic = Case().neuro("sensory_deficit", region="lower_extremity").med("amitriptyline 10mg",
                                                                                   "antidepressant")
    assert after_tricyclic.decide("Venlafaxine ER 37.5mg #30").outcome == Outcome.OVERTURNED
    depressed = Case().dx("major depressive disorder", "psyche")
    assert all(c.criterion_id != "tricyclic_first" for c in depressed.decide("Venlafaxine ER 37.5mg #30").criteria)


def test_an_office_visit_cites_the_chronic_pain_guideline_section_on_office_visits():
    decision = Case().dx("lumbar strain", "lumbar").decide("Follow-up office visit")
    citation = decision.citation
    assert (citation.source, citation.document, citation.sections) == ("MTUS", "Chronic Pain Medical Treatment",
                                                                       ["Office visits"])
