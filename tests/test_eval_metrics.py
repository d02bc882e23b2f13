"""Eval metrics on small hand-made inputs whose figures are worked out by hand."""

from __future__ import annotations

import pytest

from drafter.evaluation.metrics import (
    NON_MTUS,
    ChapterPair,
    ScoredItem,
    accuracy,
    category_table,
    chapter_agreement,
    cohen_kappa,
    confusion_matrix,
    coverage,
    decision_metrics,
    guideline_chapters,
    overturn_precision,
    overturn_recall,
    primary_chapter,
    score_items,
)

U, OV = "upheld", "overturned"
GOLD = [U, U, U, OV, OV, U]


def test_always_upheld_has_high_accuracy_but_zero_kappa_and_recall():
    always = [U] * len(GOLD)
    assert accuracy(GOLD, always) == pytest.approx(4 / 6)
    assert cohen_kappa(GOLD, always) == pytest.approx(0.0)
    assert overturn_recall(GOLD, always) == 0.0
    assert overturn_precision(GOLD, always) is None  # it never overturns: precision is undefined


def test_perfect_predictions_score_one():
    assert accuracy(GOLD, GOLD) == 1.0
    assert cohen_kappa(GOLD, GOLD) == pytest.approx(1.0)
    assert overturn_recall(GOLD, GOLD) == 1.0
    assert overturn_precision(GOLD, GOLD) == 1.0


def test_kappa_matches_the_hand_computation():
    predicted = [U, OV, U, OV, U, U]
    # observed 4/6; chance (4/6)(4/6) + (2/6)(2/6) = 20/36; kappa = (24/36 - 20/36) / (16/36) = 0.25
    assert cohen_kappa(GOLD, predicted) == pytest.approx(0.25)
    assert overturn_recall(GOLD, predicted) == pytest.approx(0.5)
    assert overturn_precision(GOLD, predicted) == pytest.approx(0.5)


def test_inverted_predictions_have_negative_kappa():
    inverted = [OV if g == U else U for g in GOLD]
    assert cohen_kappa(GOLD, inverted) < 0


def test_no_outcome_counts_as_wrong_but_covered_figures_exclude_it():
    predicted = [U, None, U, OV, None, U]
    assert coverage(predicted) == pytest.approx(4 / 6)
    assert accuracy(GOLD, predicted) == pytest.approx(4 / 6)
    assert overturn_recall(GOLD, predicted) == pytest.approx(0.5)
    figures = decision_metrics(GOLD, predicted)
    assert figures["covered_accuracy"] == 1.0
    assert figures["covered_kappa"] == pytest.approx(1.0)
    assert figures["kappa"] < figures["covered_kappa"]


def test_kappa_is_zero_when_everything_is_one_label():
    assert cohen_kappa([U, U], [U, U]) == 0.0
    assert cohen_kappa([], []) is None


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        accuracy([U, U], [U])


def test_confusion_matrix_counts_each_cell():
    matrix = confusion_matrix(GOLD, [U, OV, None, OV, U, U])
    assert matrix[U] == {U: 2, OV: 1, "none": 1}
    assert matrix[OV] == {U: 1, OV: 1, "none": 0}


def test_guideline_chapters_reads_mtus_documents_in_order_and_non_mtus():
    citation = ("Decision based on MTUS Low Back Complaints 2004, Section(s): Scans, and Chronic Pain "
                "Medical Treatment 2016, Section(s): Nerve work. Decision based on Non-MTUS Citation ODG.")
    assert guideline_chapters(citation) == ["Low Back Complaints", "Chronic Pain Medical Treatment", NON_MTUS]
    assert primary_chapter("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG).") == NON_MTUS
    assert primary_chapter("Decision based on MTUS Forearm, Wrist, & Hand Complaints 2004.") == (
        "Forearm, Wrist, and Hand Complaints")
    assert primary_chapter("Decision based on MTUS Elbow Disorders 2007.") == primary_chapter(
        "Decision based on MTUS Elbow Complaints 2004.")
    # a document this module does not list is still read from the citation
    assert primary_chapter("Decision based on MTUS Hip and Groin Complaints 2019.") == "Hip and Groin Complaints"
    assert guideline_chapters("The reviewer did not cite any evidence.") == []
    assert guideline_chapters(None) == []


def test_chapter_agreement_primary_any_and_missing_citations():
    pairs = [
        ChapterPair("Decision based on MTUS Acupuncture Treatment 2007.",
                    "Decision based on MTUS Acupuncture Treatment 2007, Section(s): Frequency."),
        ChapterPair("Decision based on MTUS Knee Complaints 2004, Section(s): Braces, and Chronic Pain Medical "
                    "Treatment 2016.",
                    "Decision based on MTUS Chronic Pain Medical Treatment 2016."),
        ChapterPair("Decision based on MTUS Opioid Treatment 2016.", None),
        ChapterPair(None, "Decision based on MTUS Opioid Treatment 2016."),  # reviewer cited nothing: skipped
    ]
    figures = chapter_agreement(pairs)
    assert figures["items"] == 3
    assert figures["primary"] == pytest.approx(1 / 3)
    assert figures["any"] == pytest.approx(2 / 3)


def _item(letter, gold, predicted, category=None, released=True,
          gold_guideline="Decision based on MTUS Chronic Pain Medical Treatment 2016.",
          predicted_guideline=None, ur_guideline=None):
    return ScoredItem(letter=letter, gold=gold, predicted=predicted, gold_guideline=gold_guideline,
                      predicted_guideline=predicted_guideline, ur_guideline=ur_guideline, category=category,
                      released=released)


def test_score_items_puts_the_baseline_beside_every_figure():
    items = [
        _item("1", U, U, "opioid", predicted_guideline="Decision based on MTUS Chronic Pain Medical "
              "Treatment 2016.", ur_guideline="Decision based on MTUS Opioid Treatment 2016."),
        _item("1", OV, OV, "acupuncture", released=True),
        _item("2", U, None, None, released=False),
        _item("3", OV, U, "opioid", released=True),
    ]
    result = score_items(items)
    assert result["items"] == 4 and result["overturned_items"] == 2
    assert set(result["baseline"]) == set(result["metrics"])
    assert result["metrics"]["accuracy"] == pytest.approx(0.5)
    assert result["baseline"]["accuracy"] == pytest.approx(0.5)
    assert result["baseline"]["kappa"] == pytest.approx(0.0)
    assert result["metrics"]["overturn_recall"] == pytest.approx(0.5)
    assert result["metrics"]["chapter_agreement"] == pytest.approx(0.25)
    assert result["baseline"]["chapter_agreement"] == 0.0  # the UR cited the opioid chapter, not the reviewer's
    assert result["metrics"]["released_letters"] == pytest.approx(2 / 3)


def test_category_table_groups_by_category_and_names_unclassified():
    rows = category_table([_item("1", U, U, "opioid"), _item("1", OV, U, "opioid"), _item("2", U, None)])
    by_name = {row["category"]: row for row in rows}
    assert list(by_name) == ["opioid", "unclassified"]
    assert by_name["opioid"]["items"] == 2 and by_name["opioid"]["overturned"] == 1
    assert by_name["opioid"]["accuracy"] == pytest.approx(0.5)
    assert by_name["opioid"]["overturn_recall"] == 0.0
    assert by_name["unclassified"]["coverage"] == 0.0


def test_thresholds_flag_low_missing_and_undefined_figures(tmp_path):
    from drafter.evaluation.report import load_limits, shortfalls

    path = tmp_path / "thresholds.toml"
    path.write_text("[letters]\nkappa = 0.2  # must beat chance\noverturn_precision = 0.1\nrecall = 0.5\n"
                    "[targets.letters]\nkappa = 0.5\n", encoding="utf-8")
    limits = load_limits(path)
    results = {"letters": {"metrics": {"kappa": 0.25, "overturn_precision": None}}}
    failing = {(s.metric, s.value) for s in shortfalls(results, limits)}
    assert failing == {("overturn_precision", None), ("recall", None)}
    results["letters"]["metrics"]["kappa"] = 0.1
    assert "kappa" in {s.metric for s in shortfalls(results, limits)}
    assert shortfalls({"gate": {"metrics": {}}}, limits) == []  # a suite that did not run is not checked


def test_malformed_thresholds_file_is_a_clear_error(tmp_path):
    from drafter.errors import InputError
    from drafter.evaluation.report import load_limits

    path = tmp_path / "thresholds.toml"
    path.write_text("[letters]\nkappa = 'high'\n", encoding="utf-8")
    with pytest.raises(InputError, match="thresholds.toml"):
        load_limits(path)
