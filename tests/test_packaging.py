"""The wheel ships every subpackage, the prompts and the schemas (CI installs it non-editable)."""

from __future__ import annotations

import tomllib

from helpers import REPO


def test_every_subpackage_is_listed_for_the_wheel():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(path.parent.relative_to(REPO).parts) for path in (REPO / "drafter").rglob("__init__.py")}
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert config["package-dir"] == {"drafter.prompts_data": "prompts", "drafter.schemas_data": "schemas"}
