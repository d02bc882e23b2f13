"""Oral NSAIDs: naproxen, ibuprofen, diclofenac, meloxicam, etodolac, celecoxib ... (MTUS Chronic Pain Medical
Treatment Guidelines, 'NSAIDs (non-steroidal anti-inflammatory drugs)').

Criteria confirmed against dev letters quoting the guideline:
- lowest dose for the shortest period in moderate to severe pain, osteoarthritis and flares of back pain;
  inconsistent evidence in neuropathic pain: 050, 066, 155, 182;
- continued use needs documented pain relief and functional benefit: 066, 155, 185.
"""

from __future__ import annotations

import re

from drafter.guidelines import citations
from drafter.guidelines.facts import diagnoses, functional_status, listing, medications, same_drug
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register

NSAID = ("nsaid",)
MUSCULOSKELETAL = (r"arthritis|arthrosis|osteoarth|degenerat|sprain|strain|tendin|bursitis|myalgia|myofascial|"
                   r"back pain|neck pain|lumbago|cervicalgia|joint pain|contusion|fracture|impingement|"
                   r"spondylo|disc|disk|tear|pain")
GI_HISTORY = r"ulcer|gastrointestinal bleed|gi bleed|perforat|gastritis|dyspeps|reflux|gerd"
NEUROPATHIC = r"neuropath|radiculopathy|radiculitis|neuralgia|neuritis|carpal tunnel|crps|complex regional"


def earlier_use(context: Context) -> list:
    return same_drug(context.summary, context.details) or medications(context.summary, NSAID)


def continuing(context: Context) -> bool:
    return bool(earlier_use(context))


def indication(context: Context) -> Check:
    musculoskeletal = [fact for fact in diagnoses(context.summary, MUSCULOSKELETAL)
                       if not diagnoses_match(fact.name, NEUROPATHIC)]
    if musculoskeletal:
        return met(f"The diagnoses include a musculoskeletal pain condition: {listing(musculoskeletal)}.",
                   musculoskeletal)
    neuropathic = diagnoses(context.summary, NEUROPATHIC)
    if neuropathic:
        return not_met(f"The only diagnoses are neuropathic ({listing(neuropathic)}), where the evidence for "
                       "NSAIDs is inconsistent.", neuropathic)
    return not_documented("The records do not document a diagnosis for which an NSAID is indicated.")


def diagnoses_match(name: str, pattern: str) -> bool:
    return re.search(pattern, name.lower()) is not None


def benefit(context: Context) -> Check:
    used = earlier_use(context)
    statements = functional_status(context.summary, ("nsaid", "anti-inflammator", "medication") + tuple(
        medication.name.lower().split()[0] for medication in used))
    improved = [fact for fact in statements if fact.improved]
    relief = [record for record in context.summary.monitoring
              if record.kind == "pain_relief_quantified" and record.present]
    if improved or relief:
        return met("The records document benefit from the anti-inflammatory.", improved + relief)
    worse = [fact for fact in statements if not fact.improved]
    if worse:
        return not_met("The records state that function did not improve on the medication.", worse + used)
    return not_documented(f"The worker already takes {listing(used)}, and the records do not document pain "
                          "relief or functional benefit from it.", used)


def cox2_gi_risk(context: Context) -> Check:
    history = diagnoses(context.summary, GI_HISTORY)
    age = context.summary.age
    if history:
        return met(f"The records document a GI risk: {listing(history)}.", history)
    if age is not None and age.years > 65:
        return met(f"The worker is {age.years}, older than 65, a GI risk factor.", [age])
    return not_documented("The records do not document a GI risk factor, the reason to choose a COX-2 "
                          "inhibitor over a non-selective NSAID.")


def is_cox2(context: Context) -> bool:
    return context.details.drug == "celecoxib"


NSAIDS = register(Rule(
    rule_id="nsaids",
    category="nsaids",
    title="Oral non-steroidal anti-inflammatory drugs",
    citation=lambda context: citations.chronic_pain(context.era, "NSAIDs (non-steroidal anti-inflammatory drugs)"),
    summary=(
        "The MTUS chronic pain guidelines support anti-inflammatory drugs for osteoarthritis, for flares "
        "of back pain and for other "
        "moderate to severe musculoskeletal pain, at the lowest effective dose for the shortest time, "
        "because of gastrointestinal, cardiovascular and kidney risks. Evidence for them in long-term "
        "neuropathic pain is inconsistent. COX-2 inhibitors such as celecoxib are for patients at risk of GI "
        "complications, not for most patients. A first prescription for a musculoskeletal condition is "
        "reasonable; continuing one needs documented relief of pain and better function."
    ),
    criteria=(
        Criterion("indication", "A musculoskeletal pain condition (osteoarthritis, back or joint pain), not "
                  "purely neuropathic pain.", indication, supported_by=("050", "155", "182")),
        Criterion("documented_benefit", "Continued use follows documented pain relief and functional benefit.",
                  benefit, supported_by=("066", "155", "185"), when=continuing),
        Criterion("cox2_gi_risk", "A COX-2 inhibitor is chosen for a patient at GI risk.", cox2_gi_risk,
                  when=is_cox2),
    ),
    drug_classes=NSAID,
    priority=5,
))
