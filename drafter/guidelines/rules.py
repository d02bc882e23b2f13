"""The building blocks of a guideline rule and the table every topic module registers into.

A topic module (imaging.py, acupuncture.py, ...) defines one `Rule` per service category and calls
`register(rule)` at import time. `load_topics()` imports every module of this package, so a new topic
module only has to exist to take part: nothing else is edited.

A rule is a list of named criteria. Each criterion is a function of the `Context` (the disputed item,
its parsed request and the case summary) returning a `Check`: met, not met or not documented, with a
finding sentence and the evidence it used. The outcome follows from the criteria: the service is
medically necessary (overturned) only when every criterion is met; a criterion the records do not
document counts against the request, because in IMR the records must support it.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from drafter.guidelines.citations import GuidelineEra
from drafter.models import (
    CaseSummary,
    CriterionResult,
    CriterionStatus,
    DisputedItem,
    Evidence,
    Fact,
    GuidelineCitation,
    RequestDetails,
)

MET = CriterionStatus.MET
NOT_MET = CriterionStatus.NOT_MET
NOT_DOCUMENTED = CriterionStatus.NOT_DOCUMENTED


@dataclass(frozen=True)
class Context:
    """Everything a criterion may look at."""

    item: DisputedItem
    details: RequestDetails
    summary: CaseSummary
    era: GuidelineEra


@dataclass(frozen=True)
class Check:
    """What one criterion found in the records."""

    status: CriterionStatus
    finding: str
    facts: tuple[Fact, ...] = ()

    @property
    def evidence(self) -> list[Evidence]:
        seen: list[Evidence] = []
        for fact in self.facts:
            if fact.evidence not in seen:
                seen.append(fact.evidence)
        return seen


def met(finding: str, facts: Iterable[Fact] = ()) -> Check:
    return Check(MET, finding, tuple(facts))


def not_met(finding: str, facts: Iterable[Fact] = ()) -> Check:
    return Check(NOT_MET, finding, tuple(facts))


def not_documented(finding: str, facts: Iterable[Fact] = ()) -> Check:
    return Check(NOT_DOCUMENTED, finding, tuple(facts))


@dataclass(frozen=True)
class Criterion:
    """A named condition of a guideline, with what it requires in plain words."""

    criterion_id: str
    requirement: str
    evaluate: Callable[[Context], Check]
    supported_by: tuple[str, ...] = ()
    """Dev letters (file stems) whose rationales quote this requirement from the guideline."""
    when: Callable[[Context], bool] | None = None
    """Applicability: a criterion that does not apply to this request (e.g. a repeat-course condition
    for a first course) is left out of the decision."""

    def applies(self, context: Context) -> bool:
        return self.when is None or self.when(context)


@dataclass(frozen=True)
class Rule:
    """The guideline check for one service category."""

    rule_id: str
    category: str
    title: str
    citation: Callable[[Context], GuidelineCitation]
    summary: str
    """What the guideline says, in this project's own words."""
    criteria: tuple[Criterion, ...]
    patterns: tuple[str, ...] = ()
    """Regular expressions (searched in the lower-cased request) that put a request in this category."""
    drug_classes: tuple[str, ...] = ()
    """Drug classes (see drugs.py) whose named drugs belong to this category."""
    priority: int = 0
    """Higher wins when several categories match one request (e.g. a cream beats its drug's class)."""
    applies: Callable[[RequestDetails], bool] = field(default=lambda details: True)
    """Further restriction on the parsed request, e.g. spine regions only."""
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        combined = "|".join(f"(?:{pattern})" for pattern in self.patterns)
        object.__setattr__(self, "_pattern", re.compile(combined) if combined else None)

    def matches(self, text: str, drug_class: str | None) -> bool:
        if self._pattern is not None and self._pattern.search(text):
            return True
        return drug_class is not None and drug_class in self.drug_classes

    def evaluate(self, context: Context) -> list[CriterionResult]:
        """Evaluate every criterion; mark as decisive those that drove the outcome."""
        checks = [(criterion, criterion.evaluate(context)) for criterion in self.criteria
                  if criterion.applies(context)]
        all_met = all(check.status == MET for _, check in checks)
        return [
            CriterionResult(
                criterion_id=criterion.criterion_id,
                requirement=criterion.requirement,
                status=check.status,
                finding=check.finding,
                evidence=check.evidence,
                decisive=all_met or check.status != MET,
            )
            for criterion, check in checks
        ]


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add a rule to the table (one rule per category; a duplicate id or category is a bug)."""
    if rule.rule_id in _RULES:
        raise ValueError(f"guideline rule {rule.rule_id!r} registered twice")
    if any(other.category == rule.category for other in _RULES.values()):
        raise ValueError(f"guideline category {rule.category!r} already has a rule")
    _RULES[rule.rule_id] = rule
    return rule


@functools.cache
def load_topics() -> None:
    """Import every module of drafter.guidelines (once) so each topic module registers its rules."""
    package = importlib.import_module("drafter.guidelines")
    for module in sorted(info.name for info in pkgutil.iter_modules(package.__path__)):
        importlib.import_module(f"drafter.guidelines.{module}")


def registered() -> tuple[str, ...]:
    """The ids of the registered rules: a key for caches of anything derived from the table."""
    load_topics()
    return tuple(_RULES)


def all_rules() -> list[Rule]:
    """Every registered rule, highest classification priority first, then by category (stable order)."""
    return list(_ordered(registered()))


@functools.lru_cache(maxsize=8)
def _ordered(rule_ids: tuple[str, ...]) -> tuple[Rule, ...]:
    return tuple(sorted((_RULES[rule_id] for rule_id in rule_ids), key=lambda rule: (-rule.priority, rule.category)))


def rule_for(category: str | None) -> Rule | None:
    if category is None:
        return None
    return _by_category(registered()).get(category)


@functools.lru_cache(maxsize=8)
def _by_category(rule_ids: tuple[str, ...]) -> dict[str, Rule]:
    """The rule of each category: a look-up instead of a scan of the table (register() allows one per category)."""
    return {rule.category: rule for rule in _ordered(rule_ids)}
