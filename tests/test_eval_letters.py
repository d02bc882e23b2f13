"""The letters suite: parsing Final Determination letters into case inputs, matching, and the run.

Synthetic letters below are written for these tests; the dev-set tests read the real letters at run time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from drafter.evaluation.letters import (
    DraftedItem,
    DraftedLetter,
    LetterFormatError,
    case_text,
    item_request,
    letter_files,
    letters_result,
    load_gold,
    match_items,
    parse_letter,
    run_letters,
    write_predictions,
)
from drafter.ingest import load_case

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "imr-letters" / "dev"

SYNTHETIC = """Case Number: CM00-0000042
Date Assigned: 03/02/2020
Date of Injury: 05/14/2018
Decision Date: 04/01/2020
UR Denial Date: 02/20/2020
Priority: Standard
Application Received: 02/25/2020

HOW THE IMR FINAL DETERMINATION WAS MADE

A reviewer with no ties to the parties looked at the file.

CLINICAL CASE SUMMARY

A physician wrote this clinical case summary based on what the file showed: A 44 year old \
warehouse clerk strained the lower back lifting boxes.

Therapy visits so far: eight, with less pain while walking.

IMR ISSUES, DECISIONS AND RATIONALES

Items decided in this review:

Lumbar MRI without dye: Upheld

Claims Administrator guideline: Decision based on MTUS Imaging Rules 2031.

MAXIMUS guideline: Decision based on MTUS Red Flag Rules 2031, Section(s): Scans.

Decision rationale: Purple elephants recite sonnets beside the quiet harbor at dawn. Not medically necessary.

Aquatic therapy ten visits was the original request. Aquatic therapy four visits got UR approval. \
The remaining IMR eligible portion of the original request, Aquatic therapy six visits is: Overturned

Claims Administrator guideline: Decision based on MTUS Pool Therapy Rules 2031.

MAXIMUS guideline: Decision based on Non-MTUS Citation Water Guidelines, Spine Chapter.

Decision rationale: Seven copper kettles whistle a tune about autumn rain. Medically necessary.

Knee brace was the original request. The UR allowed a fitting visit instead, so the original \
request stays IMR eligible. The original request, Knee brace: Upheld

Claims Administrator guideline: No citation given.

MAXIMUS guideline: Decision based on MTUS Brace Rules 2031.

Decision rationale: Marmalade clouds drift over the violet canyon slowly. Not medically necessary.
"""

GOLD_LINES = [
    {"letter": "901", "item": "Lumbar MRI without dye", "decision": "upheld",
     "guideline": "Decision based on MTUS Red Flag Rules 2031, Section(s): Scans.",
     "claims_administrator_guideline": "Decision based on MTUS Imaging Rules 2031.", "rationale": "x"},
    {"letter": "901", "item": "Aquatic therapy 6 visits", "decision": "overturned",
     "guideline": "Decision based on MTUS Chronic Pain Medical Treatment 2016.",
     "claims_administrator_guideline": None, "rationale": "x"},
    {"letter": "901", "item": "Knee brace", "decision": "upheld", "guideline": None,
     "claims_administrator_guideline": None, "rationale": "x"},
    {"letter": "902", "item": "Anything", "decision": "upheld", "guideline": None,
     "claims_administrator_guideline": None, "rationale": "x"},
]


def _write_set(tmp_path: Path) -> tuple[Path, Path]:
    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "901.txt").write_text(SYNTHETIC, encoding="utf-8")
    (letters / "902.txt").write_text("Case Number: CM00-1\n\nNo sections here.\n", encoding="utf-8")
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(line) + "\n" for line in GOLD_LINES), encoding="utf-8")
    return letters, items


def test_synthetic_letter_becomes_a_case_with_requests_and_ur_guidelines(tmp_path):
    letters, _ = _write_set(tmp_path)
    letter = parse_letter(letters / "901.txt")
    assert [item.request for item in letter.items] == ["Lumbar MRI without dye", "Aquatic therapy six visits",
                                                       "Knee brace"]
    assert letter.items[0].ur_guideline == "Decision based on MTUS Imaging Rules 2031."
    assert letter.summary.startswith("A 44 year old warehouse clerk")
    text = case_text(letter)
    assert "Decision Date" not in text and "Priority" not in text
    for leaked in ("Upheld", "Overturned", "MAXIMUS", "Purple elephants", "copper kettles", "Red Flag",
                   "Water Guidelines", "Brace Rules", "physician wrote"):
        assert leaked not in text
    case_path = tmp_path / "901-case.txt"
    case_path.write_text(text, encoding="utf-8")
    case = load_case(case_path)
    assert case.header.case_number == "CM00-0000042"
    assert str(case.header.ur_denial_date) == "2020-02-20"
    assert [item.request for item in case.disputed_items] == [item.request for item in letter.items]
    assert case.disputed_items[1].ur_guideline == "Decision based on MTUS Pool Therapy Rules 2031."


def test_an_item_without_a_ur_guideline_paragraph_is_still_found(tmp_path):
    text = SYNTHETIC.replace("Claims Administrator guideline: No citation given.\n\n", "")
    path = tmp_path / "903.txt"
    path.write_text(text, encoding="utf-8")
    items = parse_letter(path).items
    assert [item.request for item in items][-1] == "Knee brace"
    assert items[-1].ur_guideline is None and len(items) == 3


def test_item_request_drops_the_decision_and_keeps_colons_inside_the_item():
    assert item_request("Lidocaine patch: 5% #30: Overturned") == "Lidocaine patch: 5% #30"
    assert item_request("Home exercise kit is: Upheld") == "Home exercise kit"
    assert item_request("Physical therapy 2 times\na week: Upheld") == "Physical therapy 2 times a week"


def test_a_file_without_the_letter_layout_is_a_clear_error(tmp_path):
    letters, _ = _write_set(tmp_path)
    with pytest.raises(LetterFormatError, match="902.txt"):
        parse_letter(letters / "902.txt")


def test_match_items_pairs_identical_then_similar_items_one_to_one():
    gold = ["Norco 10/325 #60", "Aquatic therapy 6 visits", "Something never drafted"]
    drafted = ["Aquatic therapy six visits", "NORCO 10/325  #60.", "Lumbar MRI"]
    assert match_items(gold, drafted) == {0: 1, 1: 0}


def _fake_drafter(case_path: Path):
    case = load_case(case_path)
    items = [DraftedItem(outcome="overturned" if "therapy" in item.request else "upheld",
                         guideline="Decision based on MTUS Chronic Pain Medical Treatment 2016.",
                         category="therapy" if "therapy" in item.request else "other",
                         failed_checks=("conclusion",) if "brace" in item.request else ())
             for item in case.disputed_items]
    return DraftedLetter(items=items, released=True, backend="fake")


def test_run_gives_one_prediction_per_gold_item_and_records_bad_letters(tmp_path):
    letters, items = _write_set(tmp_path)
    dump = tmp_path / "cases"
    run = run_letters(letters, items, drafter=_fake_drafter, dump_dir=dump)
    assert [(p.letter, p.item, p.predicted) for p in run.predictions] == [
        ("901", "Lumbar MRI without dye", "upheld"),
        ("901", "Aquatic therapy 6 visits", "overturned"),
        ("901", "Knee brace", "upheld"),
        ("902", "Anything", None),
    ]
    assert "902" in run.errors
    assert run.backends == ["fake"]
    assert run.failed_checks == {"conclusion": 1}
    assert sorted(p.name for p in dump.iterdir()) == ["901.txt"]
    result = letters_result(run)
    assert result["metrics"]["coverage"] == pytest.approx(0.75)
    assert result["metrics"]["overturn_recall"] == 1.0
    out = tmp_path / "predictions.jsonl"
    write_predictions(run.predictions, out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[1] == {"letter": "901", "item": "Aquatic therapy 6 visits", "predicted": "overturned",
                       "guideline_cited": "Decision based on MTUS Chronic Pain Medical Treatment 2016.",
                       "released": True, "category": "therapy"}


def test_a_pipeline_crash_is_recorded_without_its_message_and_the_run_goes_on(tmp_path):
    letters, items = _write_set(tmp_path)

    def crashing(case_path: Path):
        raise RuntimeError("text of the case that must not reach the report")

    run = run_letters(letters, items, drafter=crashing)
    assert run.errors["901"].startswith("crashed: RuntimeError")
    assert "text of the case" not in run.errors["901"]
    assert [p.predicted for p in run.predictions] == [None] * len(GOLD_LINES)


def test_an_endpoint_failure_stops_the_run_instead_of_scoring_an_outage(tmp_path):
    from drafter.errors import BackendError

    letters, items = _write_set(tmp_path)

    def unreachable(case_path: Path):
        raise BackendError("endpoint unreachable")

    with pytest.raises(BackendError):
        run_letters(letters, items, drafter=unreachable)


# ---------------------------------------------------------------------------------------------
# the real dev letters (read at run time, never copied)
# ---------------------------------------------------------------------------------------------

needs_dev = pytest.mark.skipif(not (DEV / "items.jsonl").is_file(), reason="dev letters not present")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str], size: int = 12) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


@needs_dev
def test_every_dev_letter_becomes_a_readable_case_without_decision_content(tmp_path):
    gold = load_gold(DEV / "items.jsonl")
    by_letter: dict[str, list] = {}
    for item in gold:
        by_letter.setdefault(item.letter, []).append(item)
    for path in letter_files(DEV / "letters"):
        letter = parse_letter(path)
        assert letter.items and letter.summary.strip(), path.name
        text = case_text(letter)
        case_path = tmp_path / path.name
        case_path.write_text(text, encoding="utf-8")
        case = load_case(case_path)
        assert len(case.disputed_items) == len(letter.items), path.name
        assert not re.search(r"\b(upheld|overturned)\b", text, re.IGNORECASE), path.name
        assert "MAXIMUS" not in text and "Decision rationale" not in text, path.name
        ur_guidelines = {item.ur_guideline for item in letter.items}
        # Rationales repeat the summary, the request and the UR's guideline; nothing else may reach the case.
        raw = path.read_text(encoding="utf-8")
        allowed = _runs(_words(raw.split("IMR ISSUES, DECISIONS AND RATIONALES")[0]))
        for item in by_letter.get(path.stem, []):
            allowed |= _runs(_words(item.item)) | _runs(_words(item.claims_administrator_guideline or ""))
        text_runs = _runs(_words(text))
        for item in by_letter.get(path.stem, []):
            if item.guideline and not any(item.guideline in (ur or "") for ur in ur_guidelines):
                assert item.guideline not in text, (path.name, item.item)
            leaked = (_runs(_words(item.rationale)) & text_runs) - allowed
            assert not leaked, (path.name, item.item)


@needs_dev
def test_every_dev_gold_item_matches_a_parsed_item():
    gold = load_gold(DEV / "items.jsonl")
    by_letter: dict[str, list[str]] = {}
    for item in gold:
        by_letter.setdefault(item.letter, []).append(item.item)
    for stem, items in by_letter.items():
        letter = parse_letter(DEV / "letters" / f"{stem}.txt")
        assert len(letter.items) == len(items), stem
        assert len(match_items(items, [i.request for i in letter.items])) == len(items), stem


def _dev_subset(tmp_path: Path, count: int = 6) -> tuple[Path, list[dict]]:
    """A small folder in the dev layout, copied at run time (never into the repository)."""
    root = tmp_path / "subset"
    (root / "letters").mkdir(parents=True)
    files = letter_files(DEV / "letters")[:count]
    for path in files:
        (root / "letters" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    stems = {path.stem for path in files}
    rows = [json.loads(line) for line in (DEV / "items.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows = [row for row in rows if row["letter"] in stems]
    (root / "items.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return root, rows


@needs_dev
def test_eval_letters_command_end_to_end_on_a_dev_subset(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from drafter.evaluation.cli import eval_app

    root, rows = _dev_subset(tmp_path)
    monkeypatch.setenv("DRAFTER_LETTERS_DIR", str(root))
    lenient = tmp_path / "lenient.toml"
    lenient.write_text("[letters]\ncoverage = 0.0\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(eval_app, [
        "letters", "--predictions", str(out / "preds.jsonl"), "--dump-cases", str(out / "cases"),
        "--report", str(out / "report.md"), "--json", str(out / "result.json"), "--thresholds", str(lenient)])
    assert result.exit_code == 0, result.output
    predictions = [json.loads(line) for line in (out / "preds.jsonl").read_text().splitlines()]
    assert [(p["letter"], p["item"]) for p in predictions] == [(r["letter"], r["item"]) for r in rows]
    assert all(p["predicted"] in ("upheld", "overturned", None) for p in predictions)
    assert sorted(p.name for p in (out / "cases").iterdir()) == sorted(p.name for p in (root / "letters").iterdir())
    figures = json.loads((out / "result.json").read_text())["letters"]
    assert figures["items"] == len(rows) and figures["errors"] == {}
    assert figures["baseline"]["kappa"] == 0.0
    assert "always-upheld" in (out / "report.md").read_text()

    strict = tmp_path / "strict.toml"
    strict.write_text("[letters]\ncoverage = 1.01\n", encoding="utf-8")
    failing = CliRunner().invoke(eval_app, ["letters", "--thresholds", str(strict)])
    assert failing.exit_code == 1


@needs_dev
def test_eval_without_subcommand_runs_every_suite_and_a_missing_suite_fails_its_thresholds(tmp_path, monkeypatch):
    import sys

    from typer.testing import CliRunner

    from drafter.evaluation.cli import eval_app

    root, _ = _dev_subset(tmp_path, count=4)
    lenient = tmp_path / "lenient.toml"
    lenient.write_text("[letters]\ncoverage = 0.0\n[gate]\naccept = 0.0\n", encoding="utf-8")
    out = tmp_path / "all.json"
    result = CliRunner().invoke(eval_app, ["--letters", str(root), "--thresholds", str(lenient), "--json", str(out)])
    assert result.exit_code == 0, result.output
    suites = json.loads(out.read_text())
    assert set(suites) == {"letters", "gate", "extraction", "backends"}
    assert suites["gate"]["metrics"]["accept"] is not None
    assert any(name.startswith("catch_") for name in suites["gate"]["metrics"])
    assert suites["extraction"]["metrics"]["recall"] is not None

    monkeypatch.setitem(sys.modules, "drafter.evaluation.gate", None)  # the gate code cannot be imported
    missing = CliRunner().invoke(eval_app, ["all", "--letters", str(root), "--thresholds", str(lenient)])
    assert missing.exit_code == 1


def test_data_paths_resolve_from_a_set_folder_or_a_letters_folder_and_fail_clearly(tmp_path, monkeypatch):
    from drafter.errors import InputError
    from drafter.evaluation.cli import resolve_data

    letters, items = _write_set(tmp_path)
    assert resolve_data(tmp_path, None) == (letters, items)
    assert resolve_data(letters, None) == (letters, items)
    monkeypatch.setenv("DRAFTER_LETTERS_DIR", str(tmp_path))
    assert resolve_data(None, None) == (letters, items)
    items.unlink()
    with pytest.raises(InputError, match="items.jsonl"):
        resolve_data(None, None)
    with pytest.raises(InputError, match="nowhere"):
        resolve_data(tmp_path / "nowhere", None)
