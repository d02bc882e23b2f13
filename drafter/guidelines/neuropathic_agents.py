"""Anticonvulsants and antidepressants for pain (MTUS Chronic Pain Medical Treatment Guidelines, 'Antiepilepsy
drugs (AEDs)', 'Antidepressants for chronic pain').

Criteria confirmed against dev letters quoting the guideline:
- antidepressants first-line for neuropathic pain, possible for non-neuropathic pain; tricyclics first unless
  ineffective or not tolerated (the guideline text; no dev letter quotes it); outcome assessment of pain,
  function, sleep and side effects: 066, 123;
- anticonvulsants (gabapentin, pregabalin) first-line for neuropathic pain; continued use needs documented
  relief and function (the domain notes; no dev letter decides an oral anticonvulsant).
"""

from __future__ import annotations

from drafter.guidelines import citations
from drafter.guidelines.drugs import drugs_in
from drafter.guidelines.facts import diagnoses, functional_status, listing, same_drug
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register

NEUROPATHIC = r"neuropath|radiculopathy|radiculitis|radicular|neuralgia|neuritis|carpal tunnel|crps|" \
              r"complex regional|sciatica|nerve"
MOOD = r"depress|anxiety|adjustment|mood|insomnia|sleep"
SSRI = ("sertraline", "fluoxetine", "citalopram", "escitalopram", "paroxetine")
TRICYCLIC = ("amitriptyline", "nortriptyline", "desipramine", "imipramine", "doxepin")
DIABETIC_NEUROPATHY = r"diabet\w* (?:peripheral )?neuropath"


def continuing(context: Context) -> bool:
    return bool(same_drug(context.summary, context.details))


def benefit(context: Context) -> Check:
    used = same_drug(context.summary, context.details)
    statements = functional_status(context.summary, tuple(m.name.lower().split()[0] for m in used)
                                   + ("medication",))
    improved = [fact for fact in statements if fact.improved]
    relief = [record for record in context.summary.monitoring
              if record.kind == "pain_relief_quantified" and record.present]
    if improved or relief:
        return met("The records document benefit from the medication.", improved + relief)
    worse = [fact for fact in statements if not fact.improved]
    if worse:
        return not_met("The records state that function has not improved on the medication.", worse + used)
    return not_documented(f"The worker already takes {listing(used)}, and the records do not document pain "
                          "relief or functional benefit from it.", used)


def neuropathic_pain(context: Context) -> Check:
    found = diagnoses(context.summary, NEUROPATHIC)
    radicular = [fact for fact in context.summary.neuro_findings if fact.present and fact.finding in (
        "radicular_symptoms", "paresthesia", "sensory_deficit")]
    if found or radicular:
        return met(f"The records document neuropathic pain: {listing(found + radicular)}.", found + radicular)
    return not_documented("The records do not document neuropathic pain.")


def antidepressant_indication(context: Context) -> Check:
    if context.details.drug in SSRI:
        mood = diagnoses(context.summary, MOOD)
        if mood:
            return met(f"The SSRI treats a documented mood disorder: {listing(mood)}.", mood)
        return not_met("SSRIs are not recommended for chronic pain, and no depression is documented for them to "
                       "treat.")
    pain = neuropathic_pain(context)
    if pain.status.value == "met":
        return pain
    mood = diagnoses(context.summary, MOOD)
    if mood:
        return met(f"The records document {listing(mood)}, which the antidepressant treats.", mood)
    return not_documented("The records document neither neuropathic pain nor depression for the antidepressant "
                          "to treat.")


def for_pain_not_mood(context: Context) -> bool:
    """A non-tricyclic antidepressant prescribed for pain: no mood disorder documented for it to treat."""
    drug = context.details.drug
    return drug not in TRICYCLIC and drug not in SSRI and not diagnoses(context.summary, MOOD)


def tricyclic_first(context: Context) -> Check:
    """Tricyclics are the first-line antidepressants for neuropathic pain unless ineffective, poorly tolerated or
    contraindicated (duloxetine is first-line for diabetic neuropathy)."""
    if context.details.drug == "duloxetine":
        diabetic = diagnoses(context.summary, DIABETIC_NEUROPATHY)
        if diabetic:
            return met(f"Duloxetine is a first-line option for {listing(diabetic)}.", diabetic)
    tried = [fact for fact in context.summary.medications
             if any(drug.generic in TRICYCLIC for drug in drugs_in(fact.name))]
    if tried:
        return met(f"A tricyclic was tried first ({listing(tried)}).", tried)
    return not_documented("The records do not document a tricyclic antidepressant tried first, or a reason one "
                          "could not be used, before this second-line antidepressant for pain.")


ANTICONVULSANTS = register(Rule(
    rule_id="anticonvulsants",
    category="anticonvulsants",
    title="Anticonvulsants for pain (gabapentin, pregabalin)",
    citation=lambda context: citations.chronic_pain(context.era, "Antiepilepsy drugs (AEDs)"),
    summary=(
        "The MTUS chronic pain guidelines treat gabapentin and pregabalin as first-line drugs for "
        "neuropathic pain, such as painful "
        "diabetic neuropathy, post-herpetic neuralgia or nerve-root pain, but not for pain without a "
        "neuropathic cause. A trial titrates over several weeks; continuing needs documented pain relief "
        "(30 to 50 percent is a moderate to good response) and functional benefit, with side effects checked."
    ),
    criteria=(
        Criterion("neuropathic_pain", "Neuropathic pain is documented.", neuropathic_pain),
        Criterion("documented_benefit", "Continued use follows documented relief and functional benefit.",
                  benefit, when=continuing),
    ),
    drug_classes=("anticonvulsant",),
    priority=5,
))

ANTIDEPRESSANTS = register(Rule(
    rule_id="antidepressants",
    category="antidepressants",
    title="Antidepressants for pain or depression",
    citation=lambda context: citations.chronic_pain(context.era, "Antidepressants for chronic pain"),
    summary=(
        "In the MTUS chronic pain guidelines, antidepressants are a first choice for nerve pain and may "
        "also help other chronic pain; "
        "tricyclics come first unless they fail or are not tolerated. SSRIs are not "
        "recommended for pain itself but may treat depression. Treatment is judged on pain, function, use of "
        "other pain medication, sleep and mood, and side effects, so continuing needs those outcomes "
        "recorded."
    ),
    criteria=(
        Criterion("indication", "Neuropathic pain or a mood disorder the drug treats (SSRIs: depression only).",
                  antidepressant_indication, supported_by=("066", "123")),
        Criterion("tricyclic_first", "For pain without a mood disorder: a tricyclic tried first unless "
                  "ineffective, not tolerated or contraindicated (duloxetine: first-line for diabetic "
                  "neuropathy).", tricyclic_first, when=lambda context: for_pain_not_mood(context)
                  and not continuing(context)),
        Criterion("documented_benefit", "Continued use follows documented benefit.", benefit,
                  supported_by=("066", "123"), when=continuing),
    ),
    drug_classes=("antidepressant",),
    priority=5,
))
