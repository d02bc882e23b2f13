"""The `drafter` command line: draft letters, or run one stage on saved JSON artifacts."""

from __future__ import annotations

import json
import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import BaseModel, TypeAdapter, ValidationError
from rich.console import Console
from rich.table import Table

from drafter import __version__
from drafter.errors import DrafterError, InputError
from drafter.evaluation.cli import eval_app
from drafter.files import write_atomically
from drafter.models import CaseSummary, Determination, ItemDecision, ReviewerCredentials
from drafter.render import LetterStyle

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Draft California IMR Final Determination Letters for the reviewer who decides and signs them.",
)
app.add_typer(eval_app, name="eval")
err = Console(stderr=True)
Model = TypeVar("Model", bound=BaseModel)


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    docx = "docx"


class Backend(StrEnum):
    offline = "offline"
    openai = "openai"


def main() -> None:
    """Entry point: every DrafterError becomes one line on stderr and exit code 2, never a traceback."""
    try:
        code = app(standalone_mode=False)
    except DrafterError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # a usage error: unknown command or option, bad value
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print(f"[red]error:[/red] {exc.format_message()}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def emit(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
    else:
        write_atomically(output, data)


def load_json_artifact(path: Path, model: type[Model]) -> Model:
    return _load_json(path, TypeAdapter(model))


def load_json_list(path: Path, model: type[Model]) -> list[Model]:
    return _load_json(path, TypeAdapter(list[model]))  # type: ignore[valid-type]


def _load_json(path: Path, adapter: TypeAdapter):
    if not path.is_file():
        raise InputError(path, "no such file")
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "is not UTF-8 text") from None
    if not raw.strip():
        raise InputError(path, "is empty")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise InputError(path, f"does not match the expected artifact: {where}: {first['msg']} "
                         f"({exc.error_count()} problem(s))") from None


def dump_json(value: object) -> bytes:
    if isinstance(value, BaseModel):
        return (value.model_dump_json(indent=2) + "\n").encode("utf-8")
    adapter = TypeAdapter(type(value))
    return adapter.dump_json(value, indent=2) + b"\n"


BackendOpt = Annotated[Backend | None, typer.Option(
    help="offline: no LLM; openai: an OpenAI-compatible endpoint. Default: openai when an API key "
         "(OPENAI_API_KEY, --api-key) or a base URL is set, else offline.")]
BaseUrlOpt = Annotated[str | None, typer.Option(
    help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 (env OPENAI_BASE_URL).")]
ModelOpt = Annotated[str | None, typer.Option(help="Model name (env DRAFTER_MODEL).")]
ApiKeyOpt = Annotated[str | None, typer.Option(help="API key (env OPENAI_API_KEY).")]
JudgeOpt = Annotated[bool | None, typer.Option(
    "--judge/--no-judge", help="openai backend: an LLM judge reads each rationale and flags it when it reads "
    "as the other outcome (a second opinion, never a decision; env DRAFTER_JUDGE).")]
ConfigOpt = Annotated[Path | None, typer.Option(help="TOML file with an \\[llm] table (env DRAFTER_CONFIG).")]
LicensureOpt = Annotated[str, typer.Option(help="Reviewer's state(s) of licensure.")]
SpecialtyOpt = Annotated[str, typer.Option(help="Reviewer's certification/specialty.")]
OrganizationOpt = Annotated[str | None, typer.Option(help="Reviewing organization's name.")]
BoilerplateOpt = Annotated[Path | None, typer.Option(
    help="File with the organization's own 'how the determination was made' text.")]


def draft_options(backend: Backend | None, base_url: str | None, model: str | None, api_key: str | None,
                  config: Path | None, licensure: str, specialty: str, judge: bool | None = None):
    """The pipeline options of `draft` and `batch`: the backend's settings and the reviewer's credentials."""
    from drafter.pipeline import DraftOptions
    from drafter.settings import load_settings

    settings = load_settings(config, backend=backend.value if backend else None, base_url=base_url, model=model,
                             api_key=api_key, judge=judge)
    if settings.judge and settings.backend != "openai":
        raise DrafterError("--judge needs the openai backend: the judge is an LLM reading each rationale")
    return DraftOptions(reviewer=ReviewerCredentials(licensure=licensure, specialty=specialty),
                        backend=settings.backend, llm=settings)


# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------


@app.command()
def draft(
    cases: Annotated[list[Path], typer.Argument(help="Case files (.txt .md .pdf .docx), folders or manifests.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Output file (one case) or folder (several).")] = None,
    backend: BackendOpt = None,
    base_url: BaseUrlOpt = None,
    model: ModelOpt = None,
    api_key: ApiKeyOpt = None,
    config: ConfigOpt = None,
    judge: JudgeOpt = None,
    licensure: LicensureOpt = "California",
    specialty: SpecialtyOpt = "Physical Medicine & Rehabilitation",
    organization: OrganizationOpt = None,
    boilerplate: BoilerplateOpt = None,
) -> None:
    """Draft the Final Determination Letter for each case."""
    from drafter.ingest import load_case
    from drafter.pipeline import draft_letter
    from drafter.render import SUFFIXES, render_bytes

    style = LetterStyle.from_options(organization, boilerplate)
    options = draft_options(backend, base_url, model, api_key, config, licensure, specialty, judge)
    several = len(cases) > 1
    if several and output is not None and output.exists() and not output.is_dir():
        raise DrafterError(f"{output.name}: several cases need an output folder, not a file")
    if (several or fmt is Format.docx) and output is None:
        raise DrafterError("--output is required for several cases or for --format docx")

    failures = 0
    for case_path in cases:
        try:
            case = load_case(case_path)
            determination = draft_letter(case, options)
        except DrafterError as exc:
            if not several:
                raise
            failures += 1
            err.print(f"[red]failed:[/red] {exc}", highlight=False, soft_wrap=True)
            continue
        data = render_bytes(determination, fmt.value, style)
        target = output
        if several and output is not None:
            target = output / f"{determination.case_number or case.case_id}{SUFFIXES[fmt.value]}"
        emit(data, target)
        _report_status(determination, target)
    if failures:
        raise typer.Exit(2)


def _report_status(determination: Determination, target: Path | None) -> None:
    pending = [item for item in determination.items if item.needs_review]
    state = "[green]released[/green]" if determination.released else f"[yellow]needs review[/yellow] " \
        f"({len(pending)} of {len(determination.items)} items)"
    where = f" -> {target}" if target else ""
    err.print(f"{determination.case_number or 'case'}: {state}; backend {determination.audit.backend}{where}",
              highlight=False)


@app.command()
def batch(
    input_dir: Annotated[Path, typer.Argument(help="Folder with one case per file, manifest or sub-folder.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder (also holds the journal).")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Letter format (a JSON copy is always written).")]
    = Format.text,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Cases drafted at once.")] = 4,
    backend: BackendOpt = None,
    base_url: BaseUrlOpt = None,
    model: ModelOpt = None,
    api_key: ApiKeyOpt = None,
    config: ConfigOpt = None,
    judge: JudgeOpt = None,
    licensure: LicensureOpt = "California",
    specialty: SpecialtyOpt = "Physical Medicine & Rehabilitation",
    organization: OrganizationOpt = None,
    boilerplate: BoilerplateOpt = None,
) -> None:
    """Draft every case in a folder; a killed run resumes where it stopped. Exit 1 if any case failed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from drafter.batch import find_cases, run_batch
    from drafter.logs import log_to_file
    from drafter.pipeline import draft_letter

    style = LetterStyle.from_options(organization, boilerplate)
    options = draft_options(backend, base_url, model, api_key, config, licensure, specialty, judge)
    total = len(find_cases(input_dir, exclude=output))
    output.mkdir(parents=True, exist_ok=True)
    handler = log_to_file(output / "batch.log")
    counts = {"released": 0, "needs_review": 0, "failed": 0, "skipped": 0}
    failures: list[tuple[str, str]] = []
    try:
        with Progress(TextColumn("drafting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err) as progress:
            task = progress.add_task("cases", total=total)

            def on_result(result, skipped: bool) -> None:
                counts["skipped" if skipped else result.status] += 1
                if result.status == "failed":
                    failures.append((result.case, result.reason or ""))
                progress.advance(task)

            run_batch(input_dir, output, lambda case: draft_letter(case, options), fmt=fmt.value, style=style,
                      concurrency=concurrency, on_result=on_result)
    finally:
        logging.getLogger("drafter").removeHandler(handler)
        handler.close()
    table = Table("released", "needs review", "failed", "already done", title=f"Batch {input_dir.name}")
    table.add_row(str(counts["released"]), str(counts["needs_review"]), str(counts["failed"]),
                  str(counts["skipped"]))
    err.print(table)
    for case, reason in sorted(failures):
        line = reason if reason.startswith(f"{case}:") else f"{case}: {reason}"  # input errors name the file
        err.print(f"[red]failed:[/red] {line}", highlight=False, soft_wrap=True)
    if failures:
        raise typer.Exit(1)


@app.command()
def extract(
    case: Annotated[Path, typer.Argument(help="Case file, folder or manifest.")],
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Extract the case summary (facts with their quotes) as JSON."""
    from drafter.extract.offline import extract_offline
    from drafter.ingest import load_case

    emit(dump_json(extract_offline(load_case(case))), output)


@app.command()
def decide(
    summary: Annotated[Path, typer.Argument(help="Case summary JSON (from `drafter extract`, maybe corrected).")],
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Decide every disputed item of a saved case summary by the guideline rules."""
    from drafter.decide import decide as decide_items

    decisions = decide_items(load_json_artifact(summary, CaseSummary))
    emit(dump_json(decisions), output)


@app.command()
def check(
    letter: Annotated[Path, typer.Argument(help="The letter as drafted and maybe edited by the reviewer: JSON "
                                                "(`drafter draft -f json`), text or markdown.")],
    summary: Annotated[Path, typer.Option(help="The case summary JSON the letter rests on.")],
    decisions: Annotated[Path | None, typer.Option(help="Decisions JSON; decided afresh when omitted.")] = None,
    case: Annotated[Path | None, typer.Option(help="The case file, so that details cited from the records "
                                                   "count as grounded.")] = None,
    reviewer_name: Annotated[list[str] | None, typer.Option(
        help="A name that must not appear in the letter (repeatable).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write the letter (JSON) with updated checks here.")] = None,
) -> None:
    """Run the consistency checks on a (reviewer-edited) letter. Exit 1 when any item fails."""
    from drafter.decide import decide as decide_items
    from drafter.ingest import load_case
    from drafter.pipeline import DraftOptions, assemble
    from drafter.recheck import apply_edits, read_edited_letter, recheck

    records = [doc.text for doc in load_case(case).documents] if case else []
    case_summary = load_json_artifact(summary, CaseSummary)
    item_decisions = load_json_list(decisions, ItemDecision) if decisions else decide_items(case_summary)
    if letter.suffix.lower() == ".json":
        determination = load_json_artifact(letter, Determination)
    else:
        drafted = assemble(case_summary, item_decisions, DraftOptions(), input_sha256="")
        determination = apply_edits(drafted, read_edited_letter(letter), letter)
    result, rechecked = recheck(determination, case_summary, item_decisions, records, tuple(reviewer_name or ()))

    table = Table("item", "letter's outcome", "rule's outcome", "checks", title=f"Consistency checks: {letter.name}")
    for entry in rechecked:
        item = entry.item
        stated = item.outcome.value if item.outcome else "-"
        rule = entry.rule_outcome.value if entry.rule_outcome else "-"
        differs = "[yellow]" + rule + " (differs)[/yellow]" if entry.rule_outcome != item.outcome else rule
        failed = "; ".join(item.review_reasons)
        table.add_row(item.item, stated, differs, "[green]pass[/green]" if not failed else f"[red]{failed}[/red]")
    err.print(table)
    if output is not None:
        emit(dump_json(result), output)
    if not result.released:
        raise typer.Exit(1)


@app.command()
def render(
    letter: Annotated[Path, typer.Argument(help="Determination JSON.")],
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    organization: Annotated[str | None, typer.Option(help="Reviewing organization's name.")] = None,
    boilerplate: Annotated[Path | None, typer.Option(help="Organization's own boilerplate text file.")] = None,
) -> None:
    """Render a saved Determination JSON as a letter."""
    from drafter.render import render_bytes

    if fmt is Format.docx and output is None:
        raise DrafterError("--output is required for --format docx")
    determination = load_json_artifact(letter, Determination)
    emit(render_bytes(determination, fmt.value, LetterStyle.from_options(organization, boilerplate)), output)


@app.command()
def schemas(
    check_only: Annotated[bool, typer.Option("--check", help="Fail if the schema files drift from the models.")]
    = False,
    directory: Annotated[Path | None, typer.Option("--dir", help="Schema folder (default: the shipped one).")]
    = None,
) -> None:
    """Write the JSON Schemas of the artifacts, or check that they match the models."""
    from drafter.schemas import drifted_schemas, shipped_schema_dir, write_schemas

    folder = directory or shipped_schema_dir()
    if check_only:
        drifted = drifted_schemas(folder)
        if drifted:
            err.print(f"[red]schemas drifted from the models:[/red] {', '.join(drifted)} "
                      "(run `drafter schemas --dir schemas`)")
            raise typer.Exit(1)
        err.print("schemas match the models")
        return
    for path in write_schemas(folder):
        err.print(f"wrote {path}")


@app.command()
def guidelines(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable listing.")] = False,
) -> None:
    """List the service categories the rules cover, their criteria and citations."""
    from drafter.guidelines.registry import RULES_VERSION, describe_rules

    rules = describe_rules()
    if as_json:
        emit(json.dumps({"rules_version": RULES_VERSION, "rules": rules}, indent=2).encode() + b"\n", None)
        return
    console = Console()
    console.print(f"[bold]Guideline rules[/bold] (version {RULES_VERSION}, {len(rules)} categories)")
    for rule in rules:
        console.print(f"\n[bold]{rule['category']}[/bold]: {rule.get('title', '')}")
        if rule.get("citation"):
            console.print(f"  {rule['citation']}")
        for criterion in rule.get("criteria", []):
            console.print(f"  - {criterion.get('id', '')}: {criterion.get('requirement', '')}", highlight=False)


@app.command()
def version() -> None:
    """Print the tool version."""
    typer.echo(__version__)
