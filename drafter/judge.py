"""Second opinion (optional, LLM backend): an LLM judge reads a drafted rationale without the decision and
states which outcome the text supports. Agreement is recorded as a passed check; disagreement, an
"unclear" reading or no valid reply fails the check, so the item goes to the reviewer. The judge never
decides or changes an outcome or a text.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import ConfigDict, Field, create_model

from drafter.llm import CachedSchema, LLMClient, ReplyInvalid, load_prompt
from drafter.models import CheckReport, CheckResult, ItemDecision, LLMCall, Outcome

JUDGE_CHECK = "second_opinion"

Reading = Literal["not_medically_necessary", "medically_necessary", "unclear"]
READS_AS: dict[Reading, Outcome | None] = {
    "not_medically_necessary": Outcome.UPHELD,
    "medically_necessary": Outcome.OVERTURNED,
    "unclear": None,
}


class JudgeReply(CachedSchema):
    """The outcome a rationale's reasoning supports, in the judge's reading."""

    model_config = ConfigDict(extra="forbid")
    supports: Reading
    reason: str = Field(max_length=400)


# The model sent: a subclass without the docstring above, so the schema carries no description.
JUDGE_REPLY = create_model("JudgeReply", __base__=JudgeReply)


def judge_rationale(decision: ItemDecision, rationale: str, client: LLMClient) -> tuple[CheckResult, list[LLMCall]]:
    """The judge's reading of `rationale` as a check result against the decided outcome."""
    if decision.outcome is None:
        raise ValueError("only a decided item has an outcome to compare with")
    messages = [
        {"role": "system", "content": load_prompt("judge")},
        {"role": "user", "content": json.dumps({"item": decision.request, "rationale": rationale},
                                               ensure_ascii=False, indent=1)},
    ]
    try:
        reply, calls = client.structured(JUDGE_REPLY, messages, stage="judge", item_id=decision.item_id)
    except ReplyInvalid as exc:
        return CheckResult(check=JUDGE_CHECK, passed=False,
                           detail=f"the LLM judge gave no valid reading in {len(exc.calls)} attempt(s)"), exc.calls
    decided = "not medically necessary" if decision.outcome is Outcome.UPHELD else "medically necessary"
    if READS_AS[reply.supports] is decision.outcome:
        return CheckResult(check=JUDGE_CHECK, passed=True,
                           detail=f"an LLM judge reads the rationale as {decided}, as decided"), calls
    reading = "unclear" if reply.supports == "unclear" else reply.supports.replace("_", " ")
    return CheckResult(check=JUDGE_CHECK, passed=False,
                       detail=f"an LLM judge reads the rationale as {reading}, but the decision is {decided} "
                              f"(its reason: {reply.reason.strip()})"), calls


def with_opinion(report: CheckReport, opinion: CheckResult) -> CheckReport:
    return report.model_copy(update={"passed": report.passed and opinion.passed,
                                     "results": [*report.results, opinion]})
