"""The optional LLM judge (second opinion). Replies come from the HAND-WRITTEN FAKE endpoint of
tests/scripted_endpoint.py (scripted, not a model), except the last test, which replays a real model's reading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import recorded_settings, replay
from helpers import EXAMPLES
from scripted_endpoint import AGE_OK, Reply, client_for, completion, facts, thoracic_mri

from drafter.draft.template import draft_rationale
from drafter.ingest import load_case
from drafter.judge import JUDGE_CHECK, judge_rationale
from drafter.llm import LLMClient
from drafter.models import Outcome
from drafter.pipeline import DraftOptions, draft_letter
from drafter.settings import load_settings


def reading(supports: str, reason: str = "The records lack the findings the guideline asks for.") -> Reply:
    return Reply(completion(json.dumps({"supports": supports, "reason": reason})))


def test_a_judge_reading_the_decided_outcome_passes(fake: Any) -> None:
    summary, decision = thoracic_mri()
    server = fake(reading("not_medically_necessary"))
    opinion, calls = judge_rationale(decision, draft_rationale(decision, summary).text, client_for(server.url))
    assert opinion.check == JUDGE_CHECK and opinion.passed
    assert [(call.stage, call.item_id) for call in calls] == [("judge", decision.item_id)]
    sent = json.loads(server.requests[0]["messages"][-1]["content"])
    assert set(sent) == {"item", "rationale"}  # the judge is not told the decision


@pytest.mark.parametrize(("supports", "read_as"), [("medically_necessary", "medically necessary"),
                                                   ("unclear", "unclear")])
def test_a_judge_reading_otherwise_fails_the_check_with_its_reason(fake: Any, supports: str, read_as: str) -> None:
    summary, decision = thoracic_mri()
    server = fake(reading(supports, "Red flags are documented."))
    opinion, _ = judge_rationale(decision, draft_rationale(decision, summary).text, client_for(server.url))
    assert not opinion.passed
    assert f"reads the rationale as {read_as}, but the decision is not medically necessary" in opinion.detail
    assert "Red flags are documented." in opinion.detail


def test_no_valid_reading_fails_the_check(fake: Any) -> None:
    summary, decision = thoracic_mri()
    server = fake(*[Reply(completion(json.dumps({"supports": "maybe", "reason": "?"}))) for _ in range(2)])
    opinion, calls = judge_rationale(decision, draft_rationale(decision, summary).text, client_for(server.url))
    assert not opinion.passed and "no valid reading in 2 attempt(s)" in opinion.detail
    assert [call.outcome for call in calls] == ["validation_error", "validation_error"]


def test_disagreement_flags_the_item_but_never_changes_the_outcome_or_text(fake: Any) -> None:
    case = load_case(EXAMPLES / "thoracic-strain.txt")
    items = len(case.disputed_items)
    texts = [Reply(completion(json.dumps({"text": item.rationale}))) for item in draft_letter(case).items]

    def drafted(judge: bool) -> Any:
        replies = [Reply(completion(facts(age=AGE_OK)))]
        for index, text in enumerate(texts):
            replies.append(text)
            if judge:
                replies.append(reading("medically_necessary" if index == 0 else "not_medically_necessary"))
        replies.append(Reply(completion(json.dumps({"text": "A worker strained the mid back lifting boxes."}))))
        server = fake(*replies)
        settings = load_settings(env={}, base_url=server.url, model="fake-model", max_reasks=0, judge=judge)
        return draft_letter(case, DraftOptions(backend="openai", llm=settings))

    plain, judged = drafted(judge=False), drafted(judge=True)
    assert [(item.outcome, item.rationale) for item in judged.items] == \
        [(item.outcome, item.rationale) for item in plain.items]
    assert all(item.outcome is Outcome.UPHELD for item in judged.items)
    flagged = [any(reason.startswith(JUDGE_CHECK) for reason in item.review_reasons) for item in judged.items]
    assert flagged == [True] + [False] * (items - 1)
    assert judged.items[0].needs_review and not judged.released
    assert [call.stage for call in judged.audit.llm_calls].count("judge") == items


def test_judge_needs_the_openai_backend(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    result = subprocess.run([sys.executable, "-m", "drafter", "draft", str(EXAMPLES / "thoracic-strain.txt"),
                             "--backend", "offline", "--judge", "-o", str(letter)], capture_output=True, text=True)
    assert result.returncode == 2 and not letter.exists()
    assert "--judge needs the openai backend" in result.stderr


def test_a_real_models_reading_is_parsed_and_its_doubt_flags_the_item() -> None:
    """Replayed from tests/cassettes/judge-thoracic-mri.yaml, recorded from Qwen2.5-Coder-1.5B: the small model
    found the template's rationale for this upheld MRI unclear, so the check fails and names its reason."""
    summary, decision = thoracic_mri()
    with replay("judge-thoracic-mri.yaml"):
        opinion, calls = judge_rationale(decision, draft_rationale(decision, summary).text,
                                         LLMClient(recorded_settings()))
    assert [(call.stage, call.outcome) for call in calls] == [("judge", "ok")] and calls[0].completion_tokens > 0
    assert opinion.check == JUDGE_CHECK and not opinion.passed
    assert opinion.detail.startswith("an LLM judge reads the rationale as unclear, but the decision is not "
                                     "medically necessary (its reason: ")
