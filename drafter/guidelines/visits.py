"""Shared criteria for services counted in visits (acupuncture, physical and occupational therapy,
chiropractic care): the size of the request, visits already given, and functional improvement after them."""

from __future__ import annotations

from drafter.guidelines.facts import functional_status, listing, sessions_done, treatments, words
from drafter.guidelines.rules import Check, Context, met, not_documented, not_met
from drafter.models import BodyRegion, TreatmentCourse, TreatmentModality

STATUTORY_CAP = 24
"""Labor Code 4604.5: at most 24 chiropractic, 24 physical therapy and 24 occupational therapy visits per
industrial injury (postsurgical physical medicine excepted)."""


def prior_courses(context: Context, modalities: tuple[TreatmentModality, ...]) -> list[TreatmentCourse]:
    regions: tuple[BodyRegion, ...] | None = tuple(context.details.body_regions) or None
    return treatments(context.summary, modalities, regions)


def continues_a_course(context: Context, modalities: tuple[TreatmentModality, ...]) -> bool:
    """The records document earlier visits of this kind, or the request itself asks for more of them
    ('additional', 'continue')."""
    return bool(prior_courses(context, modalities)) or "additional" in context.details.modifiers


def has_prior(modalities: tuple[TreatmentModality, ...]):
    """Applicability test for criteria about a continued course."""
    return lambda context: continues_a_course(context, modalities)


def is_first(modalities: tuple[TreatmentModality, ...]):
    return lambda context: not continues_a_course(context, modalities)


def within_limit(context: Context, limit: int, what: str, per_week: float = 3) -> Check:
    """The request as written must fit the guideline's course: no more visits, no faster schedule."""
    sessions = context.details.sessions
    if sessions is None:
        return not_met("The request does not state a number of visits.")
    frequency = context.details.frequency_per_week
    if frequency is not None and frequency > per_week:
        return not_met(f"The request asks for {frequency:g} visits a week, more than the {per_week:g} a week "
                       f"the guideline allows for {what}.")
    if sessions > limit:
        return not_met(f"The request is for {sessions} visits, more than the {limit} the guideline supports "
                       f"for {what}.")
    return met(f"The request for {sessions} visits is within the {limit} the guideline supports for {what}.")


def course_total(context: Context, modalities: tuple[TreatmentModality, ...], limit: int, what: str) -> Check:
    """Visits already given plus those requested must stay within the course (and the statutory cap)."""
    courses = prior_courses(context, modalities)
    done = sessions_done(courses)
    sessions = context.details.sessions
    if sessions is None:
        return not_met("The request does not state a number of visits.")
    if not courses:
        return not_documented(f"The request continues an earlier course, and the records do not say how many "
                              f"visits were completed, so the total cannot be checked against {what}.")
    if done is None:
        return not_documented(f"The records show earlier {listing(courses)} without the number of visits "
                              f"completed, so the total cannot be checked against {what}.", courses)
    total = done + sessions
    cap = min(limit, STATUTORY_CAP)
    if total > cap:
        return not_met(f"With {done} visits already completed, the {sessions} requested would bring the "
                       f"total to {total}, beyond the {cap} supported for {what}.", courses)
    return met(f"{done} visits completed plus {sessions} requested is {total}, within the {cap} supported "
               f"for {what}.", courses)


def functional_improvement(context: Context, modalities: tuple[TreatmentModality, ...], terms: tuple[str, ...]
                           ) -> Check:
    """Objective functional improvement after the earlier visits (the MTUS definition: better daily
    activities or fewer work restrictions, and less dependence on treatment)."""
    courses = prior_courses(context, modalities)
    statements = functional_status(context.summary, terms)
    improved = [fact for fact in statements if fact.improved]
    if improved:
        return met(f"The records document functional improvement after the earlier {listing(courses)}.",
                   improved + courses)
    not_improved = [fact for fact in statements if not fact.improved]
    if not_improved:
        return not_met(f"The records state that function did not improve after the earlier "
                       f"{listing(courses)}.", not_improved + courses)
    better = [course for course in courses if course.response == "improved"]
    label = words(modalities[0])
    if not courses:
        return not_documented(f"The request continues earlier {label}, and the records do not document "
                              "objective functional improvement from it.")
    if better:
        return not_documented(f"The records report the earlier {listing(better)} helped, but do not document an "
                              "objective functional gain (better daily activities or fewer work "
                              "restrictions).", better)
    return not_documented(f"The records do not document objective functional improvement after the earlier "
                          f"{listing(courses)}.", courses)
