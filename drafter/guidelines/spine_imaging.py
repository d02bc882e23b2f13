"""MRI of the cervical, thoracic and lumbar spine (ACOEM 2004 chapters 8 and 12, Special Studies).

Criteria confirmed against dev letters quoting the chapters:
- red flag or unequivocal objective nerve compromise: 008, 017, 018, 034, 037, 042, 045, 048, 049, 054,
  066, 085, 088, 090, 097, 117, 121, 142, 194;
- failed conservative care first (3-4 weeks for the neck): 008, 034, 045, 053, 077, 085, 088, 165;
- a repeat study needs a significant change: 042 (the ODG text on repeat MRI; ACOEM warns that
  indiscriminate imaging finds incidental changes: 039, 042).
"""

from __future__ import annotations

from drafter.guidelines import citations, common
from drafter.guidelines.facts import (
    OBJECTIVE_DEFICITS,
    SPINE_NEURO_REGIONS,
    imaging,
    listing,
    neuro_findings,
    red_flags,
    surgeries,
)
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.models import BodyRegion, GuidelineCitation, RequestDetails

SPINE: tuple[BodyRegion, ...] = ("cervical", "thoracic", "lumbar")
MRI_PATTERN = r"\bmri\b|\bmris\b|magnetic resonance"


def spine_regions(details: RequestDetails) -> list[BodyRegion]:
    return [region for region in details.body_regions if region in SPINE]


def related_regions(context: Context) -> tuple[BodyRegion, ...]:
    """The requested spinal segments and the limbs their nerves supply."""
    regions: list[BodyRegion] = []
    for segment in spine_regions(context.details):
        regions.extend(SPINE_NEURO_REGIONS[segment])
    return tuple(regions)


def segment_words(context: Context) -> str:
    return " and ".join(spine_regions(context.details)) + " spine"


def imaging_indication(context: Context) -> Check:
    """A red flag, objective nerve compromise, or (neck chapter) anatomy before a planned procedure."""
    flags = common.imaging_red_flags(context, spine_regions(context.details))
    if flags:
        return met(f"The records document a red flag: {listing(flags)}.", flags)
    regions = related_regions(context)
    deficits = neuro_findings(context.summary, regions, OBJECTIVE_DEFICITS, present=True)
    if deficits:
        return met(f"The examination documents objective neurologic findings: {listing(deficits)}.", deficits)
    if set(spine_regions(context.details)) & {"cervical", "thoracic"}:
        planned = surgeries(context.summary, regions, statuses=("planned", "authorized"))
        if planned:
            return met(f"An invasive procedure is planned ({listing(planned)}), for which imaging clarifies "
                       "the anatomy.", planned)
    subjective = neuro_findings(context.summary, regions,
                                ("radicular_symptoms", "paresthesia", "positive_straight_leg_raise"), present=True)
    normal = neuro_findings(context.summary, regions, OBJECTIVE_DEFICITS, present=False)
    no_flags = red_flags(context.summary, present=False)
    if subjective:
        return not_met(f"The records describe {listing(subjective)} but no objective deficit of sensation, "
                       "strength or reflexes, and no red flag.", subjective + normal)
    if normal:
        return not_met(f"The neurologic examination was normal ({listing(normal)}) and no red flag is "
                       "documented.", normal + no_flags)
    return not_documented(f"The records do not document a red flag or an objective neurologic deficit "
                          f"related to the {segment_words(context)}.", no_flags)


def conservative_care_failed(context: Context) -> Check:
    flags = common.imaging_red_flags(context, spine_regions(context.details))
    if flags:
        return met("A red flag is present, so imaging need not wait for a trial of conservative care.", flags)
    return common.conservative_care_failed(context, related_regions(context))


def not_a_repeat(context: Context) -> Check:
    prior = imaging(context.summary, "mri", spine_regions(context.details))
    if not prior:
        return met(f"No earlier MRI of the {segment_words(context)} is documented.")
    progressive = [flag for flag in red_flags(context.summary) if flag.flag == "progressive_neurologic_deficit"]
    if progressive:
        return met(f"An earlier {listing(prior)} exists, and the records document a progressive neurologic "
                   "deficit since.", prior + progressive)
    return not_met(f"An MRI of this region was already done ({listing(prior)}); the records show no "
                   "significant change in symptoms or findings since.", prior)


def spine_citation(context: Context) -> GuidelineCitation:
    if spine_regions(context.details)[:1] == ["lumbar"]:
        return citations.acoem(citations.LOW_BACK, "Special Studies")
    return citations.acoem(citations.NECK, "Special Studies")


MRI_SPINE = register(Rule(
    rule_id="mri-spine",
    category="mri_spine",
    title="MRI of the cervical, thoracic or lumbar spine",
    citation=spine_citation,
    summary=(
        "The ACOEM neck and low back chapters keep spinal MRI for two situations: a red flag (suspected "
        "fracture, tumour, infection, cauda equina or a progressive deficit), or clear objective signs on "
        "examination that a specific nerve root is compromised, in a patient whose symptoms persist after "
        "a period of conservative treatment (three to four weeks for neck complaints) and for whom the "
        "result could change management, such as surgery. When the examination is equivocal, "
        "electrodiagnostic testing should come first, because imaging without a clear target finds "
        "incidental changes. A repeat study needs a significant change in symptoms or findings."
    ),
    criteria=(
        Criterion("indication", "A red flag, or unequivocal objective findings of nerve compromise "
                  "(dermatomal sensory loss, myotomal weakness, reflex change) on examination.",
                  imaging_indication,
                  supported_by=("008", "017", "018", "034", "037", "042", "045", "048", "049", "054", "066",
                                "085", "088", "090", "097", "117", "121", "142", "194")),
        Criterion("conservative_care_failed", "Symptoms persist after a course of conservative care "
                  "(not needed when a red flag is present).", conservative_care_failed,
                  supported_by=("008", "034", "045", "053", "077", "085", "088", "165")),
        Criterion("not_a_repeat", "No earlier MRI of the same region, unless symptoms or findings have "
                  "changed significantly since.", not_a_repeat, supported_by=("042",)),
    ),
    patterns=(MRI_PATTERN,),
    priority=20,
    applies=lambda details: bool(spine_regions(details)),
))
