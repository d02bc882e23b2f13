"""Eval results as a markdown report, a rich table and JSON, checked against evals/thresholds.toml.

A suite result is a dict with a `metrics` mapping (name -> figure or None) and, where one exists, a
`baseline` mapping with the same names (the always-upheld answer for decisions). Thresholds are
minimums per `[suite]` table; `[targets.<suite>]` holds the project's goals, shown beside the figures.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from drafter.errors import InputError

LABELS = {
    "coverage": "coverage",
    "accuracy": "accuracy",
    "kappa": "Cohen's kappa",
    "overturn_recall": "overturn recall",
    "overturn_precision": "overturn precision",
    "covered_accuracy": "accuracy (covered items)",
    "covered_kappa": "kappa (covered items)",
    "chapter_agreement": "chapter = reviewer's first",
    "chapter_agreement_any": "chapter among reviewer's",
    "released_letters": "letters released",
}


SUITE_TITLES = {
    "gate": "Consistency gate on real and corrupted rationales (gate suite)",
    "extraction": "Extraction and decisions on the synthetic gold set (extraction suite)",
    "backends": "The LLM backend beside the offline backend, from cassettes (backends suite)",
}


def label(metric: str) -> str:
    return LABELS.get(metric, metric.replace("_", " "))


@dataclass(frozen=True)
class Limits:
    thresholds: dict[str, dict[str, float]]
    targets: dict[str, dict[str, float]]


@dataclass(frozen=True)
class Shortfall:
    suite: str
    metric: str
    value: float | None
    minimum: float

    def __str__(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{self.suite}.{self.metric} = {shown} is below its threshold {self.minimum:.3f}"


def load_limits(path: Path) -> Limits:
    """Read thresholds.toml; InputError names the file if it is missing or malformed."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"is not valid TOML ({exc})") from None
    targets = data.pop("targets", {})
    for table in (data, targets):
        for suite, values in table.items():
            if not isinstance(values, dict) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in values.values()
            ):
                raise InputError(path, f"[{suite}] must map metric names to numbers")
    return Limits(thresholds=data, targets=targets)


def shortfalls(results: Mapping[str, Mapping], limits: Limits) -> list[Shortfall]:
    """Figures below their threshold, for the suites that ran. A missing or undefined figure that has a
    threshold is a shortfall too: a check that silently disappears must not pass."""
    found = []
    for suite, result in results.items():
        metrics = result.get("metrics", {})
        for metric, minimum in limits.thresholds.get(suite, {}).items():
            value = metrics.get(metric)
            if value is None or value < minimum:
                found.append(Shortfall(suite, metric, value, float(minimum)))
    return found


def fmt(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _rows(suite: str, result: Mapping, limits: Limits) -> list[tuple[str, str, str, str, str, str]]:
    metrics = result.get("metrics", {})
    baseline = result.get("baseline", {})
    thresholds = limits.thresholds.get(suite, {})
    targets = limits.targets.get(suite, {})
    rows = []
    names = list(metrics) + [name for name in thresholds if name not in metrics]
    for name in names:
        value = metrics.get(name)
        minimum = thresholds.get(name)
        status = "" if minimum is None else ("ok" if value is not None and value >= minimum else "BELOW")
        rows.append((label(name), fmt(value), fmt(baseline.get(name)), fmt(minimum),
                     fmt(targets.get(name)), status))
    return rows


def summary_table(results: Mapping[str, Mapping], limits: Limits) -> Table:
    """One rich table of every suite's figures."""
    table = Table(title="imr-drafter eval (baseline: always upheld; chapters: the UR's chapter)")
    table.add_column("suite", no_wrap=True)
    table.add_column("figure")  # wraps first on a narrow terminal; the figures never do
    for column in ("value", "baseline", "minimum", "target", ""):
        table.add_column(column, justify="right", no_wrap=True, min_width=max(len(column), 6))
    for suite, result in results.items():
        for index, row in enumerate(_rows(suite, result, limits)):
            status = row[5]
            styled = f"[red]{status}[/red]" if status == "BELOW" else status
            table.add_row(suite if index == 0 else "", *row[:5], styled)
    return table


def _markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def figures_markdown(suite: str, result: Mapping, limits: Limits) -> list[str]:
    header = ["figure", "value", "always-upheld", "threshold", "target", "status"]
    return _markdown_table(header, [list(row) for row in _rows(suite, result, limits)])


def letters_markdown(result: Mapping, limits: Limits) -> list[str]:
    """The letters suite: figures, confusion matrix, per-category table, and what went unscored."""
    lines = [
        "## Decisions against the expert reviewers (letters suite)",
        "",
        f"{result['letters']} letters, {result['items']} disputed items "
        f"({result['overturned_items']} overturned by the reviewers); "
        f"{result['seconds']:.1f} s ({result.get('letters_per_second') or 0:.0f} letters/s). "
        "The always-upheld column is what answering 'upheld' to every item scores; for the chapter "
        f"figures it is citing the utilization review's chapter ({result['chapter_items']} items whose "
        "reviewer cited a guideline).",
        "",
        *figures_markdown("letters", result, limits),
        "",
        "### Confusion matrix (rows: reviewer, columns: tool)",
        "",
    ]
    confusion = result["confusion"]
    columns = ["upheld", "overturned", "none"]
    lines += _markdown_table(["reviewer \\ tool", *columns],
                             [[gold, *(str(confusion[gold][c]) for c in columns)] for gold in confusion])
    lines += ["", "### Per service category", ""]
    header = ["category", "items", "overturned", "coverage", "accuracy", "always-upheld", "overturn recall",
              "overturn precision"]
    rows = [[row["category"], str(row["items"]), str(row["overturned"]), fmt(row["coverage"]),
             fmt(row["accuracy"]), fmt(row["baseline_accuracy"]), fmt(row["overturn_recall"]),
             fmt(row["overturn_precision"])] for row in result["categories"]]
    lines += _markdown_table(header, rows)
    if result.get("failed_checks"):
        lines += ["", "### Consistency checks failed by the drafted rationales (why letters are held back)", ""]
        lines += _markdown_table(["check", "items"], [[name, str(count)]
                                                      for name, count in result["failed_checks"].items()])
    if result.get("disagreements"):
        lines += ["", "### Items decided differently from the reviewer (or left undecided)", ""]
        rows = [[entry["letter"], entry["item"], entry["category"] or "unclassified", entry["reviewer"],
                 entry["tool"] or "none"] for entry in result["disagreements"]]
        lines += _markdown_table(["letter", "item", "category", "reviewer", "tool"], rows)
    if result.get("errors"):
        lines += ["", "### Letters not scored", ""]
        lines += [f"- `{stem}`: {message}" for stem, message in result["errors"].items()]
    if result.get("unmatched_gold_items"):
        lines += ["", "### Gold items not matched to a drafted item", ""]
        lines += [f"- `{entry['letter']}`: {entry['item']}" for entry in result["unmatched_gold_items"]]
    return lines


def demote_headings(markdown: str, levels: int) -> str:
    """Nest another suite's report under this report's headings."""
    return "\n".join("#" * levels + line if line.startswith("#") else line for line in markdown.splitlines())


def markdown_report(results: Mapping[str, Mapping], limits: Limits,
                    renderers: Mapping[str, Callable[[Mapping], str]] | None = None) -> str:
    """The whole report. `renderers` gives a suite its own markdown section (e.g. the gate suite's)."""
    renderers = renderers or {}
    failing = shortfalls(results, limits)
    lines = ["# imr-drafter evaluation", ""]
    lines.append("All thresholds met." if not failing else
                 "Below threshold: " + "; ".join(str(item) for item in failing) + ".")
    lines.append("")
    for suite, result in results.items():
        if suite == "letters":
            lines += letters_markdown(result, limits)
        else:
            lines += [f"## {SUITE_TITLES.get(suite, f'{suite} suite')}", ""]
            if result.get("unavailable"):
                lines += [f"Not run: {result['unavailable']}.", ""]
            lines += figures_markdown(suite, result, limits)
            if suite in renderers:
                lines += ["", demote_headings(renderers[suite](result).strip(), 2)]
        lines.append("")
    return "\n".join(lines)


def write_json(results: Mapping[str, Mapping], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def write_markdown(text: str, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
