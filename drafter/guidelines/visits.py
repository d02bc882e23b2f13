"""Shared criteria for services counted in visits (acupuncture, physical and occupational therapy,
chiropractic care): the size of the request, visits already given, and functional improvement after them.

Where utilization review certified part of the request (say 6 of 8 visits) and the rest is disputed, the
certified visits are the first course: the guidelines make further visits depend on documented functional
improvement from them (letters 008, 033, 045, 114, 122, 142, 147, 156 decide the remainder that way).
"""

from __future__ import annotations

import functools

from drafter.guidelines.classify import parse_request
from drafter.guidelines.facts import functional_status, listing, sessions_done, treatments, words
from drafter.guidelines.rules import Check, Context, met, not_documented, not_met
from drafter.models import BodyRegion, RequestDetails, TreatmentCourse, TreatmentModality, URCertification

STATUTORY_CAP = 24
"""Labor Code 4604.5: at most 24 chiropractic, 24 physical therapy and 24 occupational therapy visits per
industrial injury (postsurgical physical medicine excepted)."""


def prior_courses(context: Context, modalities: tuple[TreatmentModality, ...]) -> list[TreatmentCourse]:
    regions: tuple[BodyRegion, ...] | None = tuple(context.details.body_regions) or None
    return treatments(context.summary, modalities, regions)


@functools.lru_cache(maxsize=1024)
def _service_details(service: str) -> RequestDetails:
    return parse_request(service)


def certified_parts(context: Context) -> list[URCertification]:
    """Parts of this kind of request that utilization review certified (same service category; same body
    region where both name one)."""
    wanted = set(context.details.body_regions)
    found = []
    for certification in context.summary.ur_certifications:
        details = _service_details(certification.service)
        if details.category != context.details.category:
            continue
        if wanted and details.body_regions and not wanted & set(details.body_regions):
            continue
        found.append(certification)
    return found


def certified_visits(certifications: list[URCertification]) -> int | None:
    counts = [certification.sessions for certification in certifications if certification.sessions is not None]
    return sum(counts) if counts else None


def continues_a_course(context: Context, modalities: tuple[TreatmentModality, ...]) -> bool:
    """The records document earlier visits of this kind, utilization review certified part of the request
    (the disputed visits would follow those), or the request itself asks for more ('additional')."""
    return (bool(prior_courses(context, modalities)) or "additional" in context.details.modifiers
            or bool(certified_parts(context)))


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
    """Visits already given (or certified by utilization review) plus those requested must stay within the
    course (and the statutory cap)."""
    courses = prior_courses(context, modalities)
    certified = certified_parts(context)
    done = sessions_done(courses)
    granted = certified_visits(certified)
    sessions = context.details.sessions
    if sessions is None:
        return not_met("The request does not state a number of visits.")
    if courses and done is None:
        return not_documented(f"The records show earlier {listing(courses)} without the number of visits "
                              f"completed, so the total cannot be checked against {what}.", courses)
    if certified and granted is None:
        return not_documented(f"Utilization review certified part of this request without the records stating "
                              f"how many visits, so the total cannot be checked against {what}.", certified)
    if not courses and not certified:
        return not_documented(f"The request continues an earlier course, and the records do not say how many "
                              f"visits were completed, so the total cannot be checked against {what}.")
    before = (done or 0) + (granted or 0)
    parts = [f"{done} visits completed"] if done is not None else []
    parts += [f"{granted} visits certified by utilization review"] if granted is not None else []
    basis = " and ".join(parts)
    total = before + sessions
    cap = min(limit, STATUTORY_CAP)
    facts = [*courses, *certified]
    if total > cap:
        return not_met(f"With {basis}, the {sessions} requested would bring the total to {total}, beyond the "
                       f"{cap} supported for {what}.", facts)
    return met(f"{basis.capitalize()} plus {sessions} requested is {total}, within the {cap} supported "
               f"for {what}.", facts)


def functional_improvement(context: Context, modalities: tuple[TreatmentModality, ...], terms: tuple[str, ...]
                           ) -> Check:
    """Objective functional improvement after the earlier visits (the MTUS definition: better daily
    activities or fewer work restrictions, and less dependence on treatment)."""
    courses = prior_courses(context, modalities)
    label = words(modalities[0])
    earlier = listing(courses) or label
    statements = functional_status(context.summary, terms)
    improved = [fact for fact in statements if fact.improved]
    if improved:
        return met(f"The records document functional improvement after the earlier {earlier}.",
                   improved + courses)
    not_improved = [fact for fact in statements if not fact.improved]
    if not_improved:
        return not_met(f"The records state that function did not improve after the earlier {earlier}.",
                       not_improved + courses)
    better = [course for course in courses if course.response == "improved"]
    certified = certified_parts(context)
    if certified and not better:
        granted = certified_visits(certified)
        first = f"{granted} visits" if granted is not None else "part"
        return not_documented(f"Utilization review certified {first} of this request first; the records do not yet "
                              "document objective functional improvement from them, on which further visits "
                              "depend.", [*certified, *courses])
    if not courses:
        return not_documented(f"The request continues earlier {label}, and the records do not document "
                              "objective functional improvement from it.")
    if better:
        return not_documented(f"The records report the earlier {listing(better)} helped, but do not document an "
                              "objective functional gain (better daily activities or fewer work "
                              "restrictions).", better)
    return not_documented(f"The records do not document objective functional improvement after the earlier "
                          f"{listing(courses)}.", courses)
