"""Medications the guidelines do not recommend for this use: barbiturate-containing analgesics, compounded
oral suspensions, and antiemetics for opioid-related nausea (ODG Pain chapter; MTUS Chronic Pain Medical
Treatment Guidelines, 'Antiemetics (for opioid nausea)', 'Compound drugs').

Confirmed against dev letters: barbiturate analgesics not recommended for chronic pain: 147; compounded
oral suspensions not first-line, with no reason given to avoid standard tablets: 066; ondansetron approved
for nausea after surgery or chemotherapy, not for opioid-related nausea: 052.
"""

from __future__ import annotations

from drafter.guidelines import citations
from drafter.guidelines.facts import diagnoses, listing
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register


def barbiturate_not_recommended(context: Context) -> Check:
    return not_met("Barbiturate-containing analgesics are not recommended for chronic pain: they carry a risk of "
                   "overuse and rebound headache without proven benefit.")


BARBITURATE_ANALGESICS = register(Rule(
    rule_id="barbiturate-analgesics",
    category="barbiturate_analgesics",
    title="Barbiturate-containing analgesics (butalbital combinations)",
    citation=lambda context: citations.odg("Pain, Barbiturate-containing analgesic agents (BCAs)"),
    summary=(
        "ODG does not recommend barbiturate-containing analgesics such as butalbital combinations for "
        "chronic "
        "pain: there is no good evidence of a clinically important benefit from the barbiturate, and they "
        "carry risks of dependence, overuse and rebound headache."
    ),
    criteria=(Criterion("recommended_drug", "The drug is recommended for chronic pain.",
                        barbiturate_not_recommended, supported_by=("147",)),),
    drug_classes=("barbiturate_analgesic",),
    priority=5,
))


def oral_form_needed(context: Context) -> Check:
    return not_documented("The records give no reason the worker cannot take the standard tablet form of the "
                          "medication instead of a compounded suspension.")


COMPOUNDED_ORAL = register(Rule(
    rule_id="compounded-oral",
    category="compounded_oral",
    title="Compounded oral suspensions (e.g. kits sold under brand names)",
    citation=lambda context: citations.chronic_pain(context.era, "Compound drugs"),
    summary=(
        "The MTUS chronic pain guidelines do not treat compounded drugs as a first-line therapy. A "
        "compounded oral suspension of a "
        "drug available as a standard tablet needs a documented reason the worker cannot take the tablet."
    ),
    criteria=(Criterion("reason_for_compound", "A reason the standard tablet form cannot be used is documented.",
                        oral_form_needed, supported_by=("066",)),),
    drug_classes=("compounded_oral",),
    priority=5,
))


def nausea_indication(context: Context) -> Check:
    if "post-op" in context.details.modifiers:
        if context.details.quantity is None:
            return not_met("Ondansetron is approved for nausea after surgery, but the request gives no quantity, "
                           "so its extent cannot be judged.")
        return met("The antiemetic is for nausea after surgery, an approved use.")
    nausea = diagnoses(context.summary, r"nausea|vomit|gastroenteritis|chemotherapy")
    if nausea:
        return met(f"The records document {listing(nausea)}.", nausea)
    return not_documented("The records document no nausea from a cause the drug is approved for (surgery, "
                          "chemotherapy, gastroenteritis); it is not recommended for opioid-related nausea.")


ANTIEMETICS = register(Rule(
    rule_id="antiemetics",
    category="antiemetics",
    title="Antiemetics (ondansetron, promethazine)",
    citation=lambda context: citations.chronic_pain(context.era, "Antiemetics (for opioid nausea)"),
    summary=(
        "The MTUS chronic pain guidelines do not recommend antiemetics for nausea caused by chronic "
        "opioid use, which usually fades "
        "with time. Ondansetron is approved for nausea after surgery, after chemotherapy or radiation, "
        "and in "
        "acute gastroenteritis, and a request for it still needs a stated quantity."
    ),
    criteria=(Criterion("approved_indication", "Nausea from an approved cause (surgery, chemotherapy, "
                        "gastroenteritis), with a stated quantity.", nausea_indication, supported_by=("052",)),),
    drug_classes=("antiemetic",),
    priority=5,
))
