"""The letters suite: real Final Determination Letters become case inputs, the pipeline decides them,
and the predictions are lined up with the expert reviewers' decisions in items.jsonl.

A letter in the Final Determination layout holds header lines, a CLINICAL CASE SUMMARY and an
IMR ISSUES section with, per item, a heading ending in the decision, the Claims Administrator
guideline, the reviewer's guideline and the rationale. The case input written from it holds only what
a case file holds: header dates, the summary text, each disputed item as requested (for items UR
modified, the remaining portion the letter names) and the utilization review's guideline. The
decision words, the reviewer's guideline and the rationale are never read into it.

items.jsonl is read for scoring only, so a held-out folder of letters runs exactly like the dev set.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from drafter.errors import BackendError, DrafterError, InputError
from drafter.evaluation.metrics import ScoredItem, score_items
from drafter.ingest import parse_date
from drafter.text import one_line

# Header lines of a letter that a case file also holds, in the order the case format writes them.
CASE_HEADER_FIELDS = ("Case Number", "Date of Injury", "UR Denial Date", "Date Assigned", "Application Received")

_SUMMARY_HEADING = re.compile(r"^\s*CLINICAL CASE SUMMARY\s*$", re.MULTILINE)
_ISSUES_HEADING = re.compile(r"^\s*IMR ISSUES, DECISIONS AND RATIONALES\s*$", re.MULTILINE)
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")
_HEADER_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z ]{2,30}):\s*(.*?)\s*$")
_UR_GUIDELINE = re.compile(r"^Claims Administrator guideline\s*:\s*", re.IGNORECASE)
# "..., <item> is: Upheld" -> "<item>"; the decision word is cut off here and never kept.
_DECISION_TAIL = re.compile(r"\s*(?:\bis)?\s*:\s*[A-Za-z][A-Za-z ]{0,30}\.?\s*$")
# Where UR authorized part of a request, the heading tells the story and then names what IMR decides:
# "... The remaining IMR eligible portion of the original request, <item>" or "... The original request, <item>".
_DECIDED_PORTION = re.compile(
    r"(?:^|(?<=[.;]\s))The (?:remaining IMR eligible portion of the )?original request\s*(?:,|\bis\b(?:\s+for\b)?)\s*",
    re.IGNORECASE,
)
# The reviewer's opening sentence ("... developed the following clinical case summary based on ...:").
# Only to find an item heading whose UR guideline paragraph is missing; the decision is never kept.
_ITEM_DECIDED = re.compile(r":\s*(?:Upheld|Overturned)\.?\s*$", re.IGNORECASE)
_AFTER_HEADING = re.compile(r"^(?:MAXIMUS guideline|Decision rationale)\s*:", re.IGNORECASE)
_SUMMARY_PREAMBLE = re.compile(r"^[^:]*clinical case summary based on[^:]*:\s*", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9#/.%]+")


class LetterFormatError(InputError):
    """A letter that is not in the Final Determination layout."""


@dataclass(frozen=True)
class LetterItem:
    """One disputed item as a case file would list it."""

    request: str
    ur_guideline: str | None


@dataclass(frozen=True)
class Letter:
    """The case-file part of one letter: no decisions, no reviewer guideline, no rationale."""

    stem: str
    header: dict[str, str]
    summary: str
    items: list[LetterItem]


@dataclass(frozen=True)
class GoldItem:
    """One line of items.jsonl: the reviewer's decision on one item, used for scoring only."""

    letter: str
    item: str
    decision: str
    guideline: str | None
    claims_administrator_guideline: str | None
    rationale: str


@dataclass
class Prediction:
    letter: str
    item: str
    predicted: str | None
    guideline_cited: str | None
    released: bool | None
    category: str | None = None


@dataclass
class LettersRun:
    """What the pipeline produced for a folder of letters, aligned with the gold items."""

    predictions: list[Prediction]
    gold: list[GoldItem]
    letters: int
    errors: dict[str, str] = field(default_factory=dict)
    unmatched_gold: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    backends: list[str] = field(default_factory=list)  # as the drafted letters' audit records state
    failed_checks: dict[str, int] = field(default_factory=dict)  # check name -> drafted items failing it


# ---------------------------------------------------------------------------------------------
# reading letters
# ---------------------------------------------------------------------------------------------


def parse_letter(path: Path) -> Letter:
    """Read the case-file part of one letter; LetterFormatError names the file if the layout differs."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise LetterFormatError(path, f"cannot be read as UTF-8 text ({type(exc).__name__})") from None
    summary_match = _SUMMARY_HEADING.search(text)
    issues_match = _ISSUES_HEADING.search(text)
    if not summary_match or not issues_match or issues_match.start() < summary_match.end():
        raise LetterFormatError(path, "has no CLINICAL CASE SUMMARY followed by IMR ISSUES, DECISIONS AND "
                                "RATIONALES")
    header = _parse_header(text[: summary_match.start()])
    summary = _parse_summary(text[summary_match.end(): issues_match.start()])
    items = _parse_items(text[issues_match.end():])
    if not summary:
        raise LetterFormatError(path, "has an empty clinical case summary")
    if not items:
        raise LetterFormatError(path, "lists no disputed items (no 'Claims Administrator guideline' paragraph)")
    return Letter(stem=path.stem, header=header, summary=summary, items=items)


def _parse_header(text: str) -> dict[str, str]:
    wanted = {name.lower(): name for name in CASE_HEADER_FIELDS}
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER_LINE.match(line)
        if match and match.group(1).strip().lower() in wanted and match.group(2):
            header.setdefault(wanted[match.group(1).strip().lower()], match.group(2))
    return header


def _parse_summary(text: str) -> str:
    paragraphs = [p.strip() for p in _PARAGRAPH_SPLIT.split(text) if p.strip()]
    if paragraphs:
        paragraphs[0] = _SUMMARY_PREAMBLE.sub("", paragraphs[0], count=1)
    return "\n\n".join(p for p in paragraphs if p)


def _parse_items(text: str) -> list[LetterItem]:
    """Each item heading is the paragraph just before its 'Claims Administrator guideline' paragraph, or,
    where a letter leaves that paragraph out, a paragraph ending in a decision just before the reviewer's
    guideline or rationale (the item then has no UR guideline)."""
    paragraphs = [p.strip() for p in _PARAGRAPH_SPLIT.split(text) if p.strip()]
    items = []
    for index in range(len(paragraphs) - 1):
        heading, following = paragraphs[index], paragraphs[index + 1]
        if _UR_GUIDELINE.match(following):
            ur_guideline = one_line(_UR_GUIDELINE.sub("", following, count=1)) or None
        elif _ITEM_DECIDED.search(heading) and _AFTER_HEADING.match(following):
            ur_guideline = None
        else:
            continue
        request = item_request(heading)
        if request:
            items.append(LetterItem(request=request, ur_guideline=ur_guideline))
    return items


def item_request(heading: str) -> str:
    """The request an item heading names, without the decision (the remaining portion if UR modified it)."""
    heading = one_line(heading)
    portions = list(_DECIDED_PORTION.finditer(heading))
    if portions:
        heading = heading[portions[-1].end():]
    return _DECISION_TAIL.sub("", heading).strip()


# ---------------------------------------------------------------------------------------------
# the case input
# ---------------------------------------------------------------------------------------------


def case_text(letter: Letter) -> str:
    """The letter's case-file content in the plain-text case format of drafter.ingest."""
    lines = []
    for name in CASE_HEADER_FIELDS:
        value = letter.header.get(name)
        # A header line that is not a date would make the whole case unreadable; leave it out.
        if value and (name == "Case Number" or parse_date(value) is not None):
            lines.append(f"{name}: {value}")
    lines += ["", letter.summary, "", "DISPUTED ITEMS"]
    for item in letter.items:
        line = f"- {item.request}"
        if item.ur_guideline:
            line += f" | UR guideline: {item.ur_guideline}"
        lines.append(line)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# gold items and matching
# ---------------------------------------------------------------------------------------------


def load_gold(items_file: Path) -> list[GoldItem]:
    """Read items.jsonl; InputError names the file and line of a malformed entry."""
    items_file = Path(items_file)
    try:
        lines = items_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(items_file, f"cannot be read ({type(exc).__name__})") from None
    gold = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            decision = str(row["decision"]).strip().lower()
            gold.append(GoldItem(
                letter=Path(str(row["letter"])).stem,
                item=str(row["item"]),
                decision=decision,
                guideline=row.get("guideline"),
                claims_administrator_guideline=row.get("claims_administrator_guideline"),
                rationale=str(row.get("rationale") or ""),
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(items_file, f"line {number} is not an item ({type(exc).__name__})") from None
        if decision not in ("upheld", "overturned"):
            raise InputError(items_file, f"line {number}: decision must be 'upheld' or 'overturned'")
    return gold


def normalize_item(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip(" .")


def match_items(gold_items: list[str], letter_items: list[str], min_ratio: float = 0.6) -> dict[int, int]:
    """Pair gold items with a letter's items one to one: identical after normalizing first, then the
    most similar remaining pairs (difflib ratio >= min_ratio). Returns gold index -> letter index."""
    gold_norm = [normalize_item(text) for text in gold_items]
    letter_norm = [normalize_item(text) for text in letter_items]
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for g, text in enumerate(gold_norm):
        for j, other in enumerate(letter_norm):
            if j not in used and text == other:
                pairs[g] = j
                used.add(j)
                break
    scored = sorted(
        ((difflib.SequenceMatcher(None, gold_norm[g], letter_norm[j]).ratio(), g, j)
         for g in range(len(gold_norm)) if g not in pairs
         for j in range(len(letter_norm)) if j not in used),
        reverse=True,
    )
    for ratio, g, j in scored:
        if ratio < min_ratio:
            break
        if g not in pairs and j not in used:
            pairs[g] = j
            used.add(j)
    return pairs


# ---------------------------------------------------------------------------------------------
# running the pipeline
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftedItem:
    outcome: str | None
    guideline: str | None
    category: str | None
    failed_checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftedLetter:
    items: list[DraftedItem]  # in the order of the case file's disputed items
    released: bool
    backend: str  # as the letter's audit record states it


Drafter = Callable[[Path], DraftedLetter]


def pipeline_drafter(backend: str = "offline") -> Drafter:
    """Drafts one written case file with the project pipeline."""
    from drafter.ingest import load_case
    from drafter.pipeline import DraftOptions, draft_letter
    from drafter.settings import load_settings

    # The openai backend's settings come from the environment/config; a missing key fails here, once.
    options = DraftOptions(backend=backend, llm=load_settings(backend=backend) if backend == "openai" else None)

    def draft(case_path: Path) -> DraftedLetter:
        determination = draft_letter(load_case(case_path), options)
        items = [DraftedItem(outcome=item.outcome.value if item.outcome else None,
                             guideline=item.guideline, category=item.category,
                             failed_checks=tuple(check.check for check in item.checks if not check.passed))
                 for item in determination.items]
        return DraftedLetter(items=items, released=determination.released, backend=determination.audit.backend)

    return draft


def letter_files(letters_dir: Path) -> list[Path]:
    letters_dir = Path(letters_dir)
    if not letters_dir.is_dir():
        raise InputError(letters_dir, "is not a folder of letters")
    files = sorted(p for p in letters_dir.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    if not files:
        raise InputError(letters_dir, "holds no .txt letters")
    return files


def run_letters(letters_dir: Path, items_file: Path, drafter: Drafter | None = None,
                dump_dir: Path | None = None) -> LettersRun:
    """Write every letter's case input, draft it, and give one prediction per gold item.

    A letter that cannot be parsed or drafted (or crashes the pipeline) is recorded in `errors` and its
    items get no prediction (they count as wrong), so one bad file never stops the run.
    """
    started = time.perf_counter()
    gold = load_gold(items_file)
    files = letter_files(letters_dir)
    drafter = drafter or pipeline_drafter()
    drafted: dict[str, tuple[Letter, DraftedLetter]] = {}
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="drafter-eval-") as scratch:
        out_dir = Path(dump_dir) if dump_dir else Path(scratch)
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in files:
            try:
                letter = parse_letter(path)
                case_path = out_dir / f"{letter.stem}.txt"
                case_path.write_text(case_text(letter), encoding="utf-8")
                result = drafter(case_path)
            except BackendError:
                raise  # the endpoint failed, not the letter: stop rather than score an outage
            except DrafterError as exc:
                errors[path.stem] = str(exc)
                continue
            except Exception as exc:  # a pipeline bug: record where, not the message (it may quote the case)
                errors[path.stem] = f"crashed: {crash_site(exc)}"
                continue
            if len(result.items) != len(letter.items):
                errors[path.stem] = f"drafted {len(result.items)} items for {len(letter.items)} requests"
                continue
            drafted[path.stem] = (letter, result)
    predictions, unmatched = _align(gold, drafted)
    missing = {g.letter for g in gold} - {p.stem for p in files}
    for stem in sorted(missing):
        errors.setdefault(stem, "no letter file for these gold items")
    return LettersRun(predictions=predictions, gold=gold, letters=len(files), errors=errors,
                      unmatched_gold=unmatched, seconds=time.perf_counter() - started,
                      backends=sorted({letter_draft.backend for _, letter_draft in drafted.values()}),
                      failed_checks=dict(Counter(name for _, letter_draft in drafted.values()
                                                 for item in letter_draft.items for name in item.failed_checks)
                                         .most_common()))


def crash_site(exc: BaseException) -> str:
    """`TypeName at module.py:line` of the innermost frame inside the drafter package."""
    site = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if f"{os.sep}drafter{os.sep}" in frame.filename:
            site = f" at {Path(frame.filename).name}:{frame.lineno}"
    return type(exc).__name__ + site


def _align(gold: list[GoldItem], drafted: dict[str, tuple[Letter, DraftedLetter]]
           ) -> tuple[list[Prediction], list[tuple[str, str]]]:
    by_letter: dict[str, list[int]] = {}
    for index, item in enumerate(gold):
        by_letter.setdefault(item.letter, []).append(index)
    predictions: list[Prediction | None] = [None] * len(gold)
    unmatched: list[tuple[str, str]] = []
    for stem, indexes in by_letter.items():
        pairs: dict[int, int] = {}
        entry = drafted.get(stem)
        if entry:
            letter, letter_draft = entry
            pairs = match_items([gold[i].item for i in indexes], [it.request for it in letter.items])
        for position, gold_index in enumerate(indexes):
            item = gold[gold_index]
            if entry and position in pairs:
                drafted_item = letter_draft.items[pairs[position]]
                predictions[gold_index] = Prediction(letter=stem, item=item.item, predicted=drafted_item.outcome,
                                                     guideline_cited=drafted_item.guideline,
                                                     released=letter_draft.released, category=drafted_item.category)
                continue
            if entry:
                unmatched.append((stem, item.item))
            predictions[gold_index] = Prediction(letter=stem, item=item.item, predicted=None,
                                                 guideline_cited=None, released=None)
    return [p for p in predictions if p is not None], unmatched


def write_predictions(predictions: Iterable[Prediction], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for prediction in predictions:
            handle.write(json.dumps(asdict(prediction), ensure_ascii=False) + "\n")


def letters_result(run: LettersRun) -> dict:
    """The suite's JSON result: figures with baselines, run facts, and what could not be scored."""
    scored = [
        ScoredItem(letter=gold.letter, gold=gold.decision, predicted=prediction.predicted,
                   gold_guideline=gold.guideline, predicted_guideline=prediction.guideline_cited,
                   ur_guideline=gold.claims_administrator_guideline, category=prediction.category,
                   released=prediction.released)
        for gold, prediction in zip(run.gold, run.predictions, strict=True)
    ]
    result = {"suite": "letters", "letters": run.letters, **score_items(scored)}
    result["backends"] = run.backends
    result["failed_checks"] = run.failed_checks
    result["seconds"] = round(run.seconds, 3)
    result["letters_per_second"] = round(run.letters / run.seconds, 1) if run.seconds else None
    result["errors"] = dict(sorted(run.errors.items()))
    result["unmatched_gold_items"] = [{"letter": stem, "item": item} for stem, item in run.unmatched_gold]
    result["disagreements"] = [
        {"letter": p.letter, "item": p.item, "category": p.category, "reviewer": g.decision,
         "tool": p.predicted}
        for g, p in zip(run.gold, run.predictions, strict=True) if p.predicted != g.decision
    ]
    return result
