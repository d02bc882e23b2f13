"""Stage 4 through an LLM: rationale prose and the clinical case summary paragraph.

The decision is made before this stage; the LLM only explains it. Every draft is validated inside the
reply model, so a failure is re-asked by instructor with the failures listed (bounded):
* a rationale by `drafter.check.check_rationale` (the consistency gate), and its concluding sentence must
  name the item it decides (not another item of the case);
* a case summary by a grounding check (every number it writes occurs in the facts it was given).
When the re-asks run out, the deterministic template drafter writes the text instead and the item is
flagged for the reviewer. Case text reaches the model only as JSON data in a user message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

from pydantic import ConfigDict, Field, create_model, model_validator

from drafter.check import Grounding, check_rationale
from drafter.check.checks import conclusion_of, drugs_in, procedures_in, restated_request
from drafter.check.prose import all_verdicts, split_sentences
from drafter.draft.template import draft_case_summary, draft_rationale, guideline_name, letter_date
from drafter.extract.text import regions_in
from drafter.llm import CachedSchema, LLMClient, ReplyInvalid, binding, load_prompt
from drafter.models import CaseSummary, CheckReport, CheckResult, ItemDecision, LLMCall, Outcome, Rationale

FALLBACK_CHECK = "llm_draft"


VALIDATE_TEXT: ContextVar[Callable[[str], None] | None] = ContextVar("validate_text", default=None)


class TextReply(CachedSchema):
    """A drafted paragraph; the call's `VALIDATE_TEXT` raises ValueError listing what is wrong."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The paragraph.")

    @model_validator(mode="after")
    def _checked(self) -> TextReply:
        if not self.text.strip():
            raise ValueError("The text is empty.")
        if (validate := VALIDATE_TEXT.get()) is not None:
            validate(self.text)
        return self


# The model sent: a subclass without the docstring above, so the schema (and the recorded request bodies)
# carry no description.
TEXT_REPLY = create_model("TextReply", __base__=TextReply)


def rationale_data(decision: ItemDecision) -> dict[str, Any]:
    """What the rationale may draw on: the decision, its criteria and their evidence."""
    return {
        "item": decision.request,
        "outcome": decision.outcome.value if decision.outcome else None,
        "guideline": guideline_name(decision.citation) if decision.citation else None,
        "guideline_summary": decision.guideline_summary,
        "criteria": [
            {"requirement": result.requirement, "status": result.status.value, "decisive": result.decisive,
             "finding": result.finding, "evidence": [evidence.quote for evidence in result.evidence[:2]]}
            for result in decision.criteria
        ],
    }


def _failures(report: CheckReport) -> list[str]:
    return [f"{result.check}: {result.detail}" for result in report.results if not result.passed]


def draft_rationale_llm(decision: ItemDecision, summary: CaseSummary, client: LLMClient, max_reasks: int = 2,
                        reviewer_names: Sequence[str] = (), records: Sequence[str] = (),
                        ) -> tuple[Rationale, CheckReport, list[LLMCall]]:
    """The LLM's rationale when it passes the checks; else the template's, flagged as a fallback.

    An item without an outcome (no rule covers it) gets the template text: there is nothing to explain.
    `reviewer_names` and `records` go to `check_rationale`.
    """

    grounding = Grounding.build(decision, summary, records)  # the same for every draft of this item

    def check(text: str) -> CheckReport:
        return check_rationale(text, decision, summary, reviewer_names, records, grounding)

    if decision.outcome is None:
        rationale = draft_rationale(decision, summary)
        return rationale, check(rationale.text), []

    def validate(text: str) -> None:
        failures = _failures(check(text))
        if problem := conclusion_misnames_item(text, decision):
            failures.append(problem)
        if failures:
            raise ValueError("The rationale failed these checks; fix each one:\n- " + "\n- ".join(failures))

    messages = [
        {"role": "system", "content": load_prompt("rationale")},
        {"role": "user", "content": json.dumps(rationale_data(decision), ensure_ascii=False, indent=1)},
    ]
    try:
        with binding(VALIDATE_TEXT, validate):
            reply, calls = client.structured(TEXT_REPLY, messages, stage="rationale", item_id=decision.item_id,
                                             max_reasks=max_reasks)
    except ReplyInvalid as exc:
        rationale = draft_rationale(decision, summary)
        report = check(rationale.text)
        flag = CheckResult(check=FALLBACK_CHECK, passed=False,
                           detail=f"the LLM draft failed validation in {len(exc.calls)} attempt(s); "
                                  "the template rationale is used")
        report = report.model_copy(update={"passed": False, "results": [*report.results, flag]})
        return rationale, report, exc.calls
    rationale = Rationale(item_id=decision.item_id, text=reply.text.strip(), source="llm", attempts=len(calls))
    return rationale, check(rationale.text), calls


def conclusion_misnames_item(text: str, decision: ItemDecision) -> str | None:
    """A failure when the concluding sentence (the last one stating an outcome) does not name the decided
    item, by its request text or by its drug, or its procedure and body region; None otherwise, and when
    no sentence states an outcome (the conclusion check reports that)."""
    sentences = split_sentences(text)
    final = conclusion_of(all_verdicts(sentences))
    if final is None or names_item(sentences[final.sentence_index], decision):
        return None
    verdict = "not medically necessary" if decision.outcome is Outcome.UPHELD else "medically necessary"
    return (f"item: the concluding sentence does not name the item under review; end with "
            f"\"the request for {decision.request} is {verdict}\"")


def names_item(sentence: str, decision: ItemDecision) -> bool:
    """Whether a sentence names the request: its words (numbers may differ), else its drug, else its
    procedure and body region, else (a service the lexicons do not know) one of its longer words."""
    request = decision.request
    if " ".join(request.split()).casefold() in " ".join(sentence.split()).casefold():
        return True
    if restated_request(request, sentence):
        return True
    if drugs := drugs_in(request):
        return bool(drugs & drugs_in(sentence))
    regions = set(decision.details.body_regions)
    if regions and not regions & set(regions_in(sentence)):
        return False
    if procedures := procedures_in(request):
        return bool(procedures & procedures_in(sentence))
    words = {word for word in re.findall(r"[a-z]{4,}", request.casefold()) if word not in GENERIC_WORDS}
    return bool(words & set(re.findall(r"[a-z]{4,}", sentence.casefold())))


GENERIC_WORDS = {"request", "requested", "sessions", "visits", "times", "week", "weeks", "month", "months",
                 "hours", "days", "daily", "purchase", "rental", "with", "without", "left", "right",
                 "bilateral", "unit", "units"}


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def case_summary_data(summary: CaseSummary) -> dict[str, Any]:
    """The facts the summary paragraph may use; dates written as the letter writes them."""
    header = summary.header
    return {
        "age": summary.age.years if summary.age else None,
        "sex": summary.sex.sex if summary.sex else None,
        "date_of_injury": letter_date(header.date_of_injury) if header.date_of_injury else None,
        "diagnoses": [d.name for d in summary.diagnoses if d.certainty != "ruled_out"],
        "treatments": [{"modality": t.modality, "sessions": t.sessions, "response": t.response}
                       for t in summary.treatments],
        "medications": [m.name for m in summary.medications],
        "pain": [{"score": p.score, "context": p.context} for p in summary.pain_scores],
        "findings": [" ".join(f.evidence.quote.split()) for f in summary.neuro_findings[:4]],
        "imaging": [{"modality": i.modality, "finding": i.finding} for i in summary.imaging],
        "requests": [item.request for item in summary.disputed_items],
    }


def ungrounded_numbers(text: str, data: str) -> list[str]:
    """Numbers in `text` that `data` does not contain (a date counts by its parts)."""
    known = set(_NUMBER.findall(data))
    known |= {number.lstrip("0") or "0" for number in known}
    return sorted({n for n in _NUMBER.findall(text) if n not in known and (n.lstrip("0") or "0") not in known})


def draft_case_summary_llm(summary: CaseSummary, client: LLMClient,
                           max_reasks: int = 2) -> tuple[str, bool, list[LLMCall]]:
    """(paragraph, written_by_llm, calls): the template paragraph when the LLM's stays ungrounded."""
    data = json.dumps(case_summary_data(summary), ensure_ascii=False, indent=1)

    def validate(text: str) -> None:
        if stray := ungrounded_numbers(text, data):
            raise ValueError("These numbers are not in the facts given; remove or correct them: "
                             + ", ".join(stray))

    messages = [{"role": "system", "content": load_prompt("case_summary")},
                {"role": "user", "content": data}]
    try:
        with binding(VALIDATE_TEXT, validate):
            reply, calls = client.structured(TEXT_REPLY, messages, stage="case_summary", max_reasks=max_reasks)
    except ReplyInvalid as exc:
        return draft_case_summary(summary), False, exc.calls
    return reply.text.strip(), True, calls
