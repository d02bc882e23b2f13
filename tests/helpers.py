"""Paths and small builders shared by the tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
DEV_DATA = REPO.parent / "shared" / "data" / "imr-letters" / "dev"


def sample_texts(synthetic: Iterable[str]) -> Iterator[str]:
    """Texts to compare a fast path with the plain way on: the synthetic ones, the examples and (if present) the dev
    letters (read at run time, never copied), each whole and then line by line."""
    letters = sorted((DEV_DATA / "letters").glob("*.txt")) if DEV_DATA.exists() else []
    for path_or_text in [*synthetic, *sorted(EXAMPLES.glob("*.txt")), *letters]:
        text = path_or_text.read_text("utf-8") if isinstance(path_or_text, Path) else path_or_text
        yield text
        yield from (line for line in text.splitlines() if line.strip())


def minimal_pdf(text: str | None) -> bytes:
    """A one-page PDF, with `text` in its text layer or (None) no text at all, like a scan."""
    content = b"" if text is None else b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
