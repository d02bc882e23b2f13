"""The gate's rule grounding is shared by every request a rule decides; the guideline drugs stay the request's."""

from __future__ import annotations

import pytest

from drafter.check import lexicon
from drafter.check.checks import CLASS_OF, drugs_in, guideline_drugs, rule_grounding


def drugs_of_topics_read_whole(request: str, rule_text: str) -> set[str]:
    """The plain reading: topics of the request's drugs and of the request joined to the rule text."""
    drugs = drugs_in(rule_text)
    topics = {CLASS_OF[drug] for drug in drugs_in(request)}
    joined = " ".join([request, rule_text])
    topics.update(topic for topic, pattern in lexicon.TOPIC_WORDS.items() if pattern.search(joined))
    for topic in topics:
        drugs.update(lexicon.DRUG_TOPICS.get(topic, ()))
    return drugs


RULE_TEXTS = (
    "Relaxants are recommended only as a short second-line option for acute exacerbations of back pain.",
    "  \n  food products given by mouth are not recommended for chronic pain in this setting.",
    "Topical analgesics are largely experimental; the guideline names few trials of them.",
    "Sleep aids are not addressed; insomnia should be assessed before any hypnotic is prescribed.",
)
REQUESTS = ("Tizanidine 4 mg #60", "muscle", "Theramine, a medical", "Gabapentin 300mg cream",
            "Omeprazole 20mg for GI protection", "Physical therapy 2x6 for the low back")


@pytest.mark.parametrize("rule_text", RULE_TEXTS)
def test_guideline_drugs_of_a_cached_rule_match_the_plain_reading(rule_text: str) -> None:
    rule = rule_grounding(rule_text, "")
    for request in REQUESTS:
        assert guideline_drugs(request, rule) == drugs_of_topics_read_whole(request, rule_text)


def test_a_topic_word_running_from_the_request_into_the_rule_text_counts() -> None:
    rule = rule_grounding(RULE_TEXTS[0], "")  # 'muscle' + 'Relaxants ...' speaks of muscle relaxants
    assert lexicon.DRUG_TOPICS["muscle_relaxant"] <= guideline_drugs("muscle", rule)
    assert not lexicon.DRUG_TOPICS["muscle_relaxant"] <= guideline_drugs("Physical therapy", rule)
