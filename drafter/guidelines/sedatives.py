"""Sleep aids and benzodiazepines (ODG Pain chapter 'Insomnia treatment', where the MTUS is silent; MTUS Chronic
Pain Medical Treatment Guidelines, 'Benzodiazepines').

Criteria from the domain notes (no dev letter decides a hypnotic or a benzodiazepine): short-term use only
(zolpidem 2 to 6 weeks; benzodiazepines 4 weeks), after the insomnia has been evaluated.
"""

from __future__ import annotations

from drafter.guidelines import citations
from drafter.guidelines.facts import diagnoses, listing, same_drug, weeks_of_use
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register

HYPNOTIC_WEEKS = 6
BENZODIAZEPINE_WEEKS = 4


def short_term(limit: int):
    def check(context: Context) -> Check:
        used = same_drug(context.summary, context.details)
        durations = [weeks for weeks in (weeks_of_use(context.summary, m) for m in used) if weeks is not None]
        if durations and max(durations) > limit:
            return not_met(f"The worker has taken it for about {max(durations):g} weeks, beyond the {limit} weeks "
                           "of short-term use the guideline allows.", used)
        if used and not durations:
            return not_documented("The worker already takes it and the records do not show for how long, so "
                                  "short-term use cannot be confirmed.", used)
        return met(f"Use is within {limit} weeks.", used)
    return check


def insomnia_evaluated(context: Context) -> Check:
    found = diagnoses(context.summary, r"insomnia|sleep")
    if found:
        return met(f"The records document the sleep problem: {listing(found)}.", found)
    return not_documented("The records do not document an evaluation of the sleep disturbance (its pattern and "
                          "cause) or sleep hygiene measures.")


def anxiety_or_spasm(context: Context) -> Check:
    found = diagnoses(context.summary, r"anxiety|panic|spasm|insomnia")
    if found:
        return met(f"The records document a condition it treats: {listing(found)}.", found)
    return not_documented("The records do not document anxiety or another condition the benzodiazepine treats.")


SLEEP_AIDS = register(Rule(
    rule_id="sleep-aids",
    category="sleep_aids",
    title="Sleep aids (zolpidem, eszopiclone, sedating antihistamines)",
    citation=lambda context: citations.odg("Pain (Chronic) Chapter, Insomnia treatment"),
    summary=(
        "ODG supports hypnotics such as zolpidem only for short-term treatment of insomnia, about two to six "
        "weeks, once the type and cause of the insomnia have been assessed and sleep hygiene addressed; "
        "long-term nightly use brings tolerance and dependence without lasting benefit."
    ),
    criteria=(
        Criterion("short_term", f"Use is limited to about {HYPNOTIC_WEEKS} weeks.", short_term(HYPNOTIC_WEEKS)),
        Criterion("insomnia_evaluated", "The insomnia has been evaluated.", insomnia_evaluated),
    ),
    drug_classes=("hypnotic",),
    priority=5,
))

BENZODIAZEPINES = register(Rule(
    rule_id="benzodiazepines",
    category="benzodiazepines",
    title="Benzodiazepines",
    citation=lambda context: citations.chronic_pain(context.era, "Benzodiazepines"),
    summary=(
        "The MTUS chronic pain guidelines do not recommend benzodiazepines for long-term use, because "
        "their benefit is unproven and "
        "tolerance and dependence develop quickly; most guidelines limit them to about four weeks."
    ),
    criteria=(
        Criterion("short_term", f"Use is limited to about {BENZODIAZEPINE_WEEKS} weeks.",
                  short_term(BENZODIAZEPINE_WEEKS)),
        Criterion("condition_treated", "A condition the drug treats is documented.", anxiety_or_spasm),
    ),
    drug_classes=("benzodiazepine",),
    priority=5,
))
