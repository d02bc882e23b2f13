"""Passive modalities and electrotherapy: TENS and other stimulators, therapeutic ultrasound, traction, heat
and cold, infrared, massage and myofascial release (MTUS Chronic Pain Medical Treatment Guidelines, 'TENS,
chronic pain', 'Ultrasound, therapeutic', 'Massage therapy'; ACOEM 2004 chapter 12, Physical Methods).

Criteria confirmed against dev letters quoting the guidelines:
- passive modalities are not supported on their own; traction has not been shown to help low back pain; heat
  and cold applied at home work as well as in the clinic: 008, 010, 033, 098;
- TENS: a one-month home trial as an adjunct to functional restoration, for neuropathic pain, CRPS,
  spasticity or phantom limb pain; purchase only after a documented successful trial: 064, 160.
"""

from __future__ import annotations

import re

from drafter.guidelines import citations
from drafter.guidelines.facts import diagnoses, listing, treatments
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.models import GuidelineCitation

NOT_RECOMMENDED: tuple[tuple[str, str], ...] = (
    (r"ultrasound", "therapeutic ultrasound has no proven benefit for pain or function"),
    (r"traction|spinolator", "traction has not been shown to relieve back pain lastingly"),
    (r"infrared|diathermy", "infrared and diathermy heat add nothing to simple heat applied at home"),
    (r"ice|heat|hot|cold", "heat and cold applied at home are as effective as those applied by a therapist"),
    (r"electrical (muscle )?stimulation|\bems\b|\bnmes\b|interferential|galvanic", "electrical stimulation in "
     "the clinic is a passive modality without proven lasting benefit"),
    (r"shock ?wave|\beswt\b", "shockwave therapy is not recommended for back or most musculoskeletal pain"),
    (r"laser", "laser therapy is not recommended"),
)
MASSAGE_VISITS = 6
TENS_CONDITIONS = r"neuropath|crps|complex regional|spastic|multiple sclerosis|phantom|radiculopathy|neuralgia"


def modality_recommended(context: Context) -> Check:
    text = context.item.request.lower()
    for pattern, reason in NOT_RECOMMENDED:
        if re.search(pattern, text):
            return not_met(f"The guideline does not support it: {reason}.")
    return met("The modality is one the guideline allows as an adjunct.")


def is_massage(context: Context) -> bool:
    return re.search(r"massage|myofascial|soft tissue", context.item.request.lower()) is not None


def massage_limits(context: Context) -> Check:
    sessions = context.details.sessions
    if sessions is None:
        return not_met("The request does not state how many visits are asked for.")
    if sessions > MASSAGE_VISITS:
        return not_met(f"The request is for {sessions} visits; massage is limited to 4 to 6 visits in most "
                       "cases.")
    active = treatments(context.summary, ("physical_therapy", "home_exercise"))
    if active:
        return met(f"The {sessions} visits are within 4 to 6 and accompany active treatment ({listing(active)}).",
                   active)
    return not_documented("The records do not show the active exercise programme that massage must accompany.")


CHRONIC_PAIN_SECTIONS: tuple[tuple[str, str], ...] = (
    # (request pattern, section of the MTUS chronic pain guidelines that covers it)
    (r"massage|myofascial|soft tissue", "Massage therapy"),
    (r"ultrasound", "Ultrasound, therapeutic"),
    (r"interferential", "Interferential Current Stimulation (ICS)"),
    (r"\bnmes\b|neuromuscular", "Neuromuscular electrical stimulation (NMES devices)"),
    (r"electrical (muscle )?stimulation|\bems\b|e-?stim", "TENS, chronic pain (transcutaneous electrical nerve "
     "stimulation)"),
)


def modality_citation(context: Context) -> GuidelineCitation:
    """The chronic pain guidelines' own section where they have one (massage, ultrasound, electrical
    stimulation: letters 010, 098); ODG for shockwave therapy, which the MTUS does not cover (069); else the
    ACOEM low back chapter's physical methods (traction, heat and cold: 033)."""
    text = context.item.request.lower()
    for pattern, section in CHRONIC_PAIN_SECTIONS:
        if re.search(pattern, text):
            return citations.chronic_pain(context.era, section)
    if re.search(r"shock ?wave|\beswt\b", text):
        return citations.odg("Low Back Chapter, Shock wave therapy" if "lumbar" in context.details.body_regions
                             or not context.details.body_regions else "Extracorporeal shock wave therapy (ESWT)")
    return citations.acoem(citations.LOW_BACK, "Physical Methods")


PASSIVE_MODALITIES = register(Rule(
    rule_id="passive-modalities",
    category="passive_modalities",
    title="Passive modalities (ultrasound, traction, heat/cold, stimulation, massage)",
    citation=modality_citation,
    summary=(
        "The MTUS chronic pain guidelines and ACOEM favour active therapy. Passive treatments given in "
        "the clinic, such as therapeutic "
        "ultrasound, traction, diathermy and electrical stimulation, lack evidence of lasting benefit, "
        "and heat "
        "or cold applied at home work as well as in the clinic. Massage is an option only as an adjunct "
        "to an "
        "exercise programme, for about 4 to 6 visits."
    ),
    criteria=(
        Criterion("modality_recommended", "The modality is one the guideline supports.", modality_recommended,
                  supported_by=("008", "010", "033", "098")),
        Criterion("massage_limits", "Massage accompanies active treatment, for 4 to 6 visits.", massage_limits,
                  when=is_massage),
    ),
    patterns=(r"ultrasound(?! guid)", r"traction", r"spinolator", r"infrared", r"diathermy", r"hot/cold",
              r"ice/heat", r"heat (pad|therap|wrap)", r"cold (pack|wrap)", r"electrical (muscle )?stimulation",
              r"\bems\b(?!/tens)", r"interferential", r"massage", r"myofascial release", r"shock ?wave",
              r"laser therap"),
    priority=28,
))


def tens_condition(context: Context) -> Check:
    found = diagnoses(context.summary, TENS_CONDITIONS)
    if found:
        return met(f"The records document a condition TENS may help: {listing(found)}.", found)
    return not_documented("The records do not document neuropathic pain, CRPS, spasticity, multiple sclerosis or "
                          "phantom limb pain, the conditions for which TENS is an option.")


def tens_trial(context: Context) -> Check:
    trials = treatments(context.summary, ("tens",))
    if "rental" in context.details.modifiers or "trial" in context.details.modifiers:
        return met("The request is for a trial period.")
    helped = [trial for trial in trials if trial.response == "improved"]
    if helped:
        return met(f"A TENS trial helped ({listing(helped)}).", helped)
    if trials:
        return not_documented(f"The records mention {listing(trials)} without documenting its benefit over a "
                              "one-month trial.", trials)
    return not_documented("The records do not document a successful one-month home trial before purchase.")


def tens_citation(context: Context) -> GuidelineCitation:
    return citations.chronic_pain(context.era, "TENS, chronic pain (transcutaneous electrical nerve stimulation)")


TENS = register(Rule(
    rule_id="tens",
    category="tens",
    title="TENS unit",
    citation=tens_citation,
    summary=(
        "The MTUS chronic pain guidelines do not support TENS as a treatment on its own. A one-month home "
        "trial is an option as an "
        "adjunct to an evidence-based functional restoration programme for neuropathic pain, complex "
        "regional "
        "pain syndrome, spasticity, multiple sclerosis or phantom limb pain. Buying a unit requires a "
        "documented trial showing how often it was used and what it did for pain and function."
    ),
    criteria=(
        Criterion("qualifying_condition", "A condition for which TENS is an option.", tens_condition,
                  supported_by=("064",)),
        Criterion("trial_first", "A rental trial, or purchase after a successful one-month trial.", tens_trial,
                  supported_by=("064",)),
    ),
    patterns=(r"\btens\b", r"transcutaneous", r"h-?wave"),
    priority=27,
))
