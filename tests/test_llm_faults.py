"""Transport and reply faults of the LLM path, against a HAND-WRITTEN FAKE endpoint (not a recording):
tests/scripted_endpoint.py answers from the script of replies each test writes."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from scripted_endpoint import AGE_OK, CASSETTES, Reply, client_for, completion, facts, thoracic_mri

from drafter.draft.llm import conclusion_misnames_item, draft_rationale_llm
from drafter.draft.template import draft_rationale
from drafter.errors import BackendError
from drafter.extract.llm import extract_llm
from drafter.ingest import load_case
from drafter.llm import ReplyInvalid, TransportFailed
from drafter.models import Outcome
from drafter.settings import load_settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


class _Answer(BaseModel):
    answer: str


def test_429_with_retry_after_is_retried_then_succeeds(fake: Any) -> None:
    server = fake(Reply({"error": {"message": "slow down"}}, status=429, headers={"retry-after": "7"}),
                  Reply(completion(facts(age=AGE_OK))))
    sleeps: list[float] = []
    summary, calls = extract_llm(load_case(EXAMPLES / "thoracic-strain.txt"), client_for(server.url, sleeps))
    assert summary.age is not None and summary.age.years == 29
    assert sleeps == [7.0]  # the server's Retry-After, not the 0.01 s backoff
    assert [call.outcome for call in calls] == ["transport_error", "ok"]
    assert calls[1].prompt_tokens == 100 and calls[1].completion_tokens == 20


def test_timeouts_exhaust_the_bounded_retries(fake: Any) -> None:
    server = fake(*[Reply(completion("{}"), delay=1.0) for _ in range(3)])
    client = client_for(server.url, timeout_seconds=0.2, max_attempts=3)
    with pytest.raises(TransportFailed) as failure:
        client.structured(_Answer, [{"role": "user", "content": "hi"}], stage="t")
    message = str(failure.value)
    assert "within the timeout" in message and "after 3 attempt(s)" in message and "\n" not in message
    assert [call.outcome for call in failure.value.calls] == ["transport_error"] * 3
    assert len(server.requests) == 3


def test_5xx_retries_are_bounded_by_total_time(fake: Any) -> None:
    server = fake(*[Reply({"error": {"message": "busy"}}, status=503, headers={"retry-after": "100"})
                    for _ in range(3)])
    sleeps: list[float] = []
    client = client_for(server.url, sleeps, max_attempts=3, max_retry_seconds=5)
    with pytest.raises(TransportFailed, match="HTTP 503"):
        client.structured(_Answer, [{"role": "user", "content": "hi"}], stage="t")
    assert all(pause <= 5 for pause in sleeps)  # a Retry-After past the budget is cut to what is left


def test_malformed_json_is_reasked_and_counted(fake: Any) -> None:
    server = fake(Reply(completion('{"answer": "forty-', completion_tokens=5)),
                  Reply(completion('{"answer": "42"}')))
    answer, calls = client_for(server.url).structured(_Answer, [{"role": "user", "content": "q"}], stage="t")
    assert answer.answer == "42"
    assert [call.outcome for call in calls] == ["validation_error", "ok"]
    assert sum(call.completion_tokens for call in calls) == 25


def test_malformed_json_every_time_ends_in_one_line_backend_error(fake: Any) -> None:
    server = fake(Reply(completion("not json")), Reply(completion("still not json")))
    case = load_case(EXAMPLES / "thoracic-strain.txt")
    with pytest.raises(ReplyInvalid) as failure:
        extract_llm(case, client_for(server.url, max_reasks=1))
    assert isinstance(failure.value, BackendError) and "\n" not in str(failure.value)
    assert len(failure.value.calls) == 2


def test_a_chunk_that_never_validates_fails_the_extraction_with_every_call_counted(fake: Any) -> None:
    server = fake(Reply(completion(facts())), Reply(completion("not json")), Reply(completion("still not json")))
    case = load_case(CASSETTES / "two-documents-case.txt")
    with pytest.raises(ReplyInvalid) as failure:
        extract_llm(case, client_for(server.url, max_reasks=1, context_tokens=1024))
    assert [call.stage for call in failure.value.calls] == ["extract:1/2", "extract:2/2", "extract:2/2"]
    assert [call.outcome for call in failure.value.calls] == ["ok", "validation_error", "validation_error"]


def test_quote_mismatch_is_reasked_with_the_failure_listed(fake: Any) -> None:
    invented = {"years": 29, "doc_id": "D1", "quote": "29-year-old man who works nights"}
    server = fake(Reply(completion(facts(age=invented))), Reply(completion(facts(age=AGE_OK))))
    case = load_case(EXAMPLES / "thoracic-strain.txt")
    summary, calls = extract_llm(case, client_for(server.url))
    evidence = summary.age.evidence if summary.age else None
    assert evidence is not None
    assert case.document(evidence.doc_id).text[evidence.start:evidence.end] == evidence.quote
    assert [call.outcome for call in calls] == ["validation_error", "ok"]
    reask = json.dumps(server.requests[1]["messages"])
    assert "29-year-old man who works nights" in reask and "does not occur in D1" in reask


def test_quote_mismatch_after_the_reasks_drops_the_fact_and_flags_it(fake: Any) -> None:
    invented = {"years": 29, "doc_id": "D1", "quote": "no such words in the records"}
    server = fake(Reply(completion(facts(age=invented, sex={"sex": "male", "doc_id": "D1",
                                                             "quote": "29-year-old man"}))),
                  Reply(completion(facts(age=invented, sex={"sex": "male", "doc_id": "D1",
                                                             "quote": "29-year-old man"}))))
    summary, _ = extract_llm(load_case(EXAMPLES / "thoracic-strain.txt"), client_for(server.url))
    assert summary.age is None  # never kept without a verbatim quote
    assert summary.sex is not None and summary.sex.sex == "male"
    assert summary.flags == ["unverified-fact-dropped:age:chunk-1"]


def test_unreachable_endpoint_is_a_one_line_backend_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    client = client_for(f"http://127.0.0.1:{port}/v1")
    with pytest.raises(BackendError) as failure:
        client.structured(_Answer, [{"role": "user", "content": "q"}], stage="t")
    assert str(failure.value) == f"LLM backend: cannot reach http://127.0.0.1:{port}/v1 (connection failed) " \
                                 "(after 1 attempt(s))"


def test_refused_key_is_not_retried(fake: Any) -> None:
    server = fake(Reply({"error": {"message": "bad key"}}, status=401))
    with pytest.raises(BackendError, match="refused the API key"):
        client_for(server.url).structured(_Answer, [{"role": "user", "content": "q"}], stage="t")
    assert len(server.requests) == 1


def test_template_syntax_in_case_text_is_sent_as_data(fake: Any, tmp_path: Path) -> None:
    case_file = tmp_path / "braces.txt"
    case_file.write_text("=== Note | 01/02/2020 ===\nA 40-year-old man. Residue: {{ patient.name }} {% if x %} {0}\n"
                         "\nDISPUTED ITEMS\n- MRI of the lumbar spine\n")
    age = {"years": 40, "doc_id": "D1", "quote": "A 40-year-old man."}
    server = fake(Reply(completion(facts(age=age))))
    summary, _ = extract_llm(load_case(case_file), client_for(server.url))
    sent = server.requests[0]["messages"][-1]["content"]
    assert "Residue: {{ patient.name }} {% if x %} {0}" in sent
    assert summary.age is not None and summary.age.evidence.quote == "A 40-year-old man."


def test_reply_cut_at_the_token_limit_is_a_reply_error_with_usage(fake: Any) -> None:
    cut = completion('{"answer": "4', completion_tokens=64)
    cut["choices"][0]["finish_reason"] = "length"
    server = fake(Reply(cut))
    with pytest.raises(ReplyInvalid, match="cut at max_output_tokens") as failure:
        client_for(server.url).structured(_Answer, [{"role": "user", "content": "q"}], stage="t")
    assert [(call.outcome, call.completion_tokens) for call in failure.value.calls] == [("incomplete", 64)]


def test_inconsistent_rationale_is_reasked_with_the_failures(fake: Any) -> None:
    summary, decision = thoracic_mri()
    assert decision.outcome == Outcome.UPHELD
    good = draft_rationale(decision, summary).text  # a text the checks accept, sent back as the model's
    contrary = f"The records support this request. The request for {decision.request} is medically necessary."
    server = fake(Reply(completion(json.dumps({"text": contrary}))), Reply(completion(json.dumps({"text": good}))))
    rationale, report, calls = draft_rationale_llm(decision, summary, client_for(server.url), max_reasks=1)
    assert (rationale.source, rationale.attempts, rationale.text) == ("llm", 2, good)
    assert report.passed
    assert [call.outcome for call in calls] == ["validation_error", "ok"]
    assert all(call.stage == "rationale" and call.item_id == decision.item_id for call in calls)
    reask = server.requests[1]["messages"][-1]["content"]
    assert "failed these checks" in reask and "conclusion" in reask


def test_rationale_concluding_on_another_item_is_reasked(fake: Any) -> None:
    summary, decision = thoracic_mri()
    good = draft_rationale(decision, summary).text
    body, conclusion = good.rsplit(". ", 1)
    elsewhere = f"{body}. {conclusion.replace(decision.request, 'acupuncture')}"
    server = fake(Reply(completion(json.dumps({"text": elsewhere}))), Reply(completion(json.dumps({"text": good}))))
    rationale, report, calls = draft_rationale_llm(decision, summary, client_for(server.url), max_reasks=1)
    assert (rationale.source, rationale.text, report.passed) == ("llm", good, True)
    assert [call.outcome for call in calls] == ["validation_error", "ok"]
    assert "does not name the item" in server.requests[1]["messages"][-1]["content"]


@pytest.mark.parametrize(("conclusion", "names"), [
    ("Therefore, the requested thoracic MRI is not medically necessary.", True),
    ("Therefore, the request for MRI of the thoracic spine x1 is not medically necessary.", True),
    ("Therefore, a lumbar spine MRI is not medically necessary for this worker.", False),
    ("Therefore, the request for acupuncture of the thoracic spine is not medically necessary.", False),
    ("Therefore, the request for an MRI is not medically necessary.", False),  # which one? no region
])
def test_the_conclusion_must_name_the_item_by_procedure_and_region(conclusion: str, names: bool) -> None:
    _, decision = thoracic_mri()
    text = f"The records show no red flag. {conclusion}"
    assert (conclusion_misnames_item(text, decision) is None) == names


def test_rationale_failing_every_reask_falls_back_to_the_flagged_template(fake: Any) -> None:
    summary, decision = thoracic_mri()
    contrary = f"The request for {decision.request} is medically necessary."
    server = fake(*[Reply(completion(json.dumps({"text": contrary}))) for _ in range(3)])
    rationale, report, calls = draft_rationale_llm(decision, summary, client_for(server.url), max_reasks=2)
    assert rationale.source == "template"
    assert rationale.text == draft_rationale(decision, summary).text
    assert not report.passed and report.results[-1].check == "llm_draft"
    assert [call.outcome for call in calls] == ["validation_error"] * 3


def test_openai_backend_letter_records_model_prompts_and_every_call(fake: Any) -> None:
    from drafter.llm import prompt_hashes
    from drafter.pipeline import DraftOptions, draft_letter

    case = load_case(EXAMPLES / "thoracic-strain.txt")
    items = len(case.disputed_items)
    paragraph = "This 29 year old man hurt his mid back at work."
    server = fake(Reply(completion(facts(age=AGE_OK))),
                  *[Reply(completion(json.dumps({"text": "No."}))) for _ in range(items)],
                  Reply(completion(json.dumps({"text": paragraph}))))
    settings = load_settings(env={}, base_url=server.url, model="fake-model", max_reasks=0)
    letter = draft_letter(case, DraftOptions(backend="openai", llm=settings))
    audit = letter.audit
    assert (audit.backend, audit.model, audit.prompt_hashes) == ("openai", "fake-model", prompt_hashes())
    assert [call.stage for call in audit.llm_calls] == ["extract:1/1", *["rationale"] * items, "case_summary"]
    assert letter.case_summary == paragraph
    assert audit.cost_usd is None  # no price for "fake-model" in the table
    assert all(item.rationale_source == "template" and item.needs_review for item in letter.items)
    assert all(any(reason.startswith("llm_draft") for reason in item.review_reasons) for item in letter.items)
    assert not letter.released
