"""Drug names (brand and generic) as requests write them, mapped to the generic name and the drug class.

Classes are the ids rules list in `Rule.drug_classes`. Keys are lower-case and matched as whole words;
longer names are tried first, so 'ultram er' wins over 'ultram'. A topic module may add names with
`add_drugs` when it is imported.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Drug:
    generic: str
    drug_class: str


def _entries(drug_class: str, names: dict[str, str]) -> dict[str, Drug]:
    return {name: Drug(generic, drug_class) for name, generic in names.items()}


LEXICON: dict[str, Drug] = {
    **_entries("opioid", {
        "norco": "hydrocodone/acetaminophen", "vicodin": "hydrocodone/acetaminophen",
        "hydrocodone": "hydrocodone/acetaminophen", "percocet": "oxycodone/acetaminophen",
        "oxycodone": "oxycodone", "oxycontin": "oxycodone", "roxicodone": "oxycodone",
        "morphine": "morphine", "ms contin": "morphine", "hydromorphone": "hydromorphone",
        "dilaudid": "hydromorphone", "oxymorphone": "oxymorphone", "opana": "oxymorphone",
        "methadone": "methadone", "fentanyl": "fentanyl", "duragesic": "fentanyl", "codeine": "codeine",
        "tylenol #3": "acetaminophen/codeine", "tylenol with codeine": "acetaminophen/codeine",
        "tapentadol": "tapentadol", "nucynta": "tapentadol", "buprenorphine": "buprenorphine",
        "butrans": "buprenorphine", "tramadol": "tramadol", "ultram": "tramadol",
        "ultracet": "tramadol/acetaminophen", "nucynta er": "tapentadol",
        "trezix": "acetaminophen/caffeine/dihydrocodeine",
        "synapryn": "tramadol (oral suspension)",
    }),
    **_entries("nsaid", {
        "naproxen": "naproxen", "anaprox": "naproxen", "naprosyn": "naproxen", "aleve": "naproxen",
        "ibuprofen": "ibuprofen", "motrin": "ibuprofen", "diclofenac": "diclofenac", "voltaren": "diclofenac",
        "meloxicam": "meloxicam", "mobic": "meloxicam", "etodolac": "etodolac", "lodine": "etodolac",
        "nabumetone": "nabumetone", "relafen": "nabumetone", "celecoxib": "celecoxib", "celebrex": "celecoxib",
        "ketorolac": "ketorolac", "toradol": "ketorolac", "indomethacin": "indomethacin",
        "ketoprofen": "ketoprofen", "flurbiprofen": "flurbiprofen", "piroxicam": "piroxicam",
        "duexis": "ibuprofen/famotidine",
        # the class itself, as records name it when they do not name the drug
        "nsaid": "nsaid (unspecified)", "nsaids": "nsaid (unspecified)",
        "nonsteroidal anti-inflammatory drug": "nsaid (unspecified)",
        "nonsteroidal anti-inflammatory drugs": "nsaid (unspecified)",
        "non-steroidal anti-inflammatory drug": "nsaid (unspecified)",
        "non-steroidal anti-inflammatory drugs": "nsaid (unspecified)",
        "nonsteroidal anti-inflammatory medication": "nsaid (unspecified)",
        "nonsteroidal anti-inflammatory medications": "nsaid (unspecified)",
        "anti-inflammatory medication": "nsaid (unspecified)", "anti-inflammatory medications": "nsaid (unspecified)",
        "anti-inflammatories": "nsaid (unspecified)", "anti-inflammatory agent": "nsaid (unspecified)",
        "anti-inflammatory agents": "nsaid (unspecified)",
    }),
    **_entries("gi_protectant", {
        "omeprazole": "omeprazole", "prilosec": "omeprazole", "pantoprazole": "pantoprazole",
        "protonix": "pantoprazole", "lansoprazole": "lansoprazole", "prevacid": "lansoprazole",
        "esomeprazole": "esomeprazole", "nexium": "esomeprazole", "rabeprazole": "rabeprazole",
        "famotidine": "famotidine", "pepcid": "famotidine", "ranitidine": "ranitidine",
        "zantac": "ranitidine", "misoprostol": "misoprostol",
    }),
    **_entries("muscle_relaxant", {
        "cyclobenzaprine": "cyclobenzaprine", "flexeril": "cyclobenzaprine", "fexmid": "cyclobenzaprine",
        "amrix": "cyclobenzaprine", "tizanidine": "tizanidine", "zanaflex": "tizanidine",
        "methocarbamol": "methocarbamol", "robaxin": "methocarbamol", "metaxalone": "metaxalone",
        "skelaxin": "metaxalone", "baclofen": "baclofen", "lioresal": "baclofen",
        "orphenadrine": "orphenadrine", "norflex": "orphenadrine", "chlorzoxazone": "chlorzoxazone",
        "parafon forte": "chlorzoxazone", "dantrolene": "dantrolene",
    }),
    **_entries("carisoprodol", {"carisoprodol": "carisoprodol", "soma": "carisoprodol"}),
    **_entries("anticonvulsant", {
        "gabapentin": "gabapentin", "neurontin": "gabapentin", "gralise": "gabapentin",
        "pregabalin": "pregabalin", "lyrica": "pregabalin",
        "topiramate": "topiramate", "topamax": "topiramate", "carbamazepine": "carbamazepine",
        "lamotrigine": "lamotrigine", "oxcarbazepine": "oxcarbazepine",
    }),
    **_entries("antidepressant", {
        "amitriptyline": "amitriptyline", "elavil": "amitriptyline", "nortriptyline": "nortriptyline",
        "pamelor": "nortriptyline", "desipramine": "desipramine", "duloxetine": "duloxetine",
        "cymbalta": "duloxetine", "venlafaxine": "venlafaxine", "effexor": "venlafaxine",
        "bupropion": "bupropion", "wellbutrin": "bupropion", "sertraline": "sertraline", "zoloft": "sertraline",
        "fluoxetine": "fluoxetine", "prozac": "fluoxetine", "citalopram": "citalopram",
        "escitalopram": "escitalopram", "lexapro": "escitalopram", "paroxetine": "paroxetine",
        "trazodone": "trazodone", "mirtazapine": "mirtazapine", "remeron": "mirtazapine",
    }),
    **_entries("hypnotic", {
        "zolpidem": "zolpidem", "ambien": "zolpidem", "eszopiclone": "eszopiclone", "lunesta": "eszopiclone",
        "zaleplon": "zaleplon", "sonata": "zaleplon",
        "diphenhydramine": "diphenhydramine", "restoril": "temazepam", "temazepam": "temazepam",
    }),
    **_entries("benzodiazepine", {
        "alprazolam": "alprazolam", "xanax": "alprazolam", "lorazepam": "lorazepam", "ativan": "lorazepam",
        "clonazepam": "clonazepam", "klonopin": "clonazepam", "diazepam": "diazepam", "valium": "diazepam",
    }),
    **_entries("lidocaine_patch", {"lidoderm": "lidocaine 5% patch"}),
    **_entries("topical_analgesic", {
        "lidopro": "lidocaine/capsaicin/menthol/methyl salicylate", "terocin": "lidocaine/menthol compound",
        "flector": "diclofenac epolamine patch", "capsaicin": "capsaicin", "ketophene": "ketoprofen cream",
        "cyclophene": "cyclobenzaprine cream", "menthoderm": "methyl salicylate/menthol",
    }),
    **_entries("compounded_oral", {
        "deprizine": "ranitidine (compounded oral suspension)", "tabradol": "cyclobenzaprine (compounded "
        "oral "
        "suspension)", "fanatrex": "gabapentin (compounded oral suspension)",
        "dicopanol": "diphenhydramine (compounded oral suspension)",
    }),
    **_entries("barbiturate_analgesic", {"fioricet": "butalbital/acetaminophen/caffeine",
                                         "butalbital": "butalbital/acetaminophen/caffeine"}),
    **_entries("antiemetic", {"ondansetron": "ondansetron", "zofran": "ondansetron",
                              "promethazine": "promethazine", "phenergan": "promethazine"}),
}

def add_drugs(drug_class: str, names: dict[str, str]) -> None:
    """Let a topic module teach the parser more drug names (name as written -> generic name)."""
    for name, generic in names.items():
        key = name.lower()
        if key in LEXICON and LEXICON[key] != Drug(generic, drug_class):
            raise ValueError(f"drug name {name!r} already means {LEXICON[key]}")
        LEXICON[key] = Drug(generic, drug_class)
    _pattern.cache_clear()


@functools.cache
def _pattern() -> re.Pattern[str]:
    names = sorted(LEXICON, key=lambda name: (-len(name), name))
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(name) for name in names) + r")(?![a-z])")


def find_drug(text: str) -> tuple[str, Drug] | None:
    """The first drug named in the (lower-cased) text, as (name as written, lexicon entry)."""
    match = _pattern().search(text.lower())
    if match is None:
        return None
    return match.group(1), LEXICON[match.group(1)]


def drugs_in(text: str) -> list[Drug]:
    """Every drug named in the text, in order of appearance, without repeats."""
    found: list[Drug] = []
    for match in _pattern().finditer(text.lower()):
        drug = LEXICON[match.group(1)]
        if drug not in found:
            found.append(drug)
    return found
