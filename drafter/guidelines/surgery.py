"""Orthopaedic and spine surgery, and the services that only make sense with it (postoperative therapy,
clearance, assistant surgeon). ACOEM 2004 'Surgical Considerations' of each body-part chapter; MTUS
Postsurgical Treatment Guidelines (2009) for therapy after surgery.

Criteria confirmed against dev letters:
- surgery needs a lesion on imaging that matches clear clinical findings, after failed conservative
  care: 027, 052, 107, 110, 160 (shoulder surgical considerations); a full-thickness cuff tear causing
  weakness, especially acutely in a younger worker, need not wait for a conservative trial: 110;
- postsurgical therapy: an initial course of half the postsurgical visits (24 for shoulder repairs):
  052, 107, 160; an add-on stands or falls with the surgery: 027, 052, 107, 110, 160;
- therapy asked for after a surgery done for this injury, within the postsurgical physical medicine period,
  falls under the Postsurgical Treatment Guidelines whatever the request calls it (domain notes 1.1 and
  4.32: those guidelines govern postsurgical physical medicine, which the 24-visit cap exempts): 052, 109;
  therapy long after an earlier, unrelated operation stays under the chronic pain guidelines: 082.
"""

from __future__ import annotations

import datetime as dt
import re

from drafter.guidelines import citations, common
from drafter.guidelines.facts import (
    OBJECTIVE_DEFICITS,
    SPINE_NEURO_REGIONS,
    diagnoses,
    imaging,
    listing,
    medication_class,
    neuro_findings,
    surgeries,
)
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.models import BodyRegion, CaseSummary, GuidelineCitation, Outcome, RequestDetails, SurgeryRecord

SURGERY_CATEGORIES = ("joint_surgery", "spine_surgery")
STRUCTURAL = (r"tear|derangement|instability|dislocation|labral|slap|bankart|impingement|meniscus|menisc|"
              r"rupture|loose body|arthritis|arthrosis|stenosis|spondylolisthesis|herniat|protrusion|"
              r"extrusion|fracture|myelopathy|carpal tunnel|trigger finger")
SPINE: tuple[BodyRegion, ...] = ("cervical", "thoracic", "lumbar")
CHAPTERS: dict[BodyRegion, str] = {
    "shoulder": citations.SHOULDER, "knee": citations.KNEE, "elbow": citations.ELBOW,
    "wrist_hand": citations.HAND, "ankle_foot": citations.ANKLE, "cervical": citations.NECK,
    "thoracic": citations.NECK, "lumbar": citations.LOW_BACK,
}
POSTSURGICAL_VISITS: dict[BodyRegion, tuple[int, str]] = {
    "shoulder": (24, "Shoulder"), "knee": (24, "Knee"), "hip": (24, "Hip, Pelvis and Thigh (Femur)"),
    "elbow": (20, "Elbow & Upper Arm"), "wrist_hand": (16, "Forearm, Wrist, & Hand"),
    "ankle_foot": (20, "Ankle & Foot"), "lumbar": (34, "Low Back"), "cervical": (24, "Neck & Upper Back"),
    "thoracic": (24, "Neck & Upper Back"),
}
"""General course of postsurgical visits for the usual procedures of each region (the initial course is
half of it)."""


POSTSURGICAL_MONTHS: dict[BodyRegion, int] = {"wrist_hand": 3, "knee": 4}
"""Postsurgical physical medicine periods shorter than the presumptive 6 months (carpal tunnel release 3,
knee arthroplasty 4, the shortest of their regions' usual procedures)."""
PRESUMPTIVE_MONTHS = 6
SHORTEST_MONTHS = 3
"""Used when the operated region is not stated: then only the shortest period is certain to run."""
LIMB_PARTS: dict[BodyRegion, tuple[BodyRegion, ...]] = {
    "upper_extremity": ("shoulder", "elbow", "wrist_hand"), "lower_extremity": ("hip", "knee", "ankle_foot"),
}


def in_postsurgical_period(details: RequestDetails, summary: CaseSummary) -> SurgeryRecord | None:
    """A surgery done for this injury (dated on or after it, or undated) on the region the therapy treats,
    whose postsurgical physical medicine period still runs on the review date; counted from the surgery's
    date, or from the injury when the surgery is undated (it cannot be earlier)."""
    header = summary.header
    on = header.ur_denial_date or header.date_assigned or header.application_received
    injury = header.date_of_injury
    if on is None:
        return None
    regions = [part for region in details.body_regions for part in (region, *LIMB_PARTS.get(region, ()))]
    for record in surgeries(summary, regions or None, statuses=("done",)):
        if record.date is not None and injury is not None and record.date < injury:
            continue
        start = record.date or injury
        if start is None:
            continue
        months = (SHORTEST_MONTHS if record.body_region is None
                  else POSTSURGICAL_MONTHS.get(record.body_region, PRESUMPTIVE_MONTHS))
        if dt.timedelta(0) <= on - start <= dt.timedelta(days=round(months * 365.25 / 12)):
            return record
    return None


def surgery_items(context: Context):
    """The other disputed items of this case that ask for surgery, with their decisions."""
    from drafter.guidelines.classify import parse_request
    from drafter.guidelines.registry import decide_item

    return [decide_item(item, context.summary) for item in context.summary.disputed_items
            if item.item_id != context.item.item_id
            and parse_request(item.request).category in SURGERY_CATEGORIES]


def surgery_supported(context: Context) -> Check:
    """An add-on is necessary only with the surgery it serves: authorized, done (on the add-on's region, for this
    injury), or found necessary here."""
    decided = surgery_items(context)
    necessary = [decision for decision in decided if decision.outcome == Outcome.OVERTURNED]
    if necessary:
        return met(f"The surgery it accompanies ({necessary[0].request}) is found medically necessary in this "
                   "review.")
    injury = context.summary.header.date_of_injury
    done = [surgery for surgery in surgeries(context.summary, context.details.body_regions or None,
                                             statuses=("done", "authorized"))
            if injury is None or surgery.date is None or surgery.date >= injury]
    if done:
        return met(f"The records show the surgery done or authorized: {listing(done)}.", done)
    if decided:
        return not_met(f"The surgery it accompanies ({decided[0].request}) is not found medically necessary in "
                       "this review, so the service that goes with it is not needed either.")
    planned = surgeries(context.summary, statuses=("planned",))
    if planned:
        return not_documented(f"The records show the surgery planned ({listing(planned)}) but not authorized.",
                              planned)
    return not_documented("The records do not show an authorized or completed surgery for this service to "
                          "accompany.")


def surgical_regions(context: Context) -> tuple[BodyRegion, ...]:
    regions = tuple(context.details.body_regions)
    neuro: list[BodyRegion] = []
    for region in regions:
        neuro.extend(SPINE_NEURO_REGIONS.get(region, (region,)))
    return tuple(neuro) or regions


def imaging_lesion(context: Context) -> Check:
    studies = [study for modality in ("mri", "ct", "emg_ncv")
               for study in imaging(context.summary, modality, context.details.body_regions or None)]
    if studies:
        return met(f"Imaging of the region is documented: {listing(studies)}.", studies)
    return not_documented("The records do not document imaging that shows the lesion the surgery would treat.")


def clinical_findings(context: Context) -> Check:
    regions = context.details.body_regions
    if set(regions) & set(SPINE):
        deficits = neuro_findings(context.summary, surgical_regions(context), OBJECTIVE_DEFICITS, present=True)
        if deficits:
            return met(f"The examination documents objective neurologic findings: {listing(deficits)}.", deficits)
        normal = neuro_findings(context.summary, surgical_regions(context), OBJECTIVE_DEFICITS, present=False)
        if normal:
            return not_met(f"The neurologic examination is normal ({listing(normal)}).", normal)
        return not_documented("The records do not document objective neurologic findings matching a "
                              "surgical lesion.")
    lesion = diagnoses(context.summary, STRUCTURAL, regions or None)
    if lesion:
        return met(f"The diagnoses name a structural lesion: {listing(lesion)}.", lesion)
    return not_documented("The records do not document a structural diagnosis (such as a tear or instability) "
                          "that surgery would repair.")


def urgent_indication(context: Context) -> list:
    """Findings for which the ACOEM chapters do not ask for a conservative trial first: a full-thickness
    rotator cuff tear causing weakness, or a spinal red flag (cauda equina, myelopathy, progressive deficit)."""
    regions = set(context.details.body_regions)
    if "shoulder" in regions:
        tears = [fact for fact in diagnoses(context.summary, r"full[- ]thickness", ("shoulder",))
                 if re.search(r"rotator cuff|supraspinatus|infraspinatus|cuff", fact.name.lower())]
        weak = neuro_findings(context.summary, ("shoulder", "upper_extremity"), ("motor_weakness",), present=True)
        if tears and weak:
            return tears + weak
    if regions & set(SPINE):
        return [flag for flag in context.summary.red_flags if flag.present and flag.flag in (
            "cauda_equina", "myelopathy", "progressive_neurologic_deficit", "bowel_bladder_dysfunction")]
    return []


def conservative_care_failed(context: Context) -> Check:
    urgent = urgent_indication(context)
    if urgent:
        return met(f"The records document {listing(urgent)}, for which surgery need not wait for a trial of "
                   "conservative care.", urgent)
    return common.conservative_care_failed(context, surgical_regions(context) or None, explicit_failure=True)


def chapter_citation(context: Context, section: str = "Surgical Considerations") -> GuidelineCitation:
    for region in context.details.body_regions:
        if region in CHAPTERS:
            return citations.acoem(CHAPTERS[region], section)
    return citations.acoem(citations.GENERAL_APPROACHES, "Cornerstones of Disability Prevention and Management")


SURGERY_SUMMARY = (
    "The ACOEM chapters refer a patient for surgery when activity stays limited for more than a month, or "
    "symptoms progress, despite an exercise and rehabilitation programme, and when clear clinical findings "
    "and imaging agree on a lesion that surgery is known to help in both the short and the long term. "
    "For the spine this means objective signs of nerve-root or cord compromise matching the imaging; for "
    "a joint, a structural lesion such as a tear or instability that matches the examination."
)

CRITERIA = (
    Criterion("clinical_findings", "Clear clinical findings of a lesion surgery can help (objective nerve "
              "compromise for the spine; a structural lesion for a joint).", clinical_findings,
              supported_by=("027", "107", "110")),
    Criterion("imaging_lesion", "Imaging shows the lesion, consistent with the findings.", imaging_lesion,
              supported_by=("027", "107", "160")),
    Criterion("conservative_care_failed", "A course of conservative care failed first (not needed for a "
              "full-thickness cuff tear with weakness, or a spinal red flag).", conservative_care_failed,
              supported_by=("027", "052", "107", "110")),
)

SURGERY_PATTERNS = (r"arthroscop", r"\brepair\b", r"decompression", r"acromioplasty", r"menisc", r"tenodesis",
                    r"laminectomy", r"discectomy", r"fusion", r"arthroplasty", r"replacement",
                    r"(tunnel|trigger finger|quervain|tendon|lateral|fascia) release",
                    r"debridement", r"\bacdf\b", r"foraminotomy", r"\bsurgery\b(?! evaluation| consult)",
                    r"\borif\b", r"reconstruction")

JOINT_SURGERY = register(Rule(
    rule_id="joint-surgery",
    category="joint_surgery",
    title="Shoulder, knee, elbow, wrist/hand or ankle/foot surgery",
    citation=chapter_citation,
    summary=SURGERY_SUMMARY,
    criteria=CRITERIA,
    patterns=SURGERY_PATTERNS,
    priority=40,
    applies=lambda details: "associated surgical service" not in details.modifiers
    and not set(details.body_regions) & set(SPINE),
))

SPINE_SURGERY = register(Rule(
    rule_id="spine-surgery",
    category="spine_surgery",
    title="Spine surgery (decompression, discectomy, fusion)",
    citation=chapter_citation,
    summary=SURGERY_SUMMARY,
    criteria=CRITERIA,
    patterns=SURGERY_PATTERNS,
    priority=40,
    applies=lambda details: "associated surgical service" not in details.modifiers
    and bool(set(details.body_regions) & set(SPINE)),
))


def postsurgical_region(context: Context) -> BodyRegion | None:
    for region in context.details.body_regions:
        if region in POSTSURGICAL_VISITS:
            return region
    for decision in surgery_items(context):
        for region in decision.details.body_regions:
            if region in POSTSURGICAL_VISITS:
                return region
    for record in surgeries(context.summary):
        if record.body_region in POSTSURGICAL_VISITS:
            return record.body_region
    return None


def initial_postsurgical_course(context: Context) -> Check:
    sessions = context.details.sessions
    if sessions is None:
        return not_met("The request does not state how many visits are asked for.")
    region = postsurgical_region(context)
    if region is None:
        return not_documented("The records do not say which region was operated on, so the postsurgical "
                              "course cannot be determined.")
    general, _ = POSTSURGICAL_VISITS[region]
    initial = general // 2
    if sessions > initial:
        return not_met(f"The request is for {sessions} visits, more than the initial course of {initial} "
                       f"(half of the {general} postsurgical visits) for {region.replace('_', '/')} surgery.")
    return met(f"The {sessions} visits requested are within the initial postsurgical course of {initial}.")


def postsurgical_citation(context: Context) -> GuidelineCitation:
    region = postsurgical_region(context)
    return citations.postsurgical(POSTSURGICAL_VISITS[region][1]) if region else citations.postsurgical()


POSTSURGICAL_THERAPY = register(Rule(
    rule_id="postsurgical-therapy",
    category="postsurgical_therapy",
    title="Physical or occupational therapy after surgery",
    citation=postsurgical_citation,
    summary=(
        "The MTUS postsurgical guidelines set, for each operation, a general course of therapy visits and a "
        "postsurgical period. Therapy starts with an initial course of half the general course; further "
        "visits follow only with documented functional improvement, within the postsurgical period. "
        "Therapy after an operation is needed only when the operation itself is done or approved."
    ),
    criteria=(
        Criterion("surgery_supported", "The surgery is done, authorized, or found medically necessary in the "
                  "same review.", surgery_supported, supported_by=("027", "052", "107", "160")),
        Criterion("initial_course", "The request is no larger than the initial postsurgical course (half the "
                  "general course).", initial_postsurgical_course, supported_by=("052", "107", "160")),
    ),
    patterns=(r"(post[- ]?op|postsurgical|post-surgical|associated surgical service).*(therap|\bpt\b|rehab)",
              r"(therap|\bpt\b).*(post[- ]?op|after surgery)"),
    priority=45,
))


def addon_citation(topic: str):
    return lambda context: citations.odg(topic)


PREOP_CLEARANCE = register(Rule(
    rule_id="preoperative-clearance",
    category="preoperative_clearance",
    title="Preoperative medical clearance",
    citation=lambda context: citations.acoem(citations.GENERAL_APPROACHES,
                                             "Cornerstones of Disability Prevention and Management"),
    summary=(
        "ODG supports a preoperative evaluation, guided by the patient's history, examination and the risk "
        "of the planned operation, when surgery is going ahead; without an approved or necessary operation "
        "there is nothing to clear the patient for."
    ),
    criteria=(Criterion("surgery_supported", "The surgery is done, authorized, or found medically necessary in "
                        "the same review.", surgery_supported, supported_by=("027", "107", "110", "160")),),
    patterns=(r"clearance", r"pre-?op(erative)? (medical )?(evaluation|consult)"),
    priority=45,
))

ASSISTANT_SURGEON = register(Rule(
    rule_id="assistant-surgeon",
    category="assistant_surgeon",
    title="Assistant surgeon or surgical assistant",
    citation=addon_citation("Shoulder Chapter, Surgical assistant"),
    summary=(
        "ODG supports an assistant at surgery for complex operations, such as open or arthroscopic repairs "
        "and spinal procedures, when the operation itself is necessary."
    ),
    criteria=(Criterion("surgery_supported", "The surgery is done, authorized, or found medically necessary in "
                        "the same review.", surgery_supported, supported_by=("110", "160")),),
    patterns=(r"assistant (surgeon|pa\b)|surgical assistant|assistant at surgery|\bassistant pa\b",),
    priority=45,
))


PREOP_TESTS: tuple[tuple[str, str, str, str], ...] = (
    # (test, request pattern, diagnosis/medication pattern that calls for it, what that is)
    ("EKG", r"\be[kc]g\b|electrocardiogram", r"hypertens|diabet|cardiac|heart|coronary|arrhythm|vascular",
     "heart disease or its risk factors (hypertension, diabetes)"),
    ("chest X-ray", r"chest x-?ray|\bcxr\b", r"copd|asthma|pulmonary|lung|cardiac|heart|smok",
     "heart or lung disease"),
    ("coagulation study", r"\bpt/ptt\b|\bptt\b|\binr\b|coagulation|prothrombin",
     r"bleed|coagul|hemophilia|warfarin|coumadin|anticoag|liver|cirrhosis", "a bleeding history, liver disease "
     "or anticoagulant use"),
    ("urinalysis", r"\bua\b|urinalysis", r"urinary|bladder|kidney stone|uti\b",
     "urinary symptoms or disease"),
    ("blood count", r"\bcbc\b|blood count|hemoglobin", r"anemi|bleed|chronic kidney|renal|cancer|nsaid|naproxen|"
     r"ibuprofen|meloxicam|diclofenac|etodolac|celecoxib", "a condition or medication raising the risk of anaemia "
     "or bleeding"),
    ("chemistry panel", r"\bbmp\b|\bcmp\b|chem(istry)? panel|electrolyte|metabolic panel|creatinine",
     r"diabet|hypertens|renal|kidney|liver|diuretic|nsaid|naproxen|ibuprofen|meloxicam|diclofenac|etodolac|"
     r"celecoxib", "a chronic disease or a medication that affects electrolytes or the kidneys"),
)


def preop_test(context: Context) -> tuple[str, str, str] | None:
    text = context.item.request.lower()
    for name, pattern, indication, label in PREOP_TESTS:
        if re.search(pattern, text):
            return name, indication, label
    return None


def test_indication(context: Context) -> Check:
    test = preop_test(context)
    if test is None:
        return not_documented("The request does not name a test whose indication can be checked.")
    name, indication, label = test
    conditions = [fact for fact in context.summary.diagnoses if re.search(indication, fact.name.lower())]
    drugs = [fact for fact in context.summary.medications if re.search(indication, fact.name.lower())
             or re.search(indication, medication_class(fact) or "")]
    if conditions or drugs:
        return met(f"The records document a reason for a preoperative {name}: {listing(conditions + drugs)}.",
                   conditions + drugs)
    return not_documented(f"The records do not document {label}, which is what calls for a preoperative "
                          f"{name}.")


PREOPERATIVE_TESTING = register(Rule(
    rule_id="preoperative-testing",
    category="preoperative_testing",
    title="Preoperative laboratory tests, EKG and chest X-ray",
    citation=lambda context: citations.odg("Low Back Chapter, Preoperative testing, general"),
    summary=(
        "ODG does not support routine preoperative tests for every patient. Each test is chosen from the "
        "history, examination and type of operation: an electrocardiogram for cardiac risk, a chest film "
        "for heart or lung disease, coagulation studies for a bleeding history or anticoagulants, a blood "
        "count where anaemia or blood loss is a concern, and electrolytes and creatinine for chronic disease "
        "or medications affecting the kidneys. No test is needed if the operation is not."
    ),
    criteria=(
        Criterion("surgery_supported", "The surgery is done, authorized, or found medically necessary in the "
                  "same review.", surgery_supported, supported_by=("027", "110", "160")),
        Criterion("test_indication", "The patient's history calls for this particular test.", test_indication,
                  supported_by=("110",)),
    ),
    patterns=tuple(pattern for _, pattern, _, _ in PREOP_TESTS) + (r"pre-?op(erative)? lab", r"\blabs?\b"),
    priority=46,
))
