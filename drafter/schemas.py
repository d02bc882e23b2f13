"""JSON Schemas of the pipeline artifacts, generated from the pydantic models.

The generated files live in schemas/ (shipped in the wheel as `drafter.schemas_data`); a test and
`drafter schemas --check` fail when the models and the files drift apart.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from drafter.models import ARTIFACTS


def generated_schemas() -> dict[str, str]:
    """File name -> schema text, for every artifact."""
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for name, model in ARTIFACTS.items()
    }


def shipped_schema_dir() -> Path:
    return Path(str(resources.files("drafter.schemas_data")))


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generated_schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def drifted_schemas(directory: Path) -> list[str]:
    """Names of schema files that are missing from `directory` or differ from the models."""
    drifted = []
    for name, text in generated_schemas().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            drifted.append(name)
    return drifted
