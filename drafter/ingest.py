"""Stage 1: case documents on disk become a CaseFile.

Accepted inputs: a .txt/.md case in the plain-text format, a .pdf with a text layer, a .docx, a
folder of such files, or a JSON/YAML manifest naming the documents and the disputed items.

Plain-text case format::

    Case Number: CM00-0000001          <- optional `Field: value` header lines
    Date of Injury: 06/01/2015
    UR Denial Date: 11/02/2015

    ...free-text records...

    DISPUTED ITEMS
    - MRI of the thoracic spine | UR guideline: ODG Low Back, MRI
    - Acupuncture 2x a week for 4 weeks

A line `=== <name> ===` (or `=== <name> | <date> ===`) starts a new document inside one file, so
one text file can hold several records (progress reports, the UR determination, ...).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import yaml
from pydantic import ValidationError

from drafter.errors import InputError
from drafter.models import CaseFile, CaseHeader, DisputedItem, Document
from drafter.text import letter_date

MAX_INPUT_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | {".pdf", ".docx"}
MANIFEST_SUFFIXES = {".json", ".yaml", ".yml"}

HEADER_FIELDS = {
    "case number": "case_number",
    "date of injury": "date_of_injury",
    "ur denial date": "ur_denial_date",
    "date assigned": "date_assigned",
    "application received": "application_received",
    "decision date": "decision_date",
    "priority": "priority",
}
_HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z ]{2,30}):\s*(.+)")
"""A `Field: value` line, matched against the stripped line: the value runs to its end (no `(.+?)\\s*$`, which
would try the end of the line after every character)."""
_ITEMS_HEADING = re.compile(r"^\s*#*\s*DISPUTED ITEMS\s*:?\s*$", re.MULTILINE)
_ITEM_LINE = re.compile(r"\s*(?:[-*\u2022]|\d+[.)])\s+(.+)")
r"""A `- item` line (a line of str.splitlines(): no line break in it). The item is the rest of the line, its trailing
white space stripped in Python: `(.+?)\s*$` would try the end of the line after every character."""
_UR_SPLIT = re.compile(r"\s*\|\s*UR guideline\s*:\s*", re.IGNORECASE)
_DOC_SPLIT = re.compile(r"=(?<![^\n]=)==\s*(.+?)\s*(?:\|\s*(.+?)\s*|)===\s*$", re.MULTILINE)
"""A `=== name | date ===` line; the line start is a lookbehind after the first '=', so `re` searches for '==='.
The optional date is written `(?:...|)`, not `(?:...)?`: the same tries in the same order, without the repeat
context `re` sets up for `?` at every character of the name."""
_DATE_FORMATS = ("%m/%d/%Y", "%m-%d-%Y", "%Y-%m-%d", "%m/%d/%y", "%m-%d-%y", "%B %d, %Y", "%b %d, %Y")


_SLASH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_date(text: str) -> date | None:
    text = text.strip().rstrip(".")
    slashed = _SLASH_DATE.fullmatch(text)  # the common "%m/%d/%Y", without strptime's overhead
    if slashed:
        try:
            return date(int(slashed.group(3)), int(slashed.group(1)), int(slashed.group(2)))
        except ValueError:
            pass  # not a calendar date: the formats below decide, as for any other text
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_case(path: Path) -> CaseFile:
    """Read one case from a file, a folder or a manifest. Raises InputError naming the file."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if path.is_dir():
        return _load_folder(path)
    suffix = path.suffix.lower()
    if suffix in MANIFEST_SUFFIXES:
        return _load_manifest(path)
    if suffix in DOCUMENT_SUFFIXES:
        return _build_case([path], manifest=None)
    raise InputError(path, f"unsupported file type '{suffix or '(none)'}' (use .txt, .md, .pdf, .docx, "
                     ".json or .yaml)")


# ---------------------------------------------------------------------------------------------
# reading files
# ---------------------------------------------------------------------------------------------


def read_document_text(path: Path) -> str:
    """The text of one document file, or InputError saying why it has none."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if size == 0:
        raise InputError(path, "is empty")
    if size > MAX_INPUT_BYTES:
        raise InputError(path, f"is {size / 2**20:.0f} MiB; the limit is {MAX_INPUT_BYTES // 2**20} MiB per document")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _read_pdf(path)
    elif suffix == ".docx":
        text = _read_docx(path)
    else:
        text = _read_plain(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "has no text")
    return text


def _read_plain(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise InputError(path, "is a binary file, not text")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text (invalid byte at offset {exc.start}); "
                         "save it as UTF-8") from None


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings would repeat our one-line error
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError, AssertionError) as exc:
        raise InputError(path, f"is not a readable PDF ({type(exc).__name__})") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise InputError(path, "is a PDF without a text layer (scanned?); run OCR first")
    return text


def _read_docx(path: Path) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(path, f"is not a readable .docx file ({type(exc).__name__})") from None
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


# ---------------------------------------------------------------------------------------------
# building the case
# ---------------------------------------------------------------------------------------------


def _load_folder(folder: Path) -> CaseFile:
    manifests = sorted(p for p in folder.iterdir() if p.suffix.lower() in MANIFEST_SUFFIXES)
    if len(manifests) > 1:
        raise InputError(folder, "holds more than one manifest (.json/.yaml); keep one per case")
    if manifests:
        return _load_manifest(manifests[0])
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
    if not files:
        raise InputError(folder, "holds no case documents (.txt, .md, .pdf, .docx)")
    return _build_case(files, manifest=None)


def _load_manifest(path: Path) -> CaseFile:
    raw = _read_plain(path) if path.stat().st_size else ""
    if not raw.strip():
        raise InputError(path, "is empty")
    try:
        data = json.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise InputError(path, f"is not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise InputError(path, "must be a mapping with 'documents' and 'disputed_items'")
    return _build_case([], manifest=(path, data))


def _build_case(files: list[Path], manifest: tuple[Path, dict] | None) -> CaseFile:
    header_values: dict[str, str] = {}
    documents: list[Document] = []
    items: list[DisputedItem] = []
    sources: list[str] = []
    origin = files[0] if files else (manifest[0] if manifest else Path("case"))

    entries: list[tuple[Path, str | None, str | None, str | None]] = [(f, None, None, None) for f in files]
    if manifest:
        manifest_path, data = manifest
        entries = list(_manifest_documents(manifest_path, data))
        header_values.update({k: str(v) for k, v in (data.get("header") or {}).items() if v is not None})
        if "case_number" in data:
            header_values["case_number"] = str(data["case_number"])
        items.extend(_manifest_items(manifest_path, data))
        sources.append(manifest_path.name)

    for path, name, doc_date, kind in entries:
        text = read_document_text(path)
        sources.append(path.name)
        header, body_start = _parse_header(text)
        for key, value in header.items():
            header_values.setdefault(key, value)
        body, item_lines = _split_items(text, body_start)
        items.extend(_parse_item_lines(item_lines, len(items)))
        for part_name, part_date, start, end in _split_documents(text, body, path.name):
            part_text = text[start:end]
            if not part_text.strip():
                continue
            part_date_value = parse_date(part_date) if part_date else None
            documents.append(Document(
                doc_id=f"D{len(documents) + 1}",
                name=name if (name and part_name == path.name) else part_name,
                date=parse_date(doc_date) if doc_date else part_date_value,
                kind=kind,
                text=part_text,
                sha256=sha256_text(part_text),
            ))

    if not documents:
        raise InputError(origin, "holds no records to review")
    if not items:
        raise InputError(origin, "lists no disputed items (add a 'DISPUTED ITEMS' section with one '- item' "
                         "per line)")
    header = _typed_header(origin, header_values)
    input_hash = hashlib.sha256()
    for doc in documents:
        input_hash.update(doc.sha256.encode())
    for item in items:
        input_hash.update(item.request.encode())
    digest = input_hash.hexdigest()
    return CaseFile(
        case_id=header.case_number or f"case-{digest[:10]}",
        header=header,
        documents=documents,
        disputed_items=items,
        sources=sources,
        input_sha256=digest,
    )


def _manifest_documents(path: Path, data: dict) -> Iterable[tuple[Path, str | None, str | None, str | None]]:
    docs = data.get("documents")
    if not isinstance(docs, list) or not docs:
        raise InputError(path, "needs a non-empty 'documents' list")
    for index, entry in enumerate(docs, 1):
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict) or "path" not in entry:
            raise InputError(path, f"document {index} needs a 'path'")
        doc_path = (path.parent / str(entry["path"])).resolve()
        if not doc_path.is_file():
            raise InputError(path, f"document {index} ('{Path(str(entry['path'])).name}') does not exist")
        yield doc_path, entry.get("name"), _str_or_none(entry.get("date")), entry.get("kind")


def _manifest_items(path: Path, data: dict) -> list[DisputedItem]:
    raw_items = data.get("disputed_items") or []
    if not isinstance(raw_items, list):
        raise InputError(path, "'disputed_items' must be a list")
    items = []
    for index, entry in enumerate(raw_items, 1):
        if isinstance(entry, str):
            entry = {"request": entry}
        if not isinstance(entry, dict) or not str(entry.get("request", "")).strip():
            raise InputError(path, f"disputed item {index} needs a 'request'")
        items.append(DisputedItem(item_id=f"item-{index}", request=str(entry["request"]).strip(),
                                  ur_guideline=_str_or_none(entry.get("ur_guideline"))))
    return items


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return letter_date(value)
    return str(value).strip() or None


def _parse_header(text: str) -> tuple[dict[str, str], int]:
    """Leading `Field: value` lines with known field names; returns them and where the body starts."""
    values: dict[str, str] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        match = _HEADER_LINE.match(stripped)
        if not stripped and not values:
            offset += len(line)
            continue
        if match and match.group(1).strip().lower() in HEADER_FIELDS:
            values[HEADER_FIELDS[match.group(1).strip().lower()]] = match.group(2)
            offset += len(line)
            continue
        break
    return values, offset


def _split_items(text: str, body_start: int) -> tuple[tuple[int, int], list[str]]:
    match = _items_heading(text, body_start)
    if not match:
        return (body_start, len(text)), []
    lines = text[match.end():].splitlines()
    return (body_start, match.start()), lines


def _items_heading(text: str, start: int) -> re.Match[str] | None:
    """_ITEMS_HEADING.search(text, start), begun where a match can start: `re` would try every position of the
    text (the pattern opens with ^). A match runs from a line start over white space and '#' only to the first
    'DISPUTED ITEMS' at or after `start` (a later one would have that one in between), so no match starts before
    the run of white space and '#' that ends there."""
    words = text.find("DISPUTED ITEMS", start)
    if words < 0:
        return None
    run = words
    while run > start and (text[run - 1].isspace() or text[run - 1] == "#"):  # str.isspace() is re's \s
        run -= 1
    return _ITEMS_HEADING.search(text, run)


def _parse_item_lines(lines: list[str], already: int) -> list[DisputedItem]:
    items = []
    for line in lines:
        match = _ITEM_LINE.match(line)
        if not match:
            continue
        parts = _UR_SPLIT.split(match.group(1).rstrip(), maxsplit=1)
        request = parts[0].strip()
        if not request:
            continue
        items.append(DisputedItem(
            item_id=f"item-{already + len(items) + 1}",
            request=request,
            ur_guideline=parts[1].strip() if len(parts) > 1 and parts[1].strip() else None,
        ))
    return items


def _split_documents(text: str, span: tuple[int, int], default_name: str):
    """Yield (name, date, start, end) for each `=== name | date ===` part of the body span."""
    start, end = span
    name, doc_date = default_name, None
    for match in _DOC_SPLIT.finditer(text, start, end):
        yield name, doc_date, start, match.start()
        name, doc_date, start = match.group(1), match.group(2), match.end()
    yield name, doc_date, start, end


def _typed_header(origin: Path, values: dict[str, str]) -> CaseHeader:
    typed: dict[str, object] = {}
    for key, value in values.items():
        if key in ("case_number", "priority"):
            typed[key] = value.strip()
            continue
        parsed = parse_date(value)
        if parsed is None:
            raise InputError(origin, f"header field '{key.replace('_', ' ')}' is not a date: use MM/DD/YYYY")
        typed[key] = parsed
    _check_header_dates(origin, typed)
    try:
        return CaseHeader(**typed)
    except ValidationError as exc:
        raise InputError(origin, f"has an invalid header ({exc.error_count()} errors)") from None


def _check_header_dates(origin: Path, typed: dict[str, object]) -> None:
    """No header date after today, and none of the review dates before the date of injury.

    The message names the field, never the date (a date tied to a person stays out of errors and logs).
    """
    today = date.today()
    for key, value in typed.items():
        if isinstance(value, date) and value > today:
            raise InputError(origin, f"header field '{key.replace('_', ' ')}' is a date in the future")
    injury = typed.get("date_of_injury")
    if not isinstance(injury, date):
        return
    for key, value in typed.items():
        if key != "date_of_injury" and isinstance(value, date) and value < injury:
            raise InputError(origin, f"header field '{key.replace('_', ' ')}' is before the date of injury")
