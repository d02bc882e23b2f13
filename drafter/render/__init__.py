"""Stage 6: a Determination becomes a letter (text, markdown, docx) or JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, StrictUndefined, Template

from drafter.errors import InputError
from drafter.models import Determination, Outcome
from drafter.text import letter_date, one_line

FORMATS = ("text", "markdown", "json", "docx")
SUFFIXES = {"text": ".txt", "markdown": ".md", "json": ".json", "docx": ".docx"}

_HEADER_LABELS = (
    ("case_number", "Case Number"),
    ("date_assigned", "Date Assigned"),
    ("date_of_injury", "Date of Injury"),
    ("decision_date", "Decision Date"),
    ("ur_denial_date", "UR Denial Date"),
    ("priority", "Priority"),
    ("application_received", "Application Received"),
)


@dataclass(frozen=True)
class LetterStyle:
    """What an organization may replace: its name and its 'how the determination was made' text."""

    organization: str = "IMR Organization"
    boilerplate: str | None = None

    @classmethod
    def from_options(cls, organization: str | None, boilerplate_file: Path | None) -> LetterStyle:
        text = None
        if boilerplate_file is not None:
            try:
                text = Path(boilerplate_file).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(boilerplate_file, f"cannot be read as UTF-8 text ({type(exc).__name__})") from None
            if not text:
                raise InputError(boilerplate_file, "is empty")
        return cls(organization=organization or cls.organization, boilerplate=text)


def outcome_label(outcome: Outcome | None) -> str:
    if outcome is Outcome.UPHELD:
        return "Upheld"
    if outcome is Outcome.OVERTURNED:
        return "Overturned"
    return "Reviewer to decide"


def header_rows(determination: Determination) -> list[tuple[str, str]]:
    rows = []
    for field, label in _HEADER_LABELS:
        value = getattr(determination.header, field)
        if value is None:
            continue
        rows.append((label, letter_date(value) if isinstance(value, date) else str(value)))
    return rows


@cache
def default_boilerplate() -> str:
    return resources.files("drafter.render").joinpath("templates/boilerplate.txt").read_text("utf-8").strip()


_EXTRA_BLANK_LINES = re.compile(r"\n\n\n+")  # \n{3,}, written with a literal prefix `re` searches fast
_ENV = Environment(
    trim_blocks=True,
    lstrip_blocks=False,
    keep_trailing_newline=True,
    undefined=StrictUndefined,
    autoescape=False,
)
_ENV.filters["oneline"] = lambda text: one_line(str(text))
_ENV.filters["letter_date"] = letter_date


@cache
def _template(name: str) -> Template:
    return _ENV.from_string(resources.files("drafter.render").joinpath(f"templates/{name}").read_text("utf-8"))


def _render_template(name: str, determination: Determination, style: LetterStyle) -> str:
    # What the templates would compute with filters and calls is computed here: jinja's filters and calls cost
    # several times more than the same Python.
    text = _template(name).render(
        d=determination,
        header_rows=header_rows(determination),
        boilerplate=style.boilerplate or default_boilerplate(),
        organization=style.organization,
        needs_review=sum(1 for item in determination.items if item.needs_review),
        items=[(item, outcome_label(item.outcome), not all(check.passed for check in item.checks))
               for item in determination.items],
    )
    text = "\n".join(map(str.rstrip, text.splitlines())).strip()
    if "\n\n\n" in text:  # the shipped templates never write two blank lines in a row: data or a replaced template
        text = _EXTRA_BLANK_LINES.sub("\n\n", text)
    return text + "\n"


def render_text(determination: Determination, style: LetterStyle | None = None) -> str:
    return _render_template("letter.txt.j2", determination, style or LetterStyle())


def render_markdown(determination: Determination, style: LetterStyle | None = None) -> str:
    return _render_template("letter.md.j2", determination, style or LetterStyle())


def render_json(determination: Determination) -> str:
    return determination.model_dump_json(indent=2) + "\n"


def render_bytes(determination: Determination, fmt: str, style: LetterStyle | None = None) -> bytes:
    """The letter in `fmt` as bytes, ready to write."""
    style = style or LetterStyle()
    if fmt == "text":
        return render_text(determination, style).encode("utf-8")
    if fmt == "markdown":
        return render_markdown(determination, style).encode("utf-8")
    if fmt == "json":
        return render_json(determination).encode("utf-8")
    if fmt == "docx":
        from drafter.render.docx import render_docx

        return render_docx(determination, style)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
