"""Typed, JSON-serializable artifacts passed between the pipeline stages.

CaseFile --extract--> CaseSummary --decide--> [ItemDecision] --draft--> [Rationale]
    --check--> [CheckReport] --render--> Determination (+ audit record)

Every stage reads and writes these models only, so any artifact can be saved, corrected by a person
and fed back into the next stage. JSON Schemas of them are generated into schemas/.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"


class Artifact(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------------------------
# ingest
# ---------------------------------------------------------------------------------------------


class CaseHeader(Artifact):
    """The `Field: value` lines at the top of a case file (all optional)."""

    case_number: str | None = None
    date_of_injury: dt.date | None = None
    ur_denial_date: dt.date | None = None
    date_assigned: dt.date | None = None
    application_received: dt.date | None = None
    decision_date: dt.date | None = None
    priority: str | None = None


class Document(Artifact):
    """One record of the case file. Evidence offsets index into `text`."""

    doc_id: str = Field(description="Stable id within the case, e.g. 'D1'.")
    name: str = Field(description="File name or title, as listed under documents reviewed.")
    date: dt.date | None = None
    kind: str | None = Field(default=None, description="progress report, UR determination, ...")
    text: str
    sha256: str


class DisputedItem(Artifact):
    item_id: str = Field(description="Stable id within the case, e.g. 'item-1'.")
    request: str = Field(description="The service as requested, verbatim.")
    ur_guideline: str | None = Field(default=None, description="What the utilization review cited.")


class CaseFile(Artifact):
    schema_version: Literal["1"] = SCHEMA_VERSION
    case_id: str = Field(description="Case number, or a short hash of the input when there is none.")
    header: CaseHeader
    documents: list[Document]
    disputed_items: list[DisputedItem]
    sources: list[str] = Field(description="Input file names (no directories).")
    input_sha256: str

    def document(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        raise KeyError(doc_id)


# ---------------------------------------------------------------------------------------------
# extract
# ---------------------------------------------------------------------------------------------


class Evidence(Artifact):
    """A verbatim quote: `quote == document.text[start:end]`."""

    doc_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str


BodyRegion = Literal[
    "head",
    "cervical",
    "thoracic",
    "lumbar",
    "shoulder",
    "elbow",
    "wrist_hand",
    "hip",
    "knee",
    "ankle_foot",
    "upper_extremity",
    "lower_extremity",
    "abdomen_pelvis",
    "psyche",
    "other",
]
Laterality = Literal["left", "right", "bilateral"]


class Fact(Artifact):
    evidence: Evidence


class AgeFact(Fact):
    years: int


class SexFact(Fact):
    sex: Literal["male", "female"]


class Diagnosis(Fact):
    name: str
    body_region: BodyRegion | None
    certainty: Literal["confirmed", "suspected", "ruled_out"] = "confirmed"


class PainScore(Fact):
    score: float = Field(ge=0, le=10)
    context: str | None = Field(description="e.g. 'with medication', 'without medication', 'neck'")


TreatmentModality = Literal[
    "physical_therapy",
    "occupational_therapy",
    "chiropractic",
    "acupuncture",
    "massage",
    "home_exercise",
    "injection",
    "tens",
    "psychotherapy",
    "functional_restoration",
    "surgery",
    "medication",
    "activity_modification",
    "other",
]
TreatmentResponse = Literal["improved", "not_improved", "not_stated"]


class TreatmentCourse(Fact):
    modality: TreatmentModality
    sessions: int | None = Field(description="Visits completed, where the records state a count.")
    body_region: BodyRegion | None
    response: TreatmentResponse


class MedicationUse(Fact):
    name: str = Field(description="Drug as named in the records, e.g. 'Norco 10/325'.")
    drug_class: str | None = Field(description="opioid, nsaid, muscle_relaxant, ppi, anticonvulsant, ...")
    start_date: dt.date | None
    duration_weeks: float | None = Field(description="Continuous use to the request date, if stated.")


NeuroFindingKind = Literal[
    "sensory_deficit",
    "motor_weakness",
    "reflex_change",
    "radicular_symptoms",
    "positive_straight_leg_raise",
    "atrophy",
    "paresthesia",
]


class NeuroFinding(Fact):
    """A neurologic finding, present or explicitly absent ('sensation intact' -> present=False)."""

    finding: NeuroFindingKind
    present: bool
    body_region: BodyRegion | None
    detail: str | None = Field(description="e.g. 'L5 dermatome', '4/5 ankle dorsiflexion'")


RedFlagKind = Literal[
    "cauda_equina",
    "bowel_bladder_dysfunction",
    "progressive_neurologic_deficit",
    "fracture",
    "cancer",
    "infection",
    "myelopathy",
    "major_trauma",
]


class RedFlag(Fact):
    flag: RedFlagKind
    present: bool


class PriorImaging(Fact):
    modality: Literal["mri", "ct", "xray", "emg_ncv", "ultrasound", "bone_scan", "other"]
    body_region: BodyRegion | None
    date: dt.date | None
    finding: str | None


class FunctionalStatus(Fact):
    """A statement that function did or did not improve with treatment."""

    improved: bool
    related_to: str | None = Field(description="The treatment it follows, e.g. 'acupuncture', 'Norco'.")


class WorkStatus(Fact):
    status: Literal["full_duty", "modified_duty", "off_work", "retired", "not_stated"]


MonitoringKind = Literal[
    "urine_drug_screen",
    "cures_report",
    "pain_agreement",
    "side_effects_assessed",
    "aberrant_behavior",
    "pain_relief_quantified",
]


class MonitoringRecord(Fact):
    """Opioid-monitoring documentation (the '4 A's', UDT, CURES, agreement)."""

    kind: MonitoringKind
    present: bool
    detail: str | None


class SurgeryRecord(Fact):
    procedure: str
    body_region: BodyRegion | None
    date: dt.date | None
    status: Literal["done", "planned", "authorized"]


class URCertification(Fact):
    """Utilization review certified part of a request (e.g. 6 of 8 visits) and denied the rest, which is then
    what IMR decides: the certified part comes first."""

    service: str = Field(description="The service as the records name it, e.g. 'acupuncture'.")
    sessions: int | None = Field(description="Visits or units certified, where stated.")


class PlantedInstruction(Fact):
    """Text in the records that addresses the reviewer or the tool rather than describing care."""


class CaseSummary(Artifact):
    """The facts the guideline rules need, each with its evidence quote.

    Absent facts are absent (None or empty list): the records do not document them. Nothing here is
    inferred beyond what a quote shows.
    """

    schema_version: Literal["1"] = SCHEMA_VERSION
    case_id: str
    header: CaseHeader
    documents: list[DocumentRef]
    disputed_items: list[DisputedItem]
    age: AgeFact | None = None
    sex: SexFact | None = None
    diagnoses: list[Diagnosis] = []
    pain_scores: list[PainScore] = []
    treatments: list[TreatmentCourse] = []
    medications: list[MedicationUse] = []
    neuro_findings: list[NeuroFinding] = []
    red_flags: list[RedFlag] = []
    imaging: list[PriorImaging] = []
    functional_status: list[FunctionalStatus] = []
    work_status: list[WorkStatus] = []
    monitoring: list[MonitoringRecord] = []
    surgeries: list[SurgeryRecord] = []
    ur_certifications: list[URCertification] = []
    planted_instructions: list[PlantedInstruction] = []
    extractor: str = Field(description="'offline' or 'llm:<model>'")
    flags: list[str] = Field(default=[], description="Extraction caveats for the reviewer, as ids and offsets "
                             "(never case text): conflicting facts kept side by side, quotes dropped unverified.")


class DocumentRef(Artifact):
    doc_id: str
    name: str
    date: dt.date | None


# ---------------------------------------------------------------------------------------------
# decide
# ---------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    UPHELD = "upheld"  # the UR denial stands: not medically necessary
    OVERTURNED = "overturned"  # medically necessary


class CriterionStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_DOCUMENTED = "not_documented"


class RequestDetails(Artifact):
    """What a free-text request asks for, parsed deterministically."""

    category: str | None = Field(description="Service category id from the guideline registry.")
    body_regions: list[BodyRegion] = []
    laterality: Laterality | None = None
    sessions: int | None = Field(default=None, description="Total visits/sessions requested.")
    frequency_per_week: float | None = None
    duration_weeks: float | None = None
    drug: str | None = None
    strength: str | None = None
    quantity: int | None = Field(default=None, description="Units dispensed, e.g. tablets for '#60'.")
    modifiers: list[str] = Field(default=[], description="e.g. 'without contrast', 'retrospective'.")
    numbers: list[str] = Field(default=[], description="Every number written in the request.")


class CitedDocument(Artifact):
    """A further MTUS document a citation rests on, after its first one."""

    document: str = Field(description="e.g. 'Chronic Pain Medical Treatment'")
    edition: str = Field(description="e.g. '2016'")
    sections: list[str] = []


class GuidelineCitation(Artifact):
    """A guideline section as the letters cite it."""

    source: Literal["MTUS", "ODG", "ACOEM"]
    document: str = Field(description="e.g. 'Chronic Pain Medical Treatment'")
    edition: str = Field(description="e.g. '2016'")
    sections: list[str] = []
    also: list[CitedDocument] = Field(
        default=[], description="Further MTUS documents the decision rests on, printed after the first as the "
        "letters do ('..., and Chronic Pain Medical Treatment 2016, Section(s): ...'); MTUS citations only.")

    def letter_text(self) -> str:
        if self.source == "MTUS":
            parts = []
            for cited in (self, *self.also):
                part = f"{cited.document} {cited.edition}"
                if cited.sections:
                    part += ", Section(s): " + ", ".join(cited.sections)
                parts.append(part)
            return "Decision based on MTUS " + ", and ".join(parts) + "."
        detail = f" {', '.join(self.sections)}" if self.sections else ""
        return f"Decision based on Non-MTUS Citation {self.document} ({self.edition}){detail}."


class CriterionResult(Artifact):
    criterion_id: str
    requirement: str = Field(description="What the guideline requires, in plain words.")
    status: CriterionStatus
    finding: str = Field(description="What the records show or do not show for this criterion.")
    evidence: list[Evidence] = []
    decisive: bool = Field(description="True when this criterion drove the outcome.")


class ItemDecision(Artifact):
    item_id: str
    request: str
    details: RequestDetails
    outcome: Outcome | None = Field(description="None: no rule covers the item; the reviewer decides.")
    citation: GuidelineCitation | None
    guideline_summary: str = Field(description="What the cited guideline says, paraphrased.")
    criteria: list[CriterionResult] = []
    rule_id: str | None
    rules_version: str
    note: str | None = Field(default=None, description="Why there is no outcome, or other caveats.")


# ---------------------------------------------------------------------------------------------
# draft and check
# ---------------------------------------------------------------------------------------------


class Rationale(Artifact):
    item_id: str
    text: str
    source: Literal["template", "llm"]
    attempts: int = 1


class CheckResult(Artifact):
    check: str
    passed: bool
    detail: str = ""


class CheckReport(Artifact):
    item_id: str
    passed: bool
    results: list[CheckResult]


# ---------------------------------------------------------------------------------------------
# render
# ---------------------------------------------------------------------------------------------


class LLMCall(Artifact):
    stage: str
    item_id: str | None = None
    attempt: int
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    outcome: str = Field(description="ok, validation_error, transport_error, ...")


class AuditRecord(Artifact):
    tool_version: str
    rules_version: str
    input_sha256: str
    backend: str
    model: str | None = None
    prompt_hashes: dict[str, str] = {}
    llm_calls: list[LLMCall] = []
    cost_usd: float | None = Field(default=None, description="Estimate of the LLM calls from the price table.")
    flags: list[str] = Field(default=[], description="e.g. planted instructions found (ids, never text).")


class ReviewerCredentials(Artifact):
    licensure: str = "California"
    specialty: str = "Physical Medicine & Rehabilitation"


class DeterminationItem(Artifact):
    item_id: str
    item: str
    outcome: Outcome | None
    category: str | None
    guideline: str | None = Field(description="The citation as the letter prints it.")
    claims_administrator_guideline: str | None
    criteria: list[CriterionResult]
    rationale: str
    rationale_source: Literal["template", "llm"]
    checks: list[CheckResult]
    needs_review: bool
    review_reasons: list[str] = []


class Determination(Artifact):
    """The drafted letter as data. `released` only when every item passed every check."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    case_number: str | None
    header: CaseHeader
    reviewer: ReviewerCredentials
    case_summary: str
    items: list[DeterminationItem]
    documents_reviewed: list[DocumentRef]
    released: bool
    audit: AuditRecord


CaseSummary.model_rebuild()

ARTIFACTS: dict[str, type[Artifact]] = {
    "case-file": CaseFile,
    "case-summary": CaseSummary,
    "item-decision": ItemDecision,
    "rationale": Rationale,
    "check-report": CheckReport,
    "determination": Determination,
}
