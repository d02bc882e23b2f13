"""Stage 3 entry point: classify a disputed item, run its category's rule, return the decision.

Rules live in the topic modules of this package and register themselves (see rules.py).
Same summary + same rules = same decision: rules are pure functions of the summary, evaluated in a fixed
order, with no randomness and no dependence on dict or set iteration order.
"""

from __future__ import annotations

import hashlib
import inspect
import sys

from drafter.guidelines.citations import GuidelineEra, era_for
from drafter.guidelines.classify import parse_request
from drafter.guidelines.physical_medicine import PHYSICAL_THERAPY
from drafter.guidelines.rules import Context, all_rules, rule_for
from drafter.guidelines.surgery import POSTSURGICAL_THERAPY, in_postsurgical_period
from drafter.models import (
    CaseHeader,
    CaseSummary,
    CriterionStatus,
    DisputedItem,
    ItemDecision,
    Outcome,
    RequestDetails,
)

RULES_RELEASE = "1"
"""Bump by hand when the meaning of a rule changes; the source hash below changes on any edit."""


def _rules_source_hash() -> str:
    """Hash of the source of every module of this package (topic modules included)."""
    all_rules()
    digest = hashlib.sha256()
    for name in sorted(name for name in sys.modules if name.startswith("drafter.guidelines.")):
        digest.update(name.encode())
        digest.update(inspect.getsource(sys.modules[name]).encode())
    return digest.hexdigest()[:10]


RULES_VERSION: str = f"{RULES_RELEASE}+{_rules_source_hash()}"


def postsurgical_therapy(details: RequestDetails, summary: CaseSummary) -> RequestDetails:
    """Therapy within the postsurgical period of a surgery done for this injury is postsurgical therapy, however
    the request words it (the request text alone cannot tell; the records can)."""
    if details.category == PHYSICAL_THERAPY.category and in_postsurgical_period(details, summary):
        return details.model_copy(update={"category": POSTSURGICAL_THERAPY.category})
    return details


def decide_item(item: DisputedItem, summary: CaseSummary) -> ItemDecision:
    """The decision on one disputed item: outcome, citation, criteria with evidence, or no outcome."""
    details = postsurgical_therapy(parse_request(item.request), summary)
    rule = rule_for(details.category)
    if rule is None:
        return ItemDecision(
            item_id=item.item_id, request=item.request, details=details, outcome=None, citation=None,
            guideline_summary="", criteria=[], rule_id=None, rules_version=RULES_VERSION,
            note="No guideline rule covers this service; the reviewer decides it.",
        )
    era = era_for(summary.header)
    context = Context(item=item, details=details, summary=summary, era=era)
    criteria = rule.evaluate(context)
    all_met = all(result.status == CriterionStatus.MET for result in criteria)
    return ItemDecision(
        item_id=item.item_id,
        request=item.request,
        details=details,
        outcome=Outcome.OVERTURNED if all_met else Outcome.UPHELD,
        citation=rule.citation(context),
        guideline_summary=rule.summary,
        criteria=criteria,
        rule_id=rule.rule_id,
        rules_version=RULES_VERSION,
        note=era.note,
    )


def describe_rules() -> list[dict]:
    """Every rule with its citation (as of the 2016 editions) and criteria, for `drafter guidelines`."""
    era = GuidelineEra("B", None)
    empty = CaseSummary(case_id="describe", header=CaseHeader(), documents=[], disputed_items=[],
                        extractor="none")
    described = []
    for rule in sorted(all_rules(), key=lambda rule: rule.category):
        context = Context(item=DisputedItem(item_id="describe", request=rule.title),
                          details=parse_request(rule.title), summary=empty, era=era)
        described.append({
            "category": rule.category,
            "rule_id": rule.rule_id,
            "title": rule.title,
            "citation": rule.citation(context).letter_text(),
            "summary": rule.summary,
            "criteria": [{"id": criterion.criterion_id, "requirement": criterion.requirement,
                          "supported_by": list(criterion.supported_by)} for criterion in rule.criteria],
        })
    return described
