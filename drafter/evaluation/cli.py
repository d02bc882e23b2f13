"""`drafter eval`: measure the tool against real expert reviewers and the synthetic gold sets.

`drafter eval` (or `drafter eval all`) runs every suite, prints one table, writes the reports asked
for and exits 1 when a figure is below its threshold in evals/thresholds.toml; `drafter eval letters`
runs the letters suite alone.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from drafter.errors import DrafterError, InputError
from drafter.evaluation.letters import letters_result, pipeline_drafter, run_letters, write_predictions
from drafter.evaluation.report import (
    Limits,
    load_limits,
    markdown_report,
    shortfalls,
    summary_table,
    write_json,
    write_markdown,
)


def project_root() -> Path:
    """The repository holding evals/: the current folder or one above it (the eval suite is run from a
    checkout), else the source tree of an editable install."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "evals" / "thresholds.toml").is_file():
            return folder
    return Path(__file__).resolve().parents[2]


REPO = project_root()
DEFAULT_DEV = REPO.parent / "shared" / "data" / "imr-letters" / "dev"
DEFAULT_THRESHOLDS = REPO / "evals" / "thresholds.toml"
DEFAULT_GOLD = REPO / "evals" / "gold"
DEFAULT_LLM_EVAL = REPO / "evals" / "llm"
LETTERS_ENV = "DRAFTER_LETTERS_DIR"

eval_app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Measure decisions against real expert reviewers, the consistency gate and the extractor.",
)
console = Console()
err = Console(stderr=True)


class Backend(StrEnum):
    offline = "offline"
    openai = "openai"


LettersOpt = Annotated[Path | None, typer.Option(
    "--letters", help=f"Folder of letters (or the folder holding letters/ and items.jsonl); default: ${LETTERS_ENV} "
    "or the dev set next to the repository.")]
ItemsOpt = Annotated[Path | None, typer.Option("--items", help="items.jsonl with the reviewers' decisions.")]
ReportOpt = Annotated[Path | None, typer.Option("--report", help="Write the markdown report here.")]
JsonOpt = Annotated[Path | None, typer.Option("--json", help="Write the results as JSON here.")]
BackendOpt = Annotated[Backend, typer.Option(help="Pipeline backend for the letters suite.")]
GoldOpt = Annotated[Path | None, typer.Option(
    "--gold", help="Gold set of the extraction suite (default: evals/gold of the repository).")]
LLMDirOpt = Annotated[Path | None, typer.Option(
    "--llm-dir", help="Settings, case list and cassettes of the backends suite (default: evals/llm).")]
ThresholdsOpt = Annotated[Path | None, typer.Option(
    "--thresholds", help="Thresholds file (default: evals/thresholds.toml of the repository).")]


def resolve_data(letters: Path | None, items: Path | None) -> tuple[Path, Path]:
    """The letters folder and items file from the options, $DRAFTER_LETTERS_DIR or the default dev set."""
    root = letters or (Path(os.environ[LETTERS_ENV]) if os.environ.get(LETTERS_ENV) else DEFAULT_DEV)
    letters_dir = root / "letters" if (root / "letters").is_dir() else root
    if not letters_dir.is_dir():
        raise InputError(letters_dir, f"is not a folder of letters (use --letters or set {LETTERS_ENV})")
    items_file = items or next((p for p in (root / "items.jsonl", letters_dir.parent / "items.jsonl")
                                if p.is_file()), root / "items.jsonl")
    if not items_file.is_file():
        raise InputError(items_file, "no such items file (use --items)")
    return letters_dir, items_file


def resolve_limits(path: Path | None) -> Limits:
    if path is not None:
        return load_limits(path)
    if DEFAULT_THRESHOLDS.is_file():
        return load_limits(DEFAULT_THRESHOLDS)
    raise InputError(DEFAULT_THRESHOLDS, "not found: run `drafter eval` from the repository or pass --thresholds")


def letters_suite(letters_dir: Path, items_file: Path, backend: Backend, predictions: Path | None = None,
                  dump_cases: Path | None = None) -> dict:
    run = run_letters(letters_dir, items_file, drafter=pipeline_drafter(backend.value), dump_dir=dump_cases)
    if predictions is not None:
        write_predictions(run.predictions, predictions)
    result = letters_result(run)
    if run.backends and run.backends != [backend.value]:
        err.print(f"[yellow]asked for the {backend.value} backend; the letters were drafted with "
                  f"{', '.join(run.backends)}[/yellow]")
    return result


def as_suite(result: Mapping, headline: Mapping[str, tuple[str, ...]]) -> dict:
    """The suite's result with a flat `metrics` mapping for the table and the thresholds, picked from
    the result by path (`headline`: metric name -> keys leading to the figure; missing -> None)."""
    metrics = {}
    for name, path in headline.items():
        value: object = result
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        metrics[name] = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return {**result, "metrics": metrics}


# The extraction suite's headline figures (its report holds the per-field detail).
EXTRACTION_HEADLINE = {
    "precision": ("overall", "precision"),
    "recall": ("overall", "recall"),
    "decision_agreement": ("decisions", "on_extracted_facts", "agreement"),
    "decision_agreement_gold_facts": ("decisions", "on_gold_facts", "agreement"),
}


def unavailable(suite: str, exc: ImportError) -> dict:
    """A suite whose code cannot be imported: no figures, so each of its thresholds counts as missed."""
    reason = f"cannot import {exc.name or 'its module'}"
    err.print(f"[yellow]{suite} suite not run: {reason}[/yellow]")
    return {"metrics": {}, "unavailable": reason}


def gate_headline(report: Mapping) -> dict[str, tuple[str, ...]]:
    """The gate suite's headline figures: real rationales accepted, and the share caught per corruption."""
    headline = {"accept": ("real_accepted_share",)}
    for kind in report.get("corruptions", {}):
        headline[f"catch_{kind}"] = ("corruptions", kind, "caught_share")
    return headline


def optional_suites(letters_dir: Path, items_file: Path, gold_dir: Path, llm_dir: Path
                    ) -> tuple[dict[str, dict], dict[str, Callable]]:
    """The gate, extraction and backends suites; one whose module cannot be imported is reported as not
    run."""
    results: dict[str, dict] = {}
    renderers: dict[str, Callable] = {}
    try:
        gate = importlib.import_module("drafter.evaluation.gate")
    except ImportError as exc:
        results["gate"] = unavailable("gate", exc)
    else:
        report = gate.run_gate_eval(letters_dir, items_file)
        results["gate"] = as_suite(report, gate_headline(report))
        renderers["gate"] = gate.render_gate_markdown
    try:
        extraction = importlib.import_module("drafter.evaluation.extraction")
    except ImportError as exc:
        results["extraction"] = unavailable("extraction", exc)
    else:
        results["extraction"] = as_suite(extraction.run_extraction_eval(gold_dir), EXTRACTION_HEADLINE)
        renderers["extraction"] = extraction.render_extraction_markdown
    try:
        results["backends"] = backends_suite(gold_dir, llm_dir)
    except ImportError as exc:
        results["backends"] = unavailable("backends", exc)
    else:
        renderers["backends"] = importlib.import_module("drafter.evaluation.backends").render_backends_markdown
    return results, renderers


def backends_suite(gold_dir: Path, llm_dir: Path, record: bool = False) -> dict:
    """The LLM backend beside the offline one, replayed from cassettes (ImportError without the dev extra)."""
    backends = importlib.import_module("drafter.evaluation.backends")
    importlib.import_module("vcr")
    return backends.run_backends_eval(gold_dir, backends.LLMEvalSetup(llm_dir), record=record)


def finish(results: dict[str, dict], limits: Limits, report: Path | None, json_out: Path | None,
           renderers: Mapping[str, Callable] | None = None) -> None:
    """Print the table, write the reports, exit 1 when a figure is below its threshold."""
    console.print(summary_table(results, limits))
    letters = results.get("letters")
    if letters:
        console.print(f"letters suite: {letters['letters']} letters, {letters['items']} items in "
                      f"{letters['seconds']:.1f} s; {len(letters['errors'])} letters not scored", highlight=False)
        for stem, problem in list(letters["errors"].items())[:10]:
            err.print(f"[yellow]not scored:[/yellow] {stem}: {problem}", highlight=False, soft_wrap=True)
    backends = results.get("backends")
    if backends and not backends.get("unavailable"):
        for stem, problem in backends["llm"]["errors"].items():
            err.print(f"[yellow]LLM backend did not draft[/yellow] {stem}: {problem}", highlight=False, soft_wrap=True)
    if report is not None:
        write_markdown(markdown_report(results, limits, renderers), report)
        err.print(f"wrote {report}")
    if json_out is not None:
        write_json(results, json_out)
        err.print(f"wrote {json_out}")
    failing = shortfalls(results, limits)
    for shortfall in failing:
        err.print(f"[red]below threshold:[/red] {shortfall}", highlight=False)
    if failing:
        raise typer.Exit(1)


def run_all(letters: Path | None, items: Path | None, report: Path | None, json_out: Path | None,
            backend: Backend, thresholds: Path | None, gold_dir: Path | None, llm_dir: Path | None) -> None:
    limits = resolve_limits(thresholds)
    letters_dir, items_file = resolve_data(letters, items)
    results = {"letters": letters_suite(letters_dir, items_file, backend)}
    others, renderers = optional_suites(letters_dir, items_file, gold_dir or DEFAULT_GOLD,
                                        llm_dir or DEFAULT_LLM_EVAL)
    results.update(others)
    finish(results, limits, report, json_out, renderers)


@eval_app.callback(invoke_without_command=True)
def eval_main(ctx: typer.Context, letters: LettersOpt = None, items: ItemsOpt = None, report: ReportOpt = None,
              json_out: JsonOpt = None, backend: BackendOpt = Backend.offline,
              thresholds: ThresholdsOpt = None, gold: GoldOpt = None, llm_dir: LLMDirOpt = None) -> None:
    """Run every suite (same as `drafter eval all`); exit 1 if a figure is below its threshold."""
    if ctx.invoked_subcommand is None:
        run_all(letters, items, report, json_out, backend, thresholds, gold, llm_dir)


@eval_app.command("all")
def eval_all(letters: LettersOpt = None, items: ItemsOpt = None, report: ReportOpt = None,
             json_out: JsonOpt = None, backend: BackendOpt = Backend.offline,
             thresholds: ThresholdsOpt = None, gold: GoldOpt = None, llm_dir: LLMDirOpt = None) -> None:
    """Run every suite; exit 1 if a figure is below its threshold."""
    run_all(letters, items, report, json_out, backend, thresholds, gold, llm_dir)


@eval_app.command("letters")
def eval_letters(
    letters: LettersOpt = None,
    items: ItemsOpt = None,
    predictions: Annotated[Path | None, typer.Option(
        "--predictions", help="Write one prediction per gold item here (JSON lines).")] = None,
    dump_cases: Annotated[Path | None, typer.Option(
        "--dump-cases", help="Write each letter's case input here (<stem>.txt).")] = None,
    report: ReportOpt = None,
    json_out: JsonOpt = None,
    backend: BackendOpt = Backend.offline,
    thresholds: ThresholdsOpt = None,
) -> None:
    """Decide the disputed items of real letters and compare with the expert reviewers' decisions."""
    limits = resolve_limits(thresholds)
    letters_dir, items_file = resolve_data(letters, items)
    if dump_cases is not None and dump_cases.exists() and not dump_cases.is_dir():
        raise DrafterError(f"{dump_cases.name}: --dump-cases needs a folder")
    result = letters_suite(letters_dir, items_file, backend, predictions, dump_cases)
    finish({"letters": result}, limits, report, json_out)


@eval_app.command("backends")
def eval_backends(
    gold: GoldOpt = None,
    llm_dir: LLMDirOpt = None,
    report: ReportOpt = None,
    json_out: JsonOpt = None,
    thresholds: ThresholdsOpt = None,
) -> None:
    """The LLM backend beside the offline one on synthetic gold cases, replayed from cassettes
    (re-recorded with `python scripts/record_cassettes.py eval`)."""
    limits = resolve_limits(thresholds)
    backends = importlib.import_module("drafter.evaluation.backends")
    result = backends_suite(gold or DEFAULT_GOLD, llm_dir or DEFAULT_LLM_EVAL)
    finish({"backends": result}, limits, report, json_out, {"backends": backends.render_backends_markdown})
