"""Imaging other than spinal MRI: MRI of the limbs and hips, CT scans, plain X-rays, bone scans (ACOEM 2004
body-part chapters, Special Studies; ODG where the MTUS is silent, e.g. the hip and the head).

Criteria confirmed against dev letters quoting the guidelines:
- special studies wait for 4 to 6 weeks of conservative care that fails to improve symptoms, red flags
  aside: 017, 036, 045, 075, 077, 085, 101, 122, 127;
- MRI confirms a suspected structural lesion (tear, instability) when it would change management, such
  as surgery; not for routine evaluation without a surgical question: 014, 028, 045, 047, 101, 127, 175;
- failure to progress in a strengthening programme meant to avoid surgery: 101, 127 (for the shoulder,
  symptoms persisting after a documented course of therapy or home exercise);
- acute knee trauma with a suspected ligament or cartilage disruption (ODG): 036;
- repeat MRI only with a significant change: 014, 122, 175;
- X-rays and CT need a red flag (fracture, trauma, tumour, infection) or, for CT, bony detail before a
  procedure: 043, 066, 077, 125, 142, 183.
"""

from __future__ import annotations

from drafter.guidelines import citations, common
from drafter.guidelines.facts import diagnoses, imaging, listing, red_flags, surgeries, treatments
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.guidelines.spine_imaging import MRI_PATTERN, SPINE
from drafter.models import BodyRegion, GuidelineCitation

KNEE_DISRUPTION = r"menisc|ligament|\bacl\b|\bpcl\b|\bmcl\b|\blcl\b|derangement|dislocat|osteochondral"
STRENGTHENING = ("physical_therapy", "occupational_therapy", "home_exercise")
LIMBS: tuple[BodyRegion, ...] = ("shoulder", "elbow", "wrist_hand", "hip", "knee", "ankle_foot",
                                 "upper_extremity", "lower_extremity")
STRUCTURAL = (r"tear|derangement|instability|dislocat|labral|labrum|slap|menisc|ligament|\bacl\b|\bmcl\b|"
              r"rotator cuff|impingement|loose body|osteochondral|avascular|necrosis|occult fracture|"
              r"scaphoid|tfcc|mechanical")
CHAPTERS: dict[BodyRegion, str] = {
    "shoulder": citations.SHOULDER, "knee": citations.KNEE, "elbow": citations.ELBOW,
    "wrist_hand": citations.HAND, "ankle_foot": citations.ANKLE, "upper_extremity": citations.HAND,
    "lower_extremity": citations.KNEE, "cervical": citations.NECK, "thoracic": citations.NECK,
    "lumbar": citations.LOW_BACK,
}
ODG_ONLY: dict[BodyRegion, str] = {"hip": "Hip & Pelvis", "head": "Head", "abdomen_pelvis": "Hip & Pelvis"}


def limb_regions(context: Context) -> list[BodyRegion]:
    return [region for region in context.details.body_regions if region not in SPINE] or list(
        context.details.body_regions)


def acute_knee_derangement(context: Context) -> list:
    """ODG: MRI right after acute knee trauma when a ligament or cartilage disruption is suspected."""
    if "knee" not in context.details.body_regions:
        return []
    header = context.summary.header
    basis = header.ur_denial_date or header.date_assigned or header.application_received
    if header.date_of_injury is None or basis is None or basis - header.date_of_injury > common.TRAUMA_WINDOW:
        return []
    return diagnoses(context.summary, KNEE_DISRUPTION, ("knee",))


def conservative_care_failed(context: Context) -> Check:
    flags = common.imaging_red_flags(context, context.details.body_regions)
    if flags:
        return met(f"A red flag is present ({listing(flags)}), so imaging need not wait for conservative care.",
                   flags)
    acute = acute_knee_derangement(context)
    if acute:
        return met(f"The knee was injured recently and a ligament or cartilage disruption is suspected "
                   f"({listing(acute)}), so imaging need not wait for conservative care.", acute)
    return common.conservative_care_failed(context, limb_regions(context) or None)


def structural_question(context: Context) -> Check:
    flags = common.imaging_red_flags(context, context.details.body_regions)
    if flags:
        return met(f"The records document a red flag: {listing(flags)}.", flags)
    regions = limb_regions(context)
    lesion = diagnoses(context.summary, STRUCTURAL, regions or None)
    if lesion:
        return met(f"The records raise a structural lesion that imaging would confirm: {listing(lesion)}.", lesion)
    planned = surgeries(context.summary, regions or None, statuses=("planned", "authorized"))
    if planned:
        return met(f"Surgery is being considered ({listing(planned)}).", planned)
    therapy = treatments(context.summary, STRENGTHENING, regions or None)
    stalled = [course for course in therapy if course.response == "not_improved"]
    if stalled:
        return met(f"The worker failed to progress in a strengthening programme ({listing(stalled)}).", stalled)
    unchanged = [fact for fact in context.summary.functional_status if not fact.improved]
    if therapy and unchanged:
        return met(f"Function has not improved despite {listing(therapy)}: the worker failed to progress in a "
                   "strengthening programme.", therapy + unchanged)
    if "shoulder" in regions and therapy and not any(course.response == "improved" for course in therapy):
        return met(f"Shoulder symptoms persist after {listing(therapy)}: the worker failed to progress in a "
                   "strengthening programme (ACOEM shoulder chapter).", therapy)
    return not_documented("The records do not describe a suspected structural lesion (such as a tear or "
                          "instability) or a surgical question the MRI would answer.")


def not_a_repeat(modality: str):
    def check(context: Context) -> Check:
        prior = imaging(context.summary, modality, context.details.body_regions or None)
        if not prior:
            return met("No earlier study of the same kind and region is documented.")
        progressive = common.imaging_red_flags(context, context.details.body_regions)
        if progressive:
            return met(f"An earlier study exists ({listing(prior)}), and a red flag has appeared since.",
                       prior + progressive)
        return not_met(f"The same study was already done ({listing(prior)}); no significant change since is "
                       "documented.", prior)
    return check


def chapter_citation(context: Context, odg_topic: str) -> GuidelineCitation:
    """The ACOEM chapter of the first region the MTUS covers; ODG only when no region asked for has one (the MTUS
    comes first and ODG fills its gaps, domain notes 1.3; the letters print MTUS citations before others)."""
    regions = context.details.body_regions
    for region in regions:
        if region in CHAPTERS:
            return citations.acoem(CHAPTERS[region], "Special Studies")
    for region in regions:
        if region in ODG_ONLY:
            return citations.odg(f"{ODG_ONLY[region]} Chapter, {odg_topic}")
    return citations.odg(f"Pain (Chronic) Chapter, {odg_topic}")


JOINT_MRI = register(Rule(
    rule_id="mri-joint",
    category="mri_joint",
    title="MRI of the shoulder, elbow, wrist/hand, hip, knee or ankle/foot",
    citation=lambda context: chapter_citation(context, "MRI (magnetic resonance imaging)"),
    summary=(
        "The ACOEM limb chapters hold that most joint complaints need no special study until four to six "
        "weeks "
        "of conservative care have failed, red flags aside. MRI then serves to confirm a suspected "
        "structural "
        "lesion, such as a rotator cuff or meniscal tear or instability, when the answer would change "
        "management, typically a decision about surgery; routine imaging without that question finds "
        "incidental changes. ODG adds that a repeat MRI needs a significant change in symptoms or findings."
    ),
    criteria=(
        Criterion("conservative_care_failed", "Four to six weeks of conservative care failed (not needed with a "
                  "red flag).", conservative_care_failed,
                  supported_by=("017", "036", "045", "075", "077", "085", "101", "122", "127")),
        Criterion("structural_question", "A red flag, a suspected structural lesion or surgical question the MRI "
                  "would answer, or failure to progress in a strengthening programme.", structural_question,
                  supported_by=("014", "028", "045", "047", "101", "127", "175")),
        Criterion("not_a_repeat", "No earlier MRI of the joint unless findings changed.", not_a_repeat("mri"),
                  supported_by=("014", "122", "175")),
    ),
    patterns=(MRI_PATTERN,),
    priority=19,
    applies=lambda details: not set(details.body_regions) & set(SPINE) or bool(
        set(details.body_regions) & set(LIMBS)),
))


def red_flag_or_trauma(context: Context) -> Check:
    flags = common.imaging_red_flags(context, context.details.body_regions)
    if flags:
        return met(f"The records document a red flag: {listing(flags)}.", flags)
    age = context.summary.age
    if "lumbar" in context.details.body_regions and context.details.category == "xray" and age and age.years > 70:
        return met(f"The worker is {age.years}, an age at which plain films of the low back are reasonable.", [age])
    negatives = red_flags(context.summary, present=False)
    if negatives:
        return not_met(f"The records note {listing(negatives)}, and no other red flag.", negatives)
    return not_documented("The records do not document a red flag (suspected fracture, significant trauma, "
                          "tumour or infection) that would call for this study.")


XRAY = register(Rule(
    rule_id="xray",
    category="xray",
    title="Plain X-rays",
    citation=lambda context: chapter_citation(context, "X-Ray"),
    summary=(
        "The ACOEM chapters do not recommend routine plain films of the spine or limbs without a red flag, "
        "such as a suspected fracture after trauma, a tumour or an infection, even when pain has lasted some "
        "weeks; for the knee, fracture rules (effusion after a blow, focal bony tenderness, inability to "
        "bear "
        "weight or to flex) decide. Repeat films need a change in the clinical picture."
    ),
    criteria=(
        Criterion("red_flag", "A red flag or trauma criterion calls for the film.", red_flag_or_trauma,
                  supported_by=("043", "066", "125", "142", "183")),
        Criterion("not_a_repeat", "No earlier film of the region unless findings changed.", not_a_repeat("xray")),
    ),
    patterns=(r"x-?rays?\b", r"radiograph", r"\bfilms?\b"),
    priority=18,
))

CT_SCAN = register(Rule(
    rule_id="ct-scan",
    category="ct_scan",
    title="CT scans",
    citation=lambda context: chapter_citation(context, "CT (computed tomography)"),
    summary=(
        "The ACOEM chapters and ODG keep CT for bony detail: a suspected fracture or significant trauma, "
        "a tumour or infection, or planning of a procedure on bone; for soft tissue and nerves MRI is "
        "preferred. Without such a red flag or question, CT adds radiation without changing care."
    ),
    criteria=(
        Criterion("red_flag", "A red flag (fracture, trauma, tumour, infection) calls for the scan.",
                  red_flag_or_trauma, supported_by=("077", "142")),
        Criterion("not_a_repeat", "No earlier CT of the region unless findings changed.", not_a_repeat("ct")),
    ),
    patterns=(r"\bct\b", r"computed tomography", r"\bcat scan"),
    priority=21,
))

BONE_SCAN = register(Rule(
    rule_id="bone-scan",
    category="bone_scan",
    title="Bone scans",
    citation=lambda context: chapter_citation(context, "Bone scan (imaging)"),
    summary=(
        "Bone scans are reserved for suspected occult fracture, infection, tumour, or to support a diagnosis "
        "of complex regional pain syndrome when the clinical picture is unclear; they are not a routine test."
    ),
    criteria=(Criterion("red_flag", "A red flag or a suspected occult fracture, infection or CRPS.",
                        red_flag_or_trauma, supported_by=("108",)),),
    patterns=(r"bone scan",),
    priority=22,
))
