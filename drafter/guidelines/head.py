"""Head complaints: electroencephalography and hearing aids (ODG Head chapter, where the MTUS is silent).

Confirmed against dev letters quoting ODG: EEG when there is a seizure, altered consciousness, or a failure to
improve or a deterioration after the initial assessment of a head injury (not routinely after it): 023;
hearing aids for documented hearing loss of a type they help: 081.
"""

from __future__ import annotations

from drafter.guidelines import citations
from drafter.guidelines.facts import (
    OBJECTIVE_DEFICITS,
    diagnoses,
    functional_status,
    listing,
    neuro_findings,
    red_flags,
)
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.models import RedFlag

SEIZURE = r"seizure|convuls|loss of consciousness|altered (mental|consciousness)|epilep"
HEAD_INJURY = r"concussion|traumatic brain|head injury|brain injury"


def eeg_indication(context: Context) -> Check:
    """A seizure or altered consciousness; after a head injury, a failure to improve or a deterioration after the
    initial assessment (an objective neurologic deficit, or function documented as not improving)."""
    seizure = diagnoses(context.summary, SEIZURE)
    if seizure:
        return met(f"The records document {listing(seizure)}.", seizure)
    injury = diagnoses(context.summary, HEAD_INJURY)
    if not injury:
        return not_documented("The records do not document a seizure, altered consciousness or a head injury "
                              "whose course an EEG would clarify.")
    worse = neuro_findings(context.summary, kinds=OBJECTIVE_DEFICITS) + red_flags(context.summary)
    worse = [fact for fact in worse if not isinstance(fact, RedFlag) or fact.flag == "progressive_neurologic_deficit"]
    worse += [fact for fact in functional_status(context.summary) if not fact.improved]
    if worse:
        return met(f"After {listing(injury)}, the records document {listing(worse)}: the course has not improved.",
                   injury + worse)
    normal = neuro_findings(context.summary, kinds=OBJECTIVE_DEFICITS, present=False)
    if normal:
        return not_met(f"After {listing(injury)}, the neurologic examination is normal ({listing(normal)}) and no "
                       "failure to improve or deterioration is documented.", injury + normal)
    return not_documented(f"The records document {listing(injury)} but no failure to improve or deterioration "
                          "after the initial assessment.", injury)


EEG = register(Rule(
    rule_id="electroencephalography",
    category="electroencephalography",
    title="Electroencephalogram (EEG)",
    citation=lambda context: citations.odg("Head Chapter, EEG"),
    summary=(
        "ODG supports an EEG after head injury when the patient has had a seizure or altered "
        "consciousness, or "
        "fails to improve as expected; it is not a routine test for headache or neck complaints."
    ),
    criteria=(Criterion("indication", "A seizure, altered consciousness, or a head injury failing to improve.",
                        eeg_indication, supported_by=("023",)),),
    patterns=(r"electroenceph", r"\beeg\b"),
    priority=30,
))


def hearing_loss(context: Context) -> Check:
    found = diagnoses(context.summary, r"hearing loss|deaf|hypoacusis")
    if found:
        return met(f"The records document {listing(found)}.", found)
    return not_documented("The records do not document hearing loss measured by audiometry, of a type hearing "
                          "aids help.")


HEARING_AIDS = register(Rule(
    rule_id="hearing-aids",
    category="hearing_aids",
    title="Hearing aids",
    citation=lambda context: citations.odg("Head Chapter, Hearing aids"),
    summary=(
        "ODG recommends hearing aids for hearing loss documented by testing: conductive loss that medical or "
        "surgical care cannot correct, sensorineural loss, or mixed loss."
    ),
    criteria=(Criterion("documented_hearing_loss", "Hearing loss documented by testing.", hearing_loss,
                        supported_by=("081",)),),
    patterns=(r"hearing aid",),
    priority=30,
))
