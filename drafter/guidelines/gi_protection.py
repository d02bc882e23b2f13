"""Proton pump inhibitors and H2 blockers taken to protect the stomach (MTUS Chronic Pain Medical Treatment
Guidelines, 'NSAIDs, GI symptoms & cardiovascular risk').

Criteria confirmed against dev letters quoting the guideline:
- for patients on an NSAID at intermediate or high risk of a GI event (age over 65; peptic ulcer, GI
  bleeding or perforation; aspirin, corticosteroid or anticoagulant; high-dose or several NSAIDs), or
  with dyspepsia from the NSAID: 013, 050, 066, 130, 155, 159, 165.
"""

from __future__ import annotations

import re

from drafter.guidelines import citations
from drafter.guidelines.classify import parse_request
from drafter.guidelines.facts import diagnoses, listing, medications
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, register

GI_HISTORY = r"ulcer|gastrointestinal bleed|gi bleed|perforat|gastritis|dyspeps|reflux|gerd|heartburn|" \
             r"gastro|stomach|epigastric"
RISK_DRUGS = r"aspirin|\basa\b|prednis|steroid|warfarin|coumadin|anticoag|clopidogrel|plavix|apixaban|" \
             r"rivaroxaban"
RISK_AGE = 65


def nsaid_in_use(context: Context) -> Check:
    current = medications(context.summary, ("nsaid",))
    if current:
        return met(f"The worker takes an NSAID: {listing(current)}.", current)
    requested = [item.request for item in context.summary.disputed_items
                 if parse_request(item.request).category == "nsaids"]
    if requested:
        return met(f"An oral NSAID is requested in the same review ({requested[0]}).")
    return not_documented("The records do not document an NSAID, the drug a stomach protectant would guard "
                          "against.")


def gi_risk(context: Context) -> Check:
    history = diagnoses(context.summary, GI_HISTORY)
    drugs = [fact for fact in context.summary.medications if re.search(RISK_DRUGS, fact.name.lower())]
    age = context.summary.age
    older = [age] if age is not None and age.years > RISK_AGE else []
    if history or drugs or older:
        return met(f"The records document a GI risk factor or symptom: {listing(history + drugs + older)}.",
                   history + drugs + older)
    if age is not None:
        return not_documented(f"The worker is {age.years}, and the records document no ulcer, bleeding, "
                              "dyspepsia or risk-raising co-medication.", [age])
    return not_documented("The records do not document a GI risk factor (age over 65, ulcer or bleeding, "
                          "aspirin, steroid or anticoagulant use) or NSAID-related dyspepsia.")


GI_PROTECTION = register(Rule(
    rule_id="gi-protection",
    category="gi_protection",
    title="Proton pump inhibitors and H2 blockers",
    citation=lambda context: citations.chronic_pain(context.era, "NSAIDs, GI symptoms & cardiovascular risk"),
    summary=(
        "The MTUS chronic pain guidelines add a proton pump inhibitor or H2 blocker to an NSAID only for "
        "patients at intermediate or "
        "high risk of a gastrointestinal event: older than 65, with a past ulcer, bleed or perforation, "
        "taking "
        "aspirin, a corticosteroid or an anticoagulant, or on high or combined NSAID doses; or when the "
        "NSAID "
        "causes dyspepsia. Patients without such a risk factor do not need one, and long-term use has its "
        "own "
        "risks."
    ),
    criteria=(
        Criterion("nsaid_in_use", "The worker takes, or is prescribed, an NSAID.", nsaid_in_use,
                  supported_by=("066", "130", "155", "165")),
        Criterion("gi_risk", "A GI risk factor or NSAID-related dyspepsia is documented.", gi_risk,
                  supported_by=("013", "050", "066", "130", "159")),
    ),
    drug_classes=("gi_protectant",),
    priority=5,
))
