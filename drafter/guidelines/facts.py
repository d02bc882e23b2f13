"""Queries over a CaseSummary that several rules share. Every query returns the facts themselves, so a
criterion can cite their evidence. Lists keep the summary's order (deterministic)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from drafter.guidelines.drugs import drugs_in
from drafter.models import (
    AgeFact,
    BodyRegion,
    CaseSummary,
    Diagnosis,
    Fact,
    FunctionalStatus,
    MedicationUse,
    MonitoringKind,
    MonitoringRecord,
    NeuroFinding,
    NeuroFindingKind,
    PriorImaging,
    RedFlag,
    RequestDetails,
    SurgeryRecord,
    TreatmentCourse,
    TreatmentModality,
    URCertification,
    WorkStatus,
)

# The body regions whose neurologic findings bear on each spinal segment.
SPINE_NEURO_REGIONS: dict[BodyRegion, tuple[BodyRegion, ...]] = {
    "cervical": ("cervical", "upper_extremity", "shoulder", "elbow", "wrist_hand"),
    "thoracic": ("thoracic",),
    "lumbar": ("lumbar", "lower_extremity", "hip", "knee", "ankle_foot"),
}
OBJECTIVE_DEFICITS: tuple[NeuroFindingKind, ...] = ("sensory_deficit", "motor_weakness", "reflex_change", "atrophy")


def in_regions(region: BodyRegion | None, regions: Iterable[BodyRegion] | None) -> bool:
    """A fact with no stated region counts for every region (the records did not narrow it down)."""
    return regions is None or region is None or region in tuple(regions)


def neuro_findings(summary: CaseSummary, regions: Iterable[BodyRegion] | None = None,
                   kinds: Iterable[NeuroFindingKind] | None = None,
                   present: bool | None = True) -> list[NeuroFinding]:
    kinds = tuple(kinds) if kinds is not None else None
    regions = tuple(regions) if regions is not None else None
    return [fact for fact in summary.neuro_findings
            if in_regions(fact.body_region, regions)
            and (kinds is None or fact.finding in kinds)
            and (present is None or fact.present == present)]


def red_flags(summary: CaseSummary, present: bool = True) -> list[RedFlag]:
    return [fact for fact in summary.red_flags if fact.present == present]


def treatments(summary: CaseSummary, modalities: Iterable[TreatmentModality],
               regions: Iterable[BodyRegion] | None = None) -> list[TreatmentCourse]:
    """Courses of these kinds given to the worker; a course of zero completed visits was not given."""
    modalities = tuple(modalities)
    regions = tuple(regions) if regions is not None else None
    return [fact for fact in summary.treatments
            if fact.modality in modalities and fact.sessions != 0 and in_regions(fact.body_region, regions)]


def sessions_done(courses: Iterable[TreatmentCourse]) -> int | None:
    """Visits completed over the courses whose count the records state, or None when none states one.

    Mentions without a count are taken to repeat a counted course (records often name a course several
    times); the finding lists every mention so the reviewer can see what was counted.
    """
    counts = [course.sessions for course in courses if course.sessions is not None]
    return sum(counts) if counts else None


def functional_status(summary: CaseSummary, terms: Iterable[str] | None = None) -> list[FunctionalStatus]:
    """Statements of functional change; with `terms`, only those tied to a treatment matching a term
    (or tied to no named treatment)."""
    terms = tuple(term.lower() for term in terms) if terms is not None else None
    return [fact for fact in summary.functional_status
            if terms is None or fact.related_to is None
            or any(term in fact.related_to.lower() for term in terms)]


def monitoring(summary: CaseSummary, kind: MonitoringKind) -> list[MonitoringRecord]:
    return [fact for fact in summary.monitoring if fact.kind == kind]


def imaging(summary: CaseSummary, modality: str, regions: Iterable[BodyRegion] | None = None) -> list[PriorImaging]:
    regions = tuple(regions) if regions is not None else None
    return [fact for fact in summary.imaging
            if fact.modality == modality and fact.body_region is not None
            and in_regions(fact.body_region, regions)]


def surgeries(summary: CaseSummary, regions: Iterable[BodyRegion] | None = None,
              statuses: Iterable[str] = ("done", "planned", "authorized")) -> list[SurgeryRecord]:
    statuses = tuple(statuses)
    regions = tuple(regions) if regions is not None else None
    return [fact for fact in summary.surgeries
            if fact.status in statuses and in_regions(fact.body_region, regions)]


def diagnoses(summary: CaseSummary, pattern: str, regions: Iterable[BodyRegion] | None = None) -> list[Diagnosis]:
    regions = tuple(regions) if regions is not None else None
    return [fact for fact in summary.diagnoses
            if fact.certainty != "ruled_out" and re.search(pattern, fact.name.lower())
            and in_regions(fact.body_region, regions)]


def medication_class(medication: MedicationUse) -> str | None:
    if medication.drug_class:
        return medication.drug_class
    named = drugs_in(medication.name)
    return named[0].drug_class if named else None


def medications(summary: CaseSummary, drug_classes: Iterable[str]) -> list[MedicationUse]:
    classes = tuple(drug_classes)
    return [fact for fact in summary.medications if medication_class(fact) in classes]


def same_drug(summary: CaseSummary, details: RequestDetails) -> list[MedicationUse]:
    """Earlier use of the requested drug (same generic name)."""
    if details.drug is None:
        return []
    generic = details.drug.split(" (")[0]
    return [fact for fact in summary.medications
            if any(drug.generic.split(" (")[0] == generic for drug in drugs_in(fact.name))
            or generic.split("/")[0] in fact.name.lower()]


def weeks_of_use(summary: CaseSummary, medication: MedicationUse) -> float | None:
    """Continuous use to the review date: the stated duration, else from the start date to the UR date."""
    if medication.duration_weeks is not None:
        return medication.duration_weeks
    end = summary.header.ur_denial_date or summary.header.date_assigned or summary.header.application_received
    if medication.start_date is not None and end is not None and end >= medication.start_date:
        return round((end - medication.start_date).days / 7, 1)
    return None


def words(identifier: str) -> str:
    """'motor_weakness' -> 'motor weakness'."""
    return identifier.replace("_", " ")


def describe(fact: Fact) -> str:
    """A short plain-words label for a fact, for finding sentences."""
    if isinstance(fact, NeuroFinding):
        label = words(fact.finding) if fact.present else f"no {words(fact.finding)}"
        return f"{label} ({fact.detail})" if fact.detail else label
    if isinstance(fact, RedFlag):
        return words(fact.flag) if fact.present else f"no {words(fact.flag)}"
    if isinstance(fact, TreatmentCourse):
        count = f" ({fact.sessions} sessions)" if fact.sessions is not None else ""
        return f"{words(fact.modality)}{count}"
    if isinstance(fact, MedicationUse | Diagnosis):
        return fact.name
    if isinstance(fact, PriorImaging):
        when = f" of {fact.date.isoformat()}" if fact.date else ""
        return f"{fact.modality.upper()}{when}"
    if isinstance(fact, SurgeryRecord):
        return f"{fact.procedure} ({fact.status})"
    if isinstance(fact, MonitoringRecord):
        return words(fact.kind) if fact.present else f"no {words(fact.kind)}"
    if isinstance(fact, FunctionalStatus):
        return "functional improvement" if fact.improved else "no functional improvement"
    if isinstance(fact, AgeFact):
        return f"age {fact.years}"
    if isinstance(fact, WorkStatus):
        return words(fact.status)
    if isinstance(fact, URCertification):
        count = f" ({fact.sessions} visits)" if fact.sessions is not None else ""
        return f"{fact.service}{count}"
    return fact.evidence.quote


def listing(facts: Iterable[Fact]) -> str:
    """'a, b and c' from the facts' labels, without repeats, in order."""
    labels: list[str] = []
    for fact in facts:
        label = describe(fact)
        if label not in labels:
            labels.append(label)
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
