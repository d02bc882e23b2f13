"""Ingest: every accepted input becomes a CaseFile; every bad input is one clear InputError."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from pathlib import Path

import docx
import pytest
from helpers import EXAMPLES, minimal_pdf

from drafter import ingest
from drafter.errors import InputError
from drafter.ingest import load_case

CASE_TEXT = """Case Number: CM99-0000001
Date of Injury: 03/04/2016
UR Denial Date: 11/20/2016

=== Progress report | 11/01/2016 ===
Low back pain 6/10 after a lifting injury. Six sessions of physical therapy without benefit.

=== UR determination | 11/20/2016 ===
The physical therapy request was non-certified.

DISPUTED ITEMS
- Physical therapy 2x6 lumbar spine | UR guideline: MTUS Chronic Pain, Physical medicine
- Naproxen 550mg #60
"""


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_plain_text_case_has_header_documents_and_items(tmp_path):
    case = load_case(write(tmp_path, "case.txt", CASE_TEXT))
    assert case.case_id == "CM99-0000001"
    assert case.header.date_of_injury == date(2016, 3, 4)
    assert case.header.ur_denial_date == date(2016, 11, 20)
    assert [d.name for d in case.documents] == ["Progress report", "UR determination"]
    assert case.documents[0].date == date(2016, 11, 1)
    assert "DISPUTED ITEMS" not in "".join(d.text for d in case.documents)
    assert [i.request for i in case.disputed_items] == ["Physical therapy 2x6 lumbar spine", "Naproxen 550mg #60"]
    assert case.disputed_items[0].ur_guideline == "MTUS Chronic Pain, Physical medicine"
    assert case.disputed_items[1].ur_guideline is None


def test_same_input_gives_same_hash_and_ids(tmp_path):
    first = load_case(write(tmp_path, "a.txt", CASE_TEXT))
    second = load_case(write(tmp_path, "b.txt", CASE_TEXT))
    assert first.input_sha256 == second.input_sha256
    assert first.model_dump(exclude={"sources"}) == second.model_dump(exclude={"sources"})


def test_case_without_number_gets_a_hash_id(tmp_path):
    case = load_case(write(tmp_path, "case.md", CASE_TEXT.replace("Case Number: CM99-0000001\n", "")))
    assert case.case_id.startswith("case-")


def test_bundled_example_loads():
    case = load_case(EXAMPLES / "thoracic-strain.txt")
    assert len(case.disputed_items) == 5
    assert case.header.date_of_injury == date(2015, 6, 1)


def test_folder_of_documents(tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    write(folder, "1-notes.txt", "Date of Injury: 01/02/2016\n\nNeck pain 5/10. Sensation intact.\n")
    write(folder, "2-request.txt", "Request for authorization.\n\nDISPUTED ITEMS\n- MRI cervical spine\n")
    case = load_case(folder)
    assert [d.name for d in case.documents] == ["1-notes.txt", "2-request.txt"]
    assert case.disputed_items[0].request == "MRI cervical spine"
    assert case.header.date_of_injury == date(2016, 1, 2)


def test_yaml_and_json_manifests(tmp_path):
    write(tmp_path, "pr.txt", "Knee pain, positive McMurray test.\n")
    pdf = write(tmp_path, "ur.pdf", minimal_pdf("The knee MRI was non-certified."))
    write(tmp_path, "case.yaml", f"""
case_number: CM99-0000002
header:
  date_of_injury: 2016-02-03
  ur_denial_date: 12/01/2016
documents:
  - path: pr.txt
    name: Orthopedic progress report
    date: 11/15/2016
  - path: {pdf.name}
    name: UR determination
disputed_items:
  - request: MRI of the right knee
    ur_guideline: ODG Knee, MRI
""")
    case = load_case(tmp_path / "case.yaml")
    assert case.case_id == "CM99-0000002"
    assert case.header.date_of_injury == date(2016, 2, 3)
    assert [d.name for d in case.documents] == ["Orthopedic progress report", "UR determination"]
    assert case.documents[0].date == date(2016, 11, 15)
    assert "non-certified" in case.documents[1].text
    write(tmp_path, "case.json", json.dumps({"documents": ["pr.txt"], "disputed_items": ["MRI of the right knee"]}))
    assert load_case(tmp_path / "case.json").disputed_items[0].request == "MRI of the right knee"


def test_docx_document(tmp_path):
    document = docx.Document()
    document.add_paragraph("Case Number: CM99-0000003")
    document.add_paragraph("Shoulder pain after a fall. Impingement signs positive.")
    document.add_paragraph("DISPUTED ITEMS")
    document.add_paragraph("- MRI of the left shoulder")
    path = tmp_path / "case.docx"
    document.save(str(path))
    case = load_case(path)
    assert case.case_id == "CM99-0000003"
    assert case.disputed_items[0].request == "MRI of the left shoulder"


BAD_INPUTS = [
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b"  \n\n ", "has no text"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("latin1.txt", "Douleur lombaire \xe9valu\xe9e".encode("latin-1") + b"\nDISPUTED ITEMS\n- MRI\n", "not UTF-8"),
    ("scan.pdf", minimal_pdf(None), "without a text layer"),
    ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "PDF"),
    ("broken.docx", b"PK\x03\x04 not a zip", "docx"),
    ("bad.json", b'{"documents": [', "not valid JSON"),
    ("bad.yaml", b"documents: [unclosed\n  - x: :", "not valid YAML"),
    ("list.json", b"[1, 2]", "must be a mapping"),
    ("nodocs.yaml", b"disputed_items: [MRI]\n", "'documents'"),
    ("noitems.txt", b"Low back pain since the fall. No requests here.\n", "no disputed items"),
    ("baddate.txt", b"Date of Injury: yesterday\n\nNotes.\nDISPUTED ITEMS\n- MRI\n", "not a date"),
    ("case.rtf", b"{\\rtf1 hello}", "unsupported file type"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_clear_error_naming_the_file(tmp_path, name, data, message):
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as excinfo:
        load_case(path)
    text = str(excinfo.value)
    assert text.startswith(f"{name}: ")
    assert message in text
    assert "\n" not in text


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    with pytest.raises(InputError, match="huge.txt: is 60 MiB; the limit is 20 MiB"):
        load_case(path)


def test_manifest_naming_a_missing_document(tmp_path):
    write(tmp_path, "case.yaml", "documents: [gone.txt]\ndisputed_items: [MRI]\n")
    with pytest.raises(InputError, match="'gone.txt'.* does not exist"):
        load_case(tmp_path / "case.yaml")


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_case(tmp_path / "nope.txt")


def test_header_item_and_document_lines_read_as_the_plain_patterns_read_them() -> None:
    """The faster forms of the header-line, item-line and document-separator patterns give what the plain forms give."""
    plain_item = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+(.+?)\s*$")
    plain_header = re.compile(r"^\s*([A-Za-z][A-Za-z ]{2,30}):\s*(.+?)\s*$")
    plain_split = re.compile(r"=(?<![^\n]=)==\s*(.+?)\s*(?:\|\s*(.+?)\s*)?===\s*$", re.MULTILINE)
    rng = random.Random(11)
    pieces = ["-", "*", "\u2022", "1.", "2)", " ", "  ", "\t", "\xa0", "a", "MRI", "|", "=", "===", "\n", "x | y",
              "Case Number:", "Priority: "]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        for line in text.splitlines():
            plain, fast = plain_item.match(line), ingest._ITEM_LINE.match(line)
            assert (plain is None) == (fast is None), repr(line)
            if plain and fast:
                assert plain.group(1).rstrip() == fast.group(1).rstrip(), repr(line)
        for line in text.splitlines(keepends=True):
            plain, fast = plain_header.match(line.strip()), ingest._HEADER_LINE.match(line.strip())
            assert (plain and plain.groups()) == (fast and fast.groups()), repr(line)
        assert ([(m.span(), m.groups()) for m in plain_split.finditer(text)]
                == [(m.span(), m.groups()) for m in ingest._DOC_SPLIT.finditer(text)]), repr(text)
