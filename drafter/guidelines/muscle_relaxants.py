"""Muscle relaxants: cyclobenzaprine (Flexeril, Fexmid), tizanidine, methocarbamol, orphenadrine, baclofen ...
and carisoprodol (MTUS Chronic Pain Medical Treatment Guidelines, 'Muscle relaxants (for pain)',
'Cyclobenzaprine (Flexeril)', 'Carisoprodol (Soma)').

Criteria confirmed against dev letters quoting the guideline:
- second-line, short-term use for acute exacerbations of chronic back pain; documented spasm or flare:
  008, 013, 061, 167;
- cyclobenzaprine not beyond 2 to 3 weeks; long-term use not recommended: 008, 015, 017, 025, 061.
"""

from __future__ import annotations

from drafter.guidelines import citations
from drafter.guidelines.facts import diagnoses, medications, same_drug, weeks_of_use
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.models import GuidelineCitation

RELAXANT = ("muscle_relaxant", "carisoprodol")
MAX_WEEKS = 3
DOSES_PER_DAY = 3
"""Typical dosing, used to turn a tablet count into days of supply when the request gives no directions."""
FLARE = r"spasm|exacerbation|flare|acute"


def earlier_use(context: Context) -> list:
    return same_drug(context.summary, context.details) or medications(context.summary, RELAXANT)


def short_course(context: Context) -> Check:
    used = earlier_use(context)
    durations = [weeks for weeks in (weeks_of_use(context.summary, medication) for medication in used)
                 if weeks is not None]
    if durations and max(durations) > MAX_WEEKS:
        return not_met(f"The worker has taken a muscle relaxant for about {max(durations):g} weeks, beyond the "
                       f"{MAX_WEEKS} weeks the guideline allows.", used)
    if used and not durations:
        return not_documented("The worker already takes a muscle relaxant and the records do not show when "
                              "it started, so a short course cannot be confirmed.", used)
    quantity = context.details.quantity
    if quantity is not None and quantity / DOSES_PER_DAY > MAX_WEEKS * 7:
        return not_met(f"The {quantity} tablets requested would last more than {MAX_WEEKS} weeks at usual "
                       "dosing.", used)
    if used:
        return met(f"Use so far is within {MAX_WEEKS} weeks.", used)
    return met("This is a new, short prescription.")


def acute_flare(context: Context) -> Check:
    flare = diagnoses(context.summary, FLARE)
    if flare:
        return met("The records document muscle spasm or an acute flare.", flare)
    return not_documented("The records do not document muscle spasm or an acute exacerbation to treat.")


def not_carisoprodol(context: Context) -> Check:
    return not_met("Carisoprodol is not recommended by the guideline, for any duration of use.")


def relaxant_citation(context: Context) -> GuidelineCitation:
    if context.details.drug == "cyclobenzaprine":
        return citations.chronic_pain(context.era, "Cyclobenzaprine (Flexeril)")
    if context.details.drug == "carisoprodol":
        return citations.chronic_pain(context.era, "Carisoprodol (Soma)")
    return citations.chronic_pain(context.era, "Muscle relaxants (for pain)")


MUSCLE_RELAXANTS = register(Rule(
    rule_id="muscle-relaxants",
    category="muscle_relaxants",
    title="Muscle relaxants (oral)",
    citation=relaxant_citation,
    summary=(
        "The MTUS chronic pain guidelines treat muscle relaxants as a second-line choice, used with "
        "caution, for short courses "
        "during an acute exacerbation of chronic back pain. Their benefit is greatest in the first few days "
        "and fades with time, while sedation and dependence risks remain; cyclobenzaprine in particular is "
        "not recommended for more than two to three weeks, and carisoprodol is not recommended at all. "
        "Long-term daily use is not supported."
    ),
    criteria=(
        Criterion("short_course", "Use is limited to a short course of no more than 2 to 3 weeks.",
                  short_course, supported_by=("008", "015", "017", "025", "061")),
        Criterion("acute_exacerbation", "The records document muscle spasm or an acute exacerbation.",
                  acute_flare, supported_by=("008", "013", "061", "167")),
        Criterion("recommended_drug", "The drug is one the guideline recommends (carisoprodol is not).",
                  not_carisoprodol, when=lambda context: context.details.drug == "carisoprodol"),
    ),
    drug_classes=RELAXANT,
    priority=5,
))
