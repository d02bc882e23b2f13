"""The consistency gate run again on a letter a reviewer has edited (JSON, text or markdown).

The reviewer decides: where the edited letter states an outcome other than the rule's, the rationale is
checked against the reviewer's outcome, and the difference is reported (never silently kept or undone).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drafter.check import check_rationale
from drafter.errors import InputError
from drafter.ingest import read_document_text
from drafter.models import CaseSummary, Determination, DeterminationItem, ItemDecision, Outcome
from drafter.pipeline import review_reasons

_LABELS = {"upheld": Outcome.UPHELD, "overturned": Outcome.OVERTURNED, "reviewer to decide": None}
_ITEM_HEADING = re.compile(r"^(?:#+\s*|\*\*)?(?P<item>.+?):\s*(?P<label>Upheld|Overturned|Reviewer to decide)"
                           r"(?:\*\*)?\s*$", re.MULTILINE | re.IGNORECASE)
_RATIONALE = re.compile(r"^(?:\*\*)?Decision rationale:(?:\*\*)?\s*(?P<text>.+?)\s*(?:\n\s*\n|\Z)",
                        re.MULTILINE | re.DOTALL)
_NOTES = re.compile(r"^(?:-{10,}\s*\n)?(?:REVIEWER NOTES|## Reviewer notes)", re.MULTILINE)


@dataclass(frozen=True)
class EditedItem:
    request: str
    outcome: Outcome | None
    rationale: str


@dataclass(frozen=True)
class RecheckedItem:
    item: DeterminationItem
    rule_outcome: Outcome | None


def read_edited_letter(path: Path) -> list[EditedItem]:
    """The items of a text or markdown letter: heading '<item>: <Upheld|Overturned>' and its rationale."""
    text = read_document_text(path)
    notes = _NOTES.search(text)
    letter = text[:notes.start()] if notes else text
    headings = list(_ITEM_HEADING.finditer(letter))
    items = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(letter)
        rationale = _RATIONALE.search(letter, heading.end(), end)
        if rationale is None:
            raise InputError(path, f"item '{heading['item'].strip()}' has no 'Decision rationale:' paragraph")
        items.append(EditedItem(request=heading["item"].strip(), outcome=_LABELS[heading["label"].lower()],
                                rationale=" ".join(rationale["text"].split())))
    if not items:
        raise InputError(path, "holds no '<item>: Upheld|Overturned' headings to check")
    return items


def recheck(determination: Determination, summary: CaseSummary, decisions: Sequence[ItemDecision],
            records: Sequence[str] = (), reviewer_names: Sequence[str] = ()) -> tuple[Determination,
                                                                                     list[RecheckedItem]]:
    """Check every item's rationale against its outcome as the letter states it."""
    by_id = {decision.item_id: decision for decision in decisions}
    rechecked = []
    for item in determination.items:
        decision = by_id.get(item.item_id)
        if decision is None:
            raise InputError("letter", f"item '{item.item_id}' has no decision in the summary/decisions given")
        stated = decision.model_copy(update={"outcome": item.outcome})
        report = check_rationale(item.rationale, stated, summary, reviewer_names, records)
        reasons = review_reasons(report, stated, no_outcome="no outcome stated; the reviewer decides")
        updated = item.model_copy(update={"checks": report.results, "needs_review": bool(reasons),
                                          "review_reasons": reasons})
        rechecked.append(RecheckedItem(item=updated, rule_outcome=decision.outcome))
    items = [entry.item for entry in rechecked]
    return determination.model_copy(update={"items": items,
                                            "released": all(not i.needs_review for i in items)}), rechecked


def apply_edits(determination: Determination, edits: list[EditedItem], path: Path) -> Determination:
    """The drafted determination with the rationales and outcomes of an edited text/markdown letter."""
    by_request = {" ".join(edit.request.lower().split()): edit for edit in edits}
    items = []
    for item in determination.items:
        edit = by_request.get(" ".join(item.item.lower().split()))
        if edit is None:
            raise InputError(path, f"the edited letter no longer has the item '{item.item}'")
        items.append(item.model_copy(update={"outcome": edit.outcome, "rationale": edit.rationale}))
    return determination.model_copy(update={"items": items})
