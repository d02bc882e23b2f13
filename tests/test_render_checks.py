"""The reviewer notes of a letter: the outcome and the checks of each item, in text and markdown."""

from __future__ import annotations

from test_render import make_determination

from drafter.models import CheckResult
from drafter.render import render_markdown, render_text


def test_an_item_with_a_failed_check_is_marked_failed_and_others_all_passed():
    determination = make_determination(released=False)
    upheld, unknown = determination.items
    upheld.checks = [CheckResult(check="conclusion", passed=True), CheckResult(check="numbers", passed=False)]
    unknown.checks = [CheckResult(check="conclusion", passed=True)]
    text = render_text(determination)
    notes = text[text.index("REVIEWER NOTES"):]
    assert notes.count("Checks: FAILED") == 1 and notes.count("Checks: all passed") == 1
    assert notes.index("[item-1] Acupuncture 2x a week for 4 weeks: Upheld") < notes.index("Checks: FAILED")
    assert notes.index("[item-2] Hyperbaric oxygen: Reviewer to decide") < notes.index("Checks: all passed")
    markdown = render_markdown(determination)
    assert markdown.count("Checks: **failed**") == 1 and markdown.count("Checks: all passed") == 1
    assert "**Hyperbaric oxygen: Reviewer to decide**" in markdown


def test_the_banner_counts_the_items_needing_review():
    determination = make_determination(released=False)
    for item in determination.items:
        item.needs_review = True
    assert render_text(determination).startswith("*** DRAFT - NOT RELEASED: 2 item(s)")
    assert render_markdown(determination).startswith("> **DRAFT - NOT RELEASED:** 2 item(s)")
