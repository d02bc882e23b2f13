"""LLM settings: sources and their precedence, the offline default, the price table, prompt hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from drafter.errors import DrafterError
from drafter.llm import load_prompt, prompt_hashes, total_cost
from drafter.models import LLMCall
from drafter.settings import load_settings

CONFIG = """
[llm]
model = "from-file"
base_url = "https://gateway.example/v1"
max_reasks = 4

[llm.prices."from-file"]
prompt = 1.0
completion = 2.0
"""


def test_offline_without_a_key_or_url() -> None:
    assert load_settings(env={}).backend == "offline"


def test_openai_is_the_default_when_a_key_is_set() -> None:
    settings = load_settings(env={"OPENAI_API_KEY": "sk-test", "DRAFTER_MODEL": "gpt-4o"})
    assert settings.backend == "openai" and settings.model == "gpt-4o"
    assert settings.api_key is not None and "sk-test" not in repr(settings)


def test_precedence_explicit_over_env_over_file(tmp_path: Path) -> None:
    config = tmp_path / "drafter.toml"
    config.write_text(CONFIG)
    env = {"DRAFTER_CONFIG": str(config), "DRAFTER_MODEL": "from-env", "OPENAI_API_KEY": "k"}
    assert load_settings(env=env).model == "from-env"
    assert load_settings(env=env, model="explicit").model == "explicit"
    from_file = load_settings(env={"DRAFTER_CONFIG": str(config), "OPENAI_API_KEY": "k"})
    assert from_file.model == "from-file" and from_file.max_reasks == 4
    assert from_file.base_url == "https://gateway.example/v1"


def test_price_table_from_config_gives_a_cost_estimate(tmp_path: Path) -> None:
    config = tmp_path / "drafter.toml"
    config.write_text(CONFIG)
    settings = load_settings(config, env={"OPENAI_API_KEY": "k"})
    calls = [LLMCall(stage="s", attempt=1, model="from-file", prompt_tokens=1_000_000, completion_tokens=500_000,
                     outcome="ok")]
    assert total_cost(calls, settings) == pytest.approx(2.0)
    assert "gpt-4o-mini" in settings.prices  # built-in prices stay
    assert total_cost(calls, settings.model_copy(update={"model": "unpriced"})) is None


def test_remote_endpoint_without_a_key_is_refused() -> None:
    with pytest.raises(DrafterError, match="needs an API key"):
        load_settings(env={}, backend="openai")


def test_local_server_needs_no_key() -> None:
    settings = load_settings(env={}, base_url="http://127.0.0.1:8080/v1")
    assert settings.backend == "openai" and settings.is_local


@pytest.mark.parametrize("text, message", [("[llm\n", "not valid TOML"), ("[llm]\ninstructor_mode = 'xml'\n",
                                                                          "instructor_mode")])
def test_bad_config_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text)
    with pytest.raises(DrafterError, match=message) as failure:
        load_settings(config, env={})
    assert "\n" not in str(failure.value)


def test_prompt_hashes_cover_every_prompt_and_follow_its_text() -> None:
    hashes = prompt_hashes()
    assert set(hashes) == {"extract", "case_summary", "rationale", "judge"}
    assert hashes["rationale"] == hashlib.sha256(load_prompt("rationale").encode()).hexdigest()
