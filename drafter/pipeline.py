"""The whole pipeline for one case: CaseFile -> Determination, offline or through an LLM backend."""

from __future__ import annotations

from dataclasses import dataclass, field

from drafter import __version__
from drafter.check import check_rationale
from drafter.decide import decide
from drafter.draft.template import draft_case_summary, draft_rationale
from drafter.extract.offline import extract_offline
from drafter.guidelines.registry import RULES_VERSION
from drafter.models import (
    AuditRecord,
    CaseFile,
    CaseSummary,
    CheckReport,
    Determination,
    DeterminationItem,
    ItemDecision,
    Rationale,
    ReviewerCredentials,
)


@dataclass
class DraftOptions:
    reviewer: ReviewerCredentials = field(default_factory=ReviewerCredentials)
    backend: str = "offline"


def draft_letter(case: CaseFile, options: DraftOptions | None = None) -> Determination:
    options = options or DraftOptions()
    summary = extract_offline(case)
    decisions = decide(summary)
    return assemble(summary, decisions, options, input_sha256=case.input_sha256)


def assemble(summary: CaseSummary, decisions: list[ItemDecision], options: DraftOptions,
             input_sha256: str) -> Determination:
    """Draft, check and assemble the letter from a summary and its decisions (offline drafter)."""
    items = []
    for item, decision in zip(summary.disputed_items, decisions, strict=True):
        rationale = draft_rationale(decision, summary)
        report = check_rationale(rationale.text, decision, summary)
        items.append(determination_item(item.ur_guideline, decision, rationale, report))
    audit = AuditRecord(
        tool_version=__version__,
        rules_version=RULES_VERSION,
        input_sha256=input_sha256,
        backend=options.backend,
        flags=[f"planted-instruction:{fact.evidence.doc_id}:{fact.evidence.start}"
               for fact in summary.planted_instructions],
    )
    return Determination(
        case_number=summary.header.case_number,
        header=summary.header,
        reviewer=options.reviewer,
        case_summary=draft_case_summary(summary),
        items=items,
        documents_reviewed=summary.documents,
        released=all(not entry.needs_review for entry in items),
        audit=audit,
    )


def determination_item(ur_guideline: str | None, decision: ItemDecision, rationale: Rationale,
                       report: CheckReport) -> DeterminationItem:
    reasons = [f"{result.check}: {result.detail}" for result in report.results if not result.passed]
    if decision.outcome is None:
        reasons.insert(0, decision.note or "no guideline rule covers this service; the reviewer decides")
    return DeterminationItem(
        item_id=decision.item_id,
        item=decision.request,
        outcome=decision.outcome,
        category=decision.details.category,
        guideline=decision.citation.letter_text() if decision.citation else None,
        claims_administrator_guideline=ur_guideline,
        criteria=decision.criteria,
        rationale=rationale.text,
        rationale_source=rationale.source,
        checks=report.results,
        needs_review=bool(reasons),
        review_reasons=reasons,
    )
