"""Acupuncture, with or without electrical stimulation (MTUS Acupuncture Medical Treatment Guidelines, 2007).

Criteria confirmed against dev letters quoting the guideline:
- an option when pain medication is reduced or not tolerated, or as an adjunct to physical rehabilitation or
  surgery: 007, 008, 066, 114, 125;
- an initial trial of 3 to 6 treatments, 1 to 3 a week: 007, 008, 042, 114, 125, 142;
- extension only with documented functional improvement (9792.20 definition): 042, 066, 125, 142; also
  after UR certified the first part of the request: 114, 142.
"""

from __future__ import annotations

from drafter.guidelines import citations, visits
from drafter.guidelines.facts import listing, surgeries, treatments
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register

MODALITIES = ("acupuncture",)
TRIAL_VISITS = 6
OPTIMUM_WEEKS = 8
REHABILITATION = ("physical_therapy", "occupational_therapy", "home_exercise", "chiropractic",
                  "functional_restoration")


def role_in_care(context: Context) -> Check:
    """The guideline's place for acupuncture: pain medication reduced or not tolerated, or an adjunct to
    physical rehabilitation or surgery."""
    rehabilitation = treatments(context.summary, REHABILITATION)
    operations = surgeries(context.summary)
    if rehabilitation or operations:
        return met(f"Acupuncture would accompany {listing(rehabilitation + operations)}.", rehabilitation + operations)
    return not_documented("The records document neither a reduction in or intolerance of pain medication nor a "
                          "programme of physical rehabilitation or a surgery that acupuncture would accompany.")


def initial_trial(context: Context) -> Check:
    return visits.within_limit(context, TRIAL_VISITS, "an initial acupuncture trial (3 to 6 treatments, "
                               "1 to 3 a week)")


def extension_improvement(context: Context) -> Check:
    return visits.functional_improvement(context, MODALITIES, ("acupuncture",))


def extension_schedule(context: Context) -> Check:
    weeks = context.details.duration_weeks
    if weeks is not None and weeks > OPTIMUM_WEEKS:
        return not_met(f"The request spans {weeks:g} weeks, beyond the one to two months the guideline "
                       "gives as the optimum duration.")
    frequency = context.details.frequency_per_week
    if frequency is not None and frequency > 3:
        return not_met(f"The request asks for {frequency:g} treatments a week; the guideline allows 1 to 3.")
    if context.details.sessions is None:
        return not_met("The request does not state how many treatments are asked for.")
    return met("The requested schedule fits the guideline's 1 to 3 treatments a week over one to two months.")


ACUPUNCTURE = register(Rule(
    rule_id="acupuncture",
    category="acupuncture",
    title="Acupuncture or electroacupuncture",
    citation=lambda context: citations.acupuncture(),
    summary=(
        "The MTUS acupuncture guideline allows acupuncture when pain medication is being reduced or is not "
        "tolerated, or alongside physical rehabilitation or surgery to speed functional recovery. A first "
        "trial should show functional improvement within 3 to 6 treatments given 1 to 3 times a week, with "
        "one to two months as the optimum duration. More treatments are supported only when the earlier "
        "ones produced documented functional improvement: better daily activities or fewer work "
        "restrictions, and less reliance on medical care."
    ),
    criteria=(
        Criterion("role_in_care", "A first course: pain medication is reduced or not tolerated, or "
                  "acupuncture accompanies physical rehabilitation or surgery.", role_in_care,
                  supported_by=("007", "008", "066", "114", "125"), when=visits.is_first(MODALITIES)),
        Criterion("initial_trial_size", "An initial trial asks for no more than 6 treatments at 1 to 3 a week.",
                  initial_trial, supported_by=("007", "008", "042", "114", "125", "142"),
                  when=visits.is_first(MODALITIES)),
        Criterion("prior_functional_improvement", "Further treatments follow documented functional "
                  "improvement from the earlier ones.", extension_improvement,
                  supported_by=("042", "066", "114", "125", "142"), when=visits.has_prior(MODALITIES)),
        Criterion("extension_schedule", "Further treatments keep to 1 to 3 a week within one to two months.",
                  extension_schedule, supported_by=("042", "125"), when=visits.has_prior(MODALITIES)),
    ),
    patterns=(r"acupunct",),
    priority=30,
))
