"""Opioids, tramadol included (MTUS Opioid Treatment Guidelines 2016; the opioid sections of the Chronic Pain
Medical Treatment Guidelines before 28 July 2016).

Criteria confirmed against dev letters quoting the guideline:
- continuing use needs meaningful, quantified pain relief and improved function (the 'four A's'):
  061, 112, 147, 159, 167, 177, 192;
- side effects and aberrant behaviour reviewed at the visits: 061, 112, 147, 192;
- CURES report and urine drug testing, before starting and during use: 030, 052, 066, 165;
- a trial follows first-line non-opioid treatment: 165, 185 (first-line medications before escalation);
- short-term use for severe acute injuries such as fractures: 030.
"""

from __future__ import annotations

import datetime as dt

from drafter.guidelines import citations
from drafter.guidelines.facts import (
    functional_status,
    listing,
    medications,
    monitoring,
    same_drug,
)
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.models import GuidelineCitation

OPIOID = ("opioid",)
FIRST_LINE = ("nsaid", "anticonvulsant", "antidepressant")
ACUTE_PHASE = dt.timedelta(weeks=12)
OPIOID_TERMS = ("opioid", "norco", "hydrocodone", "tramadol", "ultram", "oxycodone", "percocet", "pain medication",
                "medication", "narcotic")


def prior_opioids(context: Context) -> list:
    return medications(context.summary, OPIOID) or same_drug(context.summary, context.details)


def severe_acute_injury(context: Context) -> list:
    """Fracture or major trauma within the acute phase (the injury is recent), where short-term opioids are
    an accepted part of care."""
    header = context.summary.header
    basis = header.ur_denial_date or header.date_assigned or header.application_received
    if header.date_of_injury is None or basis is None or basis - header.date_of_injury > ACUTE_PHASE:
        return []
    return [flag for flag in context.summary.red_flags if flag.present and flag.flag in ("fracture", "major_trauma")]


def acute(context: Context) -> bool:
    return bool(severe_acute_injury(context))


def continuing(context: Context) -> bool:
    return not acute(context) and bool(prior_opioids(context))


def starting(context: Context) -> bool:
    return not acute(context) and not prior_opioids(context)


def acute_injury(context: Context) -> Check:
    injuries = severe_acute_injury(context)
    return met(f"The records document a severe acute injury ({listing(injuries)}) within the acute phase, "
               "for which a short course of opioids is appropriate.", injuries)


def pain_relief(context: Context) -> Check:
    records = monitoring(context.summary, "pain_relief_quantified")
    shown = [record for record in records if record.present]
    if shown:
        return met("The records quantify the pain relief the medication gives.", shown)
    paired = [score for score in context.summary.pain_scores
              if score.context and "medication" in score.context.lower()]
    contexts = {score.context.lower() for score in paired if score.context}
    if any("without" in text for text in contexts) and any("without" not in text for text in contexts):
        return met("The records give pain scores with and without the medication.", paired)
    if records:
        return not_met("The records state that the medication's effect on pain was not quantified.", records)
    return not_documented("The records do not quantify pain relief from the opioid (for example, scores "
                          "with and without it).", prior_opioids(context))


def function_improved(context: Context) -> Check:
    statements = functional_status(context.summary, OPIOID_TERMS + tuple(
        medication.name.lower().split()[0] for medication in prior_opioids(context)))
    improved = [fact for fact in statements if fact.improved]
    if improved:
        return met("The records document improved function with the medication.", improved)
    working = [fact for fact in context.summary.work_status if fact.status in ("full_duty", "modified_duty")]
    if working:
        return met("The worker has returned to work.", working)
    worse = [fact for fact in statements if not fact.improved]
    if worse:
        return not_met("The records state that function has not improved on the medication.", worse)
    return not_documented("The records do not document objective functional improvement (daily activities "
                          "or work) from the opioid.", prior_opioids(context))


def adverse_effects(context: Context) -> Check:
    records = monitoring(context.summary, "side_effects_assessed")
    if any(record.present for record in records):
        return met("Side effects were reviewed at the visits.", [r for r in records if r.present])
    return not_documented("The records do not show that side effects were reviewed.", records)


def misuse_monitoring(context: Context) -> Check:
    aberrant = [record for record in monitoring(context.summary, "aberrant_behavior") if record.present]
    if aberrant:
        return not_met("The records describe aberrant drug-related behaviour.", aberrant)
    checks = [record for kind in ("urine_drug_screen", "cures_report")
              for record in monitoring(context.summary, kind) if record.present]
    if checks:
        return met(f"Misuse monitoring is documented: {listing(checks)}.", checks)
    return not_documented("The records do not document a CURES report or urine drug testing.")


def first_line_tried(context: Context) -> Check:
    tried = medications(context.summary, FIRST_LINE) + [
        medication for medication in context.summary.medications
        if "acetaminophen" in medication.name.lower() or "tylenol" in medication.name.lower()]
    if tried:
        return met(f"Non-opioid medication was tried first: {listing(tried)}.", tried)
    return not_documented("The records do not document a trial of non-opioid pain medication first.")


CHRONIC_PART = "Opioids for Chronic Pain and Chronic Opioid Treatment"
"""Heading of part 3 of the 2016 opioid guideline; its sections print as '<number> <part>: <section>'."""


def opioid_citation(context: Context) -> GuidelineCitation:
    if acute(context):
        return citations.opioids(context.era, "1.3 Opioids for Acute Pain: Severe Acute Injuries",
                                 "Opioids, criteria for use")
    if "post-op" in context.details.modifiers:
        return citations.opioids(context.era, "1.4 Opioids for Acute Pain: Opioids for Post-operative Pain",
                                 "Opioids, specific drug list")
    if starting(context):
        return citations.opioids(context.era, f"3.3.3 {CHRONIC_PART}: Initiation of Chronic Opioid Treatment",
                                 "Opioids, criteria for use")
    return citations.opioids(context.era, f"3.3.9 {CHRONIC_PART}: Maintenance of Chronic Opioid Treatment",
                             "Opioids, on-going management")


OPIOIDS = register(Rule(
    rule_id="opioids",
    category="opioids",
    title="Opioid analgesics, tramadol included",
    citation=opioid_citation,
    summary=(
        "The MTUS opioid treatment guidelines (before 28 July 2016, the opioid sections of the "
        "MTUS chronic pain guidelines) allow a trial of an opioid only after non-opioid treatment has not "
        "controlled the pain, with a check of the state prescription database (CURES) and drug testing. "
        "Continuing an opioid requires, at each visit, a record of the four A's: meaningful, quantified "
        "pain relief (analgesia), better function or return to work (activity), a review of side effects "
        "(adverse effects) and of misuse (aberrant behaviour), with periodic CURES checks and urine drug "
        "testing. Without documented benefit the guideline calls for tapering rather than continuing. "
        "After a "
        "severe acute injury such as a fracture, a short course for acute pain is appropriate."
    ),
    criteria=(
        Criterion("severe_acute_injury", "Short-term use after a severe acute injury such as a fracture.",
                  acute_injury, supported_by=("030",), when=acute),
        Criterion("first_line_tried", "A trial of non-opioid pain medication came first.", first_line_tried,
                  supported_by=("165", "185"), when=starting),
        Criterion("pain_relief_quantified", "Meaningful pain relief from the opioid is quantified.",
                  pain_relief, supported_by=("061", "147", "159", "192"), when=continuing),
        Criterion("functional_improvement", "Function improved on the opioid, or the worker returned to work.",
                  function_improved, supported_by=("061", "147", "159", "167", "177", "192"), when=continuing),
        Criterion("adverse_effects_reviewed", "Side effects are reviewed at the visits.", adverse_effects,
                  supported_by=("061", "112", "147"), when=continuing),
        Criterion("misuse_monitoring", "CURES report or urine drug testing documented, and no aberrant "
                  "drug-related behaviour.", misuse_monitoring, supported_by=("030", "052", "066", "165"),
                  when=lambda context: not acute(context)),
    ),
    drug_classes=OPIOID,
    priority=5,
))
