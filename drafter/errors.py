"""Errors the command line reports as one line and exit code 2 (never a traceback)."""

from __future__ import annotations

from pathlib import Path


class DrafterError(Exception):
    """A failure the user can act on. `str()` is the whole message."""

    exit_code = 2


class InputError(DrafterError):
    """A case file that cannot be read as a case. Names the file, never its contents."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{Path(path).name}: {problem}")


class BackendError(DrafterError):
    """The LLM endpoint failed in a way retries did not fix (unreachable, key refused, ...)."""
