"""A HAND-WRITTEN FAKE OpenAI-compatible endpoint that answers from a script (not a model, not a recording).

`FakeEndpoint` is a tiny HTTP server on 127.0.0.1 that answers each request with the next scripted reply
(status, headers, body, delay) and keeps every request body it received; the `fake` fixture of
conftest.py starts them. Used by the LLM fault tests and the judge tests.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from drafter.extract.llm import FACT_FIELDS
from drafter.llm import LLMClient
from drafter.models import CaseSummary, ItemDecision
from drafter.settings import load_settings

CASSETTES = Path(__file__).resolve().parent / "cassettes"


@dataclass
class Reply:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def completion(content: str, prompt_tokens: int = 100, completion_tokens: int = 20) -> dict[str, Any]:
    return {
        "id": "fake-1", "object": "chat.completion", "created": 0, "model": "fake-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


class FakeEndpoint:
    def __init__(self, script: list[Reply]):
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("content-length", 0))
                endpoint.requests.append(json.loads(self.rfile.read(length)))
                reply = endpoint.script.pop(0)
                time.sleep(reply.delay)
                payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    for name, value in {"content-type": "application/json", **reply.headers}.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@contextmanager
def endpoints() -> Iterator[Any]:
    """`start(*replies)` -> a running FakeEndpoint; every one started is shut down on exit."""
    servers: list[FakeEndpoint] = []

    def start(*replies: Reply) -> FakeEndpoint:
        servers.append(FakeEndpoint(list(replies)))
        return servers[-1]

    yield start
    for server in servers:
        server.server.shutdown()
        server.server.server_close()


def client_for(url: str, sleeps: list[float] | None = None, **options: Any) -> LLMClient:
    values = {"base_url": url, "model": "fake-model", "timeout_seconds": 5, "max_attempts": 3,
              "backoff_seconds": 0.01, "max_reasks": 1, **options}
    recorder = sleeps if sleeps is not None else []
    return LLMClient(load_settings(env={}, **values), sleep=recorder.append)


EMPTY_FACTS = {name: [] if is_list else None for name, (_, is_list) in FACT_FIELDS.items()}


def facts(**values: Any) -> str:
    return json.dumps({**EMPTY_FACTS, **values})


AGE_OK = {"years": 29, "doc_id": "D1", "quote": "29-year-old man, warehouse loader"}


def thoracic_mri() -> tuple[CaseSummary, ItemDecision]:
    """The recorded thoracic example's summary and its MRI decision (tests/cassettes/)."""
    summary = CaseSummary.model_validate_json((CASSETTES / "thoracic-summary.json").read_text())
    decision = ItemDecision.model_validate_json((CASSETTES / "thoracic-mri-decision.json").read_text())
    return summary, decision
