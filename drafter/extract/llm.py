"""Stage 2 through an LLM: the case file becomes a CaseSummary via structured replies (instructor).

The reply model is derived from CaseSummary's fact types: each fact without its `evidence`, plus the
`doc_id` and verbatim `quote` the model must give; every field is required, optional ones nullable
(with defaults, schema-enforcing modes let the model drop them). A quote must occur in its document
exactly, up to whitespace, and show the fact's numbers and years; a reply that breaks this is re-asked
with the failures listed (bounded), and facts still unverified after the re-asks are dropped and
flagged. Offsets are computed here by locating the quote, never taken from the model.

A case longer than the model's context is read in chunks of whole documents (a document that alone
is too long is split at line breaks); facts from all chunks are merged: duplicates joined, facts
that disagree kept side by side and flagged in `CaseSummary.flags`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import types
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from drafter.extract.offline import extract_offline
from drafter.llm import CachedSchema, LLMClient, ReplyInvalid, binding, load_prompt
from drafter.models import CaseFile, CaseSummary, DocumentRef, Evidence, Fact, LLMCall, PlantedInstruction

CHARS_PER_TOKEN = 3  # conservative for English clinical text; used only to size chunks
PROMPT_OVERHEAD_TOKENS = 300  # chat template, document tags, re-ask messages


def _fact_type(annotation: Any) -> tuple[type[Fact], bool] | None:
    """(fact class, is_list) for a CaseSummary field holding facts, else None."""
    origin = get_origin(annotation)
    if origin is list:
        (inner,) = get_args(annotation)
        return (inner, True) if isinstance(inner, type) and issubclass(inner, Fact) else None
    if origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(inner) == 1 and isinstance(inner[0], type) and issubclass(inner[0], Fact):
            return inner[0], False
    return None


FACT_FIELDS: dict[str, tuple[type[Fact], bool]] = {
    name: kind for name, info in CaseSummary.model_fields.items() if (kind := _fact_type(info.annotation))
}


class QuotedFact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_id: str = Field(description="Id of the document the quote is copied from.")
    quote: str = Field(description="Words copied exactly from that document that show this fact.")


def _reply_fact(fact_type: type[Fact]) -> type[QuotedFact]:
    fields = {name: (info.annotation, Field(description=info.description))
              for name, info in fact_type.model_fields.items() if name != "evidence"}
    return create_model(fact_type.__name__, __base__=QuotedFact, **fields)


REPLY_FACTS = {name: _reply_fact(fact_type) for name, (fact_type, _) in FACT_FIELDS.items()}


CHUNK_SOURCES: ContextVar[dict[str, str] | None] = ContextVar("chunk_sources", default=None)


class ExtractionReply(CachedSchema):
    """Base of the reply model; quotes are checked against the chunk's documents (doc_id -> text) in
    `CHUNK_SOURCES`, and not checked without them (salvaging a reply)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _quotes_are_verbatim(self) -> ExtractionReply:
        sources = CHUNK_SOURCES.get()
        if sources is None:
            return self
        failures = []
        for where, fact in iter_reply_facts(self):
            if locate_quote(fact, sources) is None:
                failures.append(f"{where}: the quote {fact.quote!r} does not occur in {fact.doc_id}")
            else:
                failures += [f"{where}: {problem}" for problem in unsupported_values(fact)]
        if failures:
            raise ValueError("Every quote must be copied exactly from the named document and show the fact's "
                             "values; otherwise use null or leave the fact out. Problems: "
                             + "; ".join(failures[:8]))
        return self


PLACEHOLDERS = {"none", "null", "n/a", "na", "unknown", "not stated", "not documented", ""}
WORD_NUMBERS = {word: float(number) for number, word in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def unsupported_values(fact: QuotedFact) -> list[str]:
    """Values the quote does not show: numbers and years absent from it, placeholder strings."""
    quote = fact.quote.casefold()
    numbers = {float(n) for n in _NUMBER.findall(quote)}
    numbers |= {value for word, value in WORD_NUMBERS.items() if re.search(rf"\b{word}\b", quote)}
    problems = []
    for name, value in fact.model_dump(exclude={"doc_id", "quote"}).items():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float) and float(value) not in numbers:
            problems.append(f"{name}={value:g} is not in the quote")
        elif isinstance(value, dt.date) and str(value.year) not in quote and f"/{value.year % 100:02d}" not in quote:
            problems.append(f"{name}={value.isoformat()} is not in the quote")
        elif isinstance(value, str) and value.strip().casefold() in PLACEHOLDERS:
            problems.append(f"{name}={value!r} is a placeholder (use null)")
    return problems


REPLY_MODEL: type[ExtractionReply] = create_model(
    "ExtractionReply", __base__=ExtractionReply,
    **{name: ((list[REPLY_FACTS[name]] if is_list else REPLY_FACTS[name] | None), ...)
       for name, (_, is_list) in FACT_FIELDS.items()},
)


def iter_reply_facts(reply: BaseModel) -> Iterator[tuple[str, QuotedFact]]:
    for name, (_, is_list) in FACT_FIELDS.items():
        value = getattr(reply, name)
        if is_list:
            yield from ((f"{name}[{index}]", fact) for index, fact in enumerate(value))
        elif value is not None:
            yield name, value


@functools.lru_cache(maxsize=64)
def _normalized(text: str) -> tuple[str, list[int]]:
    """Text with whitespace runs collapsed to one space, and each kept character's original index.
    Cached: every quote of a reply is looked up in the same few documents (read-only result)."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        where.append(index)
    return "".join(chars), where


def find_verbatim(quote: str, text: str) -> tuple[int, int] | None:
    """Offsets of `quote` in `text`, matching exactly except for whitespace runs."""
    needle = " ".join(quote.split())
    if not needle:
        return None
    haystack, where = _normalized(text)
    start = haystack.find(needle)
    if start < 0:
        return None
    return where[start], where[start + len(needle) - 1] + 1


def locate_quote(fact: QuotedFact, sources: dict[str, str]) -> Evidence | None:
    """Evidence for the quote in its named document, else in another document of the chunk."""
    order = [fact.doc_id] if fact.doc_id in sources else []
    order += [doc_id for doc_id in sources if doc_id != fact.doc_id]
    for doc_id in order:
        span = find_verbatim(fact.quote, sources[doc_id])
        if span:
            start, end = span
            return Evidence(doc_id=doc_id, start=start, end=end, quote=sources[doc_id][start:end])
    return None


@dataclass
class Piece:
    doc_id: str
    name: str
    text: str


def chunk_case(case: CaseFile, budget_chars: int) -> list[list[Piece]]:
    """Whole documents packed in order into chunks of at most `budget_chars`; long ones split by lines."""
    pieces: list[Piece] = []
    for doc in case.documents:
        pieces += [Piece(doc.doc_id, doc.name, part) for part in _split_lines(doc.text, budget_chars)]
    chunks: list[list[Piece]] = []
    size = 0
    for piece in pieces:
        if chunks and size + len(piece.text) <= budget_chars:
            chunks[-1].append(piece)
            size += len(piece.text)
        else:
            chunks.append([piece])
            size = len(piece.text)
    return chunks


def _split_lines(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            parts += [current] if current else []
            current = ""
            parts.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            parts.append(current)
            current = ""
        current += line
    return [*parts, current] if current or not parts else parts


def chunk_budget_chars(client: LLMClient, system_prompt: str) -> int:
    """Characters of records per chunk: the context less the prompt, the reply and some overhead.

    In `json_schema` mode the schema travels as `response_format`, otherwise instructor writes it into
    the system prompt.
    """
    prompt_chars = len(system_prompt)
    if client.settings.instructor_mode != "json_schema":
        prompt_chars += len(json.dumps(REPLY_MODEL.model_json_schema()))  # cached: see CachedSchema
    tokens = (client.settings.context_tokens - prompt_chars // CHARS_PER_TOKEN
              - client.settings.max_output_tokens - PROMPT_OVERHEAD_TOKENS)
    return max(tokens, 100) * CHARS_PER_TOKEN


def chunk_message(chunk: list[Piece]) -> str:
    """The records as data: each inside a tag naming its id (the text is never rendered as a template)."""
    parts = [f'<document id="{piece.doc_id}" name="{piece.name}">\n{piece.text}\n</document>' for piece in chunk]
    return "Extract the facts from these records.\n\n" + "\n\n".join(parts)


def extract_llm(case: CaseFile, client: LLMClient) -> tuple[CaseSummary, list[LLMCall]]:
    """CaseSummary of `case` through the LLM, with every attempt's LLMCall record.

    Raises TransportFailed (endpoint) or ReplyInvalid (no chunk reply validated) as BackendError.
    """
    system = load_prompt("extract")
    chunks = chunk_case(case, chunk_budget_chars(client, system))
    texts = {doc.doc_id: doc.text for doc in case.documents}
    calls: list[LLMCall] = []
    found: dict[str, list[Fact]] = {name: [] for name in FACT_FIELDS}
    flags: list[str] = []
    for index, chunk in enumerate(chunks, start=1):
        sources = {doc_id: texts[doc_id] for doc_id in dict.fromkeys(piece.doc_id for piece in chunk)}
        messages = [{"role": "system", "content": system}, {"role": "user", "content": chunk_message(chunk)}]
        try:
            with binding(CHUNK_SOURCES, sources):
                reply, chunk_calls = client.structured(REPLY_MODEL, messages, stage=f"extract:{index}/{len(chunks)}")
        except ReplyInvalid as exc:
            calls += exc.calls
            reply = _salvage(exc, calls)
            chunk_calls = []
        calls += chunk_calls
        for where, fact in iter_reply_facts(reply):
            field = where.split("[")[0]
            evidence = locate_quote(fact, sources)
            if evidence is None or unsupported_values(fact):
                flags.append(f"unverified-fact-dropped:{where}:chunk-{index}")
                continue
            fact_type, _ = FACT_FIELDS[field]
            found[field].append(fact_type(evidence=evidence, **fact.model_dump(exclude={"doc_id", "quote"})))
    merged = merge_facts(found, flags)
    merged.update(without_planted(merged, extract_offline(case).planted_instructions, flags))
    summary = CaseSummary(
        case_id=case.case_id,
        header=case.header,
        documents=[DocumentRef(doc_id=d.doc_id, name=d.name, date=d.date) for d in case.documents],
        disputed_items=case.disputed_items,
        extractor=client.name,
        **merged,
        flags=flags,
    )
    return summary, calls


def without_planted(merged: dict[str, Any], detected: list[PlantedInstruction], flags: list[str]) -> dict[str, Any]:
    """The merged facts with the planted passages the offline detector found added to the model's, and every
    fact quoting a planted passage dropped (flagged by field and evidence id): a plant supplies no fact.

    The model may miss a plant, or quote one as evidence (a reply talked into approving); the detector
    is a deterministic cross-check that the model's reply cannot switch off.
    """
    planted = list(detected)
    planted += [fact for fact in merged["planted_instructions"]
                if not any(_overlaps(fact.evidence, other.evidence) for other in detected)]
    kept: dict[str, Any] = {"planted_instructions": planted}
    for name, value in merged.items():
        if name == "planted_instructions":
            continue
        facts = value if isinstance(value, list) else [value] if value is not None else []
        clean = []
        for fact in facts:
            if any(_overlaps(fact.evidence, plant.evidence) for plant in planted):
                flags.append(f"planted-passage-fact-dropped:{name}:{_ref(fact.evidence)}")
            else:
                clean.append(fact)
        kept[name] = clean if isinstance(value, list) else (clean[0] if clean else None)
    return kept


def _overlaps(first: Evidence, second: Evidence) -> bool:
    return first.doc_id == second.doc_id and first.start < second.end and second.start < first.end


def _salvage(exc: ReplyInvalid, calls: list[LLMCall]) -> BaseModel:
    """The last reply when only its quotes failed (its verified facts are kept); else re-raise, with `calls`:
    every call of the extraction so far, earlier chunks included."""
    try:
        return REPLY_MODEL.model_validate_json(exc.last_reply or "")
    except ValidationError:
        raise ReplyInvalid(str(exc), calls, exc.errors, exc.last_reply) from None


IDENTITY: dict[str, tuple[str, ...]] = {
    "age": (),
    "sex": (),
    "diagnoses": ("name",),
    "treatments": ("modality", "body_region"),
    "medications": ("name",),
    "neuro_findings": ("finding", "body_region"),
    "red_flags": ("flag",),
    "imaging": ("modality", "body_region"),
    "monitoring": ("kind",),
    "surgeries": ("procedure",),
}


def _key(fact: Fact, fields: tuple[str, ...] | None = None) -> tuple[Any, ...]:
    """The fact's values (or the named ones), case-folded; a fact with no value besides its evidence (a
    planted instruction) is identified by the passage it quotes."""
    values = fact.model_dump(exclude={"evidence"})
    if not values:
        return fact.evidence.doc_id, fact.evidence.start, fact.evidence.end
    names = sorted(values) if fields is None else fields
    return tuple(str(values[name]).casefold() if values[name] is not None else None for name in names)


def merge_facts(found: dict[str, list[Fact]], flags: list[str]) -> dict[str, Any]:
    """Join duplicate facts (first evidence kept); keep disagreeing facts and flag them by evidence id."""
    merged: dict[str, Any] = {}
    for name, facts in found.items():
        kept: list[Fact] = []
        seen: set[tuple[Any, ...]] = set()
        for fact in facts:
            if _key(fact) in seen:
                continue
            seen.add(_key(fact))
            if name in IDENTITY:
                for other in kept:
                    if _key(other, IDENTITY[name]) == _key(fact, IDENTITY[name]):
                        flags.append(f"conflict:{name}:{_ref(other.evidence)}:{_ref(fact.evidence)}")
                        break
            kept.append(fact)
        _, is_list = FACT_FIELDS[name]
        merged[name] = kept if is_list else (kept[0] if kept else None)
    return merged


def _ref(evidence: Evidence) -> str:
    return f"{evidence.doc_id}@{evidence.start}"
