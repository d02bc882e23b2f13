"""Topical analgesics: compounded creams, NSAID gels and patches, lidocaine (MTUS Chronic Pain Medical
Treatment Guidelines, 'Topical analgesics', 'Compound drugs', 'Lidoderm (lidocaine patch)').

Criteria confirmed against dev letters quoting the guideline:
- a compound with any ingredient that is not recommended is not recommended; topical gabapentin, baclofen
  and other muscle relaxants, ketoprofen and non-patch lidocaine are not: 066, 069, 112, 155, 159;
- topical analgesics mainly for neuropathic pain after antidepressants and anticonvulsants have failed:
  061, 069, 112;
- topical NSAIDs for osteoarthritis or tendinitis of joints amenable to topical treatment, short term;
  little evidence for the spine, hip or shoulder: 044, 140;
- lidocaine patch for localized neuropathic pain after a first-line trial (TCA, SNRI, AED): 044, 050, 061.
"""

from __future__ import annotations

import re

from drafter.guidelines import citations
from drafter.guidelines.facts import diagnoses, listing, medications
from drafter.guidelines.rules import Check, Context, Criterion, Rule, met, not_documented, not_met, register
from drafter.models import BodyRegion, GuidelineCitation

NOT_RECOMMENDED: tuple[tuple[str, str], ...] = (
    (r"gabapentin", "gabapentin"),
    (r"baclofen", "baclofen"),
    (r"cyclobenzaprine|cyclophene|tabradol", "cyclobenzaprine (a muscle relaxant)"),
    (r"ketoprofen|ketophene", "ketoprofen"),
    (r"flurbiprofen", "flurbiprofen (not approved for topical use)"),
    (r"dexamethasone", "dexamethasone"),
    (r"dextromethorphan", "dextromethorphan"),
    (r"amitriptyline", "amitriptyline"),
    (r"bupivacaine", "bupivacaine"),
    (r"tramadol", "tramadol"),
    (r"lidopro|terocin|lidocaine (?:ointment|cream|gel|lotion)|lidocaine(?! (?:5% )?patch)", "lidocaine "
     "in a form other than the dermal patch"),
    (r"capsaicin 0?\.0375|capsaicin 0?\.075", "capsaicin stronger than 0.025%"),
)
TOPICAL_NSAID = r"diclofenac|voltaren|flector|pennsaid"
AMENABLE: tuple[BodyRegion, ...] = ("knee", "elbow", "ankle_foot", "wrist_hand")
OA_TENDINITIS = r"arthritis|arthrosis|osteoarth|tendin|tendon|epicondyl"
NEUROPATHIC = r"neuropath|radiculopathy|radiculitis|neuralgia|neuritis|carpal tunnel|crps|complex regional"
FIRST_LINE = ("anticonvulsant", "antidepressant")


def ingredients_recommended(context: Context) -> Check:
    text = context.item.request.lower()
    failing = [label for pattern, label in NOT_RECOMMENDED if re.search(pattern, text)]
    if failing:
        return not_met(f"The product contains {', '.join(failing)}, which the guideline does not recommend for "
                       "topical use; a compound with any such ingredient is not recommended.")
    if re.search(TOPICAL_NSAID, text) or re.search(r"capsaicin|methyl salicylate|menthol", text):
        return met("Each named ingredient is one the guideline allows in topical form.")
    return not_documented("The request does not list the product's ingredients, so none can be checked.")


def neuropathic_after_first_line(context: Context) -> Check:
    neuropathic = diagnoses(context.summary, NEUROPATHIC)
    tried = medications(context.summary, FIRST_LINE)
    if neuropathic and tried:
        return met(f"Neuropathic pain ({listing(neuropathic)}) persists after {listing(tried)}.", neuropathic + tried)
    if not neuropathic:
        return not_documented("The records do not document neuropathic pain, the main indication for topical "
                              "analgesics.")
    return not_documented(f"The records document {listing(neuropathic)} but no failed trial of an antidepressant "
                          "or anticonvulsant first.", neuropathic)


def is_topical_nsaid(context: Context) -> bool:
    return re.search(TOPICAL_NSAID, context.item.request.lower()) is not None


def topical_nsaid_indication(context: Context) -> Check:
    conditions = [fact for fact in diagnoses(context.summary, OA_TENDINITIS)
                  if fact.body_region is None or fact.body_region in AMENABLE]
    if conditions:
        return met(f"The diagnoses include osteoarthritis or tendinitis of a joint suited to topical treatment: "
                   f"{listing(conditions)}.", conditions)
    other = diagnoses(context.summary, OA_TENDINITIS)
    if other:
        return not_met(f"The arthritis or tendinitis documented ({listing(other)}) is of the spine, hip or "
                       "shoulder, where topical NSAIDs have little evidence.", other)
    return not_documented("The records do not document osteoarthritis or tendinitis of a joint suited to "
                          "topical treatment (knee, elbow, ankle, foot, hand or wrist).")


def topical_citation(context: Context) -> GuidelineCitation:
    text = context.item.request.lower()
    if "flector" in text:
        return citations.chronic_pain(context.era, "Flector patch (diclofenac epolamine)")
    if "%" in text and len(re.findall(r"\d+(?:\.\d+)?\s*%", text)) > 1 or "compound" in text:
        return citations.chronic_pain(context.era, "Topical analgesics, compounded")
    return citations.chronic_pain(context.era, "Topical analgesics")


TOPICAL_ANALGESICS = register(Rule(
    rule_id="topical-analgesics",
    category="topical_analgesics",
    title="Topical analgesics and compounded creams",
    citation=topical_citation,
    summary=(
        "The MTUS chronic pain guidelines regard most topical analgesics as experimental, with few "
        "controlled trials. They are an "
        "option chiefly for neuropathic pain once antidepressants and anticonvulsants have failed. A "
        "compound "
        "is not recommended if any one of its ingredients is not: topical gabapentin, baclofen and other "
        "muscle relaxants, ketoprofen, and lidocaine in any form but the dermal patch all fall in that "
        "group. "
        "Topical NSAIDs such as diclofenac gel are supported for a limited time for osteoarthritis or "
        "tendinitis of joints close to the skin (knee, elbow, ankle, foot, hand, wrist), not for the spine, "
        "hip or shoulder."
    ),
    criteria=(
        Criterion("ingredients_recommended", "Every ingredient is recommended in topical form.",
                  ingredients_recommended, supported_by=("066", "069", "112", "155", "159")),
        Criterion("neuropathic_after_first_line", "Neuropathic pain persists after antidepressant or "
                  "anticonvulsant trials.", neuropathic_after_first_line, supported_by=("061", "069", "112"),
                  when=lambda context: not is_topical_nsaid(context)),
        Criterion("topical_nsaid_indication", "A topical NSAID treats osteoarthritis or tendinitis of a joint "
                  "suited to topical treatment.", topical_nsaid_indication, supported_by=("044", "140"),
                  when=is_topical_nsaid),
    ),
    patterns=(r"\bcream\b", r"\bgel\b", r"\bointment", r"\blotion", r"transdermal", r"topical", r"\bcompound",
              r"lidopro", r"terocin", r"flector", r"ketophene", r"cyclophene", r"\d\s*%.*\d\s*%",
              r"capsaicin", r"menthol"),
    priority=60,
))


def localized_neuropathic(context: Context) -> Check:
    neuropathic = diagnoses(context.summary, NEUROPATHIC)
    if neuropathic:
        return met(f"The diagnoses include neuropathic pain: {listing(neuropathic)}.", neuropathic)
    return not_documented("The records do not document localized peripheral neuropathic pain, the condition the "
                          "lidocaine patch treats.")


def first_line_trial(context: Context) -> Check:
    tried = medications(context.summary, FIRST_LINE)
    if tried:
        return met(f"A first-line agent was tried: {listing(tried)}.", tried)
    return not_documented("The records do not document a trial of a tricyclic or SNRI antidepressant or an "
                          "anticonvulsant first.")


LIDOCAINE_PATCH = register(Rule(
    rule_id="lidocaine-patch",
    category="lidocaine_patch",
    title="Lidocaine 5% patch (Lidoderm)",
    citation=lambda context: citations.chronic_pain(context.era, "Lidoderm (lidocaine patch)"),
    summary=(
        "The MTUS chronic pain guidelines allow the lidocaine dermal patch for localized peripheral "
        "neuropathic pain once a first-line "
        "agent (a tricyclic or SNRI antidepressant, or an anticonvulsant such as gabapentin or "
        "pregabalin) has "
        "been tried. It is not a first-line treatment and is not recommended for muscle or joint pain."
    ),
    criteria=(
        Criterion("localized_neuropathic_pain", "Localized peripheral neuropathic pain is documented.",
                  localized_neuropathic, supported_by=("044", "050", "061")),
        Criterion("first_line_trial", "A first-line antidepressant or anticonvulsant was tried first.",
                  first_line_trial, supported_by=("044", "050", "061")),
    ),
    patterns=(r"lidoderm", r"lidocaine (?:5% )?patch", r"lidocaine 5% patch"),
    drug_classes=("lidocaine_patch",),
    priority=65,
))
