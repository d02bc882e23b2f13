"""Shared test setup: no test reaches the network (loopback only), and LLM cassettes replay only.

Cassettes under tests/cassettes/ are recorded on purpose with `python scripts/record_cassettes.py`
against a local model; tests replay them with record mode `none`, so a request that the cassette
does not hold fails loudly instead of reaching a server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr
from pytest_recording import network
from scripted_endpoint import endpoints

from drafter.evaluation.backends import VCR_OPTIONS  # one definition for recording and replay
from drafter.settings import Settings, load_settings

CASSETTES = Path(__file__).parent / "cassettes"

RECORDED_BASE_URL = "http://127.0.0.1:8089/v1"


def recorded_settings(**options: object) -> Settings:
    """The settings the cassettes were recorded with (requests must match byte for byte)."""
    values = {"base_url": RECORDED_BASE_URL, "model": "qwen2.5-coder-1.5b-instruct",
              "instructor_mode": "json_schema", "max_output_tokens": 900, "timeout_seconds": 900,
              "max_attempts": 1, "max_reasks": 1, **options}
    return load_settings(env={}, **values)


def replay(cassette: str, record_mode: str = "none") -> vcr.cassette.Cassette:
    """Context manager replaying tests/cassettes/<cassette>."""
    return vcr.VCR(record_mode=record_mode, **VCR_OPTIONS).use_cassette(str(CASSETTES / cassette))


@pytest.fixture
def fake() -> Iterator[Any]:
    """`fake(*replies)` starts a HAND-WRITTEN FAKE endpoint answering from that script (scripted_endpoint.py)."""
    with endpoints() as start:
        yield start


@pytest.fixture(autouse=True)
def _no_network() -> Iterator[None]:
    network.block_socket(allowed_hosts=["127.0.0.1", "localhost"])
    yield
    network.unblock_socket()
