"""The whole pipeline for one case: CaseFile -> Determination, offline or through an LLM backend."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
    LLMCall,
    Rationale,
    ReviewerCredentials,
)
from drafter.settings import Settings, load_settings

if TYPE_CHECKING:
    from drafter.llm import LLMClient


@dataclass
class DraftOptions:
    """How to draft. One options object drafts a whole batch: the openai backend's client (its connection
    pool and SSL context, ~50 ms to build) is made on first use and shared by every case, thread-safely."""

    reviewer: ReviewerCredentials = field(default_factory=ReviewerCredentials)
    backend: str = "offline"
    llm: Settings | None = None  # the endpoint of the openai backend (None: from the environment)
    _client: LLMClient | None = field(default=None, init=False, repr=False, compare=False)
    _client_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def llm_client(self) -> LLMClient:
        from drafter.llm import LLMClient  # openai + instructor: ~3 s, only for the openai backend

        with self._client_lock:
            if self._client is None:
                self._client = LLMClient(self.llm or load_settings(backend="openai"))
            return self._client


@dataclass(frozen=True)
class Drafted:
    """A drafted letter with the summary it was decided on (for the eval suites)."""

    summary: CaseSummary
    letter: Determination
    extraction_error: str | None = None
    """Why the LLM extraction gave no valid reply, when `summary` is the offline extractor's fallback."""


def draft_letter(case: CaseFile, options: DraftOptions | None = None) -> Determination:
    return draft_case(case, options).letter


def draft_case(case: CaseFile, options: DraftOptions | None = None) -> Drafted:
    options = options or DraftOptions()
    if options.backend == "openai":
        return draft_case_llm(case, options)
    summary = extract_offline(case)
    return Drafted(summary, assemble(summary, decide(summary), options, input_sha256=case.input_sha256))


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
        flags=summary_flags(summary),
    )
    return letter(summary, items, draft_case_summary(summary), options, audit)


def draft_case_llm(case: CaseFile, options: DraftOptions) -> Drafted:
    """Extract and draft through the LLM; decide as offline. Replies that never validate fall back to the
    offline extractor or the template drafter, with a flag; an endpoint failure raises BackendError."""
    from drafter.draft.llm import draft_case_summary_llm, draft_rationale_llm  # openai + instructor: ~3 s
    from drafter.extract.llm import extract_llm
    from drafter.judge import judge_rationale, with_opinion
    from drafter.llm import ReplyInvalid, prompt_hashes, total_cost

    client = options.llm_client()
    settings = client.settings
    calls: list[LLMCall] = []
    flags: list[str] = []
    extraction_error = None
    try:
        summary, extract_calls = extract_llm(case, client)
    except ReplyInvalid as exc:
        summary, extract_calls, extraction_error = extract_offline(case), exc.calls, str(exc)
        flags.append("llm-extraction-invalid:offline-extractor-used")
    calls += extract_calls
    items = []
    for item, decision in zip(summary.disputed_items, decide(summary), strict=True):
        rationale, report, item_calls = draft_rationale_llm(decision, summary, client, settings.max_reasks)
        calls += item_calls
        if settings.judge and decision.outcome is not None:
            opinion, judge_calls = judge_rationale(decision, rationale.text, client)
            report = with_opinion(report, opinion)
            calls += judge_calls
        items.append(determination_item(item.ur_guideline, decision, rationale, report))
    case_summary, by_llm, summary_calls = draft_case_summary_llm(summary, client, settings.max_reasks)
    calls += summary_calls
    if not by_llm:
        flags.append("llm-case-summary-invalid:template-used")
    audit = AuditRecord(
        tool_version=__version__,
        rules_version=RULES_VERSION,
        input_sha256=case.input_sha256,
        backend="openai",
        model=settings.model,
        prompt_hashes=prompt_hashes(),
        llm_calls=calls,
        cost_usd=total_cost(calls, settings),
        flags=[*summary_flags(summary), *flags],
    )
    return Drafted(summary, letter(summary, items, case_summary, options, audit), extraction_error)


def summary_flags(summary: CaseSummary) -> list[str]:
    planted = [f"planted-instruction:{fact.evidence.doc_id}:{fact.evidence.start}"
               for fact in summary.planted_instructions]
    return [*planted, *summary.flags]


def letter(summary: CaseSummary, items: list[DeterminationItem], case_summary: str, options: DraftOptions,
           audit: AuditRecord) -> Determination:
    return Determination(
        case_number=summary.header.case_number,
        header=summary.header,
        reviewer=options.reviewer,
        case_summary=case_summary,
        items=items,
        documents_reviewed=summary.documents,
        released=all(not entry.needs_review for entry in items),
        audit=audit,
    )


NO_RULE = "no guideline rule covers this service; the reviewer decides"


def review_reasons(report: CheckReport, decision: ItemDecision, no_outcome: str = NO_RULE) -> list[str]:
    """Why an item needs the reviewer: no outcome (first), then every failed check."""
    reasons = [f"{result.check}: {result.detail}" for result in report.results if not result.passed]
    if decision.outcome is None:
        reasons.insert(0, decision.note or no_outcome)
    return reasons


def determination_item(ur_guideline: str | None, decision: ItemDecision, rationale: Rationale,
                       report: CheckReport) -> DeterminationItem:
    reasons = review_reasons(report, decision)
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
