"""Physical and occupational therapy, and chiropractic manual therapy (MTUS Chronic Pain Medical Treatment
Guidelines: 'Physical medicine', 'Manual therapy & manipulation'; Labor Code 4604.5 visit cap).

Criteria confirmed against dev letters quoting the guideline:
- physical medicine, 9-10 visits over 8 weeks (myalgia), 8-10 over 4 weeks (neuritis), 24 over 16 weeks
  (CRPS), fading from 3 a week to a home programme: 005, 029, 039, 049, 079, 082, 089, 096, 104, 115,
  140, 151, 156, 173;
- further visits need objective functional improvement from the earlier ones: 026, 079, 104, 134, 136;
  where UR certified part of the request, from the certified ones: 008, 122, 156 (033, 045 for manual therapy);
- manual therapy, a trial of 6 visits over 2 weeks, up to 18 with functional improvement: 009, 012, 033,
  045, 095; not recommended for the knee, ankle/foot, forearm/wrist/hand: 045.
"""

from __future__ import annotations

from drafter.guidelines import citations, visits
from drafter.guidelines.facts import diagnoses
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_met, register
from drafter.models import BodyRegion

THERAPY = ("physical_therapy", "occupational_therapy")
CHIRO = ("chiropractic",)
COURSE_VISITS = 10
CRPS_VISITS = 24
CHIRO_TRIAL = 6
CHIRO_MAXIMUM = 18
CHIRO_NOT_RECOMMENDED: tuple[BodyRegion, ...] = ("knee", "ankle_foot", "wrist_hand")


def therapy_limit(context: Context) -> tuple[int, str]:
    if diagnoses(context.summary, r"crps|complex regional|reflex sympathetic"):
        return CRPS_VISITS, "complex regional pain syndrome (24 visits over 16 weeks)"
    return COURSE_VISITS, "a course of physical medicine (up to 10 visits over 4 to 8 weeks)"


def first_course(context: Context) -> Check:
    limit, what = therapy_limit(context)
    return visits.within_limit(context, limit, what)


def course_total(context: Context) -> Check:
    limit, what = therapy_limit(context)
    return visits.course_total(context, THERAPY, limit, what)


def therapy_improvement(context: Context) -> Check:
    return visits.functional_improvement(context, THERAPY, ("physical therapy", "therapy", "pt", "occupational"))


PHYSICAL_THERAPY = register(Rule(
    rule_id="physical-therapy",
    category="physical_therapy",
    title="Physical or occupational therapy (not postsurgical)",
    citation=lambda context: citations.chronic_pain(context.era, "Physical medicine treatment"),
    summary=(
        "The physical medicine section of the MTUS chronic pain guidelines favours active, progressively "
        "self-directed therapy: visits "
        "start at up to three a week and fade to one or fewer as the patient takes over a home exercise "
        "programme. It supports about 9 to 10 visits over 8 weeks for muscle pain, 8 to 10 visits over 4 "
        "weeks for nerve-root irritation, and 24 visits over 16 weeks for complex regional pain syndrome. "
        "Visits beyond an earlier course need documented objective functional improvement from it, and a "
        "request larger than the guideline course needs stated exceptional reasons. State law caps physical "
        "and occupational therapy at 24 visits each per injury outside the postsurgical period; therapy within "
        "that period after a surgery for this injury follows the postsurgical guidelines instead."
    ),
    criteria=(
        Criterion("first_course_size", "A first course asks for no more than the guideline's visits "
                  "(about 10; 24 for CRPS), at no more than 3 a week.", first_course,
                  supported_by=("005", "029", "039", "049", "082", "089", "096", "115", "147", "156"),
                  when=visits.is_first(THERAPY)),
        Criterion("prior_functional_improvement", "Further visits follow documented objective functional "
                  "improvement from the earlier therapy.", therapy_improvement,
                  supported_by=("008", "026", "079", "104", "122", "134", "136", "156"),
                  when=visits.has_prior(THERAPY)),
        Criterion("course_total", "Visits already given plus those requested stay within the guideline "
                  "course and the 24-visit statutory cap.", course_total,
                  supported_by=("026", "029", "079", "082", "180"), when=visits.has_prior(THERAPY)),
    ),
    patterns=(r"physical therap", r"\bpt\b", r"occupational therap", r"\bot\b", r"physiotherap",
              r"aquatic therap", r"pool therap", r"therapeutic exercise"),
    priority=10,
))


def chiro_region(context: Context) -> Check:
    excluded = [region for region in context.details.body_regions if region in CHIRO_NOT_RECOMMENDED]
    if excluded:
        names = ", ".join(region.replace("_", "/") for region in excluded)
        return not_met(f"The request includes the {names}, where the guideline does not recommend manual "
                       "therapy.")
    return met("The request is for a region where manual therapy is an option.")


def chiro_trial(context: Context) -> Check:
    return visits.within_limit(context, CHIRO_TRIAL, "a first trial of manual therapy (6 visits over 2 weeks)")


def chiro_improvement(context: Context) -> Check:
    return visits.functional_improvement(context, CHIRO, ("chiro", "manipulation", "manual"))


def chiro_total(context: Context) -> Check:
    return visits.course_total(context, CHIRO, CHIRO_MAXIMUM, "manual therapy (up to 18 visits over 6 to 8 "
                               "weeks after a successful trial)")


CHIROPRACTIC = register(Rule(
    rule_id="chiropractic",
    category="chiropractic",
    title="Chiropractic care, manipulation and manual therapy",
    citation=lambda context: citations.chronic_pain(context.era, "Manual therapy & manipulation"),
    summary=(
        "The manual therapy section of the MTUS chronic pain guidelines supports manipulation for "
        "musculoskeletal pain, chiefly of the "
        "back, as a trial of about 6 visits over 2 weeks. If that trial produces objective functional "
        "improvement, care may continue to a total of about 18 visits over 6 to 8 weeks. Maintenance care "
        "is not considered medically necessary, and manual therapy is not recommended for the knee, the "
        "ankle and foot, or the forearm, wrist and hand."
    ),
    criteria=(
        Criterion("region_recommended", "The treated region is one where manual therapy is recommended "
                  "(not the knee, ankle/foot or forearm/wrist/hand).", chiro_region, supported_by=("045",)),
        Criterion("initial_trial_size", "A first trial asks for no more than 6 visits.", chiro_trial,
                  supported_by=("009", "012", "033", "045", "095"), when=visits.is_first(CHIRO)),
        Criterion("prior_functional_improvement", "Further visits follow documented objective functional "
                  "improvement from the trial.", chiro_improvement, supported_by=("033", "045"),
                  when=visits.has_prior(CHIRO)),
        Criterion("course_total", "Visits already given plus those requested stay within about 18.",
                  chiro_total, supported_by=("045",), when=visits.has_prior(CHIRO)),
    ),
    patterns=(r"chiro", r"manipulat", r"manual therap", r"spinal adjust"),
    priority=15,
))
