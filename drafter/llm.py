"""The LLM client: one OpenAI-compatible endpoint, instructor for structured replies, tenacity for transport.

* Transport errors (429, 5xx, timeouts, a reply body that is not complete JSON) retry with exponential
  backoff and jitter, honoring Retry-After, bounded in attempts and in total time; the openai client's
  own retries are off.
* Replies that fail validation are re-asked by instructor with the errors (bounded by `max_reasks`).
* Every attempt, re-asks and failed transport attempts included, becomes an `LLMCall` record.
* A failure the retries do not fix raises `BackendError` (one line, no case text).
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, TypeVar

import openai
from instructor import Mode, patch
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import BaseModel
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from drafter.errors import BackendError
from drafter.models import LLMCall
from drafter.settings import Settings

T = TypeVar("T", bound=BaseModel)
V = TypeVar("V")

PROMPTS = ("extract", "case_summary", "rationale", "judge")

logging.getLogger("instructor").addHandler(logging.NullHandler())  # its retry log lines are ours to report

MODES = {"json": Mode.JSON, "json_schema": Mode.JSON_SCHEMA, "tools": Mode.TOOLS, "md_json": Mode.MD_JSON}


def load_prompt(name: str) -> str:
    """A system prompt shipped in the wheel (prompts/<name>.md). Static text: nothing is rendered into it."""
    return files("drafter.prompts_data").joinpath(f"{name}.md").read_text(encoding="utf-8")


def prompt_hashes() -> dict[str, str]:
    """sha256 of every prompt, for the audit record."""
    return {name: hashlib.sha256(load_prompt(name).encode("utf-8")).hexdigest() for name in PROMPTS}


class CachedSchema(BaseModel):
    """Base of the reply models: the JSON schema is generated once per class (instructor asks for it on
    every call, and generating it was ~30% of the client's CPU). Each caller gets its own copy.

    Instructor wraps the model in a new subclass on every call (`functools.wraps`, same fields, name and
    docstring); the schema is cached under the wrapped class, so the wrappers share one entry."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        model = cls.__dict__.get("__wrapped__", cls)
        if not (isinstance(model, type) and issubclass(model, CachedSchema)):
            model = cls
        return json.loads(_schema_text(model, args, tuple(sorted(kwargs.items()))))


@functools.lru_cache(maxsize=32)
def _schema_text(model: type[CachedSchema], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> str:
    return json.dumps(super(CachedSchema, model).model_json_schema(*args, **dict(kwargs)))


@contextmanager
def binding(variable: ContextVar[V], value: V) -> Iterator[None]:
    """`variable` set to `value` inside the block (this thread only): how a static reply model's validator
    gets the data of one call."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


class LLMFailure(BackendError):
    """A BackendError that carries the attempts made before it, so their usage is still counted."""

    def __init__(self, message: str, calls: list[LLMCall]):
        super().__init__(message)
        self.calls = calls


class TransportFailed(LLMFailure):
    """The endpoint could not be reached, refused the key, or kept failing past the retry bounds."""


class ReplyInvalid(LLMFailure):
    """Every reply failed validation, re-asks included. `errors` is the last validation failure and
    `last_reply` the last reply's raw text (JSON or not), for a caller that can salvage part of it."""

    def __init__(self, message: str, calls: list[LLMCall], errors: str, last_reply: str | None):
        super().__init__(message, calls)
        self.errors = errors
        self.last_reply = last_reply


@dataclass
class _Ledger:
    """The attempts of one logical call (one stage, one item)."""

    stage: str
    item_id: str | None
    model: str
    calls: list[LLMCall] = field(default_factory=list)

    def record(self, outcome: str, usage: Any = None) -> None:
        self.calls.append(LLMCall(
            stage=self.stage, item_id=self.item_id, attempt=len(self.calls) + 1, model=self.model,
            prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
            outcome=outcome,
        ))

    def mark_invalid(self, *_args: Any, **_kwargs: Any) -> None:
        self.calls[-1] = self.calls[-1].model_copy(update={"outcome": "validation_error"})


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APITimeoutError | openai.RateLimitError | json.JSONDecodeError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's Retry-After (seconds or HTTP date; or retry-after-ms), if it sent one."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    if value := headers.get("retry-after-ms"):
        try:
            return float(value) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(when.timestamp() - time.time(), 0.0) if when else None


def _describe(exc: BaseException, base_url: str) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return f"no reply from {base_url} within the timeout"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return f"{base_url} refused the API key (HTTP {exc.status_code})"
    if isinstance(exc, openai.NotFoundError):
        return f"{base_url} answered HTTP 404 (wrong base URL or model name?)"
    if isinstance(exc, openai.APIStatusError):
        return f"{base_url} answered HTTP {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot reach {base_url} (connection failed)"
    if isinstance(exc, json.JSONDecodeError):
        return f"{base_url} sent a reply body that is not complete JSON (truncated?)"
    return f"{base_url}: {type(exc).__name__}"


class LLMClient:
    """One configured endpoint. `sleep` is injectable so tests need not wait for real backoff."""

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.model = settings.model
        self.base_url = settings.base_url or "https://api.openai.com/v1"
        key = settings.api_key.get_secret_value() if settings.api_key else "no-key-local-server"
        self._openai = openai.OpenAI(api_key=key, base_url=self.base_url,
                                     timeout=settings.timeout_seconds, max_retries=0)
        self._mode = MODES[settings.instructor_mode]
        self._sleep = sleep

    @property
    def name(self) -> str:
        return f"llm:{self.model}"

    def structured(self, response_model: type[T], messages: list[dict[str, str]], *, stage: str,
                   item_id: str | None = None, max_reasks: int | None = None) -> tuple[T, list[LLMCall]]:
        """One validated reply of `response_model`; raises TransportFailed or ReplyInvalid (with calls).

        Per-call validation data reaches the model's validators through a context variable (`binding`),
        never through instructor's `context`, which would render the messages (case text) as Jinja."""
        ledger = _Ledger(stage, item_id, self.model)
        hooks = Hooks()
        hooks.on("parse:error", ledger.mark_invalid)
        create = patch(create=lambda **kwargs: self._send(ledger, **kwargs), mode=self._mode)
        extra: dict[str, Any] = {}
        if self.settings.is_local and self._mode is Mode.JSON:
            # grammar-constrained output: a llama.cpp/vLLM extension, never sent to a hosted API
            extra["extra_body"] = {"response_format": {"type": "json_object",
                                                       "schema": response_model.model_json_schema()}}
        reasks = self.settings.max_reasks if max_reasks is None else max_reasks
        try:
            result = create(response_model=response_model, messages=messages, model=self.model,
                            max_retries=reasks, hooks=hooks, temperature=self.settings.temperature,
                            max_tokens=self.settings.max_output_tokens, **extra)
        except InstructorRetryException as exc:
            cause = exc.__cause__
            if isinstance(cause, TransportFailed):
                raise TransportFailed(str(cause), ledger.calls) from None
            raise ReplyInvalid(f"{self.name}: no valid {stage} reply after {len(ledger.calls)} attempt(s)",
                               ledger.calls, errors=str(cause or exc),
                               last_reply=_reply_text(exc.last_completion)) from None
        except TransportFailed as exc:
            raise TransportFailed(str(exc), ledger.calls) from None
        except IncompleteOutputException as exc:
            ledger.calls[-1] = ledger.calls[-1].model_copy(update={"outcome": "incomplete"})
            raise ReplyInvalid(f"{self.name}: the {stage} reply was cut at max_output_tokens="
                               f"{self.settings.max_output_tokens}", ledger.calls, errors="incomplete output",
                               last_reply=_reply_text(getattr(exc, "last_completion", None))) from None
        return result, ledger.calls

    def _send(self, ledger: _Ledger, **kwargs: Any) -> Any:
        """One chat completion, retried on 429/5xx/timeouts and unreadable bodies; each HTTP attempt is
        recorded. (The SDK raises a bare JSONDecodeError for a cut body: no reply was received, so it is a
        transport failure, not a reply to re-ask.)"""
        started = time.monotonic()
        budget = self.settings.max_retry_seconds
        backoff = wait_exponential_jitter(multiplier=self.settings.backoff_seconds, max=60.0,
                                          jitter=self.settings.backoff_seconds)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            remaining = max(budget - (time.monotonic() - started), 0.0)
            hinted = retry_after_seconds(exc) if exc else None
            return min(hinted if hinted is not None else backoff(state), remaining)

        retrying = Retrying(
            stop=stop_after_attempt(self.settings.max_attempts) | stop_after_delay(budget),
            wait=wait, retry=retry_if_exception(_retryable), reraise=True, sleep=self._sleep,
        )
        try:
            for attempt in retrying:
                with attempt:
                    try:
                        response = self._openai.chat.completions.create(**kwargs)
                    except (openai.APIError, json.JSONDecodeError):
                        ledger.record("transport_error")
                        raise
                    ledger.record("ok", getattr(response, "usage", None))
                    return response
        except (openai.APIError, json.JSONDecodeError) as exc:
            attempts = sum(call.outcome == "transport_error" for call in ledger.calls)
            raise TransportFailed(f"LLM backend: {_describe(exc, self.base_url)} "
                                  f"(after {attempts} attempt(s))", ledger.calls) from None
        raise AssertionError("unreachable: tenacity re-raises the last error")


def _reply_text(completion: Any) -> str | None:
    """The content (or first tool call's arguments) of a chat completion."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return None
    if message.tool_calls:
        return message.tool_calls[0].function.arguments
    return message.content


def total_cost(calls: list[LLMCall], settings: Settings) -> float | None:
    """Estimated USD cost of the calls from the price table; None when the model has no price."""
    return settings.cost_usd(sum(c.prompt_tokens for c in calls), sum(c.completion_tokens for c in calls))
