"""The JSON Schemas in schemas/ match the models, and `drafter schemas --check` says so."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import REPO

from drafter.schemas import drifted_schemas, generated_schemas


def test_repository_schemas_match_the_models():
    assert drifted_schemas(REPO / "schemas") == []


def test_drift_is_detected(tmp_path):
    for name, text in generated_schemas().items():
        (tmp_path / name).write_text(text)
    schema = json.loads((tmp_path / "case-summary.schema.json").read_text())
    schema["properties"].pop("diagnoses")
    (tmp_path / "case-summary.schema.json").write_text(json.dumps(schema))
    assert drifted_schemas(tmp_path) == ["case-summary.schema.json"]
    result = subprocess.run([sys.executable, "-m", "drafter", "schemas", "--check", "--dir", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "case-summary.schema.json" in result.stderr
