"""Stage 3: deterministic guideline checks decide each disputed item. No LLM takes part."""

from __future__ import annotations

from drafter.guidelines.registry import decide_item
from drafter.models import CaseSummary, ItemDecision


def decide(summary: CaseSummary) -> list[ItemDecision]:
    """One decision per disputed item, in order. Same summary + same rules = same decisions."""
    return [decide_item(item, summary) for item in summary.disputed_items]
