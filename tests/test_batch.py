"""Batch drafting: one bad case fails alone, a killed run resumes without losing or redoing work."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from drafter.batch import JOURNAL_NAME, run_batch
from drafter.models import AuditRecord, CaseFile, Determination

CASE = """Case Number: CM99-00000{n:02d}
Date of Injury: 01/02/2016

=== Progress report | 10/01/2016 ===
Neck pain 4/10 after a fall at work.

DISPUTED ITEMS
- MRI of the cervical spine
"""


def make_cases(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"case-{n:02d}.txt").write_text(CASE.format(n=n))


def fake_draft(case: CaseFile) -> Determination:
    """A stand-in for the pipeline: the batch machinery is under test here, not the drafting."""
    return Determination(case_number=case.case_id, header=case.header, reviewer={}, case_summary="Summary.",
                         items=[], documents_reviewed=[], released=True,
                         audit=AuditRecord(tool_version="t", rules_version="r", input_sha256=case.input_sha256,
                                           backend="fake"))


def test_every_case_is_drafted_and_journaled(tmp_path):
    make_cases(tmp_path / "in", 5)
    results = run_batch(tmp_path / "in", tmp_path / "out", fake_draft, concurrency=3)
    assert [r.status for r in results] == ["released"] * 5
    assert sorted(p.name for p in (tmp_path / "out").glob("case-*.txt")) == [f"case-{n:02d}.txt" for n in range(5)]
    assert len((tmp_path / "out" / JOURNAL_NAME).read_text().splitlines()) == 5
    letter = json.loads((tmp_path / "out" / "case-03.json").read_text())
    assert letter["case_number"] == "CM99-0000003"


def test_bad_case_fails_alone_with_its_reason(tmp_path):
    make_cases(tmp_path / "in", 3)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "broken.json").write_text("{")
    results = {r.case: r for r in run_batch(tmp_path / "in", tmp_path / "out", fake_draft)}
    assert results["empty.txt"].status == "failed" and "empty.txt: is empty" in results["empty.txt"].reason
    assert results["broken.json"].status == "failed" and "not valid JSON" in results["broken.json"].reason
    assert [results[f"case-{n:02d}.txt"].status for n in range(3)] == ["released"] * 3
    assert not (tmp_path / "out" / "empty.txt").exists()


def test_a_crash_inside_drafting_fails_that_case_only(tmp_path):
    make_cases(tmp_path / "in", 3)

    def flaky(case: CaseFile) -> Determination:
        if case.case_id.endswith("01"):
            raise RuntimeError("boom")
        return fake_draft(case)

    results = {r.case: r for r in run_batch(tmp_path / "in", tmp_path / "out", flaky)}
    assert results["case-01.txt"].status == "failed"
    assert results["case-01.txt"].reason == "internal error (RuntimeError)"
    assert results["case-02.txt"].status == "released"


def test_rerun_skips_finished_cases_and_retries_failed_ones(tmp_path):
    make_cases(tmp_path / "in", 4)
    calls: list[str] = []

    def counting(case: CaseFile) -> Determination:
        calls.append(case.case_id)
        if case.case_id.endswith("02") and calls.count(case.case_id) == 1:
            raise RuntimeError("transient")
        return fake_draft(case)

    run_batch(tmp_path / "in", tmp_path / "out", counting)
    second = run_batch(tmp_path / "in", tmp_path / "out", counting)
    assert sorted(calls) == sorted([f"CM99-00000{n:02d}" for n in range(4)] + ["CM99-0000002"])
    assert all(r.status == "released" for r in second)


def test_killed_run_resumes_with_no_case_lost_or_drafted_twice(tmp_path):
    make_cases(tmp_path / "in", 6)
    log = tmp_path / "drafted.log"
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from test_batch import fake_draft
        from drafter.batch import run_batch
        log = Path({str(log)!r})
        def draft(case):
            with log.open("a") as handle:
                handle.write(case.case_id + "\\n")
            if sys.argv[1] == "kill" and len(log.read_text().splitlines()) == 4:
                os.kill(os.getpid(), signal.SIGKILL)
            return fake_draft(case)
        run_batch(Path({str(tmp_path / "in")!r}), Path({str(tmp_path / "out")!r}), draft, concurrency=1)
    """)
    killed = subprocess.run([sys.executable, "-c", script, "kill"], capture_output=True)
    assert killed.returncode != 0
    assert len((tmp_path / "out" / JOURNAL_NAME).read_text().splitlines()) == 3
    resumed = subprocess.run([sys.executable, "-c", script, "resume"], capture_output=True)
    assert resumed.returncode == 0, resumed.stderr
    drafted = log.read_text().splitlines()
    # the case being drafted when the run was killed is drafted again; the three finished ones are not
    assert sorted(set(drafted)) == [f"CM99-00000{n:02d}" for n in range(6)]
    assert len(drafted) == 7
    assert len((tmp_path / "out" / JOURNAL_NAME).read_text().splitlines()) == 6
    assert not list((tmp_path / "out").glob(".*"))  # no half-written temp files left behind
