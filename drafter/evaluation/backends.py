"""The backends suite: the LLM backend beside the offline one, on a subset of the synthetic gold cases.

The LLM backend's traffic is replayed from cassettes in evals/llm/cassettes/ (one per case), recorded
against a real OpenAI-compatible server with the settings in evals/llm/settings.toml. Replay matches
each request on method, path and body, so a prompt, schema, rule or settings change makes the replay
fail loudly (the case is reported as not replayed) until the cassettes are re-recorded with
`python scripts/record_cassettes.py eval`. Only synthetic cases are recorded: the real letters never
leave this machine, so this suite runs on evals/gold/, not on the dev letters.

For each backend the suite reports extraction precision and recall against the gold facts, decision
agreement with the gold outcomes, and how the rationales were drafted: written by the LLM and passed
by the consistency checks (first time or after a re-ask), or fallen back to the template and flagged.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import DrafterError, InputError
from drafter.evaluation.extraction import LoadedGold, load_gold, run_extraction_eval
from drafter.models import CaseFile, CaseSummary, Determination
from drafter.pipeline import Drafted, DraftOptions, draft_case
from drafter.settings import Settings, load_settings

# One definition for recording and replay (tests/conftest.py uses it too). The credentials headers are
# dropped from every recording.
VCR_OPTIONS = {
    "match_on": ["method", "path", "body"],
    "filter_headers": ["authorization", "api-key", "openai-organization", "cookie"],
    "decode_compressed_response": True,
}
RERECORD = "python scripts/record_cassettes.py eval"


@dataclass(frozen=True)
class LLMEvalSetup:
    """Where the recorded LLM traffic of the suite lives: the settings it was recorded with, the gold
    cases it covers (cases.txt: one gold stem per line, # comments) and one cassette per case."""

    folder: Path

    @property
    def settings_file(self) -> Path:
        return self.folder / "settings.toml"

    @property
    def cassettes(self) -> Path:
        return self.folder / "cassettes"

    def cassette(self, stem: str) -> Path:
        return self.cassettes / f"{stem}.yaml"

    def stems(self) -> list[str]:
        listing = self.folder / "cases.txt"
        if not listing.is_file():
            raise InputError(listing, "not found: it lists the gold cases the LLM backend is evaluated on")
        stems = [line.split("#", 1)[0].strip() for line in listing.read_text(encoding="utf-8").splitlines()]
        return [stem for stem in stems if stem]

    def settings(self) -> Settings:
        return load_settings(self.settings_file, env={}, backend="openai")


@dataclass
class BackendRun:
    """What one backend made of each case: the summary it extracted and the letter it drafted."""

    backend: str
    summaries: dict[str, CaseSummary] = field(default_factory=dict)
    letters: dict[str, Determination] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    """Cases not drafted, and why."""
    extraction_failures: dict[str, str] = field(default_factory=dict)
    """Cases whose extraction gave no valid reply (the pipeline then used the offline extractor)."""
    seconds: float = 0.0


@contextmanager
def cassette(path: Path, record: bool) -> Iterator[None]:
    """Replay `path` (a request it does not hold fails), or record it afresh from the live server."""
    import vcr  # the dev extra: the suite is unavailable without it

    if record:
        path.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    with vcr.VCR(record_mode="all" if record else "none", **VCR_OPTIONS).use_cassette(str(path)):
        yield


def keep(run: BackendRun, stem: str, drafted: Drafted) -> None:
    """File one case's result: its letter, and its summary unless the LLM extraction fell back."""
    run.letters[stem] = drafted.letter
    if drafted.extraction_error is None:
        run.summaries[stem] = drafted.summary
    else:
        run.extraction_failures[stem] = drafted.extraction_error


def run_offline(cases: dict[str, LoadedGold]) -> BackendRun:
    run = BackendRun("offline")
    started = time.perf_counter()
    for stem, loaded in cases.items():
        keep(run, stem, draft_case(loaded.case))
    run.seconds = time.perf_counter() - started
    return run


def run_llm(cases: dict[str, LoadedGold], setup: LLMEvalSetup, record: bool = False) -> BackendRun:
    """Each case through the LLM backend inside its cassette. A case whose replay fails goes to `errors`
    (nothing extracted, nothing drafted); one whose LLM extraction gives no valid reply goes to
    `extraction_failures` (nothing extracted; its letter uses the offline extractor, as the pipeline does)."""
    settings = setup.settings()
    options = DraftOptions(backend="openai", llm=settings)
    run = BackendRun(f"openai ({settings.model})")
    started = time.perf_counter()
    for stem, loaded in cases.items():
        path = setup.cassette(stem)
        if not record and not path.is_file():
            run.errors[stem] = f"no cassette {path.name}: record it with `{RERECORD}`"
            continue
        try:
            with cassette(path, record):
                keep(run, stem, draft_case(loaded.case, options))
        except DrafterError as exc:
            hint = "" if record else (f" (a request {path.name} does not hold: prompts, rules or settings changed "
                                      f"since it was recorded; re-record with `{RERECORD}`)")
            run.errors[stem] = f"{exc}{hint}"
    run.seconds = time.perf_counter() - started
    return run


def drafting_figures(run: BackendRun, stems: list[str]) -> dict:
    """How the rationales of the drafted letters came about, and what the LLM calls cost."""
    letters = [run.letters[stem] for stem in stems if stem in run.letters]
    decided = by_llm = first_attempt = fallen_back = passing = 0
    for letter in letters:
        attempts = Counter(call.item_id for call in letter.audit.llm_calls if call.stage == "rationale")
        for item in letter.items:
            if item.outcome is None:
                continue
            decided += 1
            passing += not item.needs_review
            if item.rationale_source == "llm":
                by_llm += 1
                first_attempt += attempts[item.item_id] == 1
            elif attempts[item.item_id]:
                fallen_back += 1
    calls = [call for letter in letters for call in letter.audit.llm_calls]
    return {
        "letters": len(letters),
        "letters_released": sum(letter.released for letter in letters),
        "items": sum(len(letter.items) for letter in letters),
        "items_decided": decided,
        "items_needing_review": sum(item.needs_review for letter in letters for item in letter.items),
        "rationales_by_llm": by_llm,
        "rationales_by_llm_first_attempt": first_attempt,
        "rationales_fallen_back": fallen_back,
        "rationales_passing_checks": passing,
        "calls": len(calls),
        "calls_invalid": sum(call.outcome != "ok" for call in calls),
        "prompt_tokens": sum(call.prompt_tokens for call in calls),
        "completion_tokens": sum(call.completion_tokens for call in calls),
    }


def outcome_agreement(first: BackendRun, second: BackendRun, stems: list[str]) -> dict:
    """Items both backends drafted, and those whose outcome or guideline differs between them."""
    compared = differ = 0
    differences = []
    for stem in stems:
        if stem not in first.letters or stem not in second.letters:
            continue
        for one, other in zip(first.letters[stem].items, second.letters[stem].items, strict=True):
            compared += 1
            if (one.outcome, one.guideline) != (other.outcome, other.guideline):
                differ += 1
                differences.append({"case": stem, "item": one.item,
                                    first.backend: one.outcome.value if one.outcome else None,
                                    second.backend: other.outcome.value if other.outcome else None})
    return {"items": compared, "same": compared - differ,
            "share_same": round((compared - differ) / compared, 4) if compared else None,
            "differences": differences}


def backend_report(run: BackendRun, gold_dir: Path, stems: list[str], by_sha: dict[str, str]) -> dict:
    """The gold suite's extraction and decision figures for the summaries `run` extracted, plus drafting."""

    def extracted(case: CaseFile) -> CaseSummary:
        stem = by_sha[case.input_sha256]
        if stem not in run.summaries:
            raise DrafterError(run.extraction_failures.get(stem) or run.errors.get(stem, "not run"))
        return run.summaries[stem]

    gold = run_extraction_eval(gold_dir, extractor=extracted, cases=stems)
    return {
        "backend": run.backend,
        "cases": len(stems),
        "cases_run": len(run.letters),
        "seconds": round(run.seconds, 2),
        "extraction": gold["overall"],
        "decisions": gold["decisions"].get("on_extracted_facts"),
        "drafting": drafting_figures(run, stems),
        "errors": run.errors,
        "extraction_failures": run.extraction_failures,
    }


def run_backends_eval(gold_dir: Path, setup: LLMEvalSetup, record: bool = False) -> dict:
    """Both backends on the cases of `setup` (JSON-serializable report with a flat `metrics` mapping)."""
    stems = setup.stems()
    cases = {stem: load_gold(Path(gold_dir) / f"{stem}.gold.yaml") for stem in stems}
    by_sha = {loaded.case.input_sha256: stem for stem, loaded in cases.items()}
    offline, llm = run_offline(cases), run_llm(cases, setup, record)
    offline_report = backend_report(offline, gold_dir, stems, by_sha)
    llm_report = backend_report(llm, gold_dir, stems, by_sha)
    drafting = llm_report["drafting"]
    decided = drafting["items_decided"]
    agreement = outcome_agreement(offline, llm, stems)
    return {
        "suite": "backends",
        "cases": stems,
        "settings": {"model": llm.backend, "recorded_with": setup.settings_file.name},
        "offline": offline_report,
        "llm": llm_report,
        "agreement": agreement,
        "metrics": {
            "llm_cases_replayed": round(len(llm.letters) / len(stems), 4) if stems else None,
            "llm_precision": llm_report["extraction"]["precision"],
            "llm_recall": llm_report["extraction"]["recall"],
            "llm_decision_agreement": (llm_report["decisions"] or {}).get("agreement"),
            "llm_rationales_accepted": round(drafting["rationales_by_llm"] / decided, 4) if decided else None,
            "offline_llm_outcomes_same": agreement["share_same"],
        },
    }


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def render_backends_markdown(report: dict) -> str:
    """The backends suite as a markdown page: the two backends side by side."""
    offline, llm = report["offline"], report["llm"]
    rows = [
        ("cases drafted", lambda r: f"{r['cases_run']}/{r['cases']}"),
        ("extraction precision", lambda r: _pct(r["extraction"]["precision"])),
        ("extraction recall", lambda r: _pct(r["extraction"]["recall"])),
        ("facts extracted (ungrounded, polarity errors)",
         lambda r: f"{r['extraction']['extracted']} ({r['extraction']['ungrounded']}, "
                   f"{r['extraction']['polarity_errors']})"),
        ("decision agreement with gold", lambda r: _pct((r["decisions"] or {}).get("agreement"))),
        ("letters released", lambda r: f"{r['drafting']['letters_released']}/{r['drafting']['letters']}"),
        ("rationales written by the LLM (first attempt)",
         lambda r: f"{r['drafting']['rationales_by_llm']} ({r['drafting']['rationales_by_llm_first_attempt']})"),
        ("rationales fallen back to the template", lambda r: str(r["drafting"]["rationales_fallen_back"])),
        ("items needing the reviewer", lambda r: f"{r['drafting']['items_needing_review']}/{r['drafting']['items']}"),
        ("LLM calls (invalid replies)", lambda r: f"{r['drafting']['calls']} ({r['drafting']['calls_invalid']})"),
        ("tokens in / out", lambda r: f"{r['drafting']['prompt_tokens']} / {r['drafting']['completion_tokens']}"),
    ]
    agreement = report["agreement"]
    lines = [
        f"# Offline and LLM backends on {len(report['cases'])} synthetic gold cases",
        "",
        f"LLM: {report['settings']['model']}, replayed from cassettes recorded with "
        f"evals/llm/{report['settings']['recorded_with']}. Cases: {', '.join(report['cases'])}.",
        "",
        "| figure | offline | LLM |",
        "| --- | --- | --- |",
        *(f"| {label} | {value(offline)} | {value(llm)} |" for label, value in rows),
        "",
        f"Same outcome and guideline from both backends: {agreement['same']}/{agreement['items']} items.",
    ]
    for difference in agreement["differences"]:
        lines.append(f"- {difference['case']}, {difference['item']}: " + ", ".join(
            f"{key} {value or 'no outcome'}" for key, value in difference.items() if key not in {"case", "item"}))
    for label, result in (("offline", offline), ("LLM", llm)):
        for stem, problem in result["errors"].items():
            lines.append(f"- {label} backend did not draft {stem}: {problem}")
        for stem, problem in result["extraction_failures"].items():
            lines.append(f"- {label} backend, {stem}: {problem} (its letter used the offline extractor)")
    return "\n".join(lines) + "\n"
