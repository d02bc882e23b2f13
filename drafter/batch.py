"""Batch drafting: every case of a folder, concurrently, journaled so that a killed run resumes.

The journal (`journal.jsonl` in the output folder) gets one line per finished case, written and
fsynced after the case's files are in place. On restart a case whose journal line says it was drafted
from the same input (same sha256) and whose files still exist is skipped; everything else is drafted
again. So no finished case is lost and none is drafted twice.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from drafter.errors import DrafterError, InputError
from drafter.files import write_atomically
from drafter.ingest import DOCUMENT_SUFFIXES, MANIFEST_SUFFIXES, load_case
from drafter.models import Determination
from drafter.render import SUFFIXES, LetterStyle, render_bytes, render_json

JOURNAL_NAME = "journal.jsonl"
log = logging.getLogger("drafter.batch")
log.addHandler(logging.NullHandler())  # without a configured log, failures are not printed to stderr by logging


@dataclass(frozen=True)
class CaseResult:
    case: str  # the input's name inside the batch folder
    status: str  # released | needs_review | failed
    case_id: str | None = None
    input_sha256: str | None = None
    outputs: tuple[str, ...] = ()
    reason: str | None = None


def find_cases(folder: Path, exclude: Path | None = None) -> list[Path]:
    """Each file or sub-folder directly inside `folder` (hidden ones and `exclude` aside), in name order.

    A file of an unsupported type is a case too, so that it fails with a line saying so instead of
    being passed over in silence.
    """
    if not folder.is_dir():
        raise InputError(folder, "is not a folder")
    skip = exclude.resolve() if exclude is not None else None
    cases = [p for p in sorted(folder.iterdir()) if not p.name.startswith(".") and p.resolve() != skip]
    if not any(p.is_dir() or p.suffix.lower() in DOCUMENT_SUFFIXES | MANIFEST_SUFFIXES for p in cases):
        raise InputError(folder, "holds no case files")
    return cases


class Journal:
    """Append-only record of finished cases; thread-safe; each line durable before the next case."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self.done: dict[str, CaseResult] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                    result = CaseResult(**{**entry, "outputs": tuple(entry.get("outputs", ()))})
                except (json.JSONDecodeError, TypeError):
                    continue  # a line torn by a kill mid-write: that case is simply drafted again
                self.done[result.case] = result

    def finished(self, case: str, out_dir: Path) -> CaseResult | None:
        result = self.done.get(case)
        if result is None or result.status == "failed":
            return None
        if not all((out_dir / name).exists() for name in result.outputs):
            return None
        return result

    def record(self, result: CaseResult) -> None:
        line = json.dumps(asdict(result), sort_keys=True) + "\n"
        with self._lock:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            self.done[result.case] = result


def run_batch(
    input_dir: Path,
    out_dir: Path,
    draft: Callable[..., Determination],
    fmt: str = "text",
    style: LetterStyle | None = None,
    concurrency: int = 4,
    on_result: Callable[[CaseResult, bool], None] | None = None,
) -> list[CaseResult]:
    """Draft every case not already finished; returns one result per case (skipped ones included).

    `draft(case_file)` drafts one case; `on_result(result, skipped)` is called as each case ends.
    """
    cases = find_cases(input_dir, exclude=out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    journal = Journal(out_dir / JOURNAL_NAME)
    results: dict[str, CaseResult] = {}
    pending = []
    for path in cases:
        previous = journal.finished(path.name, out_dir)
        if previous is not None:
            results[path.name] = previous
            if on_result:
                on_result(previous, True)
        else:
            pending.append(path)

    def work(path: Path) -> CaseResult:
        started = time.monotonic()
        result, facts, level = draft_one(path)
        journal.record(result)
        log.log(level, "case finished", extra={"case_id": result.case_id, "status": result.status,
                                               "input_sha256": result.input_sha256,
                                               "seconds": round(time.monotonic() - started, 3), **facts})
        return result

    def draft_one(path: Path) -> tuple[CaseResult, dict[str, object], int]:
        """The case's result, what the log may say about it (counts and types, never text), the log level."""
        try:
            case = load_case(path)
        except DrafterError as exc:
            return (CaseResult(case=path.name, status="failed", reason=str(exc)),
                    {"error_type": type(exc).__name__}, logging.WARNING)
        try:
            determination = draft(case)
            stem = path.stem if path.is_file() else path.name
            outputs = {f"{stem}{SUFFIXES[fmt]}": render_bytes(determination, fmt, style)}
            if fmt != "json":
                outputs[f"{stem}.json"] = render_json(determination).encode("utf-8")
            for name, data in outputs.items():
                write_atomically(out_dir / name, data)
        except DrafterError as exc:
            return (CaseResult(case=path.name, status="failed", case_id=case.case_id,
                               input_sha256=case.input_sha256, reason=str(exc)),
                    {"error_type": type(exc).__name__}, logging.WARNING)
        except Exception as exc:  # one broken case must not stop the batch; log its type, never its text
            return (CaseResult(case=path.name, status="failed", case_id=case.case_id,
                               input_sha256=case.input_sha256, reason=f"internal error ({type(exc).__name__})"),
                    {"error_type": type(exc).__name__}, logging.ERROR)
        status = "released" if determination.released else "needs_review"
        return (CaseResult(case=path.name, status=status, case_id=case.case_id, input_sha256=case.input_sha256,
                           outputs=tuple(sorted(outputs))), draft_facts(determination), logging.INFO)

    log.info("batch started", extra={"cases": len(cases), "skipped": len(cases) - len(pending)})
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = {pool.submit(work, path): path for path in pending}
        for future in as_completed(futures):
            result = future.result()
            results[result.case] = result
            if on_result:
                on_result(result, False)
    log.info("batch finished", extra={"cases": len(cases), "skipped": len(cases) - len(pending),
                                      "failed": sum(r.status == "failed" for r in results.values())})
    return [results[path.name] for path in cases]


def draft_facts(determination: Determination) -> dict[str, object]:
    """Log fields of a drafted case: backend, item counts, LLM attempts and tokens."""
    calls = determination.audit.llm_calls
    return {"backend": determination.audit.backend, "items": len(determination.items),
            "items_for_review": sum(item.needs_review for item in determination.items),
            "llm_calls": len(calls), "prompt_tokens": sum(call.prompt_tokens for call in calls),
            "completion_tokens": sum(call.completion_tokens for call in calls)}
