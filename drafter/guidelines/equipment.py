"""Durable medical equipment: cold therapy units, postoperative slings and wraps, spinal supports, braces
and splints, and items of comfort or convenience (ODG, where the MTUS is silent; ACOEM 2004 for supports
and splints).

Criteria confirmed against dev letters:
- continuous-flow cryotherapy only after surgery, for up to 7 days: 052, 107, 110;
- postoperative equipment stands or falls with the surgery: 027, 052, 107, 110, 160;
- abduction pillow slings only after open repair of large or massive cuff tears: 110;
- lumbar supports have no lasting benefit beyond the acute phase: 050, 064;
- wrist splints for carpal tunnel syndrome or De Quervain's tendinitis: 064.
"""

from __future__ import annotations

import datetime as dt

from drafter.guidelines import citations
from drafter.guidelines.facts import diagnoses, listing, surgeries
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.guidelines.surgery import surgery_items, surgery_supported
from drafter.models import BodyRegion, GuidelineCitation

CRYOTHERAPY_DAYS = 7
ACUTE_PHASE = dt.timedelta(weeks=6)
ORTHOSIS_DIAGNOSES = {
    "wrist_hand": r"carpal tunnel|de ?quervain|tendinitis|tenosynovitis|sprain|fracture|arthritis",
    "elbow": r"epicondyl|ulnar|cubital|sprain|fracture",
    "knee": r"instability|ligament|\bacl\b|\bmcl\b|patell|sprain|menisc|arthritis|fracture",
    "ankle_foot": r"sprain|instability|fracture|plantar|tendin",
    "shoulder": r"dislocation|instability|fracture|separation",
    "cervical": r"fracture|post-?op",
}

LIMB_OF: dict[BodyRegion, BodyRegion] = {
    "wrist_hand": "upper_extremity", "elbow": "upper_extremity", "shoulder": "upper_extremity",
    "knee": "lower_extremity", "ankle_foot": "lower_extremity", "cervical": "cervical",
}
"""A diagnosis of the whole limb (e.g. 'right arm strain') bears on a brace of one of its joints."""


def region_chapter(context: Context, default: str = "Shoulder") -> str:
    names = {"knee": "Knee & Leg", "shoulder": "Shoulder", "lumbar": "Low Back", "cervical": "Neck & Upper Back",
             "wrist_hand": "Forearm, Wrist, & Hand", "elbow": "Elbow", "ankle_foot": "Ankle & Foot",
             "hip": "Hip & Pelvis"}
    regions = list(context.details.body_regions)
    for decision in surgery_items(context):
        regions.extend(decision.details.body_regions)
    return next((names[region] for region in regions if region in names), default)


def cryotherapy_duration(context: Context) -> Check:
    weeks = context.details.duration_weeks
    if weeks is None:
        return not_met("The request does not state for how long the unit is to be used.")
    days = round(weeks * 7)
    if days > CRYOTHERAPY_DAYS:
        return not_met(f"The request is for {days} days, beyond the {CRYOTHERAPY_DAYS} days after surgery the "
                       "guideline supports.")
    return met(f"The request is for {days} days, within the {CRYOTHERAPY_DAYS} days after surgery.")


def cold_therapy_citation(context: Context) -> GuidelineCitation:
    """ODG's continuous-flow cryotherapy with a surgery; without one, heat and cold are ACOEM's at-home physical
    methods (letter 050)."""
    postoperative = bool({"post-op", "associated surgical service"} & set(context.details.modifiers))
    if postoperative or surgery_items(context) or surgeries(context.summary):
        return citations.odg(f"{region_chapter(context)} Chapter, Continuous-flow cryotherapy")
    chapters = {"cervical": citations.NECK, "thoracic": citations.NECK, "shoulder": citations.SHOULDER,
                "elbow": citations.ELBOW, "wrist_hand": citations.HAND, "knee": citations.KNEE,
                "ankle_foot": citations.ANKLE}
    chapter = next((chapters[region] for region in context.details.body_regions if region in chapters),
                   citations.LOW_BACK)
    return citations.acoem(chapter, "Physical Methods")


COLD_THERAPY = register(Rule(
    rule_id="cold-therapy",
    category="cold_therapy",
    title="Cold therapy or cold compression unit",
    citation=lambda context: cold_therapy_citation(context),
    summary=(
        "ODG supports continuous-flow cold therapy as an option for up to a week after surgery, to reduce "
        "pain, swelling and the need for pain medication; it does not support it outside the postoperative "
        "period, where simple ice packs applied at home do as well."
    ),
    criteria=(
        Criterion("surgery_supported", "It follows a surgery that is done, authorized or found necessary.",
                  surgery_supported, supported_by=("027", "052", "107", "110", "160")),
        Criterion("duration", "Use for no more than 7 days after surgery, stated in the request.",
                  cryotherapy_duration, supported_by=("052", "110")),
    ),
    patterns=(r"cold therap", r"cryotherap", r"cryo ?unit", r"cold compression", r"vascutherm", r"game ready",
              r"polar care", r"ice (machine|unit)"),
    priority=50,
))


def not_abduction_pillow_after_arthroscopy(context: Context) -> Check:
    arthroscopic = [decision for decision in surgery_items(context) if "arthroscop" in decision.request.lower()]
    if arthroscopic:
        return not_met("An abduction pillow sling is for open repair of a large or massive rotator cuff tear; "
                       f"the planned operation is arthroscopic ({arthroscopic[0].request}).")
    return met("No arthroscopic-only operation is planned that would make the pillow sling unnecessary.")


POSTOPERATIVE_EQUIPMENT = register(Rule(
    rule_id="postoperative-equipment",
    category="postoperative_equipment",
    title="Equipment requested with a surgery (slings, wraps, pads, braces)",
    citation=lambda context: citations.odg(f"{region_chapter(context)} Chapter, Postoperative abduction pillow "
                                           "sling" if "pillow" in context.item.request.lower()
                                           else f"{region_chapter(context)} Chapter, Immobilization"),
    summary=(
        "Equipment ordered for the recovery from an operation is needed only when the operation is. ODG "
        "supports a simple sling for a few weeks after shoulder surgery, and an abduction pillow sling only "
        "after open repair of a large or massive rotator cuff tear."
    ),
    criteria=(
        Criterion("surgery_supported", "It follows a surgery that is done, authorized or found necessary.",
                  surgery_supported, supported_by=("027", "052", "107", "160")),
        Criterion("pillow_sling_indication", "An abduction pillow sling follows open repair of a large or "
                  "massive rotator cuff tear.", not_abduction_pillow_after_arthroscopy, supported_by=("110",),
                  when=lambda context: "pillow" in context.item.request.lower()
                  or "abduction" in context.item.request.lower()),
    ),
    patterns=(r"associated surgical service", r"post-?op(erative)? (sling|brace|wrap|pad|equipment)",
              r"\bsling\b", r"ultrasling"),
    priority=35,
))


def acute_phase(context: Context) -> Check:
    header = context.summary.header
    injury = header.date_of_injury
    basis = header.ur_denial_date or header.date_assigned or header.application_received
    if injury is None or basis is None:
        return not_documented("The records do not date the injury, so the acute phase cannot be confirmed.")
    elapsed = basis - injury
    if elapsed > ACUTE_PHASE:
        return not_met(f"The injury was {elapsed.days // 7} weeks before the review, past the acute phase in "
                       "which a support can relieve symptoms.")
    return met(f"The request falls in the acute phase, {elapsed.days // 7} weeks after the injury.")


SPINAL_SUPPORT = register(Rule(
    rule_id="spinal-support",
    category="spinal_support",
    title="Lumbar or cervical support (brace, corset, collar)",
    citation=lambda context: citations.acoem(
        citations.NECK if "cervical" in context.details.body_regions else citations.LOW_BACK, "Physical Methods"),
    summary=(
        "ACOEM finds no lasting benefit from lumbar supports beyond the acute phase of symptom relief, "
        "and does "
        "not recommend them to prevent back pain; soft collars likewise have no role beyond brief early use."
    ),
    criteria=(Criterion("acute_phase", "The support is for the acute phase of symptoms.", acute_phase,
                        supported_by=("050", "064")),),
    patterns=(r"(lumbar|back|lumbosacral|\blso\b|cervical) (support|brace|corset|orthosis)", r"\blso\b",
              r"cervical collar", r"back support"),
    priority=38,
))


def orthosis_indication(context: Context) -> Check:
    regions = [region for region in context.details.body_regions if region in ORTHOSIS_DIAGNOSES]
    if not regions:
        return not_documented("The request does not say which joint the brace is for.")
    found = [fact for region in regions
             for fact in diagnoses(context.summary, ORTHOSIS_DIAGNOSES[region], (region, LIMB_OF[region]))]
    if found:
        return met(f"The diagnoses include a condition a brace or splint treats: {listing(found)}.", found)
    return not_documented("The records do not document a condition of that joint that a brace or splint treats "
                          "(such as instability, a sprain, or carpal tunnel syndrome).")


def orthosis_citation(context: Context) -> GuidelineCitation:
    chapters = {"wrist_hand": citations.HAND, "elbow": citations.ELBOW, "knee": citations.KNEE,
                "ankle_foot": citations.ANKLE, "shoulder": citations.SHOULDER}
    chapter = next((chapters[region] for region in context.details.body_regions if region in chapters),
                   citations.HAND)
    return citations.acoem(chapter, "Initial Care")


ORTHOSIS = register(Rule(
    rule_id="orthosis",
    category="orthosis",
    title="Braces and splints of the limbs",
    citation=orthosis_citation,
    summary=(
        "The ACOEM chapters support splints and braces for specific conditions: a wrist splint for carpal "
        "tunnel syndrome or De Quervain's tendinitis, a knee brace for instability or a ligament injury, an "
        "elbow strap for epicondylitis. Prolonged immobilization without such a condition delays recovery."
    ),
    criteria=(Criterion("condition_treated", "A condition of that joint that a brace or splint treats is "
                        "documented.", orthosis_indication, supported_by=("064",)),),
    patterns=(r"\bbraces?\b", r"\bsplints?\b", r"orthosis", r"orthotic", r"immobilizer"),
    priority=30,
))


def not_medical(context: Context) -> Check:
    return not_met("The item serves comfort, hygiene or convenience; it is not medical equipment that treats "
                   "the injury.")


CONVENIENCE_ITEMS = register(Rule(
    rule_id="convenience-items",
    category="convenience_items",
    title="Pillows, gloves, wipes and other comfort or convenience items",
    citation=lambda context: citations.odg("Knee & Leg Chapter, Durable medical equipment (DME)"),
    summary=(
        "ODG counts as durable medical equipment only items that withstand repeated use, serve a medical "
        "purpose and are not useful to a person without the illness or injury. Items for comfort, hygiene or "
        "convenience, such as pillows, gloves or wipes, do not qualify."
    ),
    criteria=(Criterion("medical_purpose", "The item primarily serves a medical purpose.", not_medical,
                        supported_by=("064", "109")),),
    patterns=(r"pillow", r"\bgloves\b", r"wipes", r"hip pad", r"leg wraps?"),
    priority=32,
))


def non_weight_bearing(context: Context) -> Check:
    found = diagnoses(context.summary, r"fracture|post-?op|amputation|non-?weight|rupture")
    if found:
        return met(f"The records document a condition that limits weight bearing: {listing(found)}.", found)
    return not_documented("The records do not document a condition that keeps the worker from bearing weight, "
                          "which is what a mobility aid is for.")


MOBILITY_AIDS = register(Rule(
    rule_id="mobility-aids",
    category="mobility_aids",
    title="Walking and mobility aids (crutches, walkers, knee scooters, wheelchairs)",
    citation=lambda context: citations.odg("Knee & Leg Chapter, Walking aids (canes, crutches, braces, orthoses, "
                                           "& walkers)"),
    summary=(
        "ODG supports walking aids when a condition limits weight bearing or walking, such as a fracture "
        "or the "
        "period after lower-limb surgery; without such a limitation they are not needed."
    ),
    criteria=(Criterion("weight_bearing_limited", "A condition that limits weight bearing or walking.",
                        non_weight_bearing, supported_by=("094",)),),
    patterns=(r"scooter", r"crutch", r"walker", r"wheelchair", r"\bcane\b"),
    priority=30,
))
