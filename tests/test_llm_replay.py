"""The LLM path replayed from cassettes recorded against a real local model (Qwen2.5-Coder-1.5B via
xllamacpp; `python scripts/record_cassettes.py`). Record mode `none`: a request the cassette does not
hold fails the test instead of reaching a server.
"""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import CASSETTES, recorded_settings, replay

from drafter.draft.llm import draft_rationale_llm
from drafter.extract.llm import extract_llm, iter_reply_facts
from drafter.ingest import load_case
from drafter.llm import LLMClient
from drafter.models import CaseSummary, ItemDecision


def recorded_requests(cassette: str) -> list[dict]:
    data = yaml.safe_load((CASSETTES / cassette).read_text())
    return [json.loads(entry["request"]["body"]) for entry in data["interactions"]]


@pytest.fixture(scope="module")
def extraction() -> tuple:
    case = load_case(CASSETTES / "two-documents-case.txt")
    with replay("extract-two-documents.yaml"):
        summary, calls = extract_llm(case, LLMClient(recorded_settings(context_tokens=1024)))
    return case, summary, calls


def test_multi_document_case_is_read_in_chunks_and_every_attempt_counted(extraction: tuple) -> None:
    _, summary, calls = extraction
    requests = recorded_requests("extract-two-documents.yaml")
    assert len(calls) == len(requests) >= 2
    assert {call.stage for call in calls} == {"extract:1/2", "extract:2/2"}
    assert all(call.prompt_tokens > 0 and call.completion_tokens > 0 for call in calls)
    assert summary.extractor == "llm:qwen2.5-coder-1.5b-instruct"


def test_every_fact_quotes_its_document_exactly(extraction: tuple) -> None:
    case, summary, _ = extraction
    facts = list(iter_reply_facts(summary))
    assert facts, "the model found no fact at all"
    for _, fact in facts:
        evidence = fact.evidence
        assert case.document(evidence.doc_id).text[evidence.start:evidence.end] == evidence.quote


def test_facts_from_both_documents_are_merged(extraction: tuple) -> None:
    _, summary, _ = extraction
    assert summary.age is not None and summary.age.years == 38
    assert summary.sex is not None and summary.sex.sex == "female"
    assert {fact.evidence.doc_id for _, fact in iter_reply_facts(summary)} == {"D1", "D2"}


def test_template_syntax_in_the_case_reached_the_model_as_data() -> None:
    first = recorded_requests("extract-two-documents.yaml")[0]
    assert "{{ patient.name }} {% if flag %}" in first["messages"][-1]["content"]


def test_recorded_rationale_passes_the_consistency_checks() -> None:
    summary = CaseSummary.model_validate_json((CASSETTES / "thoracic-summary.json").read_text())
    decision = ItemDecision.model_validate_json((CASSETTES / "thoracic-mri-decision.json").read_text())
    with replay("rationale-thoracic-mri.yaml"):
        rationale, report, calls = draft_rationale_llm(decision, summary, LLMClient(recorded_settings()),
                                                       max_reasks=1)
    assert (rationale.source, rationale.attempts, report.passed) == ("llm", 1, True)
    assert rationale.text.endswith("the request for MRI of the thoracic spine is not medically necessary.")
    assert [(call.stage, call.item_id, call.outcome) for call in calls] == [("rationale", decision.item_id, "ok")]
    assert calls[0].prompt_tokens > 0 and calls[0].completion_tokens > 0


def test_facts_the_quotes_do_not_show_are_reasked_then_dropped_and_flagged(extraction: tuple) -> None:
    _, summary, calls = extraction
    assert [call.attempt for call in calls] == [1, 2, 1, 2]  # each chunk re-asked once (max_reasks=1)
    assert calls[0].outcome == "validation_error"
    assert any(flag.startswith("unverified-fact-dropped:treatments[0]:chunk-1") for flag in summary.flags)
    assert [(t.sessions, t.evidence.doc_id) for t in summary.treatments] == [(12, "D2")]
