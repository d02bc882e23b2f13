"""Lexicons and compiled patterns of the offline extractor, one block per fact type.

Patterns are compiled once at import. Terms are written to match the registers the records and the
reviewers' case summaries use ("physical therapy (12 sessions)", "rated 7 out of 10", "sensation was
intact", "was placed off of work").
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

from drafter.check.folding import UPPER_ESCAPE, Folded
from drafter.extract.text import NUMBER
from drafter.guidelines.drugs import LEXICON, Drug

_I = re.IGNORECASE
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class Scan:
    """A document prepared for Trigger scanning: its text, its ASCII lower-case twin (same offsets) and, once
    asked for, the word starts where each anchored Trigger's needles begin."""

    def __init__(self, text: str):
        self.text = text
        self.ascii = text.isascii()
        # lower() of ASCII text is the ASCII lower-casing, several times faster than translate()
        self.lower = text.lower() if self.ascii else text.translate(_LOWER)
        self._hits: list[list[int]] | None = None

    def hits(self, slot: int) -> list[int]:
        """The word starts (a character of [a-z0-9] not preceded by one), in order, where a needle of the
        anchored Trigger in `slot` begins. Computed for every anchored Trigger at once, in one pass over the
        word starts that begin some needle (see _NeedleIndex)."""
        if self._hits is None or len(self._hits) <= slot:
            self._hits = _needle_index().collect(self.lower)
        return self._hits[slot]


_ANCHORED: list[Trigger] = []
"""Every anchored Trigger (without a window), its index its slot."""
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_Trie = dict[str, "_Trie"]


class _NeedleIndex:
    """The needles of the first `size` anchored Triggers, in one pattern, and the Triggers each needle hits.

    `finder` runs on the text after a space (so that a word at the start has a character before it). It matches
    the character before each word start where some needle begins, so that Python visits only the word starts that
    are a hit of some Trigger (a third of them) instead of every word, and `re` skips ahead to the characters that
    are not [a-z0-9] (a fifth of the text) instead of trying every letter. The rest is a lookahead, so a match never
    swallows the character before the next word; it captures the longest needle beginning there. The needles that
    begin at a word start are prefixes of the text there, so prefixes of the longest one: `slots` gives, for each
    needle, the Triggers that have it or a needle it begins with, one look-up per word start.
    """

    def __init__(self, size: int):
        self.size = size
        triggers = _ANCHORED[:size]
        needles = {needle for trigger in triggers for needle in trigger.needles if needle[0] in _WORD_CHARS}
        self.slots = {needle: tuple(slot for slot, trigger in enumerate(triggers) if needle.startswith(trigger.needles))
                      for needle in needles}
        self.finder = re.compile(f"[^a-z0-9](?=({_longest_first(needles) or '(?!)'}))")

    def collect(self, lower: str) -> list[list[int]]:
        """Scan.hits of the indexed Triggers, by slot, in the lower-case text."""
        hits: list[list[int]] = [[] for _ in range(self.size)]
        slots = self.slots
        for word in self.finder.finditer(" " + lower):
            pos = word.start()  # the word's start in `lower`
            for slot in slots[word.group(1)]:
                hits[slot].append(pos)
        return hits


def _longest_first(words: set[str]) -> str:
    """A pattern source matching, where it is tried, the longest of the words that begins there: a trie of the
    words. The branches of a node begin with different characters, so at most one of them goes on; a word that
    ends at a node makes the branches after it an optional (greedy) group, tried before the word alone."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}  # a word ends here
    return _trie_source(trie)


def _trie_source(node: _Trie) -> str:
    branches = []
    for character, child in sorted(node.items()):
        if not character:
            continue
        run = re.escape(character)
        while len(child) == 1 and "" not in child:  # a chain of single branches: one run of literals
            ((character, child),) = child.items()
            run += re.escape(character)
        branches.append(run + _trie_source(child))
    if not branches:
        return ""
    if "" not in node:
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{'|'.join(branches)})?"


_INDEX: list[_NeedleIndex | None] = [None]
_INDEX_LOCK = threading.Lock()


def _needle_index() -> _NeedleIndex:
    """The index of every anchored Trigger made so far (rebuilt when one is added: Triggers are made at import)."""
    index = _INDEX[0]
    if index is None or index.size != len(_ANCHORED):
        with _INDEX_LOCK:
            index = _INDEX[0]
            if index is None or index.size != len(_ANCHORED):
                index = _INDEX[0] = _NeedleIndex(len(_ANCHORED))
    return index


class Trigger:
    """A pattern tried only at word starts where one of its literal needles begins.

    Scanning a long alternation with `re` costs milliseconds per page; finding the word starts where some needle
    begins, for every Trigger at once (Scan.hits), costs microseconds. With `anchored=True` the needles
    (lower-case) must include every way a match can begin (a test checks this against plain `finditer`);
    with `anchored=False` the needles only gate a plain `finditer`.

    `gated=True` is for anchored patterns whose needles are common words ("left", "with"), where most word starts
    found do not begin a match: a lower-case twin (the pattern lower-cased, without IGNORECASE) is tried first on
    the lower-cased text of an ASCII document, and rules them out several times faster than a case-insensitive
    match (`re` compares plain characters quickly, case-insensitive ones through the Unicode database). On ASCII
    text the twin matches wherever the pattern does (a case-sensitive `(?-i:ORIF)` becomes `orif`: it matches more,
    never less; so no such group may sit in a negative lookaround), so the pattern, run where the twin matched,
    finds what it finds alone.

    `requires`: lower-case words of which every match contains one (a test checks this against plain `finditer`),
    for patterns whose needles are common and whose matches are rare. The lower-cased text of an ASCII document
    without any of them holds no match (IGNORECASE matches there only what lower-casing maps): a few substring tests
    spare the scan.
    """

    def __init__(self, pattern: str, needles: str | tuple[str, ...], anchored: bool = True, flags: int = _I,
                 window: tuple[int, int] | None = None, gated: bool = False, requires: tuple[str, ...] = ()):
        self.regex = re.compile(pattern, flags)
        self.requires = requires
        self._gate = None
        if gated:
            if not (anchored and flags & _I) or UPPER_ESCAPE.search(pattern):
                raise ValueError(f"a gated Trigger is anchored, case-insensitive, without upper-case escapes or "
                                 f"group names: {pattern[:60]!r}")
            self._gate = re.compile(pattern.lower().replace("(?p<", "(?P<"), flags & ~_I)
        self.window = window
        self.needles = tuple(needles.split("|")) if isinstance(needles, str) else needles
        self.anchored = anchored
        self._slot = -1
        if anchored and window is None:
            self._slot = len(_ANCHORED)
            _ANCHORED.append(self)

    def finditer(self, scan: Scan) -> Iterator[re.Match[str]]:
        if self.requires and scan.ascii and not any(map(scan.lower.__contains__, self.requires)):
            return iter(())
        if self.window is not None:
            return self._windowed(scan)
        if not self.anchored:
            if any(map(scan.lower.__contains__, self.needles)):
                return self.regex.finditer(scan.text)
            return iter(())
        hits = scan.hits(self._slot)
        if not hits:
            return iter(())
        found, end, match, text = [], -1, self.regex.match, scan.text
        gate, lower = (self._gate.match if self._gate is not None and scan.ascii else None), scan.lower
        for pos in hits:
            if pos < end or (gate is not None and gate(lower, pos) is None):
                continue
            m = match(text, pos)
            if m and m.end() > m.start():
                end = m.end()
                found.append(m)
        return iter(found)

    def search(self, text: str) -> re.Match[str] | None:
        """`regex.search(text)`, run only if a needle occurs in ASCII text (the needles include every way a
        match begins, inside a word too)."""
        if text.isascii():
            lowered = text.lower()
            if not any(map(lowered.__contains__, self.needles)):
                return None
        return self.regex.search(text)

    def _windowed(self, scan: Scan) -> Iterator[re.Match[str]]:
        """Search a short window around each needle (for patterns that start with a number)."""
        back, ahead = self.window  # type: ignore[misc]
        hits: set[int] = set()
        for needle in self.needles:
            i = scan.lower.find(needle)
            while i >= 0:
                hits.add(i)
                i = scan.lower.find(needle, i + 1)
        end = -1
        for pos in sorted(hits):
            m = self.regex.search(scan.text, max(end, pos - back, 0), pos + len(self.needles[0]) + ahead)
            if m and m.start() >= end:
                end = m.end()
                yield m


# ---------------------------------------------------------------------------------------------
# sentence context: who is speaking and whether the sentence reports care given or care proposed
# ---------------------------------------------------------------------------------------------

# The utilization review's own reasoning and the request itself: not a description of the records.
UR_CONTEXT = Trigger(
    r"utilization review|(?-i:UR\b)|claims administrator|non-?certif\w*|(?:prior|previous|original) "
    r"(?:review|determination|denial)|determination (?:letter|dated)|(?:(?<=was )|(?<=were )|(?<=is )|(?<=are )"
    r"|(?<=been )|(?<=previously ))(?:denied|modified|non-?certified|approved|authorized|certified)\b"
    r"|denied (?:the|a|this) request|(?-i:IMR\b)|appeal\w*|rationale",
    ("utilization review", "ur", "claims administrator", "non-certif", "noncertif", "prior ", "previous ",
     "original ", "determination ", "denied", "modified", "approved", "authorized", "certified", "imr", "appeal",
     "rationale"),
)
# Care proposed rather than given.
PLAN_CONTEXT = Trigger(
    r"plan\b|planned\b|recommend\w*|will\b|would\b|order(?:ed|s)?\b|referr\w*|propos\w*"
    r"|scheduled\b|pursu\w*|consider\w*|candidate\b|pending\b|if\b|to (?:start|begin|undergo"
    r"|initiate|try)\b|intends?\b|intent\b|should\b|request\w*|(?-i:RFA\b)",
    ("plan", "recommend", "will", "would", "order", "referr", "propos", "scheduled", "pursu", "consider",
     "candidate", "pending", "if", "to ", "intend", "intent", "should", "request", "rfa"),
)
# A "Heading:" at the start of a line; the section runs to the next heading.
SECTION_HEADING = re.compile(r"^[ \t]*([A-Z][A-Za-z /&-]{1,40}):", re.MULTILINE)


def section_headings(text: str, start: int = 0) -> Iterator[re.Match[str]]:
    """SECTION_HEADING.finditer(text, start), the pattern tried only at the line starts (found by str.find): `re`
    cannot skip ahead to a `^` and would try it at every character. A heading lies within one line, so a line holds
    at most the one that begins it."""
    if start and text[start - 1:start] != "\n":
        start = text.find("\n", start) + 1
        if not start:
            return
    while True:
        heading = SECTION_HEADING.match(text, start)
        if heading:
            yield heading
        start = text.find("\n", start) + 1
        if not start:
            return


PLAN_HEADING = re.compile(r"plan|recommendation|request|order|disposition|proposed|authorization", _I)
UR_HEADING = re.compile(r"utilization review|\bUR\b|determination", _I)
# Inside a plan: a medication that is refilled or continued was already in use.
CURRENT_USE = re.compile(
    r"\brefill\w*|\bcontinu\w*|\brenew\w*|\bcurrent(?:ly)?\b|\bongoing\b|\bstill\b|\bregimen\b"
    r"|\b(?:was|were|been|is|are)\s+(?:\w+\s+)?(?:prescribed|given|dispensed|taking|using)\b",
    _I,
)
NEW_USE = re.compile(r"\bstart\w*|\bbegin\w*|\btrial\b|\badd\w*|\binitiat\w*|\brecommend\w*|\brequest\w*"
                     r"|\bprescri\w*|\bconsider\w*|\bswitch\w*|\bchange\w*", _I)
HEDGE = re.compile(
    r"\b(?:rule out|r/o|to exclude|evaluate for|evaluation for|assess for|concern for|possible|possibly"
    r"|probable|suspected|suspect|suspicion|questionable|likely|may (?:have|represent)|vs\.?|versus)\b",
    _I,
)
# "no documentation of X": the records are silent about X (not that X is absent).
NOT_DOCUMENTED = re.compile(
    r"\b(?:no|without|lack of|lacks|absence of|insufficient|not|nor)\s+(?:clear\s+|any\s+|objective\s+"
    r"|recent\s+|further\s+|specific\s+)*(?:documentation|documented|evidence|indication|mention|record"
    r"|report)s?\b",
    _I,
)

# "no documentation of radicular findings": the records are silent, which is not a negative finding.
NOT_RECORDED = re.compile(
    r"\b(?:no|without|lack of|lacks|absence of|insufficient|not)\s+(?:\w+\s+){0,2}?(?:documentation|documented"
    r"|mention(?:ed)?|indication)\b[^.;]*$",
    _I,
)


def _word_led_folded(words: tuple[str, ...], rest: str) -> Folded:
    """Folded form of r"\\b(?:word|...)" + rest, written as one top-level branch per word (the same matches:
    the branches are tried in the same order), so that its twin opens each branch with the word's first letter
    (lead_twin) and `re` skips ahead to those letters."""
    return Folded("|".join(rf"\b{word}{rest}" for word in words))


# The folded forms of HEDGE, NOT_DOCUMENTED and NOT_RECORDED, for the short windows before a term (_Doc.before).
HEDGE_FOLDED = _word_led_folded(
    ("rule out", "r/o", "to exclude", "evaluate for", "evaluation for", "assess for", "concern for", "possible",
     "possibly", "probable", "suspected", "suspect", "suspicion", "questionable", "likely",
     "may (?:have|represent)", r"vs\.?", "versus"), r"\b")
NOT_DOCUMENTED_FOLDED = _word_led_folded(
    ("no", "without", "lack of", "lacks", "absence of", "insufficient", "not", "nor"),
    r"\s+(?:clear\s+|any\s+|objective\s+|recent\s+|further\s+|specific\s+)*(?:documentation|documented|evidence"
    r"|indication|mention|record|report)s?\b")
NOT_RECORDED_FOLDED = _word_led_folded(
    ("no", "without", "lack of", "lacks", "absence of", "insufficient", "not"),
    r"\s+(?:\w+\s+){0,2}?(?:documentation|documented|mention(?:ed)?|indication)\b[^.;]*$")
NOT_RECORDED_WORDS = ("document", "mention", "indication")
"""Words of which every NOT_RECORDED_FOLDED match contains one, lower-case."""

# "radiculopathy was not seen": negation after the term.
# "Cervical radiculopathy is less likely": a hedge after the term.
POST_HEDGE = re.compile(r"\s*(?:is|was|seems|appears)\s+(?:less likely|unlikely|doubtful|not likely)\b", _I)
POST_NEGATION_FOLDED = Folded(
    r"\s*(?:was|were|is|are|has been|have been)\s+(?:not\s+(?:seen|noted|present|found|appreciated|identified"
    r"|documented|detected|elicited|reported)|absent|negative|denied)\b")
POST_NEGATION = POST_NEGATION_FOLDED.pattern
POST_HEDGE_FOLDED = Folded(POST_HEDGE.pattern)

# ---------------------------------------------------------------------------------------------
# claimant
# ---------------------------------------------------------------------------------------------

AGE = Trigger(r"\b(\d{1,3})(?:[- ]?(?:years?|yrs?)[- ]?old\b|[- ]?y/?o\b)|\bage[d:]?\s+(\d{1,3})\b",
              ("old", "age", "y/o", "yo"), anchored=False)
SEX = Trigger(r"(male|female|man|woman|gentleman|lady)\b", ("male", "female", "man", "woman", "gentleman", "lady"))
PRONOUN = Trigger(r"(?:he|him|his|she|her|hers)\b", "he|him|his|she")
SEX_WORDS = {"male": "male", "man": "male", "gentleman": "male", "female": "female", "woman": "female",
             "lady": "female"}

# ---------------------------------------------------------------------------------------------
# diagnoses
# ---------------------------------------------------------------------------------------------

DIAGNOSIS_LEAD = Trigger(
    r"diagnos(?:is|es|ed)\b(?:[^.;:\n]{0,40}?\b(?:include[sd]?|are|is|was|were|of|as|with|as having)\b"
    r"(?:\s+(?:noted|documented|listed|reported)\s+(?:to include|as))?)?"
    r"\s*:?\s*|(?:treated|treatments?) for\s+|claim for\s+|(?:assessment|impression)s?\s*:\s*",
    ("diagnos", "treated for", "treatment", "claim for", "assessment", "impression"),
)
# "Diagnoses: A. B." at the start of a line: the list runs to the end of the line.
DIAGNOSIS_HEADING = re.compile(r"(?:diagnos[ie]s|assessments?|impressions?)\s*:", _I)
# Where the diagnosis list of a sentence ends.
DIAGNOSIS_STOP = re.compile(
    r"\s+(?:reportedly|associated with|who\b|which\b|after\b|since\b|and has been|sustained|following\b|due to"
    r"|on \d|dated\b|per\b|according\b|incurring|with a date|from \d)|\s*\(\d|[.:](?:\s|$)",
    _I,
)
DIAGNOSIS_ITEM_BREAK = re.compile(
    r"\.\s+|;\s*|,\s*(?:and\s+|or\s+)?|\s+and\s+(?=rule out|r/o|possible|probable|suspected)", _I
)
# A list item that carries on the tissue list of the item before it.
DIAGNOSIS_CONTINUES = re.compile(r"(?:fascia|tendons?|ligaments?|muscles?)\b(?! strain| sprain)", _I)
# ICD encounter suffixes are not diagnoses of their own.
DIAGNOSIS_NOT_ITEM = re.compile(
    r"(?:initial|subsequent) encounter|sequela|unspecified|not otherwise specified|grade \w+|resolving|improving"
    r"|worsening|stable|chronic|acute|mild|moderate|severe|right|left|bilateral",
    _I,
)
# "Depressive disorder, suspected": a certainty written after the item belongs to it.
DIAGNOSIS_CERTAINTY_ITEM = re.compile(r"suspected|possible|probable|presumed|likely|questionable", _I)
DIAGNOSIS_AND = re.compile(r"\s+and\s+(?!/|or\b)", _I)
DIAGNOSIS_TRIM = re.compile(
    r"^(?:\"|'|a\s+|an\s+|the\s+|and\s+|or\s+|include\s+|that include\s+|(?:documented|noted|listed|given)\s+as\s+"
    r"|as\s+having\s+|having\s+|as\s+|of\s+|with\s+|a diagnosis of\s+)+|[\"'\s]+$",
    _I,
)
# A list item that only names a place ("ankle", "left foot") is part of the diagnosis before it, not its own.
REGION_ONLY = re.compile(
    r"(?:(?:left|right|bilateral|the|and|or)\s+)*(?:ankles?|foot|feet|knees?|hips?|shoulders?|elbows?|wrists?|hands?"
    r"|fingers?|thumbs?|neck|back|arms?|legs?|head|face|spine|cervical|thoracic|lumbar|(?-i:[CLTS]\d(?:-[CLTS]?\d)?))"
    r"(?:\s+spine)?",
    _I,
)
SUSPECTED = re.compile(r"\b(?:possible|probable|suspected|suspect|likely|rule out|r/o|questionable|presumed"
                       r"|versus|vs\.?)(?:\s|$)", _I)
RULED_OUT = re.compile(r"\bruled out\b|\bno evidence of\b|\bexcluded\b", _I)

# ---------------------------------------------------------------------------------------------
# pain
# ---------------------------------------------------------------------------------------------

PAIN = Trigger(
    r"\b(\d{1,2}(?:\.\d)?)(?:\s*(?:-|to)\s*(\d{1,2}(?:\.\d)?))?\s*(?:/|out of|of)\s*10\b(?!\s*(?:mg|/|\d))",
    ("10",),
    window=(30, 8),
)
PAIN_CONTEXT = re.compile(r"pain|rated|VAS|visual analog|severity|intensity|level|ache|headache", _I)
WITH_MEDICATION = re.compile(r"\bwith(?:out)? (?:the )?(?:use of )?(?:pain )?medications?\b|\bwith(?:out)? meds\b", _I)

# ---------------------------------------------------------------------------------------------
# treatments
# ---------------------------------------------------------------------------------------------

MODALITY = Trigger(
    r"(?P<chiropractic>chiropractic(?:\s+(?:physiotherapy|care|treatments?|therapy|manipulation|sessions?"
    r"|visits?))?|chiropractors?|chiro\s*/\s*physio(?:therapy)?|chirophysio\w*|(?:spinal|osteopathic)"
    r" manipulat\w+(?: therapy)?|manipulat(?:ive|ion) therapy)"
    r"|(?P<physical_therapy>physical therapy|physiotherapy|(?-i:\bPT\b)|aquatic therapy|pool therapy"
    r"|physical therapist)"
    r"|(?P<occupational_therapy>occupational therapy|(?-i:\bOT\b))"
    r"|(?P<acupuncture>(?:electro-?)?acupuncture)"
    r"|(?P<massage>massage(?: therapy)?|myofascial release)"
    r"|(?P<home_exercise>home exercises?(?: program)?|(?-i:\bHEP\b))"
    r"|(?P<injection>(?:(?:epidural|corticosteroid|cortisone|steroid|trigger point|facet|Toradol|platelet[- ]rich"
    r" plasma|PRP|joint)\s+)*injections?|(?-i:\bESIs?\b)|(?:nerve|facet|medial branch) blocks?)"
    r"|(?P<tens>(?-i:\bTENS\b)(?: unit)?|electrical (?:muscle |nerve )?stimulat\w+|interferential)"
    r"|(?P<psychotherapy>psychotherapy|cognitive behaviou?ral therapy|(?-i:\bCBT\b)|counsel+ing"
    r"|psych(?:ological)? (?:appointments|sessions|treatment|therapy))"
    r"|(?P<functional_restoration>functional restoration(?: program)?|(?-i:\bFRP\b))"
    r"|(?P<activity_modification>activity modifications?|work restrictions|modified activit(?:y|ies))"
    r"|(?P<medication>(?:pain |anti-inflammatory )?medications?(?: management| therapy)?)"
    r"|(?P<other>shockwave(?: therapy)?|shock wave therapy|splints?\b|brac(?:e|es|ing)\b)",
    ("chiro", "manipulat", "spinal", "osteopathic", "physical therap", "physiotherap", "pt", "aquatic",
     "pool therap", "occupational", "ot", "acupunct", "electro", "massage", "myofascial", "home exercise", "hep",
     "injection", "epidural", "corticosteroid", "cortisone", "steroid", "trigger point", "facet", "toradol",
     "platelet", "prp", "joint", "esi", "nerve block", "medial branch", "tens", "electrical", "interferential",
     "psychotherap", "cognitive", "cbt", "counsel", "psych", "functional restoration", "frp",
     "activity modification", "work restrictions", "modified activit", "pain medication", "anti-inflammatory",
     "medication", "shockwave", "shock wave", "splint", "brac"),
)
# A sentence that lists care already received ("Treatment to date has included ...").
TREATMENT_HISTORY = re.compile(
    r"\btreat(?:ment|ments|ed)\b|\btherap(?:y|ies)\b|\bincluded?\b|\bincludes\b|\bhas had\b|\bhad\b|\bunderwent\b"
    r"|\bundergoing\b|\breceived\b|\bcompleted\b|\battended\b|\bprior\b|\bprevious\w*\b|\bpast\b",
    _I,
)
# "for the left shoulder": a side, not visits left over.
_SIDE_OF = (r"(?:shoulder|knee|hip|wrist|hand|elbow|ankle|foot|feet|arm|leg|upper|lower|side|thumb|finger|heel"
            r"|lumbar|cervical)")
SESSIONS_FOLDED = Folded(
    rf"\b(?:at least |approximately |about |over |a total of )?(?P<n>{NUMBER})(?:\s*\((?P<digits>\d+)\))?\s+"
    r"(?:(?:prior|previous|completed|additional|total)\s+)?(?:[A-Za-z/-]+\s+){0,3}?(?:sessions?|visits?|treatments"
    r"|injections?|blocks?|shots?)\b"
    rf"(?![^.;,]{{0,40}}\b(?:remaining|left(?!\s+{_SIDE_OF})|pending|requested|authorized|approved|certified)\b)",
)
"""Visit counts; on a Scan's lower-case ASCII text the twin (`pick(scan.ascii)`) is several times faster (its groups
are lower-case: to_int reads number words in any case)."""
SESSIONS = SESSIONS_FOLDED.pattern
# Between two items of a plain list: a count, commas, "and" (no verb, no outcome).
# Visits that can be counted as zero when the records say there were none.
COUNTABLE = {"physical_therapy", "occupational_therapy", "chiropractic", "acupuncture", "massage", "psychotherapy",
             "functional_restoration", "injection"}
LIST_GLUE = re.compile(r"[\s\w()#/-]{0,40}?(?:,|\band\b|\bor\b)[\s\w()#/-]{0,25}", _I)
# "Visit 14." / "Ten visits completed." in a therapy note: the visits of the note's own modality.
VISIT_NUMBER = re.compile(r"\bvisit\s+(?:#|no\.?\s*|number\s+)?(\d{1,3})\b", _I)
VISITS_DONE = re.compile(r"\b(?:completed|attended|finished|to date|so far|done)\b", _I)
TREATMENT_NEGATION = re.compile(r"\b(?:no|not|never|without|denie[sd])\s+(?:\w+\s+){0,2}$", _I)
NOT_IMPROVED = re.compile(
    r"\b(?:no|not|without|minimal|little|limited)\s+(?:\w+\s+){0,2}?(?:improvement|improved|improve|benefi\w*"
    r"|relief|help(?:ful|ed)?|better|effective|successful)\b|\bdid not (?:help|improve|work)\b"
    r"|\b(?:temporary|transient|short[- ]term) (?:relief|benefit|improvement)\b|\b(?:but|only) temporar\w*"
    r"|\bfailed\b|\bdespite\b|\bno better\b|\bworse(?:ned|ning)?\b",
    _I,
)
# An outcome written before the treatment it follows: "minimal improvement despite physical therapy".
RESPONSE_BEFORE = re.compile(r"\b(?:despite|with|from|after|following|since)\s+(?:\w+\s+){0,2}$", _I)
IMPROVED = re.compile(
    r"\bimprov\w*|\bbenefi\w*|\bhelp(?:ed|ing|ful|s)\b|\brelief\b|\bbetter\b|\beffective\b|\breduc\w+ (?:the )?pain",
    _I,
)

# ---------------------------------------------------------------------------------------------
# medications
# ---------------------------------------------------------------------------------------------

_EXTRA_DRUGS: dict[str, Drug] = {
    "tylenol": Drug("acetaminophen", "analgesic"),
    "acetaminophen": Drug("acetaminophen", "analgesic"),
    "prednisone": Drug("prednisone", "corticosteroid"),
    "medrol": Drug("methylprednisolone", "corticosteroid"),
    "lidocaine patch": Drug("lidocaine patch", "lidocaine_patch"),
    "lidocaine patches": Drug("lidocaine patch", "lidocaine_patch"),
    "advil": Drug("ibuprofen", "nsaid"),
    "tylenol no. 3": Drug("acetaminophen/codeine", "opioid"),
    "tylenol no 3": Drug("acetaminophen/codeine", "opioid"),
}
DRUGS: dict[str, Drug] = {**_EXTRA_DRUGS, **LEXICON}
MEDICATION = Trigger(
    r"(?<![A-Za-z])(?P<drug>" + "|".join(re.escape(n) for n in sorted(DRUGS, key=lambda n: (-len(n), n)))
    + r")(?![A-Za-z])(?P<strength>(?:\s+(?:ER|XR|CR|SR|DS|gel|patch(?:es)?))?(?:\s*\d+(?:\.\d+)?(?:\s*[-/]\s*"
    r"\d+(?:\.\d+)?)?\s*(?:mg|mcg|%|g)\b|\s*\d+(?:\.\d+)?/\d+(?:\.\d+)?\b)?)",
    tuple(DRUGS),
)
SINCE = re.compile(r"\bsince\s+(?:at least\s+|approximately\s+|about\s+|early\s+|late\s+)?", _I)
DURATION = re.compile(
    rf"\b(?:for|over)\s+(?:(?:at least|approximately|about|over|more than)\s+)?(?:the (?:past|last)\s+"
    rf"(?:(?P<n_past>{NUMBER})\s+)?|(?P<n>{NUMBER}|a|an)\s+)(?P<unit>weeks?|months?|years?)\b",
    _I,
)

# ---------------------------------------------------------------------------------------------
# neurologic findings: (pattern, kind, present when not negated)
# ---------------------------------------------------------------------------------------------

NEURO_PATTERNS: list[tuple[Trigger, str, bool]] = [
    (Trigger(
        r"\b(?:decreased|diminished|reduced|altered|impaired|abnormal|absent|loss of|lost|hypo)\s+"
        r"(?:(?:light[- ]touch|pinprick|dermatomal|dermatome|and|[CLTS]\d(?:-[CLTS]?\d)?)\s+){0,4}sensation\b"
        r"|\bhypo-?(?:a?esthesia|sensorium)\b"
        r"|\bhypesthesia\b|\bsensory (?:deficits?|loss|changes?|disturbances?|abnormalit\w+)"
        r"|\b(?:diminished|decreased|reduced|abnormal|impaired|increased) two-point discrimination\b"
        r"|\bdeficits? in (?:\w+ ){0,3}?(?:sensory|sensation)\b",
        "decreased|diminished|reduced|altered|impaired|abnormal|absent|loss of|lost|hypo|hypesthesia|sensory|deficit",
    ), "sensory_deficit", True),
    (Trigger(
        r"\bsensation\s+(?:(?!and\b|but\b)\w+\s+){0,6}?(?:(?:was|were|is|are)\s+)?(?:\w+\s+)?(?:decreased|diminished"
        r"|reduced|altered|impaired|absent)\b",
        "sensation",
    ), "sensory_deficit", True),
    (Trigger(
        r"\b(?:sensation|sensory (?:exam(?:ination)?|function|testing))\s+(?:\w+\s+){0,6}?"
        r"(?:was\s+|were\s+|is\s+|are\s+|remained\s+)?(?:grossly\s+)?(?:intact|normal|within normal"
        r" limits|unremarkable)\b|\b(?:intact|normal)\s+(?:light[- ]touch\s+)?sensation\b",
        "sensation|sensory|intact|normal",
    ), "sensory_deficit", False),
    (Trigger(
        r"\bweakness\b|\bparesis\b|\bfoot drop\b|\b(?:decreased|reduced|diminished|impaired)\s+"
        r"(?:motor\s+|muscle\s+|grip\s+)?strength\b|\bmotor deficits?\b|\bdeficits? in (?:\w+ ){0,3}?motor\b"
        r"|\bstrength\s+(?:(?!and\b|but\b)\w+\s+){0,3}?(?:is|was|are|were)\s+(?:\w+\s+)?(?:reduced|decreased|diminished"
        r"|impaired|weak)\b",
        "weakness|paresis|foot drop|decreased|reduced|diminished|impaired|motor|deficit|strength",
    ), "motor_weakness", True),
    (Trigger(
        r"\b(?:normal|full|intact)\s+(?:motor\s+|muscle\s+)?strength\b|\bstrength\s+(?:\w+\s+){0,4}?"
        r"(?:was|were|is|are)\s+(?:normal|intact|full|symmetric\w*|within normal limits)\b",
        "normal|full|intact|strength",
    ), "motor_weakness", False),
    (Trigger(
        r"\bradiat\w*\s+(?:\w+\s+){0,4}?(?:down|to|into|along|through|in)\s+(?:the\s+|her\s+|his\s+)?"
        r"(?:\w+\s+){0,3}?(?:legs?|arms?|extremit(?:y|ies)|feet|foot|thighs?|calf|calves|buttocks?|hands?"
        r"|fingers?|toes?|knees?)\b|\bradiation of (?:the\s+)?pain\b|\bradicular\s+(?:pain|symptoms?"
        r"|complaints?|signs?|findings?)\b|\bradicul(?:opathy|itis)\b|\bsciatica\b",
        "radiat|radicul|sciatica",
    ), "radicular_symptoms", True),
    (Trigger(r"\bnon-?radiating\b", "non"), "radicular_symptoms", False),
    (Trigger(r"\bSpurling'?s?(?:\s+(?:test|sign|maneuver))?\s+(?:is\s+|was\s+)?positive\b|\bpositive\s+Spurling",
             "spurling|positive"), "radicular_symptoms", True),
    (Trigger(r"\bSpurling'?s?(?:\s+(?:test|sign|maneuver))?\s+(?:is\s+|was\s+)?negative\b|\bnegative\s+Spurling",
             "spurling|negative"), "radicular_symptoms", False),
    (Trigger(r"\batroph\w*\b|\bmuscle wasting\b", "atroph|muscle wasting"), "atrophy", True),
    (Trigger(r"\bnumbness\b|\bnumb\b|\btingling\b|\bparesthesi\w*|\bpins and needles\b",
             "numb|tingling|paresthe|pins and needles"), "paresthesia", True),
]
# Only meaningful when denied: "denies leg pain", "without radiation" say there are no radicular symptoms.
RADICULAR_WHEN_DENIED = Trigger(r"\b(?:leg|arm)\s+pain\b|\bradiation\b|\bradiating\s+pain\b", "leg|arm|radiat")
# "Motor strength, sensation, and reflexes were normal": one statement about several findings.
NORMAL_LIST = Trigger(
    r"\b(?:(?:motor(?: strength)?|strength|sensation|sensory(?: exam)?|(?:deep tendon )?reflexes|DTRs?)"
    r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)){1,3}(?:motor(?: strength)?|strength|sensation|sensory(?: exam)?"
    r"|(?:deep tendon )?reflexes|DTRs?)\s+(?:(?:were|are)\s+)?(?:all\s+)?(?:normal|intact|within normal limits"
    r"|unremarkable|symmetric\w*)\b",
    ("motor", "strength", "sensation", "sensory", "reflexes", "deep tendon", "dtr"),
)
NORMAL_LIST_MEMBERS = [
    (re.compile(r"motor|strength", _I), "motor_weakness"),
    (re.compile(r"sensation|sensory", _I), "sensory_deficit"),
    (re.compile(r"reflex|DTR", _I), "reflex_change"),
]
# "no neurological deficits", "neurologically intact": sensation, strength and reflexes all normal.
NO_NEURO_DEFICIT = Trigger(
    r"\b(?:no|without|denies|negative for)\s+(?:\w+\s+){0,2}?(?:neurologic(?:al)?|neuro)\s+(?:deficits?"
    r"|abnormalit\w+|findings)\b|\bneurologically intact\b|\bneurologic(?:al)? (?:exam(?:ination)?|status)"
    r"\s+(?:was\s+|is\s+)?(?:normal|intact|unremarkable|within normal limits)\b",
    ("no ", "without", "denies", "negative for", "neurologically", "neurologic"),
)
STRENGTH_LABEL = re.compile(r"\b(?:motor|strength|power|weakness|grip|flexion|extension|dorsiflexion|abduction)\b",
                            _I)
# The leading \b of a digit written as a lookbehind after it: a pattern opening with a character class lets `re`
# skip ahead to candidate characters.
STRENGTH_GRADE = Trigger(r"([0-5])(?<!\w[0-5])\s*([+-])?\s*(?:/|out of|of)\s*5\b", ("/5", "/ 5", "of 5"),
                         anchored=False)
REFLEX = Trigger(r"\breflex(?:es)?\b|\bDTRs?\b|\bjerks?\b", "reflex|dtr|jerk")
REFLEX_SEGMENT_BREAK_FOLDED = Folded(r"[,;]|\.(?:\s|$)|\bbut\b")
REFLEX_SEGMENT_BREAK = REFLEX_SEGMENT_BREAK_FOLDED.pattern
REFLEX_ABNORMAL = re.compile(
    r"\b(?:absent|diminished|decreased|hypoactive|reduced|hyperactive|brisk|asymmetric\w*|trace|hyperreflexi\w*"
    r"|hyporeflexi\w*|areflexi\w*)\b|(?<![\d/])[01]\s*\+(?!\s*/)|\b[01]\s*(?:/|of|out of)\s*4\b|\b[34]\s*\+",
    _I,
)
REFLEX_ABNORMAL_FOLDED = Folded(
    "|".join(rf"\b{word}\b" for word in ("absent", "diminished", "decreased", "hypoactive", "reduced", "hyperactive",
                                         "brisk", r"asymmetric\w*", "trace", r"hyperreflexi\w*", r"hyporeflexi\w*",
                                         r"areflexi\w*"))
    + r"|(?<![\d/])[01]\s*\+(?!\s*/)|\b[01]\s*(?:/|of|out of)\s*4\b|\b[34]\s*\+")
"""REFLEX_ABNORMAL with one top-level branch per word (the same matches), so that its twin skips to their letters."""
REFLEX_NORMAL = re.compile(
    r"(?<![\d/])2\s*\+|\b2\s*(?:/|of|out of)\s*4\b|\b(?:normal|symmetric\w*|intact|within normal limits|equal)\b",
    _I,
)
REFLEX_NORMAL_FOLDED = Folded(r"(?<![\d/])2\s*\+|\b2\s*(?:/|of|out of)\s*4\b|"
                              + "|".join(rf"\b{word}\b" for word in ("normal", r"symmetric\w*", "intact",
                                                                     "within normal limits", "equal")))
"""REFLEX_NORMAL with one top-level branch per word (the same matches), so that its twin skips to their letters."""
SLR = Trigger(r"\bstraight[- ]leg[- ]rais(?:e|ing)(?:\s+(?:test|testing|sign|exam(?:ination)?))?|(?-i:\bSLR\b)"
              r"|\bLas[eè]gue'?s?(?: sign| test)?", "straight|slr|las")
POSITIVE = re.compile(r"\bpositive\b|\(\+\)|\+", _I)
NEGATIVE = re.compile(r"\bnegative\b|\(-\)", _I)
# A finding followed by its place: "decreased sensation in the L5 dermatome", "numbness into the feet".
PLACE_AFTER = re.compile(r"\s+(?:\w+\s+)?(?:in|of|to|at|along|over|into|down|involving|about|on|throughout)\b", _I)
DERMATOME = re.compile(r"\b[CLTS]\d(?:\s*(?:-|to|and|through)\s*[CLTS]?\d)?\s+(?:dermatom\w+|distribution|nerve root)"
                       r"|\b(?:dermatom\w+|distribution) (?:of )?[CLTS]\d(?:\s*(?:-|to|and)\s*[CLTS]?\d)?")
DERMATOME_WORDS = ("dermatom", "distribution", "nerve root")
"""Words of which every DERMATOME match (case-sensitive) contains one."""


def holds_any(text: str, words: tuple[str, ...], start: int, end: int) -> bool:
    """Whether text[start:end] holds one of the words: the cheap test before a pattern every match of which holds
    one (a few substring searches rule out most windows, where `re` would try the pattern at every character)."""
    return any(text.find(word, start, end) >= 0 for word in words)


def dermatome(text: str, start: int, end: int) -> re.Match[str] | None:
    """DERMATOME.search(text, start, end), run only when text[start:end] holds one of DERMATOME_WORDS (it opens with
    a \\b, which `re` tries at every character)."""
    if not holds_any(text, DERMATOME_WORDS, start, end):
        return None
    return DERMATOME.search(text, start, end)


# ---------------------------------------------------------------------------------------------
# red flags
# ---------------------------------------------------------------------------------------------

RED_FLAG_PATTERNS: list[tuple[Trigger, str]] = [
    (Trigger(r"\bcauda equina\b|\bsaddle (?:an(?:a)?esthesia|numbness|paresthesia)", "cauda|saddle"), "cauda_equina"),
    (Trigger(
        r"\b(?:bowel|bladder)(?:\s+(?:or|and|and/or|nor)\s+(?:bowel|bladder))?\s+(?:dysfunction|incontinence"
        r"|complaints?|problems?|changes?|symptoms?|issues?|difficult\w*|control|retention|habits)"
        r"|\bincontinen\w+|\burinary retention\b|\bloss of (?:bowel|bladder)",
        "bowel|bladder|incontinen|urinary retention|loss of",
    ), "bowel_bladder_dysfunction"),
    (Trigger(
        r"\bprogressive\s+(?:neurolog\w+\s+)?(?:deficits?|weakness|numbness|neurolog\w+)"
        r"|\b(?:worsening|progressing)\s+neurolog\w+",
        "progressive|worsening|progressing",
    ), "progressive_neurologic_deficit"),
    (Trigger(r"\bfractur\w*", "fractur"), "fracture"),
    (Trigger(
        r"\bcancer\b|\bmalignan\w+|\btumou?rs?\b|\bneoplas\w+|\bmetasta\w+|\bcarcinoma\b|\blymphoma\b",
        "cancer|malignan|tumor|tumour|neoplas|metasta|carcinoma|lymphoma",
    ), "cancer"),
    (Trigger(
        r"\binfect(?:ion|ions|ious|ed)\b|\bosteomyelitis\b|\bdiscitis\b|\babscess\b|\bseptic\b|\bfevers?\b",
        "infect|osteomyelitis|discitis|abscess|septic|fever",
    ), "infection"),
    (Trigger(r"\bmyelopath\w+|\bhyperreflexi\w+|\bclonus\b|\bHoffmann'?s?\b", "myelopath|hyperreflexi|clonus|hoffmann"),
     "myelopathy"),
    (Trigger(
        r"\bmajor trauma\b|\bmultiple trauma\b|\bpolytrauma\b|\bhigh[- ]energy\b|\bfall from (?:a )?height"
        r"|\bfell from (?:a )?(?:height|ladder|roof|scaffold\w*)|\bmotor vehicle (?:accident|collision)"
        r"|(?-i:\bMVA\b)|\bcrush injury\b",
        "major trauma|multiple trauma|polytrauma|high-energy|high energy|fall from|fell from|motor vehicle|mva"
        "|crush injury",
    ), "major_trauma"),
]
# A mention that names equipment or a specialty, not the condition ("fracture boot").
RED_FLAG_NOT_CONDITION = re.compile(r"\s*(?:boot|walker|clinic|brace|care)\b", _I)
RED_FLAGS_ANY = Trigger(r"\bred[- ]flags?\b", "red flag|red-flag")
RED_FLAG_KINDS = [kind for _, kind in RED_FLAG_PATTERNS]

# ---------------------------------------------------------------------------------------------
# imaging and electrodiagnostics
# ---------------------------------------------------------------------------------------------

IMAGING = Trigger(
    r"(?P<mri>(?-i:\bMRIs?\b)|\bmagnetic resonance imaging\b|(?-i:\bMR (?:arthrogram|imaging)\b))"
    r"|(?P<ct>(?-i:\bCT\b)(?: scans?)?|\bCAT scans?\b|\bcomputed tomography\b)"
    r"|(?P<xray>\bx-?rays?\b|\bradiographs?\b|\bplain[- ]films?\b|\bplain[- ]film imaging\b)"
    r"|(?P<emg_ncv>(?-i:\bEMG\b)(?:\s*(?:/|and)\s*(?-i:NC[VS]))?|(?-i:\bNC[VS]\b)|\bnerve conduction(?: stud(?:y|ies)"
    r"| velocity)?|\belectrodiagnostic (?:stud(?:y|ies)|testing|evaluation)|\belectromyogra\w+)"
    r"|(?P<ultrasound>(?<!pulse )(?<!therapeutic )\bultrasound\b|\bsonogra\w+)"
    r"|(?P<bone_scan>\bbone scans?\b)",
    ("mri", "magnetic resonance", "mr ", "ct", "cat scan", "computed tomography", "x-ray", "xray", "radiograph",
     "plain film", "plain-film", "emg", "ncv", "ncs", "nerve conduction", "electrodiagnostic", "electromyogra",
     "ultrasound", "sonogra", "bone scan"),
)
IMAGING_NOT_DONE = re.compile(
    r"\b(?:was|were)\s+not\s+(?:\w+\s+){0,2}?(?:provided|performed|available|done|described|obtained|submitted)\b",
    _I,
)
IMAGING_RESULT = re.compile(
    r"\b(?:revealed|reveals|reveal|showed|shows|show|demonstrated|demonstrates|indicated|indicates|notable for"
    r"|was noted to (?:reveal|show|be)|were noted to (?:reveal|show|be)|positive for|negative for|consistent with"
    r"|noted|documented)\s+|\b(?:was|were)\s+(?=(?:normal|unremarkable|negative|positive)\b)|:\s*",
    _I,
)

# ---------------------------------------------------------------------------------------------
# function, work, opioid monitoring, surgery, planted instructions
# ---------------------------------------------------------------------------------------------

FUNCTION = Trigger(
    r"\bfunctional (?:improvement|improvements|gains?|benefit|progress)\b|\bobjective improvement\b"
    r"|\bimprov\w*\s+(?:in\s+)?(?:(?:his|her|their|the)\s+)?(?:function\w*|activities of daily living|ADLs?"
    r"|ability to \w+)\b|\b(?:improved|improvement in)\s+(?:(?:his|her|the)\s+)?(?:function\w*"
    r"|activit(?:y|ies)(?: level| tolerance)?|ADLs?|activities of daily living|ability to \w+|work capacity)\b"
    r"|\b(?:function|ADLs?|activities of daily living)\s+(?:\w+\s+)?improved\b"
    r"|\bhelp(?:ed|s)?\s+(?:[\w']+\s+){0,3}?function(?:al)?\s+(?:mobility|status|ability|capacity|level)\b"
    r"|\bable to \w+(?:\s+\w+){0,5}?\s+with (?:the |her |his )?(?:pain )?(?:medications?|meds)\s+(?:versus|vs\.?"
    r"|compared (?:to|with)|but only|and only)"
    r"|\bimprov\w*\s+(?:his |her |their )?\w+ tolerance\b"
    r"|\b(?:balance|strength|endurance|mobility|walking|sitting|standing|tolerance)(?: and \w+)? (?:has |have )?"
    r"improved\b"
    r"|\b(?:with|on|since starting)\s+(?:the |her |his )?(?!exam\w*|presentation|arrival|admission|average|occasion)"
    r"\w+(?:\s+\d+\s*mg)?,?\s+(?:he|she|they|the patient)\s+"
    r"(?:can|could|is able to|was able to|works|walks|does)\b"
    r"|\breturned to (?:full|regular|part-time|his|her|usual) (?:\w+ )?(?:work|duty)\b",
    ("functional", "objective improvement", "improv", "function", "adl", "activities of daily living", "help",
     "able to", "balance", "strength", "endurance", "mobility", "walking", "sitting", "standing", "tolerance", "with",
     "on",
     "since starting", "returned"),
    gated=True,
)
# "no change in ... level of functioning": function explicitly did not improve.
FUNCTION_UNCHANGED = Trigger(
    r"\bno (?:significant |appreciable )?(?:changes?|difference) in (?:\w+\s+){0,4}?(?:function\w*|activit\w+)"
    r"|\b(?:function(?:al status|ing)?|strength|activities|tolerance)(?: and \w+)? (?:\w+\s+)?"
    r"(?:was |is |are |were |has |have |remains? |remained )?(?:unchanged|not (?:improved|changed)|worsened|declined)\b"
    r"|\bdid not change what (?:he|she|they) (?:can|could) do\b|\bno more active\b",
    "no |function|strength|activities|tolerance|did not|no more",
)

# "whether the applicant was or was not working", "needs to be taken off work": not a status.
WORK_NOT_ACTUAL = re.compile(
    r"\b(?:whether|if|or|needs? to|wants? to|would like|asked to|requested|difficult\w*|unable to perform"
    r"|trouble)\b[^.;]*$",
    _I,
)
WORK_STATUS: list[tuple[Trigger, str]] = [
    (Trigger(r"\bwork status (?:is|was|has) not (?:been )?(?:documented|provided|stated|reported|noted|specified)\b",
             "work status"), "not_stated"),
    (Trigger(
        r"\boff (?:of )?work\b|\btemporar(?:y|ily)\s+(?:and\s+)?total(?:ly)?\s+(?:\w+\s+)?disab\w+"
        r"|\btotal(?:ly)?\s+(?:and\s+)?temporar(?:y|ily)\s+disab\w+|(?-i:\bTTD\b)|\bnot (?:currently )?working\b"
        r"|\bunable to work\b|\bnot returned to work\b|\bremain(?:s|ed)? off\b",
        "off |temporar|total|ttd|not currently working|not working|unable to work|not returned|remain",
    ), "off_work"),
    (Trigger(
        r"\bmodified (?:work|duty|duties|job)\b|\blight duty\b|\brestricted (?:work|duty)\b|\bwork restrictions\b"
        r"|\bworking with restrictions\b|\btemporary partial disability\b",
        "modified|light duty|restricted|work restrictions|working with|temporary partial",
    ), "modified_duty"),
    (Trigger(
        r"\bfull (?:duty|duties)\b|\bregular (?:duty|duties|work)\b|\b(?:work|duty|duties) without restrictions\b"
        r"|\busual and customary (?:duties|work)\b",
        "full dut|regular|work without|duty without|duties without|usual and customary",
    ), "full_duty"),
    (Trigger(r"\bretired\b", "retired"), "retired"),
]

MONITORING: list[tuple[Trigger, str]] = [
    (Trigger(r"\burine (?:drug |toxicology )?(?:screen\w*|test\w*|tox\w*)|(?-i:\bUD[ST]s?\b)|\bdrug screen\w*"
             r"|\btoxicology screen\w*", "urine|uds|udt|drug screen|toxicology"), "urine_drug_screen"),
    (Trigger(r"(?-i:\bCURES\b)|(?-i:\bPDMP\b)|\bprescription drug monitoring(?: program)?",
             "cures|pdmp|prescription drug monitoring"), "cures_report"),
    (Trigger(r"\b(?:pain|opioid|narcotic|medication|opiate)\s+(?:management\s+|treatment\s+)?(?:agreement|contract)s?"
             r"\b|\bsigned (?:an? )?(?:\w+ )?(?:agreement|contract)\b",
             "pain|opioid|narcotic|medication|opiate|signed"), "pain_agreement"),
    (Trigger(r"\bside[- ]effects?\b|\badverse effects?\b|\b(?:good|well) toleran\w+|\btolerat\w+ (?:it|them|the \w+)"
             r" well\b", "side effect|side-effect|adverse effect|good|well|tolerat"), "side_effects_assessed"),
    (Trigger(r"\baberrant\s+(?:drug[- ]\w+\s+)?behaviou?rs?\b|\bdrug[- ]seeking\b|\bearly refills?\b|\blost"
             r" (?:or stolen )?(?:prescriptions?|medications?|pills)\b|\bmultiple prescribers\b|\bdoctor shopping\b"
             r"|\bdiversion\b|\bmisuse\b|\b(?:not|never) (?:been )?prescribed\b|\bunprescribed\b|\billicit\b"
             r"|\bcocaine\b|\bheroin\b|\bmethamphetamine\b",
             "aberrant|drug-seeking|drug seeking|early refill|lost|multiple prescribers|doctor shopping|diversion"
             "|misuse|not|never|unprescribed|illicit|cocaine|heroin|methamphetamine"), "aberrant_behavior"),
    (Trigger(r"\d(?<!\w\d)\d{0,2}\s*%\s*(?:pain\s+)?(?:relief|improvement|reduction)\b", "%", anchored=False,
             requires=("relief", "improvement", "reduction")), "pain_relief_quantified"),
]

DRUG_TEST_CONTEXT = re.compile(r"\bscreen\w*|\btest\w*|\b(?-i:UDS|UDT)\b|\burine\b|\btoxicology\b", _I)
MEDICATION_WORD = re.compile(r"\bmedications?\b|\bmedicines?\b|\bmeds\b|\bpills?\b|\btablets?\b", _I)
# Side effects named rather than called side effects ("No sedation", "makes him drowsy"): the
# prescriber asked about them. Counted when denied, or when the sentence names a drug or medication.
SIDE_EFFECT_TERMS = Trigger(
    r"\bsedat(?:ion|ed)\b|\bdrows(?:y|iness)\b|\bsomnolen\w+|\bconstipat\w+|\bnause\w+|\bstomach (?:upset|complaints?"
    r"|pain|problems?)\b|\b(?:GI|gastrointestinal) (?:upset|complaints?|symptoms?)\b|\bdyspepsia\b|\bheartburn\b",
    "sedat|drows|somnolen|constipat|nause|stomach|gi|gastrointestinal|dyspepsia|heartburn",
)
# Relief the records say they cannot measure: "cannot say whether it helps".
RELIEF_UNKNOWN = Trigger(
    r"\b(?:can(?:not|'t)|does not|doesn't|did not|unable to)\s+(?:say|tell|state|report|document|describe)\w*\s+"
    r"whether\s+(?:it|the \w+|\w+)\s+(?:still\s+)?helps?\b|\bno pain (?:scores|ratings|levels) with and without\b",
    "cannot|can't|does not|doesn't|did not|unable to|no pain",
)
PROCEDURE = Trigger(
    r"(?:(?:left|right|bilateral|lumbar|cervical|thoracic|shoulder|knee|hip|spine|spinal|abdominal|wrist|elbow|ankle"
    r"|foot|hand|rotator cuff|carpal tunnel|pelvic ring|colon|anterior|posterior|total|partial|arthroscopic"
    r"|exploratory|open|hernia|back|neck)\s+){0,3}"
    r"(?:(?<!neuro-)surgery|surgical (?:repair|intervention|release)|arthroscop(?:y|ic surgery)|arthroplasty|fusion"
    r"|laminectomy|laminotomy|(?:micro)?discectomy|decompression|(?-i:\bORIF\b)|open reduction(?:\s*(?:/|and)\s*"
    r"internal fixation)?|carpal tunnel release|trigger (?:finger|thumb) release|meniscectomy|laparotomy"
    r"|amputation|internal fixation|foraminotomy|osteotomy|colon resection|(?:rotator cuff|labral|tendon|ligament)"
    r" repair|reconstruction|replacement)\b"
    r"(?:\s+of\s+(?:the\s+)?(?:(?:left|right|bilateral)\s+)?[a-z]+(?:\s+(?:spine|joint|foot|knee|hip|shoulder))?)?",
    ("left", "right", "bilateral", "lumbar", "cervical", "thoracic", "shoulder", "knee", "hip", "spine", "spinal",
     "abdominal", "wrist", "elbow", "ankle", "foot", "hand", "rotator cuff", "carpal tunnel", "pelvic ring", "colon",
     "anterior", "posterior", "total", "partial", "arthroscop", "exploratory", "open", "hernia", "back", "neck",
     "surgery", "surgical", "arthroplasty", "fusion", "laminectomy", "laminotomy", "discectomy", "microdiscectomy",
     "decompression", "orif", "trigger finger", "trigger thumb", "meniscectomy", "laparotomy", "amputation",
     "internal fixation", "foraminotomy", "osteotomy", "labral", "tendon", "ligament", "reconstruction",
     "replacement"),
    gated=True,
)
PROCEDURE_NOT_SURGERY = re.compile(r"\s*(?:evaluation|consult\w*|referral|clearance)\b", _I)
SURGERY_DONE = re.compile(
    r"\bunderwent\b|\bundergone\b|\bstatus post\b|\bs/p\b|\bpost[- ]?op\w*|\bhistory of\b|\bsurgical history\b"
    r"|\bhas had\b|\bhad (?:a |an )?\b|\bperformed\b|\bto date\b|\bprevious\b|\bprior\b",
    _I,
)
SURGERY_DONE_AFTER = re.compile(r"\b(?:already|was|were|been)\s+(?:done|performed|completed)\b", _I)
# The sentence turns to something else: "denied due to ... care that has been completed".
SURGERY_CLAUSE_TURN = re.compile(r"\b(?:due to|because|since|given|that|which|who|as)\b|\bdenied\b|non-?certif", _I)
SURGERY_AUTHORIZED = re.compile(r"(?<!non-)(?<!non)\b(?:authorized|approved|certified)\b", _I)

PLANTED = Trigger(
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|these|those|previous|prior|above|earlier"
    r"|other)\s+)*(?:guidelines?|instructions?|rules?|criteria|prompts?|polic(?:y|ies)|MTUS|ODG|ACOEM)\b"
    r"|\b(?:overturn|approve|certify|authorize)\s+(?:every|all|each|everything|any)\b"
    r"|\b(?:note to|attention|dear|message (?:to|for))\s+(?:the\s+)?(?:reviewer|AI|assistant|model|language model"
    r"|(?:IMR|expert) reviewer|reviewing (?:physician|AI))\b"
    r"|\bas an? (?:AI|language model)\b|\byou are an? (?:AI|assistant|language model)\b"
    r"|\b(?:AI|assistant|chatbot|language model|LLM|the tool|the model)\s*[,:]\s*(?:please|you|must|do|ignore)\b"
    r"|\b(?:reviewer|you)\s+(?:must|should|shall|are (?:required|instructed|directed) to)\s+(?:overturn|approve"
    r"|certify|authorize|find|decide|rule|ignore|disregard|grant)\b"
    r"|\bsystem prompt\b|\bprompt injection\b|\bsystem instructions?\b"
    r"|\binstructions? (?:for|to) (?:the |any )?(?:AI|language models?|LLMs?|models?|software|automated \w+)\b"
    r"|\b(?:system|assistant|user)\s*:\s*(?:you|ignore|disregard|approve|overturn|certify|mark|please|the decision)\b"
    r"|\breviewers?\s*[,:]\s*(?:please\s+)?(?:overturn|approve|certify|authorize|find|mark|ignore|disregard|grant)\b"
    r"|\bto (?:the|any) (?:\w+ )?(?:reviewer|AI|assistant|model)\s*[,:]"
    r"|\bnew (?:instructions?|task|rules?)\s*:|\bapproval mode\b"
    r"|\bmark (?:each|every|all) (?:items?|requests?|services?)\b"
    r"|<\|\s*\w+\s*\|>|\[/?INST\]",
    ("ignore", "disregard", "forget", "override", "bypass", "overturn", "approve", "certify", "authorize", "note to",
     "attention", "dear", "message to", "message for", "as a", "you are", "ai", "assistant", "chatbot",
     "language model", "llm", "the tool", "the model", "reviewer", "you", "system prompt", "prompt injection",
     "system instruction", "instruction", "system", "user", "to the", "to any", "new ", "approval mode", "mark",
     "<|", "[inst", "[/inst"),
)


# ---------------------------------------------------------------------------------------------
# utilization review certifications: care UR certified, in full or in part
# ---------------------------------------------------------------------------------------------

UR_CERTIFIED = Trigger(
    r"(?<!non-)(?<!non)(?<!not )\b(?:modif(?:ied|ication)|(?<!request for )(?<!requested )(?<!requesting )"
    r"(?<!prior )authoriz(?:ed|ation|e)\b|(?<!un)certifi(?:ed|cation)|approv(?:ed|al)|accommodat(?:ed|ing))\b"
    r"(?!\s+(?:duty|work|activit\w*|regular))",
    ("modif", "authoriz", "certifi", "approv", "accommodat"),
)
# The decision is passive ("PT was modified"): the service is named before it.
CERTIFIED_PASSIVE = re.compile(r"\b(?:was|were|been|is|are|be)\s+(?:\w+\s+)?$", _I)
# What ends a service named after the decision, or separates it from another decision.
CERTIFIED_SERVICE_END = re.compile(
    r"\b(?:due to|because|as|based on|given|since|secondary to|in accordance|with|which|that|and (?:the|a) request"
    r"|was|were|had|has)\b|;|\bdenied\b|non-?certif|\bto\s+(?:allow|authori[sz]e|permit|certify|approve|an?\b|\d"
    r"|(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b)", _I)
DENIED = re.compile(r"\bdenied\b|non-?certif\w*|\bnot (?:medically necessary|certified|approved|authorized)\b", _I)
# "6 of the 12 requested visits": the first number is the one certified.
CERTIFIED_COUNT = re.compile(rf"\b(?P<n>{NUMBER})(?:\s*\((?P<digits>\d+)\))?[\s-]+(?:of\s+(?:the\s+)?{NUMBER}\s+)?"
                             r"(?:\w+\s+){0,2}?(?:sessions?|visits?|treatments?)\b", _I)
# The amount certified instead of the amount asked for: "modified to 6 visits", "approved as 6 sessions".
CERTIFIED_AMOUNT = re.compile(r"\b(?:to|as|allow for|authorize)\b(?:\s+\w+){0,3}\s*$", _I)
CERTIFIED_TRAILING_WORD = re.compile(r"\s+(?:to|and|or|for|of)$", _I)
SERVICE_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)", _I)
CERTIFIABLE = frozenset({"physical_therapy", "occupational_therapy", "chiropractic", "acupuncture", "massage", "tens",
                         "psychotherapy", "functional_restoration", "injection", "other"})
