"""The fast forms of patterns find exactly what the plain forms find.

Several patterns have a second, faster form: a lower-case twin run on lower-cased ASCII text, written so that
`re` can skip to candidate characters (see drafter.check.folding), a finder that locates the matches of a
grouped pattern, a cheaper word index. Each is compared here with the plain form on synthetic text and, when
the dev letters are present, on the real letters (read at run time, never copied).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
from helpers import EXAMPLES, sample_texts

from drafter import ingest
from drafter.check import checks, numbers, prose
from drafter.check.folding import AsciiTwin, Folded, lead_twin, letter_words, top_level_branches, word_led
from drafter.extract import patterns as P
from drafter.extract import text as T
from drafter.extract.offline import _Doc
from drafter.models import Document

SYNTHETIC = [
    "The injured worker has not had physical therapy; however, the records do not document a home exercise program.",
    "No, the lumbar MRI that was asked for is not medically necessary. PT 2 times a week for 6 weeks.",
    "She attended 8 sessions of acupuncture in March 2015 and twelve visits of chiropractic care, which helped.",
    "Notes: no prior injections. The patient had L4-5 and C5-6 findings; anothernot a word, knot, cannot, nothing.",
    "The guidelines recommend a trial. This request is medically necessary and appropriate, as the CPMTG says.",
    "Lack of documentation of functional improvement; absence of evidence regarding the opioid. IW is here.",
    "Thoracolumbar pain and left shoulder pain, neck stiffness, l5 radiculopathy, L5-S1 disc, T12, psychiatric care.",
    "Records submitted did not show any trial of NSAIDs. The prior UR denial was upheld. Dr. Smith vs. others.",
    "No\x1cprior physical\x1ftherapy; the records\x1edo not\x1ddocument a trial of 12\x1cvisits. L4-\x1f5 pain.",
]


def _texts() -> Iterator[str]:
    """The synthetic sentences, the examples and (if present) the dev letters, whole and line by line."""
    return sample_texts(SYNTHETIC)


def _folded_patterns() -> list[tuple[str, Folded]]:
    found: list[tuple[str, Folded]] = []

    def walk(name: str, value: object, depth: int = 0) -> None:
        if isinstance(value, Folded):
            found.append((name, value))
        elif isinstance(value, (tuple, list)) and depth < 3:
            for index, entry in enumerate(value):
                walk(f"{name}[{index}]", entry, depth + 1)
        elif isinstance(value, dict) and depth < 3:
            for key, entry in value.items():
                walk(f"{name}[{key!r}]", entry, depth + 1)

    for module in (checks, prose, numbers):
        for name, value in vars(module).items():
            walk(f"{module.__name__}.{name}", value)
    return [(name, folded) for name, folded in found if folded.lower.pattern != folded.lowered_source]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], ...]]:
    return [match.regs for match in pattern.finditer(text)]


def test_word_led_writes_the_boundary_after_the_first_letter() -> None:
    assert word_led(r"no\s+prior") == r"n(?<!\wn)o\s+prior"
    assert top_level_branches(r"a(?:b|c)|[|(]d|\be") == ["a(?:b|c)", "[|(]d", r"\be"]
    assert lead_twin(r"\bpt\b|physio|\bs?x") == r"p(?<!\wp)t\b|physio|\bs?x"


def test_fast_twins_find_what_the_case_insensitive_patterns_find() -> None:
    twins = _folded_patterns()
    assert len(twins) >= 10  # the hand-written twins and the procedure patterns' led twins
    for text in _texts():
        if not text.isascii():
            continue
        lowered = text.lower()
        for name, folded in twins:
            assert _spans(folded.lower, lowered) == _spans(folded.pattern, text), (name, text[:80])


def test_ascii_twins_of_the_number_patterns_find_what_the_patterns_find() -> None:
    twins = [(name, value) for name, value in vars(numbers).items() if isinstance(value, AsciiTwin)]
    assert len(twins) >= 10
    samples = [*_texts(), "L4-5 and L5-S1 on 03/02/2015, 2015-03-02, March 2, 2015; 7/10, 4+/5, 10/325 mg, 2x6, "
               "twice a week for 6 weeks, 1,200.5 and .5", "a\x1c12\x1fx\x1c6"]
    for text in (sample for sample in samples if sample.isascii()):
        for name, twin in twins:
            assert twin.pick(text) is twin.ascii
            assert _spans(twin.ascii, text) == _spans(twin.pattern, text), (name, text[:80])


def _plain_regions(text: str, start: int, end: int) -> list[str | None]:
    found = []
    for match in T._REGION.finditer(text, start, end):
        word = text[match.start():match.end()]
        if not (T._SPINE_LEVEL.match(word) and not word[0].isupper()):
            found.append(match.lastgroup)
    return found


def test_region_finder_names_the_regions_the_plain_pattern_names() -> None:
    chooser = random.Random(7)
    for text in _texts():
        assert list(T.regions_in(text)) == _plain_regions(text, 0, len(text))
        for _ in range(3):
            start = chooser.randint(0, len(text))
            end = chooser.randint(start, min(len(text), start + 120))
            assert list(T.regions_in(text, start, end)) == _plain_regions(text, start, end), text[start:end]


def test_clause_break_twin_matches_the_plain_pattern() -> None:
    for text in _texts():
        if text.isascii():
            assert _spans(T._CLAUSE_BREAK_TWIN, text.lower()) == _spans(T._CLAUSE_BREAK, text)


def test_scan_hits_are_the_word_starts_where_a_needle_begins() -> None:
    triggers = P._ANCHORED
    for text in _texts():
        scan = P.Scan(text)
        words = [match.start() for match in re.finditer(r"[a-z0-9]+", scan.lower)]
        for trigger in triggers:
            plain = [start for start in words if scan.lower.startswith(trigger.needles, start)]
            assert scan.hits(trigger._slot) == plain, (trigger.regex.pattern[:40], text[:60])


def test_scan_hits_at_the_edges_of_words_and_text() -> None:
    """Words at the start and end of the text, one-letter words, needles ending in a space or running into the
    next word, and letters outside ASCII (not word characters of the index)."""
    samples = ["plan", "no", "n", "to be or not", "a b plan c", "if,if;if", "ur", "x-ray\u00e9plan", "\u00c9plan",
               "no  prior\nplan", "the toolbox", "The Tool", "mri/ct", "9/10 on", "op on", "pt."]
    for text in samples:
        scan = P.Scan(text)
        words = [match.start() for match in re.finditer(r"[a-z0-9]+", scan.lower)]
        for trigger in P._ANCHORED:
            plain = [start for start in words if scan.lower.startswith(trigger.needles, start)]
            assert scan.hits(trigger._slot) == plain, (trigger.regex.pattern[:40], text)


def test_abbreviation_gate_answers_as_the_plain_search() -> None:
    """The sentence splitter searches for an abbreviation only where one can end; it answers as the plain search
    at every break with a stop, from every sentence start before it."""
    samples = [*_texts(), "Seen by Dr. Lee. Mrs. Kay and Ms. X.) agreed, e.g. twice, i.e. daily. Approx. 5 vs. 6.",
               "No. 3 The U.S. Army! MRI. Was it? A. B.\" Then St. Jude, Jr. and Sr. ones. The approx. dose. L5. Go."]
    for text in samples:
        breaks = [match for match in T._SENTENCE_BREAK.finditer(text) if match.start("stop") >= 0]
        for match in breaks:
            for start in {0, max(match.start() - 3, 0), max(match.start() - 1, 0), match.start()}:
                plain = T._ABBREVIATION.search(text, max(start, match.start("stop") - 12), match.end()) is not None
                assert T._after_abbreviation(text, start, match) == plain, (text[max(start, match.start() - 20):
                                                                                 match.end()], start)


def test_clause_breaks_are_the_plain_pattern_matches() -> None:
    """A sentence's clause breaks, found by the twin only in sentences that contain a break word, are the plain
    pattern's matches."""
    samples = [*_texts(), "Pain, which is worse at night; then better. But the injured worker reported relief, "
               "although brief, whereas therapy helped while he attended, with the exception of one visit."]
    for text in samples:
        for sentence in T.split_sentences(text):
            plain = list(T._CLAUSE_BREAK.finditer(sentence.text))
            assert sentence.breaks == ([sentence.start + m.start() for m in plain],
                                       [sentence.start + m.end() for m in plain]), sentence.text


def test_section_headings_are_the_plain_pattern_matches() -> None:
    """Headings found at line starts only are the plain pattern's matches, from any start (mid-line, at a line
    start, past the end)."""
    samples = [*_texts(), "Plan: PT.\n  Diagnoses: strain\n\nUR determination:\tdenied\nnot: a heading\n\tWork "
               "Status: off\nA: b\n", "", "\n", "Plan:", "x\nPlan:"]
    chooser = random.Random(11)
    for text in samples:
        assert [m.regs for m in P.section_headings(text)] == [m.regs for m in P.SECTION_HEADING.finditer(text)]
        for start in {*chooser.sample(range(len(text) + 2), min(len(text) + 2, 25)), len(text), len(text) + 1}:
            fast, plain = P.section_headings(text, start), P.SECTION_HEADING.finditer(text, start)
            assert [m.regs for m in fast] == [m.regs for m in plain], (text[:40], start)


def test_dermatome_gate_finds_what_the_plain_search_finds() -> None:
    """The dermatome search run only on windows holding one of its words finds what the plain search finds, in any
    window (the words cut by the window's ends included)."""
    samples = [*_texts(), "numbness in the L5 dermatome and S1 distribution; C5-6 nerve root, dermatomal pattern",
               "Distribution of C6; a L4 to L5 dermatomal loss", "in the dermatome of L5 through S1"]
    chooser = random.Random(5)
    for text in samples:
        for _ in range(min(len(text), 40)):
            start = chooser.randrange(len(text) + 1)
            end = chooser.randrange(start, len(text) + 1)
            fast, plain = P.dermatome(text, start, end), P.DERMATOME.search(text, start, end)
            assert (fast and fast.regs) == (plain and plain.regs), (text[:40], start, end)
        fast, plain = P.dermatome(text, 0, len(text)), P.DERMATOME.search(text)
        assert (fast and fast.regs) == (plain and plain.regs)


def test_needle_trie_matches_the_longest_needle_beginning_there() -> None:
    """The index's trie finds, at each position, the longest needle that begins there (so that the needles it
    begins with give every Trigger hit there): needles inside needles, ending in a space or a hyphen."""
    needles = {"no", "no ", "not", "non", "non-certif", "none", "nor", "x-ray", "x-", "xray", "to ", "to", "t"}
    trie = re.compile(P._longest_first(needles))
    for text in ["no", "nonce", "non-certified", "not", "no doubt", "north", "x-rays", "xrays", "x-y", "to be", "tone",
                 "tz", "n", "", "q", *(text.lower() for text in SYNTHETIC)]:
        for start in range(len(text) + 1):
            longest = max((needle for needle in needles if text.startswith(needle, start)), key=len, default=None)
            found = trie.match(text, start)
            assert (found and found.group(0)) == longest, (text, start)


@pytest.mark.parametrize(("words", "test"), [(numbers.MONTH_WORDS, numbers.names_month),
                                             (numbers.SPELLED, numbers.spells_numbers)])
def test_word_gates_answer_as_a_test_of_every_word(words: frozenset[str], test) -> None:  # noqa: ANN001
    samples = [*_texts(), *(f"{prefix}{word}{suffix}" for word in words
                            for prefix, suffix in (("", ""), ("x", ""), ("", "x"), ("1", "."), (" ", "-")))]
    for text in (sample for sample in samples if sample.isascii()):  # other text: a substring test (documented)
        assert test(text) == (not words.isdisjoint(re.findall(r"[a-z]+", text.lower()))), text[:80]


def test_trigger_search_is_the_plain_search() -> None:
    names = ["Physical therapy discharge summary", "Chiropractic progress note", "Acupuncture re-evaluation",
             "Orthopedic consultation", "PT daily note", "Postchiropractic review", "Pain management follow-up"]
    for name in names:
        fast, plain = P.MODALITY.search(name), P.MODALITY.regex.search(name)
        assert (fast and fast.regs) == (plain and plain.regs), name


def test_procedure_mentions_are_those_of_every_pattern_run_on_the_whole_text() -> None:
    """The substring and whole-word cues only skip patterns that cannot match."""
    samples = [*_texts(), *(f"{prefix}{word}{suffix}" for word in checks.PROCEDURE_WORDS
                            for prefix, suffix in (("", ""), ("x", ""), ("", "_"), ("1", "."), ("(", "s)")))]
    for text in samples:
        plain = [(name, match.start()) for name, _, _, pattern in checks.PROCEDURE_PATTERNS
                 for match in pattern.pattern.finditer(text)]
        assert checks.procedure_mentions(text) == plain, text[:80]


def test_skipped_procedures_are_the_only_ones_left_out() -> None:
    """Not running the patterns of procedures known already finds the others, at the same positions."""
    names = [name for name, _, _, _ in checks.PROCEDURE_PATTERNS]
    skips = [frozenset(names[start::step]) for start, step in ((0, 2), (1, 2), (0, 3), (0, 1))]
    for text in _texts():
        plain = checks.procedure_mentions(text)
        for skip in skips:
            assert checks.procedure_mentions(text, skip=skip) == [found for found in plain if found[0] not in skip]


def test_verdicts_skip_only_sentences_without_a_word_every_match_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    sentences = [sentence for text in _texts() for sentence in prose.split_sentences(text)]
    gated = [prose.verdicts(sentence) for sentence in sentences]
    for name in ("VERDICT_WORDS", "SECONDARY_WORDS", "REVIEW_OUTCOME_WORDS"):
        monkeypatch.setattr(prose, name, ("",))  # every sentence holds the empty string: no sentence skipped
    assert [prose.verdicts(sentence) for sentence in sentences] == gated


def test_abbreviations_read_backwards_answer_as_the_plain_pattern() -> None:
    samples = [*_texts(), *(f"See {word}. Then x{word}. {word.upper()}. ({word}." for word in prose.ABBREVIATION_WORDS)]
    for text in samples:
        for end in (index + 1 for index, character in enumerate(text) if character in ".!?"):
            for start in (0, max(0, end - 3)):
                window = text[max(start, end - prose.ABBREVIATION_WINDOW):end]
                assert bool(prose.ABBREVIATIONS_REVERSED.match(window[::-1])) == \
                    bool(prose.ABBREVIATIONS.search(window)), window


def test_sentence_ends_skipped_by_the_last_letter_are_never_abbreviations() -> None:
    """Every character the case-insensitive ABBREVIATIONS accepts before its full stop passes the cheap gate."""
    for code in range(0x3000):
        character = chr(code)
        if any(prose.ABBREVIATIONS.search(f"{word[:-1]}{character}.") for word in prose.ABBREVIATION_WORDS):
            assert character in prose.ABBREVIATION_ENDS, hex(code)
    assert prose.split_sentences("Seen by Dr. Lee on review. Then approx. two weeks passed. Pain is 5/10.") == \
        ["Seen by Dr. Lee on review.", "Then approx. two weeks passed.", "Pain is 5/10."]


def test_letter_words_are_the_runs_of_letters() -> None:
    for text in (sample for sample in _texts() if sample.isascii()):
        lowered = text.lower()
        assert letter_words(lowered) == set(re.findall(r"[a-z]+", lowered)), text[:80]


@pytest.mark.parametrize("request_text", ["Physical therapy 12 sessions for the lumbar spine",
                                          "MRI of the lumbar spine without contrast", "Acupuncture six visits"])
def test_request_twin_finds_the_restated_request(request_text: str) -> None:
    plain, twin = checks.request_pattern(request_text), checks.request_pattern(request_text, folded=True)
    assert plain is not None and twin is not None
    restated = [f"The request for {request_text.upper()} is not medically necessary.",
                f"The request for {request_text.replace(' ', chr(0x1c))} was reviewed.", *SYNTHETIC]
    for text in restated:
        assert _spans(twin, text.lower()) == _spans(plain, text), text


def test_sentence_break_finds_what_its_plain_form_finds() -> None:
    plain = re.compile(r"[.!?](?P<stop>[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9]))|\n\s*\n|\n(?=[A-Z][A-Za-z /]{1,30}:)")
    samples = ["End. Next!  \"Quoted.\" (Aside.) 3 items?\n\nPlan: rest.\nWork status: full duty.\n \nx.\ny", *_texts()]
    for text in samples:
        assert _spans(T._SENTENCE_BREAK, text) == _spans(plain, text), text[:80]


def test_negation_cue_twin_matches_the_plain_pattern() -> None:
    for text in _texts():
        if text.isascii():
            assert _spans(T._NEGATION_CUE_TWIN, text.lower()) == _spans(T.NEGATION_CUE, text)


def test_items_heading_is_found_where_the_plain_search_finds_it() -> None:
    samples = ["Notes.\n\n## DISPUTED ITEMS:\n- MRI", "See DISPUTED ITEMS below.\n  DISPUTED ITEMS\n- PT",
               "x\n#\t# DISPUTED ITEMS  \n\n- PT", "DISPUTED ITEMS\n- a", "text\n\n\n  DISPUTED ITEMS :\n \n",
               "a DISPUTED ITEMS b\nDISPUTED ITEMS x\n DISPUTED ITEMS", "no heading here\n- item",
               "\u00a0DISPUTED ITEMS",
               *(path.read_text("utf-8") for path in sorted(EXAMPLES.glob("*.txt")))]
    for text in samples:
        for start in range(len(text) + 1):
            fast, plain = ingest._items_heading(text, start), ingest._ITEMS_HEADING.search(text, start)
            assert (fast and fast.span()) == (plain and plain.span()), (text[:40], start)


def test_gated_triggers_find_what_they_find_without_the_gate() -> None:
    gated = [trigger for trigger in P._ANCHORED if trigger._gate is not None]
    assert gated
    samples = ["ORIF of the left ankle; orif of the wrist. Left knee arthroscopy. With the medication, she can walk.",
               *_texts()]
    for text in samples:
        scan = P.Scan(text)
        for trigger in gated:
            fast = [match.regs for match in trigger.finditer(scan)]
            gate, trigger._gate = trigger._gate, None
            try:
                plain = [match.regs for match in trigger.finditer(scan)]
            finally:
                trigger._gate = gate
            assert fast == plain, (trigger.regex.pattern[:40], text[:60])


def test_required_words_are_in_every_match_and_skip_nothing() -> None:
    """A Trigger with `requires` finds what it finds without them, and each plain match contains one of them."""
    required = [value for value in vars(P).values() if isinstance(value, P.Trigger) and value.requires]
    required += [entry[0] for value in vars(P).values() if isinstance(value, list) for entry in value
                 if isinstance(entry, tuple) and isinstance(entry[0], P.Trigger) and entry[0].requires]
    assert required
    samples = ["About 50% relief with the medication, a 30 % pain reduction and 40%improvement; 20% better.",
               "Relief of 50%. 12% Improvement, 5.5% reduction, x10% relief.", *_texts()]
    for text in samples:
        scan = P.Scan(text)
        for trigger in required:
            fast = [match.regs for match in trigger.finditer(scan)]
            requires, trigger.requires = trigger.requires, ()
            try:
                plain = [match.regs for match in trigger.finditer(scan)]
            finally:
                trigger.requires = requires
            assert fast == plain, (trigger.regex.pattern[:40], text[:60])
            for match in trigger.regex.finditer(text):
                assert any(word in match.group(0).lower() for word in requires), match.group(0)


def test_sessions_twin_finds_the_visit_counts_of_the_plain_pattern() -> None:
    """The treatments read visit counts with the twin on the lower-case text of a sentence of an ASCII document."""
    samples = [*_texts(), "Twelve (12) PT visits, a total of SIX sessions; 3 prior chiro visits left for the Left hip."]
    for text in (sample for sample in samples if sample.isascii()):
        lowered = text.lower()
        assert _spans(P.SESSIONS_FOLDED.lower, lowered) == _spans(P.SESSIONS, text), text[:80]
        for sentence in T.split_sentences(text)[:40]:
            twin = P.SESSIONS_FOLDED.lower.finditer(lowered, sentence.start, sentence.end)
            plain = P.SESSIONS.finditer(text, sentence.start, sentence.end)
            assert [m.regs for m in twin] == [m.regs for m in plain], sentence.text[:80]


@pytest.mark.parametrize("name", ["HEDGE", "NOT_DOCUMENTED", "NOT_RECORDED"])
def test_folded_window_patterns_find_what_the_plain_patterns_find(name: str) -> None:
    """The extractor searches the window before a term with the folded form's twin (_Doc.before)."""
    plain, folded = getattr(P, name), getattr(P, f"{name}_FOLDED")
    samples = [*_texts(), "Not documented: any. Rule-out, possible; vs. r/o. Lack of clear documentation, nor records."]
    for number, text in enumerate(sample for sample in samples if sample.isascii()):
        lowered = text.lower()
        assert _spans(folded.pattern, text) == _spans(plain, text), (name, text[:80])
        assert _spans(folded.lower, lowered) == _spans(plain, text), (name, text[:80])
        ends = [match.start() for match in re.finditer(r"\b\w", text)][number % 5::5]  # every fifth word start
        for end in ends:
            start = max(0, end - 60)
            twin, match = folded.lower.search(lowered, start, end), plain.search(text, start, end)
            assert (twin and twin.regs) == (match and match.regs), (name, text[start:end])


def test_not_recorded_words_are_in_every_match_and_skip_nothing() -> None:
    """_Doc.not_recorded searches only windows that hold a word every NOT_RECORDED match contains: it answers as the
    plain search in the window before each word start."""
    samples = [*_texts(), "No clear documentation of it. Without any mention. Lacks indication; not documented.",
               "No MENTIONED; no ment ion"]
    for number, text in enumerate(samples):
        assert all(any(word in match.group(0).lower() for word in P.NOT_RECORDED_WORDS)
                   for match in P.NOT_RECORDED.finditer(text)), text[:80]
        doc = Document(doc_id="D1", name="note", text=text, sha256="-")
        prepared = _Doc.prepare(doc)
        for end in [match.start() for match in re.finditer(r"\b\w", text)][number % 3::3]:  # every third word start
            start = max(0, end - 60)
            plain = P.NOT_RECORDED.search(prepared.text, start, end)
            assert prepared.not_recorded(start, end) == (plain is not None), text[start:end]


def test_reflex_abnormal_twin_finds_what_the_plain_pattern_finds() -> None:
    """The reflexes' segments are searched with the twin of REFLEX_ABNORMAL_FOLDED when ASCII."""
    samples = [*_texts(), "Reflexes 1+ at the knee, 0/4 ankle, 3+ biceps, 2+/4 triceps, trace; Asymmetric, AREFLEXIA."]
    for text in (sample for sample in samples if sample.isascii()):
        assert _spans(P.REFLEX_ABNORMAL_FOLDED.pattern, text) == _spans(P.REFLEX_ABNORMAL, text), text[:80]
        assert _spans(P.REFLEX_ABNORMAL_FOLDED.lower, text.lower()) == _spans(P.REFLEX_ABNORMAL, text), text[:80]


@pytest.mark.parametrize("name", ["POST_HEDGE", "POST_NEGATION", "REFLEX_SEGMENT_BREAK", "REFLEX_NORMAL"])
def test_neurologic_twins_find_what_the_plain_patterns_find(name: str) -> None:
    """The findings read these with their folded forms' twins on lower-case ASCII text (_Doc.at, the reflexes)."""
    plain, folded = getattr(P, name), getattr(P, f"{name}_FOLDED")
    samples = [*_texts(), "Reflexes 2+ and Symmetric, 2/4 at the knee but Within Normal Limits. It Was Not Seen; is "
               "unlikely."]
    for number, text in enumerate(sample for sample in samples if sample.isascii()):
        lowered = text.lower()
        assert _spans(folded.pattern, text) == _spans(plain, text), (name, text[:80])
        assert _spans(folded.lower, lowered) == _spans(plain, text), (name, text[:80])
        for end in [match.end() for match in re.finditer(r"\w\b", text)][number % 5::5]:  # every fifth word end
            twin, match = folded.lower.match(lowered, end), plain.match(text, end)
            assert (twin and twin.regs) == (match and match.regs), (name, text[end:end + 60])
