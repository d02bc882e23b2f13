"""Agreement of predicted decisions with expert reviewers' decisions. Pure functions, no I/O.

Labels are "upheld" and "overturned"; a prediction of None means the tool left the item to the reviewer.
Accuracy, kappa and overturn recall count a None as wrong (the tool did not do the job); the same
figures on covered items only say how good the outcomes it did give are. Undefined figures (a
precision with no overturn predicted) are None, never a made-up number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

UPHELD = "upheld"
OVERTURNED = "overturned"
NONE_LABEL = "none"
LABELS = (UPHELD, OVERTURNED)

# MTUS document names as letters cite them ("Decision based on MTUS <document> <year>, Section(s): ...").
# Spelling variants map to one chapter; a document not listed here is still read from the citation.
MTUS_CHAPTERS = {
    "chronic pain medical treatment": "Chronic Pain Medical Treatment",
    "low back complaints": "Low Back Complaints",
    "neck and upper back complaints": "Neck and Upper Back Complaints",
    "shoulder complaints": "Shoulder Complaints",
    "elbow complaints": "Elbow Complaints",
    "elbow disorders": "Elbow Complaints",
    "forearm, wrist, and hand complaints": "Forearm, Wrist, and Hand Complaints",
    "forearm, wrist and hand complaints": "Forearm, Wrist, and Hand Complaints",
    "knee complaints": "Knee Complaints",
    "ankle and foot complaints": "Ankle and Foot Complaints",
    "acupuncture treatment": "Acupuncture Treatment",
    "opioid treatment": "Opioid Treatment",
    "postsurgical treatment": "Postsurgical Treatment",
    "general approaches": "General Approaches",
    "initial approaches to treatment": "Initial Approaches to Treatment",
    "stress related conditions": "Stress Related Conditions",
    "stress-related conditions": "Stress Related Conditions",
    "independent medical examinations and consultations": "Independent Medical Examinations and Consultations",
}
NON_MTUS = "non-MTUS"
_MTUS_CITATION = re.compile(r"\bMTUS\s+(?:\(\d{4}\)\s+)?(.+?)\s+\(?(?:19|20)\d\d\b")
_NON_MTUS = re.compile(r"\bNon-MTUS\b|\bODG\b|Official Disability Guidelines|\bACOEM\b", re.IGNORECASE)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def accuracy(gold: Sequence[str], predicted: Sequence[str | None]) -> float | None:
    """Share of items whose prediction equals the gold decision (None counts as wrong)."""
    _same_length(gold, predicted)
    return _ratio(sum(g == p for g, p in zip(gold, predicted, strict=True)), len(gold))


def cohen_kappa(gold: Sequence[str], predicted: Sequence[str | None]) -> float | None:
    """Cohen's kappa, with None as a label of its own (so it never agrees with the reviewer).

    1 is perfect agreement, 0 is what a constant or random answer gets. When chance agreement is
    already 1 (one label everywhere on both sides) kappa is undefined and 0.0 is returned: such a set
    cannot show agreement beyond chance.
    """
    _same_length(gold, predicted)
    total = len(gold)
    if not total:
        return None
    pred_labels = [p if p is not None else NONE_LABEL for p in predicted]
    observed = sum(g == p for g, p in zip(gold, pred_labels, strict=True)) / total
    labels = set(gold) | set(pred_labels)
    chance = sum((gold.count(label) / total) * (pred_labels.count(label) / total) for label in labels)
    if chance >= 1.0:
        return 0.0
    return (observed - chance) / (1.0 - chance)


def overturn_recall(gold: Sequence[str], predicted: Sequence[str | None]) -> float | None:
    """Share of the reviewers' overturns the tool also overturned (None counts as missed)."""
    _same_length(gold, predicted)
    hits = sum(g == OVERTURNED and p == OVERTURNED for g, p in zip(gold, predicted, strict=True))
    return _ratio(hits, sum(g == OVERTURNED for g in gold))


def overturn_precision(gold: Sequence[str], predicted: Sequence[str | None]) -> float | None:
    """Share of the tool's overturns the reviewers also overturned; None if it overturned nothing."""
    _same_length(gold, predicted)
    hits = sum(g == OVERTURNED and p == OVERTURNED for g, p in zip(gold, predicted, strict=True))
    return _ratio(hits, sum(p == OVERTURNED for p in predicted))


def coverage(predicted: Sequence[str | None]) -> float | None:
    """Share of items that got an outcome."""
    return _ratio(sum(p is not None for p in predicted), len(predicted))


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str | None]) -> dict[str, dict[str, int]]:
    """counts[gold][predicted] with predicted in upheld / overturned / none."""
    _same_length(gold, predicted)
    counts = {g: {p: 0 for p in (*LABELS, NONE_LABEL)} for g in LABELS}
    for g, p in zip(gold, predicted, strict=True):
        counts.setdefault(g, {p: 0 for p in (*LABELS, NONE_LABEL)})
        counts[g][p if p is not None else NONE_LABEL] += 1
    return counts


def decision_metrics(gold: Sequence[str], predicted: Sequence[str | None]) -> dict[str, float | None]:
    """The decision figures on all items and on covered items."""
    covered = [(g, p) for g, p in zip(gold, predicted, strict=True) if p is not None]
    covered_gold = [g for g, _ in covered]
    covered_pred = [p for _, p in covered]
    return {
        "coverage": coverage(predicted),
        "accuracy": accuracy(gold, predicted),
        "kappa": cohen_kappa(gold, predicted),
        "overturn_recall": overturn_recall(gold, predicted),
        "overturn_precision": overturn_precision(gold, predicted),
        "covered_accuracy": accuracy(covered_gold, covered_pred),
        "covered_kappa": cohen_kappa(covered_gold, covered_pred),
    }


# ---------------------------------------------------------------------------------------------
# guideline chapters
# ---------------------------------------------------------------------------------------------


def guideline_chapters(citation: str | None) -> list[str]:
    """The guideline chapters a citation names, in order: MTUS documents, then "non-MTUS" if it also
    (or only) cites ODG/ACOEM/other evidence. Empty if it cites nothing."""
    if not citation:
        return []
    chapters: list[str] = []
    mtus_part = re.split(r"Decision based on Non-MTUS", citation, maxsplit=1, flags=re.IGNORECASE)[0]
    lowered = _normalize_chapter_text(mtus_part)
    found = sorted((lowered.find(key), name) for key, name in MTUS_CHAPTERS.items() if key in lowered)
    for _, name in found:
        if name not in chapters:
            chapters.append(name)
    if not chapters:
        match = _MTUS_CITATION.search(mtus_part)
        if match and "non-mtus" not in mtus_part[: match.start() + 4].lower():
            chapters.append(" ".join(match.group(1).split()))
    if _NON_MTUS.search(citation):
        chapters.append(NON_MTUS)
    return chapters


def primary_chapter(citation: str | None) -> str | None:
    chapters = guideline_chapters(citation)
    return chapters[0] if chapters else None


def _normalize_chapter_text(text: str) -> str:
    text = text.lower().replace("&", "and")
    return " ".join(text.split())


@dataclass(frozen=True)
class ChapterPair:
    gold: str | None  # the reviewer's guideline as the letter prints it
    predicted: str | None  # the tool's


def chapter_agreement(pairs: Sequence[ChapterPair]) -> dict[str, float | int | None]:
    """Agreement of the chapter cited with the reviewer's, over items where the reviewer cited one.

    `primary`: the tool's first chapter is the reviewer's first; `any`: it is one of the reviewer's
    chapters. An item the tool cited nothing for counts as a disagreement.
    """
    scored = [(guideline_chapters(p.gold), primary_chapter(p.predicted)) for p in pairs]
    scored = [(gold, pred) for gold, pred in scored if gold]
    return {
        "items": len(scored),
        "primary": _ratio(sum(pred == gold[0] for gold, pred in scored), len(scored)),
        "any": _ratio(sum(pred in gold for gold, pred in scored), len(scored)),
    }


def _same_length(gold: Sequence[object], predicted: Sequence[object]) -> None:
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")


# ---------------------------------------------------------------------------------------------
# the letters suite in one table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredItem:
    """One gold item next to the tool's answer."""

    letter: str
    gold: str
    predicted: str | None
    gold_guideline: str | None
    predicted_guideline: str | None
    ur_guideline: str | None
    category: str | None
    released: bool | None


def score_items(items: Sequence[ScoredItem]) -> dict:
    """Every letters-suite figure, each beside the always-upheld baseline (for the chapter figures the
    baseline cites the utilization review's chapter), a confusion matrix and a table per category."""
    gold = [item.gold for item in items]
    predicted = [item.predicted for item in items]
    always_upheld = [UPHELD] * len(items)
    metrics = decision_metrics(gold, predicted)
    baseline = decision_metrics(gold, always_upheld)
    tool_chapters = chapter_agreement([ChapterPair(i.gold_guideline, i.predicted_guideline) for i in items])
    ur_chapters = chapter_agreement([ChapterPair(i.gold_guideline, i.ur_guideline) for i in items])
    metrics["chapter_agreement"] = tool_chapters["primary"]
    metrics["chapter_agreement_any"] = tool_chapters["any"]
    baseline["chapter_agreement"] = ur_chapters["primary"]
    baseline["chapter_agreement_any"] = ur_chapters["any"]
    released = {item.letter: item.released for item in items}
    metrics["released_letters"] = _ratio(sum(bool(flag) for flag in released.values()), len(released))
    baseline["released_letters"] = None
    return {
        "items": len(items),
        "overturned_items": gold.count(OVERTURNED),
        "chapter_items": tool_chapters["items"],
        "metrics": metrics,
        "baseline": baseline,
        "confusion": confusion_matrix(gold, predicted),
        "categories": category_table(items),
    }


def category_table(items: Sequence[ScoredItem]) -> list[dict]:
    """Per service category (the tool's classification; 'unclassified' when it had none)."""
    groups: dict[str, list[ScoredItem]] = {}
    for item in items:
        groups.setdefault(item.category or "unclassified", []).append(item)
    rows = []
    for name, group in sorted(groups.items(), key=lambda entry: (-len(entry[1]), entry[0])):
        gold = [item.gold for item in group]
        predicted = [item.predicted for item in group]
        rows.append({
            "category": name,
            "items": len(group),
            "overturned": gold.count(OVERTURNED),
            "coverage": coverage(predicted),
            "accuracy": accuracy(gold, predicted),
            "baseline_accuracy": accuracy(gold, [UPHELD] * len(group)),
            "overturn_recall": overturn_recall(gold, predicted),
            "overturn_precision": overturn_precision(gold, predicted),
        })
    return rows
