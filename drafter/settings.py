"""LLM backend settings: explicit options > environment > TOML config file > defaults.

Environment: OPENAI_API_KEY, OPENAI_BASE_URL, DRAFTER_BACKEND, DRAFTER_MODEL, DRAFTER_INSTRUCTOR_MODE,
DRAFTER_TIMEOUT, DRAFTER_MAX_ATTEMPTS, DRAFTER_MAX_REASKS, DRAFTER_CONTEXT_TOKENS, DRAFTER_JUDGE,
DRAFTER_CONFIG (path of the TOML file). The TOML file holds the same keys under `[llm]` and a price table::

    [llm]
    model = "gpt-4o-mini"
    base_url = "https://example-gateway/v1"

    [llm.prices."gpt-4o-mini"]       # USD per million tokens
    prompt = 0.15
    completion = 0.60

Without an API key and without a base URL the backend is `offline` (no LLM).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from drafter.errors import DrafterError

Backend = Literal["offline", "openai"]
InstructorMode = Literal["json", "json_schema", "tools", "md_json"]

ENV_KEYS: dict[str, str] = {
    "OPENAI_API_KEY": "api_key",
    "OPENAI_BASE_URL": "base_url",
    "DRAFTER_BACKEND": "backend",
    "DRAFTER_MODEL": "model",
    "DRAFTER_INSTRUCTOR_MODE": "instructor_mode",
    "DRAFTER_TIMEOUT": "timeout_seconds",
    "DRAFTER_MAX_ATTEMPTS": "max_attempts",
    "DRAFTER_MAX_REASKS": "max_reasks",
    "DRAFTER_CONTEXT_TOKENS": "context_tokens",
    "DRAFTER_JUDGE": "judge",
}


class Price(BaseModel):
    """USD per million tokens."""

    model_config = ConfigDict(extra="forbid")
    prompt: float = Field(ge=0)
    completion: float = Field(ge=0)


DEFAULT_PRICES = {
    "gpt-4o-mini": Price(prompt=0.15, completion=0.60),
    "gpt-4o": Price(prompt=2.50, completion=10.00),
    "gpt-4.1-mini": Price(prompt=0.40, completion=1.60),
}


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Backend = "offline"
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    api_key: SecretStr | None = None
    instructor_mode: InstructorMode = "json"
    timeout_seconds: float = Field(default=120.0, gt=0, description="One HTTP request.")
    max_attempts: int = Field(default=4, ge=1, description="Transport attempts per call (429/5xx/timeout).")
    max_retry_seconds: float = Field(default=300.0, gt=0, description="Total time spent retrying one call.")
    backoff_seconds: float = Field(default=1.0, ge=0, description="First backoff; doubles, with jitter.")
    max_reasks: int = Field(default=2, ge=0, description="Re-asks after a reply fails validation.")
    context_tokens: int = Field(default=8192, ge=1024, description="Model context window, for chunking.")
    max_output_tokens: int = Field(default=1500, ge=64)
    temperature: float = Field(default=0.0, ge=0, le=2)
    judge: bool = Field(default=False, description="Ask an LLM judge which outcome each rationale supports "
                                                   "(a second opinion: disagreement flags the item).")
    prices: dict[str, Price] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    @property
    def is_local(self) -> bool:
        """True for a server on this machine (llama.cpp, vLLM, Ollama): no key needed, grammar allowed."""
        host = urlparse(self.base_url or "").hostname or ""
        return host in {"127.0.0.1", "localhost", "::1"}

    def cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        price = self.prices.get(self.model)
        if price is None:
            return None
        return (prompt_tokens * price.prompt + completion_tokens * price.completion) / 1_000_000


def load_settings(config_file: Path | str | None = None, env: Mapping[str, str] | None = None,
                  **options: Any) -> Settings:
    """Merge the sources; `options` set to None are ignored. Raises DrafterError on a bad value."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    path = config_file or env.get("DRAFTER_CONFIG")
    if path:
        values.update(_read_toml(Path(path)))
    values.update({field: env[key] for key, field in ENV_KEYS.items() if env.get(key)})
    values.update({key: value for key, value in options.items() if value is not None})
    if "backend" not in values:
        values["backend"] = "openai" if values.get("api_key") or values.get("base_url") else "offline"
    if "prices" in values:
        values["prices"] = {**DEFAULT_PRICES, **values["prices"]}
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DrafterError(f"LLM settings: {where}: {first['msg']}") from None
    if settings.backend == "openai" and settings.api_key is None and not settings.is_local:
        raise DrafterError("LLM settings: the openai backend needs an API key (OPENAI_API_KEY or --api-key) "
                           "unless --base-url points at a server on this machine")
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DrafterError(f"{path.name}: config file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DrafterError(f"{path.name}: not valid TOML ({exc})") from None
    section = data.get("llm", {})
    if not isinstance(section, dict):
        raise DrafterError(f"{path.name}: [llm] must be a table")
    return section
