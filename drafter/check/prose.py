"""Reading rationale prose: sentences, and the polarity of medical-necessity statements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from drafter.check.folding import Folded, word_led

ABBREVIATION_WORDS = ("Dr", "Mr", "Ms", "Mrs", "pg", "p", "pp", "vs", "e.g", "i.e", "etc", "No", "approx", "Fig", "Ch",
                      "Sec", "al", "ed", "St", "Inc", "U.S", "C.C.R")
ABBREVIATIONS = re.compile(r"\b(?:" + "|".join(map(re.escape, ABBREVIATION_WORDS)) + r")\.$", re.I)
"""An abbreviation with its full stop at the end of the text."""
ABBREVIATIONS_REVERSED = re.compile(r"\.(?:" + "|".join(re.escape(word[::-1]) for word in ABBREVIATION_WORDS) + r")\b",
                                    re.I)
"""ABBREVIATIONS read backwards, matched at the start of the reversed text: the same test without trying every
position of the text (\\b reads the same both ways; the text never ends in a line break, where $ would differ)."""
ABBREVIATION_ENDS = frozenset("".join(word[-1].lower() + word[-1].upper() for word in ABBREVIATION_WORDS) + "\u017f")
"""The characters that may stand before the full stop of an ABBREVIATIONS match (case-insensitively: the long s
matches 's'): a sentence ending in any other, as most do, is not searched."""
ABBREVIATION_WINDOW = 12
"""Characters before a full stop that ABBREVIATIONS reads: its longest word ('approx.') and the character
before it (for the \\b)."""
SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")

_QUALITY = r"(?:necessary|appropriate|indicated|reasonable|warranted)"
_NECESSARY = (r"(?:is|was|are|were|be|been|being|deemed|considered|seen\s+as|found)\s+(?:not\s+|also\s+)*necessary"
              r"(?!\s+(?:to|for|in|that|when|if)\b)")
_MORE_QUALITIES = rf"(?:\s*(?:,\s*(?:and|or)?|\s(?:and|or))\s*(?:medically\s+)?{_QUALITY})*"
VERDICT = Folded(
    rf"\b(?:medically\s+{_QUALITY}|medical\s+necessity|a\s+medical\s+necessity"
    rf"|(?:\brequest(?:ed)?\b[^.;,]{{0,80}}?|\b(?:it|this)\s+){_NECESSARY}){_MORE_QUALITIES}",
    twin="(?:" + "|".join(word_led(lead) for lead in (
        rf"medically\s+{_QUALITY}", r"medical\s+necessity", r"a\s+medical\s+necessity",
        r"request(?:ed)?\b[^.;,]{0,80}?" + _NECESSARY, r"it\s+" + _NECESSARY, r"this\s+" + _NECESSARY)) + ")"
    + _MORE_QUALITIES)
_SUPPORTED = (r"\s+(?:current(?:ly)?\s+|remaining\s+|original\s+|above\s+)*"
              r"(?:request(?:ed)?|proposed)\b[^.;,]{0,80}?\b(?:is|was|are|were|would\s+be|will\s+be|"
              r"can(?:not|\s+not)?\s+be)\s+(?:not\s+|also\s+|therefore\s+|thus\s+|clearly\s+|hence\s+|currently\s+|"
              r"deemed\s+|considered\s+)*(?:supported|warranted|indicated|appropriate|recommended|certified|justified|"
              r"approved|established)\b")
SECONDARY = Folded(r"\b(?:the|this|these|such)" + _SUPPORTED,
                   twin="(?:" + "|".join(word_led(word) for word in ("the", "this", "these", "such")) + ")"
                   + _SUPPORTED)
REVIEW_OUTCOME = Folded(
    r"\b(?:the\s+)?(?:prior\s+|previous\s+|UR\s+|utilization\s+review\s+|original\s+)*(?:denial|non-?certification|"
    r"determination|decision)\s+(?:of\s+[^.;,]{0,60}?\s+)?(?:is|was|should\s+be|will\s+be|are)\s+(?:hereby\s+)?"
    r"(?P<outcome>upheld|overturned|reversed|affirmed|sustained)\b")
NEGATION = Folded(r"\b(?:not|no|never|cannot|neither|nor|lacks?|lacking|none)\b|n't\b")
NEGATED_AFTER = Folded(
    r"^[^.;]{0,70}?\b(?:(?:is|was|are|were|has|have|had|been)\s+not|not\s+been|cannot\s+be|could\s+not\s+be)"
    r"\s+(?:been\s+)?(?:established|demonstrated|supported|substantiated|shown|met|documented|evident)\b")
POSITIVE_AFTER = Folded(r"^[^.;]{0,70}?\b(?:is|was|has\s+been|have\s+been)\s+(?:established|demonstrated|"
                        r"supported|substantiated|shown|met)\b")
REQUEST_SUBJECT = Folded(r"\brequest(?:ed|s)?\b|\bthis\s+(?:service|item|treatment|study|procedure|medication|"
                         r"test|referral|evaluation|therapy|imaging|device|program)\b|\bit\s+(?:is|was|would|will)\b")
COPULA_BEFORE = Folded(r"\b(?:is|was|are|were|be|been|being|deemed|considered|found|as|not|also|remains?|"
                       r"appears?|seems?)\s*$")
ATTRIBUTIVE_AFTER = Folded(r"^\s+(?!(?:and|or|at|for|to|as|in|per|under|given|because|since|based|here|"
                           r"now|this|that|when|if|unless|until|nor|but|with|without|due|by|on|from|"
                           r"medically|appropriate|indicated|reasonable)\b)[a-z]+")
CONDITION_AFTER = Folded(r"^\s*(?:only\s+)?(?:when|if|unless|in\s+cases?|for\s+patients|where)\b")
HYPOTHETICAL = Folded(r"\b(?:if|unless|until|whether|would|could|may|might|should|when|once|before|in\s+order"
                      r"|to\s+establish|to\s+support|to\s+determine|criteria|requires?|must)\b")
CLAUSE_BREAK = Folded(r"[,;:()]|\b(?:but|however|although|while|whereas|because|since|given\s+that)\b"
                      r"|\band\s+(?=(?:is|was|are|were|it|this|the)\b)")

NOT_WORD = re.compile(r"\bnot\b")
Polarity = Literal["positive", "negative"]
VERDICT_HINTS = ("necess", "request", "propos", "upheld", "overturned", "reversed", "affirmed", "sustained")
# Words every match of a pattern holds (lower case): a sentence without any of them is not searched.
VERDICT_WORDS = ("necess", "medically")
SECONDARY_WORDS = ("supported", "warranted", "indicated", "appropriate", "recommended", "certified", "justified",
                   "approved", "established")
REVIEW_OUTCOME_WORDS = ("upheld", "overturned", "reversed", "affirmed", "sustained")


@dataclass(frozen=True)
class Verdict:
    polarity: Polarity
    hypothetical: bool
    start: int
    end: int
    sentence_index: int
    about_request: bool
    """The statement's subject is the request ('the request', 'the requested MRI', 'this service', 'it is')."""


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a full stop after an abbreviation ('Dr.', 'pg.') does not end one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        end = match.start() + 1
        if text[end - 2] in ABBREVIATION_ENDS and text[end - 1] == "." \
                and ABBREVIATIONS_REVERSED.match(text[max(start, end - ABBREVIATION_WINDOW):end][::-1]):
            continue
        spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[start:end].strip() for start, end in sentence_spans(text)]


def clause_before(sentence: str, position: int, folded: bool = False) -> str:
    before = sentence[:position]
    breaks = list(CLAUSE_BREAK.pick(folded).finditer(before))
    return before[breaks[-1].end():] if breaks else before


def verdicts(sentence: str, sentence_index: int = 0) -> list[Verdict]:
    """Every statement of (non-)necessity about a request in one sentence, with its polarity."""
    lowered = sentence.lower()
    if not any(map(lowered.__contains__, VERDICT_HINTS)):
        return []
    sentence, folded = (lowered, True) if sentence.isascii() else (sentence, False)  # fold(), lower() done
    negation, hypothetical_cue, condition_after = NEGATION.pick(folded), HYPOTHETICAL.pick(folded), \
        CONDITION_AFTER.pick(folded)
    found: list[Verdict] = []
    has = lowered.__contains__ if folded else (lambda _: True)  # IGNORECASE reaches beyond lower() elsewhere
    for match in VERDICT.pick(folded).finditer(sentence) if any(map(has, VERDICT_WORDS)) else ():
        phrase = match.group(0).lower()
        clause = clause_before(sentence, match.start(), folded)
        window = " ".join(clause.split()[-9:])
        after = sentence[match.end():]
        negated = bool(negation.search(window)) or bool(NOT_WORD.search(phrase))
        if NEGATED_AFTER.pick(folded).search(after):
            negated = True
        elif "necessity" in phrase and not negated and not POSITIVE_AFTER.pick(folded).search(after):
            continue  # "to establish medical necessity": no statement either way
        if phrase.startswith("medically") and not COPULA_BEFORE.pick(folded).search(sentence[:match.start()]) \
                and ATTRIBUTIVE_AFTER.pick(folded).match(after):
            continue  # "supports medically necessary transportation": an adjective, not a verdict
        hypothetical = bool(hypothetical_cue.search(clause)) or bool(condition_after.match(after))
        found.append(Verdict("negative" if negated else "positive", hypothetical, match.start(), match.end(),
                             sentence_index, bool(REQUEST_SUBJECT.pick(folded).search(sentence[:match.start()]))))
    for match in SECONDARY.pick(folded).finditer(sentence) if any(map(has, SECONDARY_WORDS)) else ():
        if any(verdict.start <= match.end() and match.start() <= verdict.end for verdict in found):
            continue
        negated = bool(negation.search(match.group(0)))
        hypothetical = (bool(hypothetical_cue.search(clause_before(sentence, match.start(), folded)))
                        or bool(condition_after.match(sentence[match.end():])))
        found.append(Verdict("negative" if negated else "positive", hypothetical, match.start(), match.end(),
                             sentence_index, True))
    for match in REVIEW_OUTCOME.pick(folded).finditer(sentence) if any(map(has, REVIEW_OUTCOME_WORDS)) else ():
        polarity: Polarity = "negative" if match.group("outcome").lower() in ("upheld", "affirmed", "sustained") \
            else "positive"
        found.append(Verdict(polarity, bool(condition_after.match(sentence[match.end():])), match.start(),
                             match.end(), sentence_index, True))
    return sorted(found, key=lambda verdict: verdict.start)


def all_verdicts(sentences: list[str]) -> list[Verdict]:
    return [verdict for index, sentence in enumerate(sentences) for verdict in verdicts(sentence, index)]
