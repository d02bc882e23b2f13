"""Spinal and other injections: epidural steroid injections, facet joint injections and medial branch blocks,
radiofrequency ablation, platelet-rich plasma (MTUS Chronic Pain Medical Treatment Guidelines, 'Epidural
steroid injections (ESIs)', 'Facet blocks'; ACOEM 2004 chapter 12; ODG where the MTUS is silent).

Citation: for the low back, the letters cite the ACOEM Low Back Complaints chapter first (its summary table
rates epidural and facet injections) and the chronic pain guideline's section after it: 002, 105, 111, 181
(the domain notes, sections 4.22 and 4.23, name ACOEM chapter 12 as the MTUS source of both). The neck has no
such support in the letters, so cervical injections cite the chronic pain guideline alone.

Criteria confirmed against dev letters quoting the guidelines:
- ESI: radiculopathy documented on examination and corroborated by imaging or electrodiagnostic testing,
  after failed conservative care (exercise, physical methods, NSAIDs, muscle relaxants): 105, 111, 181;
- facet injections: for non-radicular, facet-mediated pain; no more than one therapeutic set; not with
  radicular symptoms: 002;
- PRP: not recommended outside research settings (ODG): 094.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from drafter.guidelines import citations, common
from drafter.guidelines.facts import (
    OBJECTIVE_DEFICITS,
    SPINE_NEURO_REGIONS,
    imaging,
    listing,
    neuro_findings,
    treatments,
)
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.models import BodyRegion, GuidelineCitation


def spine_regions(context: Context) -> tuple[BodyRegion, ...]:
    segments = [region for region in context.details.body_regions if region in SPINE_NEURO_REGIONS] or ["lumbar"]
    regions: list[BodyRegion] = []
    for segment in segments:
        regions.extend(SPINE_NEURO_REGIONS[segment])
    return tuple(regions)


def spinal_injection_citation(section: str) -> Callable[[Context], GuidelineCitation]:
    """The chronic pain guideline's section, after the ACOEM Low Back chapter for an injection in the low back
    (a request naming no spinal region is taken as lumbar, as `spine_regions` does)."""

    def cite(context: Context) -> GuidelineCitation:
        section_cited = citations.chronic_pain(context.era, section)
        segments = [region for region in context.details.body_regions if region in SPINE_NEURO_REGIONS]
        if segments and "lumbar" not in segments:
            return section_cited
        return citations.together(citations.acoem(citations.LOW_BACK, "Summary"), section_cited)

    return cite


def radiculopathy_on_exam(context: Context) -> Check:
    deficits = neuro_findings(context.summary, spine_regions(context), OBJECTIVE_DEFICITS, present=True)
    if deficits:
        return met(f"The examination documents radiculopathy: {listing(deficits)}.", deficits)
    subjective = neuro_findings(context.summary, spine_regions(context),
                                ("radicular_symptoms", "paresthesia", "positive_straight_leg_raise"), present=True)
    if subjective:
        return not_met(f"The records describe {listing(subjective)} but no objective deficit of sensation, "
                       "strength or reflexes establishing a radiculopathy.", subjective)
    normal = neuro_findings(context.summary, spine_regions(context), OBJECTIVE_DEFICITS, present=False)
    if normal:
        return not_met(f"The neurologic examination is normal ({listing(normal)}).", normal)
    return not_documented("The records do not document radiculopathy on physical examination.")


def corroborated(context: Context) -> Check:
    segments = [region for region in context.details.body_regions if region in SPINE_NEURO_REGIONS] or ["lumbar"]
    studies = imaging(context.summary, "mri", segments) + imaging(context.summary, "ct", segments) + imaging(
        context.summary, "emg_ncv", spine_regions(context))
    if studies:
        return met(f"Imaging or electrodiagnostic testing is documented: {listing(studies)}.", studies)
    return not_documented("The records do not document imaging or electrodiagnostic testing corroborating the "
                          "radiculopathy.")


def conservative_care_failed(context: Context) -> Check:
    return common.conservative_care_failed(context, spine_regions(context) + tuple(context.details.body_regions),
                                           tuple(m for m in common.ACTIVE_CARE if m != "injection"))


def prior_injection_response(context: Context) -> Check:
    prior = treatments(context.summary, ("injection",), spine_regions(context) + tuple(context.details.body_regions))
    helped = [course for course in prior if course.response == "improved"]
    if helped:
        return not_documented(f"An earlier injection helped ({listing(helped)}), but the records do not document "
                              "at least 50% relief with reduced medication for six to eight weeks.", helped)
    return not_met(f"An earlier injection ({listing(prior)}) is not documented to have given lasting relief with "
                   "less medication.", prior)


def had_injection(context: Context) -> bool:
    return bool(treatments(context.summary, ("injection",), spine_regions(context)))


EPIDURAL = register(Rule(
    rule_id="epidural-steroid-injection",
    category="epidural_steroid_injection",
    title="Epidural steroid injections",
    citation=spinal_injection_citation("Epidural steroid injections (ESIs)"),
    summary=(
        "The MTUS chronic pain guidelines (and, for the low back, ACOEM's low back chapter) offer epidural "
        "steroid injections as an option for radicular pain, to help progress in an active treatment "
        "programme. Radiculopathy must be shown on examination and confirmed by imaging or "
        "electrodiagnostic testing, and the pain must have resisted conservative care such as exercise, "
        "physical methods, NSAIDs and muscle relaxants. A repeat injection needs at least half the pain "
        "gone, "
        "with less medication, for six to eight weeks after the last one."
    ),
    criteria=(
        Criterion("radiculopathy_on_exam", "Radiculopathy documented on physical examination.",
                  radiculopathy_on_exam, supported_by=("105", "111", "181")),
        Criterion("corroborated", "Imaging or electrodiagnostic testing corroborates it.", corroborated,
                  supported_by=("105", "111", "181")),
        Criterion("conservative_care_failed", "Conservative care failed first.", conservative_care_failed,
                  supported_by=("105", "111", "181")),
        Criterion("repeat_response", "A repeat injection follows at least 50% relief with less medication for "
                  "6 to 8 weeks.", prior_injection_response, supported_by=("181",), when=had_injection),
    ),
    patterns=(r"epidural", r"\besi\b", r"transforaminal", r"interlaminar", r"caudal"),
    priority=40,
))


def non_radicular(context: Context) -> Check:
    radicular = neuro_findings(context.summary, spine_regions(context),
                               ("radicular_symptoms", "sensory_deficit", "motor_weakness", "reflex_change",
                                "positive_straight_leg_raise"), present=True)
    if radicular:
        return not_met(f"The records describe radicular findings ({listing(radicular)}); facet injections are for "
                       "non-radicular pain.", radicular)
    absent = neuro_findings(context.summary, spine_regions(context), ("radicular_symptoms",), present=False)
    if absent:
        return met("The pain is documented as non-radicular.", absent)
    return not_documented("The records do not establish that the pain is non-radicular and arises from the facet "
                          "joints.")


def levels(context: Context) -> Check:
    count = len(re.findall(r"\b[lct]\d\s*-\s*[lcts]?\d", context.item.request.lower()))
    if count > 2:
        return not_met(f"The request spans about {count} levels; no more than two are recommended.")
    return met("The request is limited to two levels or fewer.")


FACET = register(Rule(
    rule_id="facet-injections",
    category="facet_injections",
    title="Facet joint injections, medial branch blocks and radiofrequency ablation",
    citation=spinal_injection_citation("Facet blocks"),
    summary=(
        "ACOEM rates facet joint steroid injections as of questionable merit for back pain. The MTUS "
        "chronic pain "
        "guidelines allow at "
        "most one diagnostic set of blocks, for pain that is not radicular and is suspected to come from the "
        "facet joints, at no more than two levels, after conservative care has failed; radiofrequency "
        "ablation follows only a clearly positive diagnostic block."
    ),
    criteria=(
        Criterion("non_radicular", "The pain is non-radicular and facet-mediated.", non_radicular,
                  supported_by=("002",)),
        Criterion("conservative_care_failed", "Conservative care failed first.", conservative_care_failed),
        Criterion("levels", "No more than two levels.", levels, supported_by=("002",)),
    ),
    patterns=(r"facet", r"medial branch", r"\bmbb\b", r"radiofrequency", r"\brfa\b", r"rhizotomy", r"neurotomy"),
    priority=41,
))


def prp_not_recommended(context: Context) -> Check:
    return not_met("Platelet-rich plasma injections are not recommended outside research settings; the evidence "
                   "of benefit is insufficient.")


PRP = register(Rule(
    rule_id="platelet-rich-plasma",
    category="platelet_rich_plasma",
    title="Platelet-rich plasma injections",
    citation=lambda context: citations.odg("PRP"),
    summary=(
        "ODG does not recommend platelet-rich plasma injections for musculoskeletal conditions outside "
        "research "
        "settings, because good-quality evidence of benefit is lacking."
    ),
    criteria=(Criterion("recommended", "The injection is recommended for the condition.", prp_not_recommended,
                        supported_by=("094",)),),
    patterns=(r"platelet", r"\bprp\b"),
    priority=42,
))
