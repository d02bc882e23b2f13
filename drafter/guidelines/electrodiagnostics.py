"""EMG and nerve conduction studies (MTUS Chronic Pain Medical Treatment Guidelines 2016, 'Electrodiagnostic
testing (EMG/NCS)'; ACOEM 2004 chapters 8, 11 and 12, Special Studies).

Criteria confirmed against dev letters quoting the guidelines:
- the studies localize the source of neurologic symptoms, so symptoms or signs in the limb tested are
  needed: 069, 085, 087, 088, 165;
- EMG and NCS are separate studies, not necessarily done together; lower-limb NCS not recommended when
  symptoms are presumed radicular; EMG of the legs after a month of conservative care, not needed when
  radiculopathy is already clinically obvious: 008, 066, 129, 165;
- upper-limb NCS for clinical signs of carpal tunnel syndrome, or to tell it from cervical radiculopathy;
  EMG generally not needed for carpal tunnel syndrome: 008, 035, 057, 129;
- legs: after about a month of conservative care; arms: symptoms lasting over 3 to 4 weeks; not when
  care is helping: 008, 066, 087;
- no repeat without a change: 085.
"""

from __future__ import annotations

import re

from drafter.guidelines import citations, common
from drafter.guidelines.facts import OBJECTIVE_DEFICITS, diagnoses, imaging, listing, neuro_findings
from drafter.guidelines.rules import NOT_MET, Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.models import BodyRegion

UPPER: tuple[BodyRegion, ...] = ("cervical", "upper_extremity", "shoulder", "elbow", "wrist_hand")
LOWER: tuple[BodyRegion, ...] = ("lumbar", "lower_extremity", "hip", "knee", "ankle_foot")
SYMPTOMS = ("sensory_deficit", "motor_weakness", "reflex_change", "radicular_symptoms", "paresthesia",
            "positive_straight_leg_raise", "atrophy")
ARM_SYMPTOM_WEEKS = 4
ENTRAPMENT = r"carpal tunnel|cubital tunnel|ulnar neuropathy|entrapment|median neuropathy|neuropathy|numbness"


def limb(context: Context) -> tuple[BodyRegion, ...]:
    regions = set(context.details.body_regions)
    if regions & set(LOWER):
        return LOWER
    if regions & set(UPPER):
        return UPPER
    return UPPER + LOWER


def studies(context: Context) -> set[str]:
    text = context.item.request.lower()
    found = set()
    if re.search(r"\bemg\b|electromyogra", text):
        found.add("emg")
    if re.search(r"\bnc[sv]\b|nerve conduction", text):
        found.add("ncs")
    return found or {"emg", "ncs"}


def neurologic_symptoms(context: Context) -> Check:
    present = neuro_findings(context.summary, limb(context), SYMPTOMS, present=True)
    if present:
        return met(f"The records document neurologic symptoms or signs in the limbs tested: {listing(present)}.",
                   present)
    normal = neuro_findings(context.summary, limb(context), SYMPTOMS, present=False)
    if normal:
        return not_met(f"The neurologic findings in the limbs tested are normal ({listing(normal)}).", normal)
    return not_documented("The records do not document numbness, tingling, weakness or other neurologic "
                          "symptoms in the limbs to be tested.")


def right_study(context: Context) -> Check:
    wanted = studies(context)
    lower = limb(context) == LOWER
    regions = limb(context)
    if lower:
        if "ncs" in wanted:
            return not_met("Nerve conduction studies of the legs are not recommended when the symptoms are "
                           "presumed to come from a nerve root.")
        deficits = neuro_findings(context.summary, regions, OBJECTIVE_DEFICITS, present=True)
        scans = imaging(context.summary, "mri", ("lumbar",))
        if deficits and scans:
            return not_met(f"Radiculopathy is already clinically evident ({listing(deficits)}, with "
                           f"{listing(scans)}), so EMG would not add to the diagnosis.", deficits + scans)
        return met("EMG of the legs can give unequivocal evidence of a radiculopathy that is not yet clear.")
    entrapment = diagnoses(context.summary, ENTRAPMENT) + [
        fact for fact in neuro_findings(context.summary, ("wrist_hand",), ("paresthesia", "sensory_deficit"))]
    if "emg" in wanted and "ncs" not in wanted and entrapment and not neuro_findings(
            context.summary, ("cervical",), ("radicular_symptoms",)):
        return not_met(f"For a suspected nerve entrapment ({listing(entrapment)}), nerve conduction studies "
                       "establish the diagnosis; EMG is generally not needed.", entrapment)
    if entrapment:
        return met(f"The studies can confirm or exclude a nerve entrapment ({listing(entrapment)}) and tell it "
                   "from a cervical radiculopathy.", entrapment)
    return met("The studies can localize the source of the arm symptoms.")


def symptoms_persist(context: Context) -> Check:
    """Legs: after about a month of conservative therapy. Neck and arms: symptoms lasting more than three
    to four weeks. Either way, symptoms that are improving with care do not call for testing."""
    care = common.conservative_care_failed(context, limb(context))
    if limb(context) == LOWER or care.status == NOT_MET:
        return care
    header = context.summary.header
    basis = header.ur_denial_date or header.date_assigned or header.application_received
    if header.date_of_injury is not None and basis is not None:
        weeks = (basis - header.date_of_injury).days // 7
        if weeks >= ARM_SYMPTOM_WEEKS:
            return met(f"The arm symptoms have lasted about {weeks} weeks since the injury, more than the three to "
                       "four weeks after which testing may identify a focal nerve problem.")
        return not_met(f"The symptoms are about {weeks} weeks old; testing helps once they have lasted more than "
                       "three to four weeks.")
    return care


def not_a_repeat(context: Context) -> Check:
    prior = [study for study in context.summary.imaging if study.modality == "emg_ncv"
             and (study.body_region is None or study.body_region in limb(context))]
    if prior:
        return not_met(f"Electrodiagnostic testing was already done ({listing(prior)}); no change since is "
                       "documented.", prior)
    return met("No earlier electrodiagnostic testing of these limbs is documented.")


ELECTRODIAGNOSTICS = register(Rule(
    rule_id="electrodiagnostics",
    category="electrodiagnostics",
    title="EMG and nerve conduction studies",
    citation=lambda context: citations.chronic_pain(context.era, "Electrodiagnostic testing (EMG/NCS)"),
    summary=(
        "The MTUS chronic pain guidelines treat EMG and nerve conduction studies as separate tests that "
        "locate the source of "
        "neurologic symptoms, so each needs symptoms or signs in the limb tested. In the legs, nerve "
        "conduction "
        "studies are not recommended for presumed nerve-root symptoms, and EMG is an option after about a "
        "month "
        "of conservative care when a radiculopathy is not already obvious. In the arms, nerve conduction "
        "studies confirm carpal tunnel syndrome or tell it from a cervical radiculopathy, while EMG is "
        "generally not needed for carpal tunnel syndrome. Repeat testing needs a change in the findings."
    ),
    criteria=(
        Criterion("neurologic_symptoms", "Neurologic symptoms or signs in the limbs to be tested.",
                  neurologic_symptoms, supported_by=("069", "085", "087", "088", "165")),
        Criterion("appropriate_study", "The study asked for is the one the question needs (no leg NCS for "
                  "presumed radiculopathy; no EMG for plain carpal tunnel syndrome; not when the "
                  "diagnosis is "
                  "already clear).", right_study, supported_by=("008", "035", "057", "066", "129")),
        Criterion("symptoms_persist", "Symptoms persist: legs after about a month of conservative care, arms "
                  "for more than three to four weeks, and not improving with care.",
                  symptoms_persist, supported_by=("008", "066", "087")),
        Criterion("not_a_repeat", "No earlier testing of the same limbs unless findings changed.", not_a_repeat,
                  supported_by=("085",)),
    ),
    patterns=(r"\bemg\b", r"\bnc[sv]\b", r"nerve conduction", r"electromyogra", r"electrodiagnos"),
    priority=25,
))
