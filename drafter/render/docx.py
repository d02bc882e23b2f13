"""The letter as a Word document (python-docx), same layout as the text letter."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
from docx.shared import Pt

from drafter.models import Determination
from drafter.render import LetterStyle, default_boilerplate, header_rows, outcome_label

FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def render_docx(determination: Determination, style: LetterStyle) -> bytes:
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(11)
    # python-docx stamps the current time into the core properties and the zip entries; both are fixed
    # so that the same determination always gives the same bytes.
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    document.core_properties.title = f"Final Determination {determination.case_number or ''}".strip()

    if not determination.released:
        banner = document.add_paragraph()
        banner.add_run("DRAFT - NOT RELEASED: items need the reviewer's attention "
                       "(see Reviewer notes).").bold = True
    for label, value in header_rows(determination):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    document.add_heading("HOW THE IMR FINAL DETERMINATION WAS MADE", level=2)
    document.add_paragraph(style.boilerplate or default_boilerplate())
    document.add_paragraph("The Expert Reviewer has the following credentials:")
    document.add_paragraph(f"State(s) of Licensure: {determination.reviewer.licensure}")
    document.add_paragraph(f"Certification(s)/Specialty: {determination.reviewer.specialty}")

    document.add_heading("CLINICAL CASE SUMMARY", level=2)
    document.add_paragraph(determination.case_summary)

    document.add_heading("IMR ISSUES, DECISIONS AND RATIONALES", level=2)
    document.add_paragraph("Each disputed item or service was decided on its own, as follows:")
    for item in determination.items:
        title = document.add_paragraph()
        title.add_run(f"{item.item}: {outcome_label(item.outcome)}").bold = True
        _labelled(document, "Claims Administrator guideline: ",
                  item.claims_administrator_guideline or "Not stated in the records.")
        _labelled(document, f"{style.organization} guideline: ",
                  item.guideline or "No guideline rule covers this service; the reviewer cites the guideline.")
        _labelled(document, "Decision rationale: ", item.rationale)

    document.add_heading("DOCUMENTS REVIEWED", level=2)
    for doc in determination.documents_reviewed:
        dated = f", dated {doc.date.strftime('%m/%d/%Y')}" if doc.date else ""
        document.add_paragraph(f"{doc.name}{dated}", style="List Bullet")

    document.add_page_break()
    document.add_heading("Reviewer notes (not part of the letter)", level=2)
    for item in determination.items:
        document.add_paragraph().add_run(f"{item.item}: {outcome_label(item.outcome)}").bold = True
        for criterion in item.criteria:
            flag = " (decisive)" if criterion.decisive else ""
            document.add_paragraph(f"{criterion.status.value}{flag}: {criterion.requirement} "
                                   f"Records: {criterion.finding}", style="List Bullet")
        for reason in item.review_reasons:
            document.add_paragraph(f"Needs review: {reason}", style="List Bullet")

    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fixed_zip_times(buffer.getvalue())


def _with_fixed_zip_times(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _labelled(document: docx.document.Document, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(text)
