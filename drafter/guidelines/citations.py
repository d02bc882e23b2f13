"""Which guideline edition was in force, and how the letters write the citation.

The MTUS changed twice in the period the rules cover (see the domain notes, section 0):
- era A, 18 Jul 2009 to 27 Jul 2016: Chronic Pain Medical Treatment Guidelines of 2009 (opioids inside them);
- era B, 28 Jul 2016 to 30 Nov 2017: Chronic Pain Medical Treatment Guidelines of 2016 and the separate
  Opioid Treatment Guidelines of 2016;
- era C, from 1 Dec 2017: current ACOEM chapters incorporated by order. The rules are written for eras A and
  B; a decision in era C carries a note asking the reviewer to confirm the edition.
The ACOEM 2004 body-part chapters, the Acupuncture guidelines (2007) and the Postsurgical guidelines (2009)
stayed in force through eras A and B.

The era follows the utilization review date (else the date assigned, else the application date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from drafter.models import CaseHeader, CitedDocument, GuidelineCitation

ERA_B_START = dt.date(2016, 7, 28)
ERA_C_START = dt.date(2017, 12, 1)

EraName = Literal["A", "B", "C"]

# ACOEM (2004/2007) chapter names, as the letters print them.
GENERAL_APPROACHES = "General Approaches"
NECK = "Neck and Upper Back Complaints"
SHOULDER = "Shoulder Complaints"
ELBOW = "Elbow Complaints"
HAND = "Forearm, Wrist, and Hand Complaints"
LOW_BACK = "Low Back Complaints"
KNEE = "Knee Complaints"
ANKLE = "Ankle and Foot Complaints"
CHAPTER_EDITIONS = {ELBOW: "2007"}

CHRONIC_PAIN = "Chronic Pain Medical Treatment"
OPIOIDS = "Opioid Treatment"
ACUPUNCTURE = "Acupuncture Treatment"
POSTSURGICAL = "Postsurgical Treatment"


@dataclass(frozen=True)
class GuidelineEra:
    name: EraName
    basis_date: dt.date | None
    """The date the era was chosen from (None: no date in the header; era B assumed)."""

    @property
    def chronic_pain_edition(self) -> str:
        return "2009" if self.name == "A" else "2016"

    @property
    def note(self) -> str | None:
        if self.basis_date is None:
            return "No UR or assignment date in the case header; the 2016 MTUS editions were assumed."
        if self.name == "C":
            return ("The UR date falls after 1 Dec 2017, when the MTUS incorporated the current ACOEM "
                    "guidelines; confirm the edition cited.")
        return None


def era_for(header: CaseHeader) -> GuidelineEra:
    basis = header.ur_denial_date or header.date_assigned or header.application_received
    if basis is None:
        return GuidelineEra("B", None)
    if basis < ERA_B_START:
        return GuidelineEra("A", basis)
    if basis < ERA_C_START:
        return GuidelineEra("B", basis)
    return GuidelineEra("C", basis)


def chronic_pain(era: GuidelineEra, *sections: str) -> GuidelineCitation:
    return GuidelineCitation(source="MTUS", document=CHRONIC_PAIN, edition=era.chronic_pain_edition,
                             sections=list(sections))


def opioids(era: GuidelineEra, section_2016: str, section_2009: str) -> GuidelineCitation:
    """Era A cites the opioid sections of the 2009 chronic pain guideline; later eras the 2016 opioid one."""
    if era.name == "A":
        return chronic_pain(era, section_2009)
    return GuidelineCitation(source="MTUS", document=OPIOIDS, edition="2016", sections=[section_2016])


def acoem(chapter: str, *sections: str) -> GuidelineCitation:
    return GuidelineCitation(source="MTUS", document=chapter, edition=CHAPTER_EDITIONS.get(chapter, "2004"),
                             sections=list(sections))


def together(first: GuidelineCitation, *further: GuidelineCitation) -> GuidelineCitation:
    """One MTUS citation naming several documents in order, the first one first, joined by ', and ' as the
    letters print them."""
    also = [CitedDocument(document=cited.document, edition=cited.edition, sections=cited.sections)
            for cited in further]
    return first.model_copy(update={"also": [*first.also, *also]})


def acupuncture() -> GuidelineCitation:
    return GuidelineCitation(source="MTUS", document=ACUPUNCTURE, edition="2007")


def postsurgical(*sections: str) -> GuidelineCitation:
    return GuidelineCitation(source="MTUS", document=POSTSURGICAL, edition="2009", sections=list(sections))


def odg(chapter_and_topic: str) -> GuidelineCitation:
    """An ODG topic, used where the MTUS is silent: prints 'Official Disability Guidelines (ODG) <topic>'."""
    return GuidelineCitation(source="ODG", document="Official Disability Guidelines", edition="ODG",
                             sections=[chapter_and_topic])
