"""Criteria several topics share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from drafter.guidelines.classify import parse_request
from drafter.guidelines.facts import diagnoses, in_regions, listing, red_flags, treatments
from drafter.guidelines.rules import Check, Context, met, not_documented, not_met
from drafter.models import BodyRegion, RedFlag, TreatmentModality, URCertification

ACTIVE_CARE: tuple[TreatmentModality, ...] = (
    "physical_therapy", "occupational_therapy", "chiropractic", "acupuncture", "home_exercise", "injection",
    "massage", "tens", "functional_restoration")
SUPPORTIVE_CARE: tuple[TreatmentModality, ...] = ("medication", "activity_modification")


def conservative_care_failed(context: Context, regions: Iterable[BodyRegion] | None,
                             active: tuple[TreatmentModality, ...] = ACTIVE_CARE, *,
                             explicit_failure: bool = False) -> Check:
    """Conservative care was tried and the symptoms persist.

    A course the records call unsuccessful counts, and so does a documented course of active treatment
    (therapy, manipulation, injections, a home programme) followed by the request for the service: the
    records then show symptoms persisting after it. Improvement with care counts against, and so does active care
    utilization review has just certified and the records do not show tried yet (its result is awaited); medication
    or activity changes alone, or no care at all, leave the failure of conservative care undocumented.
    With `explicit_failure` (surgery), only a course the records call unsuccessful counts.
    """
    regions = tuple(regions) if regions is not None else None
    courses = treatments(context.summary, active + SUPPORTIVE_CARE, regions)
    failed = [course for course in courses if course.response == "not_improved"]
    if failed:
        return met(f"Symptoms persisted despite {listing(failed)}.", failed)
    pending = certified_active_care(context)
    if pending and not any(course.modality in active for course in courses):
        return not_met(f"Utilization review has just certified {listing(pending)}; that conservative care is yet "
                       "to be tried, so it has not failed.", pending)
    improved = [course for course in courses if course.response == "improved"]
    if improved:
        return not_met(f"The records report improvement with {listing(improved)}, so conservative care has "
                       "not failed.", improved)
    tried = [course for course in courses if course.modality in active]
    if tried and explicit_failure:
        return not_documented(f"The records list {listing(tried)} without documenting that it failed to "
                              "improve strength, motion or function.", tried)
    if tried:
        return met(f"The records document earlier {listing(tried)}, and symptoms continued up to the request.",
                   tried)
    if courses:
        return not_documented(f"The records list only {listing(courses)}, not a course of active conservative "
                              "treatment that failed.", courses)
    return not_documented("The records do not document a course of conservative care that failed.")


ACTIVE_CARE_CATEGORIES = ("physical_therapy", "chiropractic", "acupuncture")


def certified_active_care(context: Context) -> list[URCertification]:
    """Courses of active care utilization review certified (therapy, manipulation, acupuncture)."""
    return [certification for certification in context.summary.ur_certifications
            if parse_request(certification.service).category in ACTIVE_CARE_CATEGORIES]


TRAUMA_WINDOW = dt.timedelta(weeks=6)
SPINAL_FLAGS = ("cauda_equina", "bowel_bladder_dysfunction", "myelopathy", "progressive_neurologic_deficit")
SPINE: tuple[BodyRegion, ...] = ("cervical", "thoracic", "lumbar")


def imaging_red_flags(context: Context, regions: Iterable[BodyRegion]) -> list[RedFlag]:
    """The red flags that bear on imaging the requested regions.

    A fracture counts where a fracture is diagnosed in one of those regions (or nowhere in particular); major
    trauma counts in the weeks right after the injury; cauda equina, bladder change, myelopathy and a
    progressive deficit count for the spine; tumour and infection count everywhere.
    """
    regions = tuple(regions)
    header = context.summary.header
    basis = header.ur_denial_date or header.date_assigned or header.application_received
    recent = (header.date_of_injury is not None and basis is not None
              and basis - header.date_of_injury <= TRAUMA_WINDOW)
    fractures = diagnoses(context.summary, r"fracture")
    fracture_here = not fractures or any(in_regions(fact.body_region, regions) for fact in fractures)
    relevant = []
    for flag in red_flags(context.summary):
        if flag.flag == "fracture" and not fracture_here:
            continue
        if flag.flag == "major_trauma" and not recent:
            continue
        if flag.flag in SPINAL_FLAGS and not set(regions) & set(SPINE):
            continue
        relevant.append(flag)
    return relevant
