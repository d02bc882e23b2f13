"""A batch through the LLM backend survives endpoint faults, and bad case files fail alone.

The endpoint is tests/fake_openai.py, a HAND-WRITTEN FAKE server on 127.0.0.1 (not a model, not a
recording). Each fault ends in bounded retries, then either the template/offline fallback (flagged
for the reviewer) or a one-line failure of that case alone; the other cases finish, and a rerun
finishes the failed ones from the journal. Retry waits are kept to milliseconds through settings.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, Fault
from synthetic_cases import SyntheticCase, synthetic_case
from typer.testing import CliRunner

from drafter.batch import JOURNAL_NAME, CaseResult, run_batch
from drafter.cli import app
from drafter.errors import InputError
from drafter.ingest import load_case
from drafter.models import Determination
from drafter.pipeline import DraftOptions, draft_letter
from drafter.settings import ENV_KEYS, load_settings

MAX_ATTEMPTS = 3
MAX_REASKS = 1
TIMEOUT = 0.4  # every call of the batch has it: room for a loaded machine, yet short for slow faults
# Three cases whose requests differ, so a fault can be aimed at one case's extraction or one of its items.
CASE_NUMBERS = (3, 5, 11)
TARGET = 5


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(slow_seconds=2 * TIMEOUT) as server:
        yield server


@pytest.fixture
def cases(tmp_path: Path) -> dict[int, SyntheticCase]:
    folder = tmp_path / "in"
    folder.mkdir()
    written = {n: synthetic_case(n) for n in CASE_NUMBERS}
    for case in written.values():
        (folder / case.name).write_text(case.text, encoding="utf-8")
    return written


def llm_options(fake: FakeOpenAI, **overrides: object) -> DraftOptions:
    values = {"base_url": fake.url, "model": "fake-model", "timeout_seconds": TIMEOUT, "max_attempts": MAX_ATTEMPTS,
              "backoff_seconds": 0.001, "max_retry_seconds": 3.0, "max_reasks": MAX_REASKS, **overrides}
    return DraftOptions(backend="openai", llm=load_settings(env={}, backend="openai", **values))


def run(tmp_path: Path, options: DraftOptions, skipped: list[str] | None = None) -> dict[str, CaseResult]:
    def on_result(result: CaseResult, was_skipped: bool) -> None:
        if was_skipped and skipped is not None:
            skipped.append(result.case)

    results = run_batch(tmp_path / "in", tmp_path / "out", lambda case: draft_letter(case, options),
                        concurrency=3, on_result=on_result)
    return {result.case: result for result in results}


def letter(tmp_path: Path, case: SyntheticCase) -> Determination:
    return Determination.model_validate_json((tmp_path / "out" / case.name.replace(".txt", ".json")).read_text())


def extraction_marker(case: SyntheticCase) -> str:
    """A phrase of this case's records only: aims a fault at its extraction request."""
    return case.private[-1]  # the sentence with the mechanism and date of injury


def item_marker(case: SyntheticCase, others: list[SyntheticCase]) -> tuple[str, str]:
    """(request, match) for a request no other case has: aims a fault at that item's rationale request."""
    taken = {request for other in others for request in other.requests}
    request = next(request for request in case.requests if request not in taken)
    return request, json.dumps({"item": request})[1:-1]


def others_of(cases: dict[int, SyntheticCase]) -> list[SyntheticCase]:
    return [case for n, case in cases.items() if n != TARGET]


def test_fault_free_batch_is_released_with_llm_rationales(tmp_path, fake, cases):
    results = run(tmp_path, llm_options(fake))
    assert {result.status for result in results.values()} == {"released"}
    for case in cases.values():
        drafted = letter(tmp_path, case)
        assert drafted.audit.backend == "openai"
        assert {item.rationale_source for item in drafted.items} == {"llm"}
    assert fake.calls["extract"] == len(cases)


# ---------------------------------------------------------------------------------------------
# transport faults: bounded retries, then the case fails alone; a rerun finishes it
# ---------------------------------------------------------------------------------------------

TRANSPORT_FAULTS = {Fault.RATE_LIMIT: "HTTP 429", Fault.SERVER_ERROR: "HTTP 500",
                    Fault.SLOW: "within the timeout", Fault.TRUNCATED_BODY: "not complete JSON"}


@pytest.mark.parametrize("kind", ["extract", "rationale"])
@pytest.mark.parametrize("fault", list(TRANSPORT_FAULTS))
def test_persistent_transport_fault_fails_that_case_alone_and_a_rerun_finishes_it(tmp_path, fake, cases, fault,
                                                                                 kind):
    target = cases[TARGET]
    match = extraction_marker(target) if kind == "extract" else item_marker(target, others_of(cases))[1]
    rule = fake.add_rule(fault, kind=kind, match=match)
    first = run(tmp_path, llm_options(fake))

    failed = first[target.name]
    assert failed.status == "failed"
    assert TRANSPORT_FAULTS[fault] in failed.reason and f"after {MAX_ATTEMPTS} attempt(s)" in failed.reason
    assert "\n" not in failed.reason
    assert rule.used == MAX_ATTEMPTS  # bounded: no more attempts than the settings allow
    assert all(first[case.name].status == "released" for case in others_of(cases))
    assert not (tmp_path / "out" / target.name).exists()

    fake.rules.clear()  # the endpoint recovers
    extractions = fake.calls["extract"]
    skipped: list[str] = []
    second = run(tmp_path, llm_options(fake), skipped)
    assert second[target.name].status == "released"
    assert sorted(skipped) == sorted(case.name for case in others_of(cases))
    assert fake.calls["extract"] == extractions + 1  # only the failed case is drafted again
    journal = [json.loads(line) for line in (tmp_path / "out" / JOURNAL_NAME).read_text().splitlines()]
    assert [entry["status"] for entry in journal if entry["case"] == target.name] == ["failed", "released"]


@pytest.mark.parametrize("fault", list(TRANSPORT_FAULTS))
def test_transient_transport_fault_is_retried_and_the_case_released(tmp_path, fake, cases, fault):
    target = cases[TARGET]
    fake.add_rule(fault, kind="extract", match=extraction_marker(target), times=MAX_ATTEMPTS - 1)
    results = run(tmp_path, llm_options(fake))
    assert {result.status for result in results.values()} == {"released"}
    calls = [call.outcome for call in letter(tmp_path, target).audit.llm_calls if call.stage.startswith("extract")]
    assert calls == ["transport_error"] * (MAX_ATTEMPTS - 1) + ["ok"]


def test_retry_after_is_honoured_between_attempts(tmp_path, fake, cases):
    target = cases[TARGET]
    fake.retry_after = "0.3"
    fake.add_rule(Fault.RATE_LIMIT, kind="extract", match=extraction_marker(target), times=2)
    started = time.monotonic()
    results = run(tmp_path, llm_options(fake, backoff_seconds=0.0))
    assert time.monotonic() - started >= 0.6  # two waits of the server's 0.3 s, not the zero backoff
    assert results[target.name].status == "released"


def test_endpoint_down_for_the_whole_batch_fails_every_case_in_bounded_calls(tmp_path, fake, cases):
    fake.add_rule(Fault.SERVER_ERROR)
    results = run(tmp_path, llm_options(fake))
    assert {result.status for result in results.values()} == {"failed"}
    assert fake.calls["total"] == len(cases) * MAX_ATTEMPTS
    fake.rules.clear()
    assert {result.status for result in run(tmp_path, llm_options(fake)).values()} == {"released"}


# ---------------------------------------------------------------------------------------------
# reply faults: bounded re-asks, then the template (rationale) or offline extractor, flagged
# ---------------------------------------------------------------------------------------------

REPLY_FAULTS = [Fault.TRUNCATED_JSON, Fault.LENGTH, Fault.EMPTY_CHOICES]  # a truncated HTTP body: transport


@pytest.mark.parametrize("fault", REPLY_FAULTS)
def test_invalid_rationale_replies_fall_back_to_the_template_for_review(tmp_path, fake, cases, fault):
    target = cases[TARGET]
    request, match = item_marker(target, others_of(cases))
    rule = fake.add_rule(fault, kind="rationale", match=match)
    results = run(tmp_path, llm_options(fake))

    assert results[target.name].status == "needs_review"
    assert all(results[case.name].status == "released" for case in others_of(cases))
    assert rule.used <= 1 + MAX_REASKS
    drafted = {item.item: item for item in letter(tmp_path, target).items}
    item = drafted[request]
    assert item.rationale_source == "template" and item.needs_review
    assert any(reason.startswith("llm_draft:") for reason in item.review_reasons)
    offline = {entry.item: entry.outcome for entry in draft_letter(load_case(tmp_path / "in" / target.name)).items}
    assert {name: entry.outcome for name, entry in drafted.items()} == offline  # the decision holds
    assert all(entry.rationale_source == "llm" for name, entry in drafted.items() if name != request)


def test_truncated_http_bodies_are_retried_as_transport_and_counted_in_the_audit(tmp_path, fake, cases):
    target = cases[TARGET]
    request, match = item_marker(target, others_of(cases))
    rule = fake.add_rule(Fault.TRUNCATED_BODY, kind="rationale", match=match, times=MAX_ATTEMPTS - 1)
    results = run(tmp_path, llm_options(fake))
    assert results[target.name].status == "released"
    drafted = letter(tmp_path, target)
    item = next(item for item in drafted.items if item.item == request)
    assert item.rationale_source == "llm"  # retried as sent, not re-asked as an invalid reply
    calls = [call.outcome for call in drafted.audit.llm_calls if call.stage == "rationale"
             and call.item_id == item.item_id]
    assert calls == ["transport_error"] * rule.used + ["ok"]


@pytest.mark.parametrize("fault", REPLY_FAULTS)
def test_invalid_extraction_replies_fall_back_to_the_offline_extractor_with_a_flag(tmp_path, fake, cases, fault):
    target = cases[TARGET]
    rule = fake.add_rule(fault, kind="extract", match=extraction_marker(target))
    results = run(tmp_path, llm_options(fake))
    assert results[target.name].status != "failed"
    assert rule.used <= 1 + MAX_REASKS
    drafted = letter(tmp_path, target)
    assert "llm-extraction-invalid:offline-extractor-used" in drafted.audit.flags
    offline = draft_letter(load_case(tmp_path / "in" / target.name))
    assert [item.outcome for item in drafted.items] == [item.outcome for item in offline.items]
    assert all(results[case.name].status == "released" for case in others_of(cases))


def test_invalid_case_summary_reply_uses_the_template_paragraph_with_a_flag(tmp_path, fake, cases):
    target = cases[TARGET]
    fake.add_rule(Fault.TRUNCATED_JSON, kind="case_summary", match=item_marker(target, others_of(cases))[0])
    run(tmp_path, llm_options(fake))
    drafted = letter(tmp_path, target)
    assert "llm-case-summary-invalid:template-used" in drafted.audit.flags
    assert drafted.case_summary == draft_letter(load_case(tmp_path / "in" / target.name)).case_summary


# ---------------------------------------------------------------------------------------------
# bad case files: one clear line each, no output, the rest of the batch finishes
# ---------------------------------------------------------------------------------------------


def _pdf_without_text(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with path.open("wb") as handle:
        writer.write(handle)


def _header_case(ur_date: str) -> str:
    return synthetic_case(21).text.replace(synthetic_case(21).text.splitlines()[2], f"UR Denial Date: {ur_date}")


def bad_corpus(folder: Path) -> dict[str, str]:
    """Writes the bad files; returns {file name: the problem its error line must state}."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes(synthetic_case(22).text.replace("clinic", "clínica").encode("latin-1"))
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)  # sparse: 60 MB on paper, nothing on disk
    _pdf_without_text(folder / "scanned.pdf")
    (folder / "broken.json").write_text('{"documents": ["a.txt"], "disputed_items": [')
    (folder / "broken.yaml").write_text("documents:\n  - a.txt\ndisputed_items: [MRI\n  - x: : y\n")
    no_items = synthetic_case(23).text.split("DISPUTED ITEMS")[0]
    (folder / "no-items.txt").write_text(no_items)
    future = date.today() + timedelta(days=400)
    (folder / "future.txt").write_text(_header_case(future.strftime("%m/%d/%Y")))
    (folder / "before-injury.txt").write_text(_header_case("01/05/2019"))
    (folder / "folder-case").mkdir()
    (folder / "folder-case" / "note.txt").write_bytes(b"")
    (folder / "missing-document.yaml").write_text("documents:\n  - progress-note.txt\ndisputed_items:\n  - MRI\n")
    (folder / "old-format.doc").write_bytes(b"\xd0\xcf\x11\xe0 a word processor file")
    return {
        "old-format.doc": "unsupported file type '.doc'",
        "folder-case": "note.txt: is empty",
        "missing-document.yaml": "document 1 ('progress-note.txt') does not exist",
        "empty.txt": "is empty",
        "binary.txt": "is a binary file",
        "latin1.txt": "is not UTF-8 text",
        "huge.txt": "is 60 MiB; the limit is 20 MiB",
        "scanned.pdf": "is a PDF without a text layer",
        "broken.json": "is not valid JSON",
        "broken.yaml": "is not valid YAML",
        "no-items.txt": "lists no disputed items",
        "future.txt": "header field 'ur denial date' is a date in the future",
        "before-injury.txt": "header field 'ur denial date' is before the date of injury",
    }


def test_each_bad_file_gets_one_clear_line_and_no_output_while_the_batch_finishes(tmp_path):
    problems = bad_corpus(tmp_path / "in")
    good = [synthetic_case(n) for n in (1, 2)]
    unknown = synthetic_case(4).text.replace("DISPUTED ITEMS\n", "DISPUTED ITEMS\n- Hyperbaric oxygen therapy x 10 "
                                                                 "sessions\n")
    (tmp_path / "in" / "unknown-service.txt").write_text(unknown)
    for case in good:
        (tmp_path / "in" / case.name).write_text(case.text)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "in"), "-o", str(out), "--backend", "offline"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # an exit, not a crash
    failed_lines = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed_lines) == len(problems)
    for name, problem in problems.items():
        lines = [line for line in failed_lines if line.startswith(f"failed: {name}:")]
        assert len(lines) == 1 and problem in lines[0], (name, lines)
        assert lines[0].count(name) == 1
        assert not list(out.glob(f"{Path(name).stem}.*"))
    for case in good:
        assert json.loads((out / case.name.replace(".txt", ".json")).read_text())["released"] is True
    # a service no rule covers is drafted, that item left to the reviewer, not failed
    drafted = json.loads((out / "unknown-service.json").read_text())
    uncovered = [item for item in drafted["items"] if item["item"].startswith("Hyperbaric")]
    assert drafted["released"] is False and uncovered[0]["outcome"] is None and uncovered[0]["needs_review"]
    assert all(not item["needs_review"] for item in drafted["items"] if item is not uncovered[0])


def test_header_dates_in_the_future_or_before_the_injury_are_rejected_by_ingest(tmp_path):
    ok = tmp_path / "ok.txt"
    ok.write_text(_header_case("01/05/2025"))
    assert load_case(ok).header.ur_denial_date == date(2025, 1, 5)
    for name, ur_date, problem in [("late.txt", date.today() + timedelta(days=1), "is a date in the future"),
                                   ("early.txt", date(2019, 1, 5), "is before the date of injury")]:
        path = tmp_path / name
        path.write_text(_header_case(ur_date.strftime("%m/%d/%Y")))
        with pytest.raises(InputError) as error:
            load_case(path)
        assert str(error.value) == f"{name}: header field 'ur denial date' {problem}"
        assert ur_date.strftime("%m/%d/%Y") not in str(error.value)  # names the field, not the date


def test_batch_command_drafts_through_the_endpoint_named_on_the_command_line(tmp_path, fake, cases):
    target = cases[TARGET]
    fake.add_rule(Fault.SERVER_ERROR, kind="extract", match=extraction_marker(target))
    out = tmp_path / "out"
    environment = {name: None for name in ENV_KEYS} | {"DRAFTER_CONFIG": None, "DRAFTER_MAX_ATTEMPTS": "1"}
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "in"), "-o", str(out), "--base-url", fake.url,
                                      "--model", "fake-model"], env=environment)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert [line for line in result.stderr.splitlines() if line.startswith("failed:")] == [
        f"failed: {target.name}: LLM backend: {fake.url} answered HTTP 500 (after 1 attempt(s))"]
    for case in others_of(cases):
        drafted = json.loads((out / case.name.replace(".txt", ".json")).read_text())
        assert drafted["audit"]["backend"] == "openai" and drafted["audit"]["model"] == "fake-model"


def test_an_output_folder_inside_the_input_folder_is_not_taken_for_a_case(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in (1, 2):
        (folder / synthetic_case(n).name).write_text(synthetic_case(n).text)
    first = run_batch(folder, folder / "letters", draft_letter)
    second = run_batch(folder, folder / "letters", draft_letter)
    assert [result.case for result in first] == [result.case for result in second] == ["case-001.txt", "case-002.txt"]
    assert {result.status for result in second} == {"released"}
