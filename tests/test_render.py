"""Rendering: the Final Determination layout in text, markdown, docx and JSON."""

from __future__ import annotations

import io
import json
from datetime import date

import docx
import jsonschema
import pytest
from helpers import REPO

from drafter.models import (
    AuditRecord,
    CaseHeader,
    CheckResult,
    CriterionResult,
    CriterionStatus,
    Determination,
    DeterminationItem,
    DocumentRef,
    Evidence,
    Outcome,
    ReviewerCredentials,
)
from drafter.render import LetterStyle, render_bytes, render_markdown, render_text


def make_determination(released: bool = True) -> Determination:
    criterion = CriterionResult(
        criterion_id="initial-trial-size", requirement="An initial trial is 3 to 6 treatments.",
        status=CriterionStatus.NOT_MET, finding="Eight sessions were requested as an initial trial.",
        evidence=[Evidence(doc_id="D1", start=0, end=20, quote="acupuncture 2x for 4")], decisive=True)
    upheld = DeterminationItem(
        item_id="item-1", item="Acupuncture 2x a week for 4 weeks", outcome=Outcome.UPHELD, category="acupuncture",
        guideline="Decision based on MTUS Acupuncture Treatment 2007.",
        claims_administrator_guideline="MTUS Acupuncture Treatment 2007", criteria=[criterion],
        rationale="The request exceeds the initial trial. The request for Acupuncture 2x a week for 4 weeks is "
                  "not medically necessary.",
        rationale_source="template", checks=[CheckResult(check="conclusion", passed=True)],
        needs_review=False)
    unknown = DeterminationItem(
        item_id="item-2", item="Hyperbaric oxygen", outcome=None, category=None, guideline=None,
        claims_administrator_guideline=None, criteria=[],
        rationale="No guideline rule of this tool covers the service; the reviewer decides.",
        rationale_source="template", checks=[], needs_review=True,
        review_reasons=["no guideline rule covers this service; the reviewer decides"])
    return Determination(
        case_number="CM99-0000009",
        header=CaseHeader(case_number="CM99-0000009", date_of_injury=date(2016, 1, 5),
                          ur_denial_date=date(2016, 11, 2)),
        reviewer=ReviewerCredentials(licensure="California", specialty="Orthopedic Surgery"),
        case_summary="This 40 year old man injured his neck on 01/05/2016.",
        items=[upheld] + ([] if released else [unknown]),
        documents_reviewed=[DocumentRef(doc_id="D1", name="Progress report", date=date(2016, 10, 1))],
        released=released,
        audit=AuditRecord(tool_version="0.1.0", rules_version="r1", input_sha256="0" * 64, backend="offline"),
    )


def test_text_letter_follows_the_final_determination_layout():
    text = render_text(make_determination())
    order = ["Case Number: CM99-0000009", "Date of Injury: 01/05/2016", "UR Denial Date: 11/02/2016",
             "HOW THE IMR FINAL DETERMINATION WAS MADE", "State(s) of Licensure: California",
             "Certification(s)/Specialty: Orthopedic Surgery", "CLINICAL CASE SUMMARY", "This 40 year old man",
             "IMR ISSUES, DECISIONS AND RATIONALES", "Acupuncture 2x a week for 4 weeks: Upheld",
             "Claims Administrator guideline: MTUS Acupuncture Treatment 2007",
             "IMR Organization guideline: Decision based on MTUS Acupuncture Treatment 2007.",
             "Decision rationale: The request exceeds", "DOCUMENTS REVIEWED", "- Progress report, dated 10/01/2016",
             "REVIEWER NOTES", "NOT_MET (decisive): An initial trial is 3 to 6 treatments."]
    positions = [text.index(fragment) for fragment in order]
    assert positions == sorted(positions)
    assert "all items passed" in text.splitlines()[0]


def test_unreleased_letter_says_so_and_leaves_the_outcome_to_the_reviewer():
    text = render_text(make_determination(released=False))
    assert text.startswith("*** DRAFT - NOT RELEASED: 1 item(s)")
    assert "Hyperbaric oxygen: Reviewer to decide" in text
    assert "! no guideline rule covers this service" in text


def test_organization_text_replaces_the_boilerplate(tmp_path):
    own = tmp_path / "own.txt"
    own.write_text("Our panel reviewed the file under the MTUS.")
    style = LetterStyle.from_options("Example Review Org", own)
    text = render_text(make_determination(), style)
    assert "Our panel reviewed the file under the MTUS." in text
    assert "Example Review Org guideline: Decision based on MTUS" in text
    assert "independent medical review organization sent" not in text


def test_markdown_letter():
    text = render_markdown(make_determination(released=False))
    assert "### Acupuncture 2x a week for 4 weeks: Upheld" in text
    assert "| Case Number | CM99-0000009 |" in text
    assert "**Decision rationale:** The request exceeds" in text


def test_docx_letter_holds_the_same_content_and_is_reproducible():
    data = render_bytes(make_determination(), "docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "Acupuncture 2x a week for 4 weeks: Upheld" in paragraphs
    assert any(p.startswith("Decision rationale: The request exceeds") for p in paragraphs)
    assert "CLINICAL CASE SUMMARY" in paragraphs
    assert data == render_bytes(make_determination(), "docx")


def test_json_letter_validates_against_the_shipped_schema():
    data = json.loads(render_bytes(make_determination(released=False), "json"))
    schema = json.loads((REPO / "schemas" / "determination.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["released"] is False
    assert data["items"][0]["outcome"] == "upheld" and data["items"][1]["outcome"] is None
    assert {"item", "outcome", "guideline", "criteria", "rationale", "checks"} <= set(data["items"][0])
    assert {"case_number", "released", "items", "audit"} <= set(data)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format"):
        render_bytes(make_determination(), "pdf")
