"""The command line end to end, as a user runs it: letters, stage commands, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from helpers import EXAMPLES, REPO


def drafter(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "drafter", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def thoracic_letter(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("letter") / "letter.json"
    result = drafter("draft", EXAMPLES / "thoracic-strain.txt", "--format", "json", "-o", out)
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text())


def items_by_request(letter: dict) -> dict[str, dict]:
    return {item["item"]: item for item in letter["items"]}


def criterion(item: dict, criterion_id: str) -> dict:
    return next(c for c in item["criteria"] if c["criterion_id"] == criterion_id)


def test_readme_command_prints_a_complete_letter_without_an_api_key():
    result = drafter("draft", EXAMPLES / "thoracic-strain.txt")
    assert result.returncode == 0, result.stderr
    letter = result.stdout
    for section in ("HOW THE IMR FINAL DETERMINATION WAS MADE", "CLINICAL CASE SUMMARY",
                    "IMR ISSUES, DECISIONS AND RATIONALES", "DOCUMENTS REVIEWED"):
        assert section in letter
    for request in ("MRI of the thoracic spine", "Acupuncture 2x a week for 4 weeks", "Norco 10/325mg #60",
                    "Naproxen 550mg #60", "Flexeril 10mg #30"):
        assert f"{request}: Upheld" in letter
        assert f"The request for {request} is not medically necessary." in letter
    assert "29" in letter.split("CLINICAL CASE SUMMARY")[1].split("IMR ISSUES")[0]
    assert "backend offline" in result.stderr


def test_example_outcomes_follow_mtus_with_the_criteria_shown(thoracic_letter):
    items = items_by_request(thoracic_letter)
    mri = items["MRI of the thoracic spine"]
    assert mri["outcome"] == "upheld"
    assert mri["guideline"].startswith("Decision based on MTUS Neck and Upper Back Complaints")
    decisive = [c for c in mri["criteria"] if c["decisive"]]
    assert decisive and all(c["status"] != "met" for c in decisive)

    acupuncture = items["Acupuncture 2x a week for 4 weeks"]
    assert acupuncture["outcome"] == "upheld"
    trial = criterion(acupuncture, "initial_trial_size")
    assert trial["status"] == "not_met" and trial["decisive"]
    assert "8" in trial["finding"]

    relaxant = items["Flexeril 10mg #30"]
    assert relaxant["outcome"] == "upheld"
    assert any(c["status"] == "not_met" and c["decisive"] and c["evidence"] for c in relaxant["criteria"])


def test_lumbar_mri_with_objective_radiculopathy_after_failed_therapy_is_overturned(tmp_path):
    out = tmp_path / "letter.json"
    assert drafter("draft", EXAMPLES / "lumbar-radiculopathy.txt", "-f", "json", "-o", out).returncode == 0
    mri = items_by_request(json.loads(out.read_text()))["MRI of the lumbar spine without contrast"]
    assert mri["outcome"] == "overturned"
    assert mri["criteria"] and all(c["status"] == "met" for c in mri["criteria"])
    assert mri["rationale"].endswith("is medically necessary.")
    quotes = " ".join(e["quote"] for c in mri["criteria"] for e in c["evidence"]).lower()
    assert "sensation" in quotes and "4/5" in quotes and "reflex" in quotes


def test_json_letter_validates_against_the_schema_and_records_the_audit(thoracic_letter):
    schema = json.loads((REPO / "schemas" / "determination.schema.json").read_text())
    jsonschema.validate(thoracic_letter, schema)
    audit = thoracic_letter["audit"]
    assert audit["backend"] == "offline" and len(audit["input_sha256"]) == 64 and audit["rules_version"]


def test_drafting_is_reproducible_byte_for_byte(tmp_path):
    first = drafter("draft", EXAMPLES / "thoracic-strain.txt", "-f", "json")
    second = drafter("draft", EXAMPLES / "thoracic-strain.txt", "-f", "json")
    assert first.stdout == second.stdout


@pytest.mark.parametrize("fmt", ["markdown", "docx"])
def test_other_formats_are_written(tmp_path, fmt):
    out = tmp_path / f"letter.{fmt}"
    result = drafter("draft", EXAMPLES / "shoulder-manifest", "-f", fmt, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000


def test_several_cases_go_to_a_folder_and_a_bad_one_fails_alone(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    out = tmp_path / "out"
    result = drafter("draft", EXAMPLES / "thoracic-strain.txt", bad, EXAMPLES / "knee-chronic-opioids.txt", "-o", out)
    assert result.returncode == 2
    assert "empty.txt: is empty" in result.stderr
    assert len(list(out.glob("*.txt"))) == 2


def test_bad_input_is_one_line_exit_2_and_no_output_file(tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"\x00\x01binary")
    out = tmp_path / "letter.txt"
    result = drafter("draft", bad, "-o", out)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {bad.name}: is not a readable PDF (PdfStreamError)"]
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (("draft", "--no-such-option", "case.txt"), "No such option: --no-such-option"),
    (("eval", "no-such-suite"), "No such command 'no-such-suite'"),
    (("draft", "--format", "pdf", "case.txt"), "Invalid value for '--format'"),
])
def test_a_mistyped_command_line_is_a_usage_error_not_a_traceback(args, message):
    result = drafter(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_stage_commands_round_trip_and_a_corrected_summary_changes_the_decision(tmp_path):
    summary_path, decisions_path = tmp_path / "summary.json", tmp_path / "decisions.json"
    assert drafter("extract", EXAMPLES / "thoracic-strain.txt", "-o", summary_path).returncode == 0
    assert drafter("decide", summary_path, "-o", decisions_path).returncode == 0
    decisions = json.loads(decisions_path.read_text())
    assert [d["outcome"] for d in decisions] == ["upheld"] * 5

    # A reviewer corrects the summary: the records in fact show a lost reflex and dermatomal sensory loss.
    summary = json.loads(summary_path.read_text())
    quote = summary["neuro_findings"][0]["evidence"] if summary["neuro_findings"] else summary["diagnoses"][0][
        "evidence"]
    for finding in ("sensory_deficit", "reflex_change", "motor_weakness"):
        summary["neuro_findings"].append({"finding": finding, "present": True, "body_region": "thoracic",
                                          "detail": "corrected by reviewer", "evidence": quote})
    summary["neuro_findings"] = [f for f in summary["neuro_findings"] if f["present"]]
    summary_path.write_text(json.dumps(summary))
    redecided = json.loads(drafter("decide", summary_path).stdout)
    mri = redecided[0]
    neuro = next(c for c in mri["criteria"] if c["status"] == "met" and c["evidence"])
    assert neuro  # the corrected facts now count for the MRI criteria


def test_check_catches_a_reviewer_edit_that_contradicts_the_decision(tmp_path, thoracic_letter):
    summary_path, letter_path = tmp_path / "summary.json", tmp_path / "letter.json"
    assert drafter("extract", EXAMPLES / "thoracic-strain.txt", "-o", summary_path).returncode == 0
    letter_path.write_text(json.dumps(thoracic_letter))
    ok = drafter("check", letter_path, "--summary", summary_path)
    assert ok.returncode == 0, ok.stderr

    edited = json.loads(json.dumps(thoracic_letter))
    edited["items"][0]["rationale"] = edited["items"][0]["rationale"].replace("is not medically necessary",
                                                                              "is medically necessary")
    letter_path.write_text(json.dumps(edited))
    out = tmp_path / "checked.json"
    failed = drafter("check", letter_path, "--summary", summary_path, "-o", out)
    assert failed.returncode == 1
    checked = json.loads(out.read_text())
    assert checked["released"] is False and checked["items"][0]["needs_review"] is True


def test_malformed_artifact_is_a_clear_error(tmp_path):
    broken = tmp_path / "summary.json"
    broken.write_text('{"case_id": "x"')
    result = drafter("decide", broken)
    assert result.returncode == 2
    assert "summary.json: is not valid JSON" in result.stderr
    broken.write_text('{"case_id": "x"}')
    result = drafter("decide", broken)
    assert result.returncode == 2 and "does not match the expected artifact" in result.stderr


def test_guidelines_listing_shows_categories_criteria_and_citations():
    result = drafter("guidelines", "--json")
    assert result.returncode == 0
    listing = json.loads(result.stdout)
    categories = {rule["category"] for rule in listing["rules"]}
    assert {"acupuncture", "opioids", "nsaids", "muscle_relaxants", "mri_spine"} <= categories
    assert all(rule["criteria"] and rule["citation"] for rule in listing["rules"])


def test_check_reads_a_reviewer_edited_text_letter(tmp_path):
    summary_path, letter_path = tmp_path / "summary.json", tmp_path / "letter.txt"
    assert drafter("extract", EXAMPLES / "thoracic-strain.txt", "-o", summary_path).returncode == 0
    assert drafter("draft", EXAMPLES / "thoracic-strain.txt", "-o", letter_path).returncode == 0
    assert drafter("check", letter_path, "--summary", summary_path).returncode == 0

    # The reviewer overrules the rule on Flexeril and rewrites the conclusion to match: consistent, so it
    # passes, and the difference from the rule's outcome is shown.
    text = letter_path.read_text()
    text = text.replace("Flexeril 10mg #30: Upheld", "Flexeril 10mg #30: Overturned")
    text = text.replace("The request for Flexeril 10mg #30 is not medically necessary.",
                        "The request for Flexeril 10mg #30 is medically necessary.")
    letter_path.write_text(text)
    result = drafter("check", letter_path, "--summary", summary_path)
    assert result.returncode == 0, result.stderr
    assert "differs" in result.stderr

    # An edit that leaves the rationale contradicting its own outcome is caught.
    letter_path.write_text(text.replace("The request for Naproxen 550mg #60 is not medically necessary.",
                                        "The request for Naproxen 550mg #60 is medically necessary."))
    failed = drafter("check", letter_path, "--summary", summary_path)
    assert failed.returncode == 1
    assert "conclusion" in failed.stderr
