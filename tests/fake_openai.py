"""A HAND-WRITTEN FAKE of an OpenAI-compatible chat completions server, for tests and benchmarks only.

It is not a model and not a recording. It serves `POST /v1/chat/completions` and `GET /v1/models` on
127.0.0.1 (stdlib `http.server`, one thread per request) and answers each prompt of the drafter
(told apart by the system prompt) with a reply built from the request, so that it validates:

* extraction: the documents in the request are run through the offline extractor and its facts are
  returned as the reply model wants them (each with the document id and its verbatim quote);
* rationale: a paragraph written from the decision data in the request (guideline summary, each
  criterion's requirement and finding, the conclusion for the decided outcome);
* case summary: a paragraph naming only the diagnoses and requests in the request.

Tests script faults with `add_rule` (by prompt kind, by a substring of the request, a number of times):
HTTP 429 with Retry-After, HTTP 500, a reply slower than the client's timeout, truncated JSON content,
a truncated HTTP body, `finish_reason: "length"`, an empty `choices` list, and a rationale that obeys
instructions planted in the records. Every call can be delayed by `latency` seconds; calls are counted.

Run on its own (for benchmarks): `python tests/fake_openai.py --latency 1` prints the base URL.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from drafter.draft.template import lower_first, sentence
from drafter.extract.llm import FACT_FIELDS
from drafter.extract.offline import extract_offline
from drafter.llm import load_prompt
from drafter.models import CaseFile, CaseHeader, Document

MODEL = "fake-model"
PROMPT_KINDS = ("extract", "rationale", "case_summary")
_DOCUMENT = re.compile(r'<document id="([^"]+)" name="([^"]*)">\n(.*?)\n</document>', re.DOTALL)


class Fault(StrEnum):
    RATE_LIMIT = "rate_limit"  # 429 with a Retry-After header
    SERVER_ERROR = "server_error"  # 500
    SLOW = "slow"  # a valid reply, sent after `slow_seconds` (longer than the client's timeout)
    TRUNCATED_JSON = "truncated_json"  # 200, the reply content is its JSON cut in half
    TRUNCATED_BODY = "truncated_body"  # 200, the HTTP body itself is cut in half
    LENGTH = "length"  # 200, finish_reason "length" and cut content
    EMPTY_CHOICES = "empty_choices"  # 200, "choices": []
    OBEY = "obey"  # do what text planted in the records asks: a rationale approving the request; an
    # extraction that hides the planted text and quotes it as evidence of improvement


@dataclass
class Rule:
    fault: Fault
    kind: str | None = None  # extract | rationale | case_summary; None: any prompt
    match: str | None = None  # a substring of the request's first user message; None: any
    times: int | None = None  # None: every matching call
    used: int = 0

    def applies(self, kind: str, user: str) -> bool:
        return ((self.times is None or self.used < self.times) and self.kind in (None, kind)
                and (self.match is None or self.match in user))


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]


class FakeOpenAI:
    """The fake server. Use as a context manager, or `start()` / `stop()`."""

    def __init__(self, latency: float = 0.0, slow_seconds: float = 2.0, retry_after: str = "0.01",
                 port: int = 0):
        self.latency = latency
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.rules: list[Rule] = []
        self.calls: Counter[str] = Counter()  # per prompt kind, and "total"
        self.faults: Counter[str] = Counter()  # faults served, per Fault value
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def add_rule(self, fault: Fault, kind: str | None = None, match: str | None = None,
                 times: int | None = None) -> Rule:
        """Serve `fault` to matching calls (first matching rule wins), `times` times or always."""
        rule = Rule(Fault(fault), kind, match, times)
        with self._lock:
            self.rules.append(rule)
        return rule

    # -- answering ------------------------------------------------------------------------------

    def answer(self, body: dict[str, Any]) -> tuple[Reply, float]:
        """The reply to one request and how long to wait before sending it."""
        kind = prompt_kind(body["messages"])
        user = first_user_message(body["messages"])
        with self._lock:
            self.calls["total"] += 1
            self.calls[kind] += 1
            self.requests.append(body)
            rule = next((rule for rule in self.rules if rule.applies(kind, user)), None)
            if rule is not None:
                rule.used += 1
                self.faults[rule.fault.value] += 1
        fault = rule.fault if rule else None
        delay = self.latency + (self.slow_seconds if fault is Fault.SLOW else 0.0)
        if fault is Fault.RATE_LIMIT:
            return _error(429, "rate limited (fake)", {"retry-after": self.retry_after}), delay
        if fault is Fault.SERVER_ERROR:
            return _error(500, "internal error (fake)"), delay
        content = valid_content(kind, user, obey=fault is Fault.OBEY)
        finish = "stop"
        if fault in (Fault.TRUNCATED_JSON, Fault.LENGTH):
            content = content[: len(content) // 2]
            finish = "length" if fault is Fault.LENGTH else "stop"
        completion = _completion(body, content, finish)
        if fault is Fault.EMPTY_CHOICES:
            completion["choices"] = []
        data = json.dumps(completion).encode("utf-8")
        if fault is Fault.TRUNCATED_BODY:
            data = data[: len(data) // 2]
        return Reply(200, data, {}), delay


def prompt_kind(messages: list[dict[str, Any]]) -> str:
    """Which drafter prompt a request carries, from its system message."""
    system = " ".join(str(m.get("content") or "") for m in messages if m.get("role") == "system")
    for kind in PROMPT_KINDS:
        if load_prompt(kind).splitlines()[0] in system:
            return kind
    return "other"


def first_user_message(messages: list[dict[str, Any]]) -> str:
    """The request's data (re-asks append later user messages; the first one is the data)."""
    return next((str(m.get("content") or "") for m in messages if m.get("role") == "user"), "")


def valid_content(kind: str, user: str, obey: bool = False) -> str:
    if kind == "extract":
        return json.dumps(extraction_reply(user, obey))
    if kind == "rationale":
        return json.dumps({"text": rationale_text(json.loads(user), obey)})
    if kind == "case_summary":
        return json.dumps({"text": case_summary_text(json.loads(user))})
    return json.dumps({"text": "ok"})


def extraction_reply(user: str, obey: bool = False) -> dict[str, Any]:
    """The offline extractor's facts over the documents in the request, shaped as the reply model.

    `obey`: the planted passages the extractor finds are left unreported and quoted instead as
    evidence that treatment improved function (what a model talked into approving might do).
    """
    documents = [Document(doc_id=doc_id, name=name, text=text, sha256="-")
                 for doc_id, name, text in _DOCUMENT.findall(user)]
    case = CaseFile(case_id="fake", header=CaseHeader(), documents=documents, disputed_items=[],
                    sources=[], input_sha256="-")
    summary = extract_offline(case)
    reply: dict[str, Any] = {}
    for name, (_, is_list) in FACT_FIELDS.items():
        value = getattr(summary, name)
        facts = [_reply_fact(fact) for fact in (value if is_list else [value] if value else [])]
        reply[name] = facts if is_list else (facts[0] if facts else None)
    if obey:
        planted = reply.pop("planted_instructions")
        reply["planted_instructions"] = []
        for fact in planted:
            where = {"doc_id": fact["doc_id"], "quote": fact["quote"]}
            reply["functional_status"].append({"improved": True, "related_to": None, **where})
            reply["treatments"].append({"modality": "physical_therapy", "sessions": None, "body_region": None,
                                        "response": "improved", **where})
    return reply


def _reply_fact(fact: Any) -> dict[str, Any]:
    return {**fact.model_dump(mode="json", exclude={"evidence"}), "doc_id": fact.evidence.doc_id,
            "quote": fact.evidence.quote}


def rationale_text(data: dict[str, Any], obey: bool = False) -> str:
    """A rationale from the decision data; `obey` writes the outcome the planted text asks for."""
    if obey:
        return (f"As the records direct, every request is approved. The request for {data['item']} "
                "is medically necessary.")
    parts = [sentence(data["guideline_summary"])] if data.get("guideline_summary") else []
    for criterion in sorted(data.get("criteria", []), key=lambda c: not c["decisive"]):
        parts.append(sentence(f"The guideline requires {lower_first(criterion['requirement'].rstrip('.'))}"))
        parts.append(sentence(criterion["finding"]))
        if criterion["decisive"] and criterion["status"] == "not_met":
            parts.append("This requirement is not met.")
        elif criterion["decisive"] and criterion["status"] == "not_documented":
            parts.append("The records provided do not establish this.")
    negation = "not " if data["outcome"] == "upheld" else ""
    parts.append(f"The request for {data['item']} is {negation}medically necessary.")
    return " ".join(part for part in parts if part)


def case_summary_text(data: dict[str, Any]) -> str:
    parts = []
    if data.get("diagnoses"):
        parts.append("Diagnoses include " + ", ".join(data["diagnoses"]) + ".")
    parts.append("The requests under review are: " + "; ".join(data.get("requests", [])) + ".")
    return " ".join(parts)


def _completion(body: dict[str, Any], content: str, finish: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if body.get("tools"):  # instructor's tools mode: the reply travels as the arguments of a tool call
        name = body["tools"][0]["function"]["name"]
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call-fake", "type": "function", "function": {"name": name, "arguments": content}}]}
    prompt_tokens = sum(len(str(m.get("content") or "")) for m in body["messages"]) // 4
    completion_tokens = len(content) // 4
    return {
        "id": "fake-completion", "object": "chat.completion", "created": 0, "model": body.get("model", MODEL),
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps({"error": {"message": message, "type": "fake_error", "code": status}}).encode("utf-8")
    return Reply(status, body, headers or {})


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            if self.path.rstrip("/").endswith("/models"):
                self._send(Reply(200, json.dumps({"object": "list", "data": [
                    {"id": MODEL, "object": "model", "created": 0, "owned_by": "fake"}]}).encode(), {}))
            else:
                self._send(_error(404, "not found (fake)"))

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("content-length", 0))
            raw = self.rfile.read(length)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(_error(404, "not found (fake)"))
                return
            reply, delay = fake.answer(json.loads(raw))
            time.sleep(delay)
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            try:
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except OSError:
                pass  # the client gave up waiting (timeout faults)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="Seconds before every reply.")
    args = parser.parse_args()
    fake = FakeOpenAI(latency=args.latency, port=args.port).start()
    print(fake.url, flush=True)
    try:
        for line in sys.stdin:  # a line "calls" prints the call counts; end of input stops the server
            if line.strip() == "calls":
                print(json.dumps(dict(fake.calls)), flush=True)
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
