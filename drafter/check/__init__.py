"""Stage 5: the consistency gate. Deterministic checks of a rationale against its decision.

Each check returns a CheckResult with a stable id:
- conclusion: the concluding sentence states the decided outcome and no sentence states the opposite;
- guideline: every guideline document the text names is one the rule cites or discusses;
- numbers: every number, date and spinal level is grounded in the request, the records or the rule;
- drugs: every drug named is in the request, the records or the rule's topic;
- procedures: no procedure is stated as done or found in this case unless the case or the rule names it;
- criteria: every decisive unmet or undocumented criterion is addressed;
- documented_facts: no "not documented" claim about something the summary documents;
- reviewer_name: no person is named as reviewer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from drafter.check.checks import (
    CaseCues,
    Grounding,
    check_conclusion,
    check_criteria,
    check_documented_facts,
    check_drugs,
    check_guideline,
    check_numbers,
    check_procedures,
    check_reviewer_name,
)
from drafter.check.prose import sentence_spans
from drafter.models import CaseSummary, CheckReport, ItemDecision

__all__ = ["Grounding", "check_rationale"]


def check_rationale(text: str, decision: ItemDecision, summary: CaseSummary,
                    reviewer_names: Sequence[str] = (), records: Sequence[str] = (),
                    grounding: Grounding | None = None) -> CheckReport:
    """Run every check. `records` are document texts to ground numbers, drugs and procedures in, besides the
    facts. `grounding` may be passed when checking several texts for one decision (it depends only on the
    decision, the summary and the records)."""
    spans = sentence_spans(text)
    sentences = [text[start:end].strip() for start, end in spans]
    grounding = grounding or Grounding.build(decision, summary, records)
    own = without_rule_text(text, decision)
    own_sentences = [own[start:end].strip() for start, end in spans]
    cues = CaseCues(own_sentences, spans)
    results = [
        check_conclusion(sentences, decision),
        check_guideline(own_sentences, grounding),
        check_numbers(own, cues, grounding),
        check_drugs(own_sentences, cues, grounding),
        check_procedures(own_sentences, cues, grounding),
        check_criteria(text, decision),
        check_documented_facts(own_sentences, summary, grounding),
        check_reviewer_name(text, reviewer_names),
    ]
    return CheckReport(item_id=decision.item_id, passed=all(result.passed for result in results),
                       results=results)


def without_rule_text(text: str, decision: ItemDecision) -> str:
    """The text with passages copied verbatim from the rule (its guideline summary, its criteria's
    requirements) blanked: they are the rule itself, grounded by definition. Same length as the text."""
    for passage in (decision.guideline_summary, *(result.requirement for result in decision.criteria)):
        for variant in passage_variants(passage):
            if variant in text:
                text = text.replace(variant, " " * len(variant))
    return text


@lru_cache(maxsize=1024)
def passage_variants(passage: str) -> tuple[str, ...]:
    """A rule passage as without_rule_text looks for it (white space collapsed, no final full stop, as written and
    capitalised); none under 40 characters. The passages are the rules' own: each is read once."""
    passage = " ".join(passage.split()).rstrip(".")
    if len(passage) < 40:
        return ()
    return passage, passage[0].upper() + passage[1:]
