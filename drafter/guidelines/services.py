"""Services other than drugs, therapy, imaging and surgery: drug testing, home health, gym memberships,
transportation, inpatient rehabilitation, psychological care, functional capacity evaluations, specialist
consultations, office visits and stand-alone measurements (MTUS Chronic Pain Medical Treatment Guidelines and
Opioid Treatment Guidelines 2016; ACOEM 2004 General Approaches; ODG where the MTUS is silent).

Criteria confirmed against dev letters quoting the guidelines:
- drug testing for workers on or starting opioids, at a frequency set by risk: 069, 075;
- home health for medical care of homebound workers, not homemaker or personal care alone: 071, 072, 092;
- gym memberships only when a home programme failed and equipment is needed, under medical supervision: 173;
- referral when the plan of care may benefit from additional expertise: 061, 092, 110, 125;
- office visits: evaluation and management visits matter for diagnosis and return to function, and the need
  for each is set individually (concerns, signs and symptoms, clinical stability, medications to monitor):
  010, 061; an initial examination asked for after the worker was already evaluated is not supported: 010;
- FCE to translate impairment into work limits, e.g. before work hardening or when return to work stalls:
  066, 125;
- range-of-motion and grip testing belong to the routine examination: 125;
- psychological evaluation for chronic pain to decide on further psychological care: 011, 076;
- stepped care: intensive mental-health care when symptoms persist in spite of outpatient psychological
  care: 076.
"""

from __future__ import annotations

import re

from drafter.guidelines import citations, common
from drafter.guidelines.facts import diagnoses, in_regions, listing, medications, monitoring, neuro_findings, treatments
from drafter.guidelines.opioids import CHRONIC_PART
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.guidelines.surgery import surgeries
from drafter.models import Fact


def on_opioids(context: Context) -> Check:
    current = medications(context.summary, ("opioid",))
    if current:
        return met(f"The worker takes opioids: {listing(current)}.", current)
    return not_documented("The records do not document opioid treatment, the reason for drug testing.")


def testing_due(context: Context) -> Check:
    aberrant = [record for record in monitoring(context.summary, "aberrant_behavior") if record.present]
    if aberrant:
        return met("Aberrant drug-related behaviour calls for testing.", aberrant)
    earlier = [record for record in monitoring(context.summary, "urine_drug_screen") if record.present]
    if earlier:
        return not_met(f"A recent drug test is already documented ({listing(earlier)}), and no sign of misuse "
                       "calls for another now.", earlier)
    return met("No earlier drug test is documented.")


DRUG_TESTING = register(Rule(
    rule_id="drug-testing",
    category="drug_testing",
    title="Urine drug testing",
    citation=lambda context: citations.opioids(context.era, f"3.3.6 {CHRONIC_PART}: Use of Urine Drug Testing "
                                               "(UDT)", "Drug testing"),
    summary=(
        "The MTUS opioid treatment guidelines use urine drug testing to check adherence and detect "
        "non-prescribed substances in workers "
        "who take opioids or are about to start them: at the start of treatment, then at a frequency set by "
        "the risk of misuse, about twice a year and up to four times a year or more when misuse is a concern."
    ),
    criteria=(
        Criterion("on_opioids", "The worker takes or is starting opioids.", on_opioids, supported_by=("075",)),
        Criterion("testing_due", "A test is due by the risk-based schedule (none recent, or misuse suspected).",
                  testing_due, supported_by=("069",)),
    ),
    patterns=(r"urine", r"\budt\b", r"\buds\b", r"drug (screen|test)", r"toxicology"),
    priority=30,
))

SKILLED = r"\brn\b|nurs|wound|medication management|injection|infusion|therapy|dressing change|skilled"
PERSONAL = r"\baide\b|homemak|personal care|\badls?\b|bathing|dressing|cleaning|shopping|laundry|transfer|mobility"
HOURS_LIMIT = 35


def medical_care(context: Context) -> Check:
    text = context.item.request.lower()
    if re.search(SKILLED, text):
        return met("The request is for skilled medical care at home.")
    if re.search(PERSONAL, text):
        return not_met("The request is for help with daily activities (personal care or homemaking), which home "
                       "health services do not cover when it is the only care needed.")
    return not_documented("The request does not say what medical care would be given at home.")


def hours(context: Context) -> Check:
    text = context.item.request.lower()
    match = re.search(r"(\d+)\s*hours?\s*(?:per|a|/)\s*day", text)
    days = context.details.frequency_per_week
    if match and days:
        weekly = int(match.group(1)) * days
        if weekly > HOURS_LIMIT:
            return not_met(f"The request amounts to {weekly:g} hours a week, more than the {HOURS_LIMIT} the "
                           "guideline allows.")
        return met(f"The request amounts to {weekly:g} hours a week, within {HOURS_LIMIT}.")
    return met("The request is for intermittent visits, not hours of daily care.")


def recent_surgery_or_hospital(context: Context) -> Check:
    done = surgeries(context.summary, statuses=("done",))
    if done:
        return met(f"The care follows surgery ({listing(done)}).", done)
    return not_documented("The records do not show recent surgery or hospitalization, or that the worker is "
                          "homebound.")


HOME_HEALTH = register(Rule(
    rule_id="home-health",
    category="home_health",
    title="Home health services",
    citation=lambda context: citations.chronic_pain(context.era, "Home health services"),
    summary=(
        "The MTUS chronic pain guidelines support home health services for medical treatment of workers "
        "who are homebound, part time "
        "or intermittently, generally no more than 35 hours a week, for example for a short period after "
        "major surgery or hospitalization. Homemaker services and personal care such as bathing and dressing "
        "are not covered when they are the only care needed."
    ),
    criteria=(
        Criterion("medical_care", "The care at home is medical (skilled), not homemaking or personal care alone.",
                  medical_care, supported_by=("071", "072")),
        Criterion("homebound_after_surgery", "The worker is homebound, e.g. after surgery or hospitalization.",
                  recent_surgery_or_hospital, supported_by=("071", "092")),
        Criterion("hours", f"No more than {HOURS_LIMIT} hours a week.", hours, supported_by=("072",)),
    ),
    patterns=(r"home (health|aide|care|nurs)", r"\brn\b", r"nurse", r"caregiver", r"attendant"),
    priority=30,
))


def gym_criteria(context: Context) -> Check:
    home = treatments(context.summary, ("home_exercise",))
    failed = [course for course in home if course.response == "not_improved"]
    if failed:
        return not_documented(f"A home programme did not help ({listing(failed)}), but the records do not show "
                              "a need for equipment or medical supervision of the gym programme.", failed)
    return not_met("A gym membership is not a medical prescription unless a supervised home programme has "
                   "failed and special equipment is needed; the records show neither.", home)


GYM = register(Rule(
    rule_id="gym-membership",
    category="gym_membership",
    title="Gym, pool or health club memberships",
    citation=lambda context: citations.odg("Low Back Chapter, Gym memberships"),
    summary=(
        "ODG does not recommend gym memberships as medical treatment unless a home exercise programme, "
        "reviewed and adjusted over time, has failed and there is a need for equipment, and even then only "
        "when medical professionals monitor and direct the programme."
    ),
    criteria=(Criterion("home_programme_failed", "A supervised home programme failed and equipment is needed, "
                        "with medical supervision.", gym_criteria, supported_by=("173",)),),
    patterns=(r"\bgym\b", r"health club", r"pool (membership|access)", r"\bymca\b"),
    priority=30,
))


def cannot_travel(context: Context) -> Check:
    return not_documented("The records do not document a disability that prevents the worker from arranging "
                          "their own transport to appointments.")


TRANSPORTATION = register(Rule(
    rule_id="transportation",
    category="transportation",
    title="Transportation to medical appointments",
    citation=lambda context: citations.odg("Knee & Leg Chapter, Transportation (to & from appointments)"),
    summary=(
        "ODG supports medically necessary transportation to appointments in the same community for patients "
        "whose disability prevents them from travelling on their own, such as after certain surgery, not "
        "as a "
        "general convenience."
    ),
    criteria=(Criterion("unable_to_travel", "A disability prevents self-transport.", cannot_travel,
                        supported_by=("128",)),),
    patterns=(r"transport",),
    priority=30,
))


def rehab_need(context: Context) -> Check:
    text = context.item.request.lower()
    done = surgeries(context.summary, statuses=("done",))
    fracture = diagnoses(context.summary, r"fracture|amputation|spinal cord|stroke|brain injury|polytrauma")
    if not done and not fracture:
        return not_documented("The records do not document a recent hospital stay, surgery or disabling injury "
                              "that needs inpatient rehabilitation.")
    if "inpatient" in text or "acute rehab" in text:
        therapy = neuro_findings(context.summary, None, ("motor_weakness",), present=True)
        return met(f"After {listing(done + fracture)}, intensive daily therapy is needed.", done + fracture + therapy)
    return met(f"The stay follows {listing(done + fracture)}.", done + fracture)


INPATIENT_REHAB = register(Rule(
    rule_id="inpatient-rehabilitation",
    category="inpatient_rehabilitation",
    title="Inpatient rehabilitation or skilled nursing facility stay",
    citation=lambda context: citations.odg("Hip & Pelvis Chapter, Skilled nursing facility LOS (SNF)"),
    summary=(
        "ODG supports a short stay in a skilled nursing or inpatient rehabilitation facility right after an "
        "acute hospital stay for a major operation or injury, when the patient needs daily skilled care or "
        "intensive therapy (about three hours a day for inpatient rehabilitation) that cannot be given at "
        "home."
    ),
    criteria=(Criterion("post_acute_need", "A recent operation or disabling injury needing daily skilled care "
                        "or intensive therapy.", rehab_need, supported_by=("006", "092")),),
    patterns=(r"inpatient rehab", r"acute rehab", r"skilled nursing", r"\bsnf\b", r"rehabilitation unit"),
    priority=55,
))

PSYCH = r"depress|anxiety|psych|stress|adjustment|ptsd|post-traumatic|insomnia|mood|fear"


def psych_indication(context: Context) -> Check:
    found = diagnoses(context.summary, PSYCH)
    if found:
        return met(f"The records document psychological symptoms affecting recovery: {listing(found)}.", found)
    return not_documented("The records do not document psychological symptoms or a psychosocial barrier to "
                          "recovery that the service would address.")


def psych_treatment_prior_evaluation(context: Context) -> Check:
    earlier = treatments(context.summary, ("psychotherapy",))
    if earlier:
        better = [course for course in earlier if course.response == "improved"]
        if better:
            return met(f"Earlier psychological care helped ({listing(better)}).", better)
        return not_documented(f"The records list {listing(earlier)} without documenting functional improvement "
                              "from it.", earlier)
    return met("No earlier psychological treatment is documented; this would be the first course.")


INTENSIVE = re.compile(r"partial hospitali|day treatment|day program|intensive outpatient|\biop\b")


def is_intensive(context: Context) -> bool:
    return INTENSIVE.search(context.item.request.lower()) is not None


def stepped_care(context: Context) -> Check:
    """Intensive mental-health care is the step after outpatient psychological care in which symptoms persist."""
    earlier = treatments(context.summary, ("psychotherapy",))
    better = [course for course in earlier if course.response == "improved"]
    if better:
        return not_met(f"Outpatient psychological care is helping ({listing(better)}), so a more intensive "
                       "programme is not needed.", better)
    if earlier:
        return met(f"Symptoms persist in spite of outpatient psychological care ({listing(earlier)}), the point at "
                   "which intensive care may be required.", earlier)
    return not_documented("The records do not document outpatient psychological care in which the symptoms "
                          "persisted, the step before intensive care.")


PSYCHOLOGICAL_CARE = register(Rule(
    rule_id="psychological-care",
    category="psychological_care",
    title="Psychological evaluation, testing and treatment",
    citation=lambda context: citations.chronic_pain(context.era, "Psychological evaluations, Psychological "
                                                    "treatment"),
    summary=(
        "The MTUS chronic pain guidelines recommend psychological evaluation in chronic pain to find "
        "psychological factors that "
        "hinder recovery and to decide whether further psychological care is needed, and supports "
        "psychological treatment, such as cognitive behavioural therapy in an initial trial of a few visits, "
        "when such a condition affects recovery. Continuing treatment needs functional improvement."
    ),
    criteria=(
        Criterion("psychological_indication", "Psychological symptoms or barriers to recovery are documented.",
                  psych_indication, supported_by=("011", "076")),
        Criterion("prior_treatment_benefit", "Further treatment follows benefit from earlier treatment.",
                  psych_treatment_prior_evaluation, when=lambda context: not is_intensive(context)),
        Criterion("stepped_care", "An intensive programme (partial hospitalization, day treatment) follows "
                  "outpatient psychological care in which symptoms persisted.", stepped_care,
                  supported_by=("076",), when=is_intensive),
    ),
    patterns=(r"psycholog", r"psychiatr", r"psychotherap", r"cognitive behavio", r"\bcbt\b", r"biofeedback",
              r"partial hospitali", r"mental health"),
    priority=30,
))


def return_to_work_question(context: Context) -> Check:
    off = [status for status in context.summary.work_status if status.status in ("off_work", "modified_duty")]
    if off and treatments(context.summary, ("functional_restoration",)):
        return met("The worker is preparing to enter a work hardening or restoration programme.", off)
    return not_documented("The records do not show the question an FCE would answer: failed return-to-work "
                          "attempts, conflicting reports of work capacity, or entry into work hardening.", off)


FCE = register(Rule(
    rule_id="functional-capacity-evaluation",
    category="functional_capacity_evaluation",
    title="Functional capacity evaluation",
    citation=lambda context: citations.acoem(citations.GENERAL_APPROACHES,
                                             "Cornerstones of Disability Prevention and Management"),
    summary=(
        "ACOEM allows a functional capacity evaluation when it is needed to translate impairment into "
        "specific "
        "work limits; ODG adds that it is not routine, but fits cases where return to work has failed or "
        "reports on capacity conflict, or before a work hardening programme, near the end of treatment."
    ),
    criteria=(Criterion("work_capacity_question", "A specific return-to-work question the evaluation answers.",
                        return_to_work_question, supported_by=("066", "125")),),
    patterns=(r"functional capacity", r"\bfce\b"),
    priority=30,
))

SURGICAL_CONSULT = r"surg|neurosurg|orthop|spine"


SURGICAL_LESION = (r"herniat|protrusion|extrusion|displacement|stenosis|tear|instability|fracture|"
                   r"spondylolisthesis|radiculopathy|myelopathy|impingement|derangement")


def consult_reason(context: Context) -> Check:
    text = context.item.request.lower()
    if re.search(SURGICAL_CONSULT, text):
        regions = context.details.body_regions or None
        deficits = neuro_findings(context.summary, None, ("sensory_deficit", "motor_weakness", "reflex_change"),
                                  present=True)
        lesion = diagnoses(context.summary, SURGICAL_LESION, regions) + [
            study for study in context.summary.imaging
            if study.finding and re.search(SURGICAL_LESION, study.finding.lower())
            and in_regions(study.body_region, regions)]
        failed = common.conservative_care_failed(context, regions)
        if (deficits or lesion) and failed.status.value == "met":
            return met(f"A possibly surgical lesion ({listing(deficits + lesion)}) persists after conservative "
                       "care, a question for a surgeon.", [*deficits, *lesion, *failed.facts])
        return not_documented("The records do not document a lesion that may need surgery persisting after "
                              "conservative care.", deficits + lesion)
    complex_ = diagnoses(context.summary, r"chronic|complex|crps|depress|failed")
    if complex_:
        return met(f"The case is complex enough to benefit from added expertise: {listing(complex_)}.", complex_)
    return not_documented("The records do not say what question the consultation would answer or why the "
                          "treating physician needs added expertise.")


CONSULTATION = register(Rule(
    rule_id="consultation",
    category="consultation",
    title="Specialist consultation or referral",
    citation=lambda context: citations.acoem(citations.GENERAL_APPROACHES,
                                             "Cornerstones of Disability Prevention and Management"),
    summary=(
        "ACOEM supports referral to a specialist when the diagnosis is uncertain or complex, when "
        "psychosocial "
        "factors are present, or when the plan of care may benefit from additional expertise, for example a "
        "surgeon's opinion on a lesion that has not responded to conservative care."
    ),
    criteria=(Criterion("reason_for_referral", "A question the specialist would answer (for a surgeon: a "
                        "possibly surgical lesion after failed conservative care).", consult_reason,
                        supported_by=("061", "092", "110", "125")),),
    patterns=(r"consult", r"referral", r"evaluation(?! of)", r"\bevaluate\b"),
    priority=8,
))


INITIAL = re.compile(r"\binitial\b|\bnew patient\b")


def is_initial(context: Context) -> bool:
    return INITIAL.search(context.item.request.lower()) is not None


def booked_one_at_a_time(context: Context) -> Check:
    """The guideline sets the need for each visit from the worker's state at the time, so a series of
    examinations booked in advance ('exam 2 times 8') cannot be shown to be needed."""
    details = context.details
    if details.frequency_per_week is not None or (details.sessions or 1) > 1:
        count = f"{details.sessions} examinations" if details.sessions else "examinations on a weekly schedule"
        return not_met(f"The request books {count} in advance; the need for each office visit is set at the "
                       "time, from the worker's concerns, signs and symptoms, clinical stability and the "
                       "physician's judgement.")
    return met("The request is for a single visit.")


def examined_already(context: Context) -> list[Fact]:
    """Facts only an examination records: pain ratings and neurologic findings."""
    return [*context.summary.pain_scores, *context.summary.neuro_findings]


def initial_visit_needed(context: Context) -> Check:
    earlier = examined_already(context)
    if earlier:
        return not_met("The records already document an evaluation of the worker (pain ratings or examination "
                       "findings), and do not say what a further initial examination would add or when it would "
                       "take place.", earlier[:3])
    return met("The records document no earlier evaluation of the worker.")


def follow_up_reason(context: Context) -> Check:
    monitored = medications(context.summary, ("opioid",))
    if monitored:
        return met(f"The worker takes medication that needs close monitoring: {listing(monitored)}.", monitored)
    found = context.summary.diagnoses + examined_already(context)
    if found:
        return met("The records document an ongoing condition under treatment that the visit would follow.",
                   found[:3])
    return not_documented("The records do not document a condition under treatment or a medication to "
                          "monitor that the visit would address.")


OFFICE_VISIT = register(Rule(
    rule_id="office-visit",
    category="office_visit",
    title="Office visits and examinations by the treating physician",
    citation=lambda context: citations.chronic_pain(context.era, "Office visits"),
    summary=(
        "The MTUS chronic pain guidelines count evaluation and management visits as central to diagnosis and "
        "return to function, and set the need for each visit individually: from the worker's concerns, signs "
        "and symptoms, clinical stability and the physician's judgement, and from medications, such as "
        "opioids, that need close monitoring."
    ),
    criteria=(
        Criterion("one_visit_at_a_time", "The visit is asked for on the worker's present needs, not booked as a "
                  "series in advance.", booked_one_at_a_time, supported_by=("061",)),
        Criterion("initial_evaluation_needed", "An initial examination is for a worker not yet evaluated.",
                  initial_visit_needed, supported_by=("010",), when=is_initial),
        Criterion("reason_for_visit", "An ongoing condition under treatment, or a medication to monitor, that the "
                  "visit would address.", follow_up_reason, supported_by=("010", "061"),
                  when=lambda context: not is_initial(context)),
    ),
    patterns=(r"\b(?:re-?)?exam(?:ination)?s?\b", r"office visits?", r"\bfollow[- ]?ups?\b"),
    priority=7,
))


def part_of_exam(context: Context) -> Check:
    return not_met("Range-of-motion and grip strength measurements belong to the routine examination, not a "
                   "separate service.")


FUNCTION_TESTS = register(Rule(
    rule_id="stand-alone-measurements",
    category="stand_alone_measurements",
    title="Range-of-motion and grip strength testing as separate services",
    citation=lambda context: citations.odg("Low Back Chapter, Flexibility"),
    summary=(
        "ODG does not recommend computerized range-of-motion or grip strength testing as a separate service; "
        "these measurements are part of the routine musculoskeletal examination."
    ),
    criteria=(Criterion("separate_service", "The measurement is needed beyond the routine examination.",
                        part_of_exam, supported_by=("125",)),),
    patterns=(r"range of motion", r"\brom\b", r"grip", r"jamar", r"muscle test"),
    priority=31,
))
