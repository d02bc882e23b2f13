"""The backends suite of `drafter eval`: the LLM backend replayed from cassettes beside the offline one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import REPO
from typer.testing import CliRunner

from drafter.cli import app
from drafter.evaluation.backends import LLMEvalSetup, render_backends_markdown, run_backends_eval

GOLD = REPO / "evals" / "gold"
LLM_EVAL = REPO / "evals" / "llm"


@pytest.fixture(scope="module")
def report() -> dict:
    return run_backends_eval(GOLD, LLMEvalSetup(LLM_EVAL))


def test_every_listed_case_replays_from_its_cassette(report: dict) -> None:
    assert report["llm"]["errors"] == {}
    assert report["metrics"]["llm_cases_replayed"] == 1.0
    assert report["llm"]["cases_run"] == report["offline"]["cases_run"] == len(report["cases"]) >= 4


def test_llm_figures_come_from_the_recorded_model(report: dict) -> None:
    drafting = report["llm"]["drafting"]
    assert drafting["calls"] > 0 and drafting["prompt_tokens"] > 0 and drafting["completion_tokens"] > 0
    assert report["offline"]["drafting"]["calls"] == 0
    extraction = report["llm"]["extraction"]
    assert extraction["extracted"] > 0 and extraction["ungrounded"] == 0  # quotes are verified before use
    # every decided item's rationale was either written by the LLM or fell back to the template
    assert drafting["rationales_by_llm"] + drafting["rationales_fallen_back"] == drafting["items_decided"]


def test_report_sets_the_backends_side_by_side(report: dict) -> None:
    page = render_backends_markdown(report)
    assert "| figure | offline | LLM |" in page
    assert "| extraction recall |" in page and "| rationales fallen back to the template |" in page
    assert "qwen2.5-coder-1.5b-instruct" in page


def copy_setup(tmp_path: Path, stems: list[str]) -> Path:
    folder = tmp_path / "llm"
    shutil.copytree(LLM_EVAL, folder)
    (folder / "cases.txt").write_text("\n".join(stems) + "\n")
    return folder


def first_stem() -> str:
    return LLMEvalSetup(LLM_EVAL).stems()[0]


def test_a_changed_setting_makes_the_replay_fail_loudly(tmp_path: Path) -> None:
    folder = copy_setup(tmp_path, [first_stem()])
    settings = folder / "settings.toml"
    settings.write_text(settings.read_text().replace("max_output_tokens = 1200", "max_output_tokens = 1201"))
    report = run_backends_eval(GOLD, LLMEvalSetup(folder))
    assert report["metrics"]["llm_cases_replayed"] == 0.0
    assert "re-record with `python scripts/record_cassettes.py eval`" in report["llm"]["errors"][first_stem()]


def test_cli_exits_1_when_a_case_has_no_cassette(tmp_path: Path) -> None:
    folder = copy_setup(tmp_path, [first_stem()])
    (folder / "cassettes" / f"{first_stem()}.yaml").unlink()
    result = CliRunner().invoke(app, ["eval", "backends", "--llm-dir", str(folder)])
    assert result.exit_code == 1
    assert "backends.llm_cases_replayed = 0.000 is below its threshold" in result.output
    assert f"no cassette {first_stem()}.yaml" in result.output


def test_cassettes_hold_no_credentials() -> None:
    for path in (LLM_EVAL / "cassettes").glob("*.yaml"):
        text = path.read_text().lower()
        assert "authorization" not in text and "api-key" not in text and "bearer" not in text, path.name
