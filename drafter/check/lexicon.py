"""Word lists the consistency gate grounds a rationale against.

- GUIDELINE_FAMILIES: the guideline documents a rationale may name, each with the pattern that finds it in
  prose and the pattern that finds it in a citation line ("MTUS Low Back Complaints 2004, ...").
- GUIDELINE_NUMBERS: number expressions the guideline documents themselves state (visit counts, durations,
  thresholds), written from the project's rule notes. A rationale may repeat them although the case
  records do not contain them.
- DRUGS: generic drug names with their brand names and class; DRUG_TOPICS: the drugs a guideline topic
  itself discusses (e.g. the topical-analgesic section names lidocaine, capsaicin, ketoprofen ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class GuidelineFamily:
    family: str
    label: str
    named: re.Pattern[str]
    """Finds the document where a rationale names it."""
    cited: re.Pattern[str]
    """Finds the document in a citation line or a rule's own text (looser: no 'guideline' word needed)."""


def _family(family: str, label: str, named: str, cited: str | None = None) -> GuidelineFamily:
    return GuidelineFamily(family, label, re.compile(named, re.I), re.compile(cited or named, re.I))


def _chapter(family: str, label: str, title: str) -> GuidelineFamily:
    """An ACOEM 2004 chapter: named in prose by its capitalised title ('Knee Complaints', not 'knee complaints')."""
    return GuidelineFamily(family, label, re.compile(title), re.compile(title, re.I))


ACOEM_CHAPTERS = {
    "acoem_general": (1, 2, 3, 4, 5, 6, 7),
    "acoem_neck": (8,),
    "acoem_shoulder": (9,),
    "acoem_elbow": (10,),
    "acoem_hand": (11,),
    "acoem_low_back": (12,),
    "acoem_knee": (13,),
    "acoem_ankle": (14,),
    "acoem_stress": (15,),
    "acoem_eye": (16,),
}
CHAPTER_FAMILY = {number: family for family, numbers in ACOEM_CHAPTERS.items() for number in numbers}
ACOEM_CHAPTER = re.compile(r"\b(?:ACOEM|MTUS)[^.;]{0,40}?\bChapters?\s+(\d{1,2})\b", re.I)

GUIDELINE_FAMILIES: tuple[GuidelineFamily, ...] = (
    _family("chronic_pain", "MTUS Chronic Pain Medical Treatment Guidelines",
            r"\bchronic\s+pain\s+(?:medical\s+)?(?:treatment\s+)?guidelines?\b|\bchronic\s+pain\s+MTUS\b"
            r"|\bCPMTG\b|\bMTUS\s+(?:\(?\d{4}\)?\s+)?chronic\s+pain\b",
            r"\bchronic\s+pain\s+(?:medical\s+)?treatment\b|\bchronic\s+pain\s+guidelines?\b|\bCPMTG\b"),
    _family("opioids", "MTUS Opioids Treatment Guidelines",
            r"\bopioids?\s+treatment\s+guidelines?\b|\bMTUS\s+opioids?\b",
            r"\bopioids?\s+treatment\b"),
    _family("acupuncture", "MTUS Acupuncture Medical Treatment Guidelines",
            r"\bacupuncture\s+(?:medical\s+)?(?:treatment\s+)?guidelines?\b",
            r"\bacupuncture\s+(?:medical\s+)?(?:treatment|guidelines?)\b"),
    _family("postsurgical", "MTUS Postsurgical Treatment Guidelines",
            r"\bpost-?\s?surgical\s+(?:treatment\s+)?guidelines?\b",
            r"\bpost-?\s?surgical\s+treatment\b"),
    _family("acoem_general", "MTUS General Approaches (ACOEM)",
            r"\bgeneral\s+approaches\b|\binitial\s+approaches\s+to\s+treatment\b"),
    _chapter("acoem_neck", "MTUS Neck and Upper Back Complaints (ACOEM)",
             r"\bNeck\s+and\s+Upper\s+Back\s+Complaints\b"),
    _chapter("acoem_shoulder", "MTUS Shoulder Complaints (ACOEM)", r"\bShoulder\s+Complaints\b"),
    _chapter("acoem_elbow", "MTUS Elbow Complaints (ACOEM)", r"\bElbow\s+(?:Disorders\s+)?Complaints\b"),
    _chapter("acoem_hand", "MTUS Forearm, Wrist, and Hand Complaints (ACOEM)",
             r"\bForearm,?\s+Wrist,?\s+(?:and|&)\s+Hand\s+Complaints\b"),
    _chapter("acoem_low_back", "MTUS Low Back Complaints (ACOEM)", r"\bLow\s+Back\s+Complaints\b"),
    _chapter("acoem_knee", "MTUS Knee Complaints (ACOEM)", r"\bKnee\s+Complaints\b"),
    _chapter("acoem_ankle", "MTUS Ankle and Foot Complaints (ACOEM)", r"\bAnkle\s+and\s+Foot\s+Complaints\b"),
    _family("acoem_stress", "MTUS Stress Related Conditions (ACOEM)", r"\bstress[-\s]related\s+conditions\b"),
    _family("acoem_eye", "MTUS Eye (ACOEM)", r"\bMTUS\s+eye\b"),
    _family("acoem_3rd", "ACOEM Practice Guidelines, 3rd edition",
            r"\b(?:third|3rd)\s+ed(?:ition|\.)?\s+ACOEM\b|\bACOEM\b[^.;]{0,60}?\b(?:third|3rd)\s+ed(?:ition|\.)?"),
    _family("odg", "Official Disability Guidelines (ODG)", r"\bODG\b|\bofficial\s+disability\s+guidelines?\b"),
)
FAMILY_LABELS = {family.family: family.label for family in GUIDELINE_FAMILIES}
# Lower-case substrings one of which occurs wherever the family's prose pattern matches (a cheap pre-test).
FAMILY_TRIGGERS = {
    "chronic_pain": ("chronic pain", "cpmtg"),
    "opioids": ("opioid",),
    "acupuncture": ("acupuncture",),
    "postsurgical": ("surgical",),
    "acoem_general": ("approaches",),
    "acoem_neck": ("upper back complaints",),
    "acoem_shoulder": ("shoulder complaints",),
    "acoem_elbow": ("elbow",),
    "acoem_hand": ("hand complaints",),
    "acoem_low_back": ("low back complaints",),
    "acoem_knee": ("knee complaints",),
    "acoem_ankle": ("foot complaints",),
    "acoem_stress": ("related conditions",),
    "acoem_eye": ("mtus eye",),
    "acoem_3rd": ("3rd", "third"),
    "odg": ("odg", "official disability"),
}

# A rule citing the key may also name these: the 2009 chronic pain guideline held the opioid sections.
RELATED_FAMILIES = {"opioids": frozenset({"chronic_pain"})}
# Other guidelines a guideline document itself names in the passages rationales quote.
QUOTED_NAMES = {"chronic_pain": re.compile(r"\bODG\s+Physical\s+(?:Therapy|Medicine)\s+Guidelines\b"
                                           r"|\bPhysical\s+Therapy\s+in\s+the\s+ODG\s+Preface\b", re.I)}
ACOEM_FAMILIES = frozenset(ACOEM_CHAPTERS) | {"acoem_3rd"}
GENERIC_ACOEM = re.compile(r"\bACOEM\b")

# Numbers any guideline may state: age thresholds, the statutory 24-visit cap (Labor Code 4604.5) and the
# three hours of daily therapy that define inpatient rehabilitation.
GENERAL_NUMBERS = ("40 years", "50 years", "55 years", "60 years", "65 years", "18 years", "24 visits", "3 hours")

# Number expressions the guideline documents state, per family ("8-10 visits", "120 mg"). Units are
# normalised by numbers.unit_class; a range matches only as a range, a single value with its unit.
GUIDELINE_NUMBERS: dict[str, tuple[str, ...]] = {
    "chronic_pain": (
        "9-10 visits", "8-10 visits", "8 weeks", "4-8 weeks", "4 weeks", "24 visits", "16 weeks", "3 visits",
        "6 visits", "2 weeks", "18 visits", "6-8 weeks", "1-2 visits", "4-6 months", "4-6 visits",
        "4-6 treatments", "1-2 per week", "6 weeks", "2 months", "3 months", "6 months", "120 mg",
        "2-3 weeks", "1-3 per week", "3 per week", "1 per week", "30%", "50%", "50-70%", "30-50%", "4-6 weeks",
        "1 month", "10 visits", "20 sessions", "20 visits", "2 sessions", "1-2 weeks", "1 year", "65 years",
        "4 weeks", "3-4 weeks", "80 mg", "3 weeks", "8 visits", "2 injections", "6-8 weeks", "3 injections",
        "4 injections", "10 days", "30 days", "4 A's", "5%", "0.025%", "0.0375%", "60 minutes", "2 years",
        "12 months", "7 days", "32 g", "8 g", "60 days", "90 days", "120 days", "64.7%", "36.5%", "95%",
        "6-14 days", "2 per year", "4 per year", "60 years", "26 visits", "9 visits", "16 g", "4-12 weeks",
        "3-6 months", "80 mg",
    ),
    "opioids": (
        "120 mg", "90 mg", "50 mg", "80 mg", "3 months", "6 months", "2 weeks", "1 week", "4 weeks", "30%",
        "3 days", "7 days", "4 A's", "2 prescribers", "30 days", "1 month", "90 days", "6 weeks", "180 days",
        "1-6 months", "2 per year", "4 per year",
    ),
    "acupuncture": (
        "3-6 treatments", "1-3 per week", "1-2 months", "14 treatments", "6 treatments", "3 per week",
        "2 months", "1 month",
    ),
    "postsurgical": (
        "24 visits", "14 weeks", "4 months", "6 months", "12 weeks", "40 visits", "16 weeks", "30 visits",
        "12 visits", "20 visits", "10 visits", "14 visits", "8 weeks", "3-8 visits", "3-5 weeks", "18 visits",
        "1-2 weeks", "6 weeks", "10 weeks", "26 weeks", "20 weeks", "12 months", "8 visits", "24 weeks",
        "9 visits", "16 visits", "1 year", "5 weeks",
    ),
    "acoem_general": ("65 years", "2 weeks", "4 weeks", "6 weeks", "3 months", "1 month", "2-4 weeks"),
    "acoem_neck": ("4 weeks", "6 weeks", "3-4 weeks", "1 month", "3 months", "4-6 weeks", "30%", "30 years"),
    "acoem_shoulder": ("4 weeks", "4-6 weeks", "3 months", "4 months", "3-6 months", "6 weeks", "2-3 injections",
                       "40 years", "1 month"),
    "acoem_elbow": ("4 weeks", "3-6 months", "6 months", "4-6 weeks", "1 month"),
    "acoem_hand": ("4-6 weeks", "4 weeks", "6 weeks", "3 months", "2 injections", "1 month"),
    "acoem_low_back": ("1 month", "4 weeks", "6 weeks", "3 months", "4-6 weeks", "2 weeks", "3-4 weeks",
                       "50%", "6-8 weeks", "2-3 injections", "50 years", "18 years", "30%", "30 years"),
    "acoem_knee": ("24 hours", "90 degrees", "4 weeks", "55 years", "1 week", "6 weeks", "3 months"),
    "acoem_ankle": ("4 weeks", "1 month", "6 weeks", "3 months", "4 steps"),
    "acoem_stress": ("4 weeks", "6 weeks", "3 months", "6-8 weeks"),
    "acoem_3rd": ("2-3 weeks", "4-6 weeks", "6 weeks", "3 months", "1-2 weeks", "6 months"),
    "odg": (
        "10 visits", "9 visits", "10-12 visits", "12 visits", "8 weeks", "6 visits", "2-3 weeks", "18 visits",
        "6-8 weeks", "8-12 visits", "4-6 weeks", "1 month", "3 months", "6 weeks", "6 months", "4 weeks",
        "2 weeks", "40 years", "7 days", "50%", "2 levels", "1 level", "3 levels", "2 injections",
        "1-2 visits", "4-6 months", "12 weeks", "2-4 weeks", "24 visits", "30 days", "5 days", "1 week",
        "3 visits", "16 visits", "14 days", "1 year", "2 years", "70%", "80%", "50-70%",
        "10-14 days", "65 years", "8 visits", "3 days", "90 days", "4 visits", "20 visits", "32 g", "8 g",
        "48 hours", "72 hours", "4 years", "10-12 days", "6-12 days", "25 visits", "2-4 weeks", "26 visits",
        "16 visits", "10 weeks", "5 weeks", "60 days", "120 days", "16 g",
    ),
}


@dataclass(frozen=True)
class Drug:
    generic: str
    drug_class: str
    names: tuple[str, ...]
    """Every spelling that names it: generic, brands, common combinations."""


def _drug(generic: str, drug_class: str, *brands: str) -> Drug:
    return Drug(generic, drug_class, (generic, *brands))


DRUGS: tuple[Drug, ...] = (
    _drug("hydrocodone", "opioid", "norco", "vicodin", "lortab", "hysingla", "zohydro"),
    _drug("oxycodone", "opioid", "percocet", "oxycontin", "roxicodone", "endocet", "xtampza"),
    _drug("morphine", "opioid", "ms contin", "kadian", "avinza"),
    _drug("hydromorphone", "opioid", "dilaudid", "exalgo"),
    _drug("oxymorphone", "opioid", "opana"),
    _drug("fentanyl", "opioid", "duragesic"),
    _drug("methadone", "opioid", "dolophine"),
    _drug("tapentadol", "opioid", "nucynta"),
    _drug("tramadol", "opioid", "ultram", "ultracet", "conzip"),
    _drug("codeine", "opioid", "tylenol with codeine", "tylenol #3", "fioricet with codeine"),
    _drug("buprenorphine", "opioid", "butrans", "suboxone", "subutex", "belbuca"),
    _drug("trezix", "opioid"),
    _drug("naproxen", "nsaid", "naprosyn", "anaprox", "aleve", "naprelan"),
    _drug("ibuprofen", "nsaid", "motrin", "advil"),
    _drug("diclofenac", "nsaid", "voltaren", "arthrotec", "flector", "pennsaid", "zorvolex"),
    _drug("meloxicam", "nsaid", "mobic"),
    _drug("celecoxib", "nsaid", "celebrex"),
    _drug("etodolac", "nsaid", "lodine"),
    _drug("nabumetone", "nsaid", "relafen"),
    _drug("ketoprofen", "nsaid"),
    _drug("flurbiprofen", "nsaid"),
    _drug("indomethacin", "nsaid", "indocin"),
    _drug("ketorolac", "nsaid", "toradol"),
    _drug("aspirin", "nsaid"),
    _drug("acetaminophen", "analgesic", "tylenol", "apap", "paracetamol"),
    _drug("butalbital", "barbiturate", "fioricet", "fiorinal"),
    _drug("omeprazole", "ppi", "prilosec"),
    _drug("pantoprazole", "ppi", "protonix"),
    _drug("esomeprazole", "ppi", "nexium"),
    _drug("lansoprazole", "ppi", "prevacid"),
    _drug("rabeprazole", "ppi", "aciphex"),
    _drug("ranitidine", "h2_blocker", "zantac", "deprizine"),
    _drug("famotidine", "h2_blocker", "pepcid"),
    _drug("cyclobenzaprine", "muscle_relaxant", "flexeril", "fexmid", "amrix", "tabradol", "cyclophene"),
    _drug("tizanidine", "muscle_relaxant", "zanaflex"),
    _drug("methocarbamol", "muscle_relaxant", "robaxin"),
    _drug("carisoprodol", "muscle_relaxant", "soma"),
    _drug("metaxalone", "muscle_relaxant", "skelaxin"),
    _drug("baclofen", "muscle_relaxant", "lioresal"),
    _drug("orphenadrine", "muscle_relaxant", "norflex"),
    _drug("chlorzoxazone", "muscle_relaxant", "parafon"),
    _drug("dantrolene", "muscle_relaxant", "dantrium"),
    _drug("gabapentin", "anticonvulsant", "neurontin", "gralise", "fanatrex"),
    _drug("pregabalin", "anticonvulsant", "lyrica"),
    _drug("topiramate", "anticonvulsant", "topamax"),
    _drug("carbamazepine", "anticonvulsant", "tegretol"),
    _drug("lamotrigine", "anticonvulsant", "lamictal"),
    _drug("amitriptyline", "antidepressant", "elavil"),
    _drug("nortriptyline", "antidepressant", "pamelor"),
    _drug("duloxetine", "antidepressant", "cymbalta"),
    _drug("venlafaxine", "antidepressant", "effexor"),
    _drug("bupropion", "antidepressant", "wellbutrin"),
    _drug("sertraline", "antidepressant", "zoloft"),
    _drug("fluoxetine", "antidepressant", "prozac"),
    _drug("citalopram", "antidepressant", "celexa"),
    _drug("escitalopram", "antidepressant", "lexapro"),
    _drug("paroxetine", "antidepressant", "paxil"),
    _drug("trazodone", "antidepressant", "desyrel"),
    _drug("mirtazapine", "antidepressant", "remeron"),
    _drug("zolpidem", "sleep_aid", "ambien"),
    _drug("eszopiclone", "sleep_aid", "lunesta"),
    _drug("zaleplon", "sleep_aid", "sonata"),
    _drug("diphenhydramine", "sleep_aid", "benadryl", "dicopanol"),
    _drug("melatonin", "sleep_aid"),
    _drug("alprazolam", "benzodiazepine", "xanax"),
    _drug("lorazepam", "benzodiazepine", "ativan"),
    _drug("clonazepam", "benzodiazepine", "klonopin"),
    _drug("diazepam", "benzodiazepine", "valium"),
    _drug("temazepam", "benzodiazepine", "restoril"),
    _drug("lidocaine", "topical", "lidoderm", "terocin", "lidopro"),
    _drug("capsaicin", "topical", "zostrix", "qutenza"),
    _drug("menthol", "topical", "biofreeze"),
    _drug("methyl salicylate", "topical", "bengay"),
    _drug("camphor", "topical"),
    _drug("dextromethorphan", "topical"),
    _drug("amantadine", "other"),
    _drug("ondansetron", "antiemetic", "zofran"),
    _drug("promethazine", "antiemetic", "phenergan"),
    _drug("docusate", "laxative", "colace"),
    _drug("senna", "laxative", "senokot"),
    _drug("naloxone", "opioid_antagonist", "narcan"),
    _drug("sumatriptan", "triptan", "imitrex"),
    _drug("prednisone", "steroid", "medrol"),
    _drug("methylprednisolone", "steroid", "depo-medrol"),
    _drug("triamcinolone", "steroid", "kenalog"),
    _drug("dexamethasone", "steroid", "decadron"),
    _drug("hyaluronic acid", "viscosupplement", "synvisc", "euflexxa", "orthovisc", "hyalgan", "supartz"),
    _drug("botulinum toxin", "other", "botox"),
    _drug("glucosamine", "supplement", "chondroitin"),
    _drug("theramine", "medical_food"),
    _drug("sentra", "medical_food"),
    _drug("ketamine", "other"),
    _drug("clonidine", "other", "catapres"),
    _drug("sildenafil", "other", "viagra"),
    _drug("testosterone", "other", "androgel"),
    _drug("modafinil", "other", "provigil"),
    _drug("warfarin", "anticoagulant", "coumadin"),
    _drug("enoxaparin", "anticoagulant", "lovenox"),
    _drug("metformin", "other", "glucophage"),
    _drug("lisinopril", "other"),
    _drug("atorvastatin", "other", "lipitor"),
    _drug("levothyroxine", "other", "synthroid"),
)

# Drugs a guideline topic discusses by name: a rationale on that topic may name them from the guideline.
DRUG_TOPICS: dict[str, frozenset[str]] = {
    "topical": frozenset({"lidocaine", "capsaicin", "ketoprofen", "gabapentin", "baclofen", "cyclobenzaprine",
                          "diclofenac", "flurbiprofen", "menthol", "methyl salicylate", "camphor",
                          "dextromethorphan", "amitriptyline", "tramadol", "ketamine", "clonidine", "pregabalin",
                          "duloxetine", "venlafaxine", "nortriptyline"}),
    "nsaid": frozenset({"naproxen", "ibuprofen", "diclofenac", "meloxicam", "celecoxib", "etodolac",
                        "nabumetone", "ketoprofen", "acetaminophen", "aspirin", "indomethacin", "ketorolac",
                        "omeprazole", "misoprostol"}),
    "ppi": frozenset({"omeprazole", "pantoprazole", "esomeprazole", "lansoprazole", "rabeprazole",
                      "ranitidine", "famotidine", "aspirin", "naproxen", "ibuprofen", "celecoxib"}),
    "h2_blocker": frozenset({"ranitidine", "famotidine", "omeprazole", "pantoprazole"}),
    "muscle_relaxant": frozenset({"cyclobenzaprine", "tizanidine", "methocarbamol", "carisoprodol",
                                  "metaxalone", "baclofen", "orphenadrine", "chlorzoxazone", "dantrolene",
                                  "diazepam", "amitriptyline"}),
    "opioid": frozenset({"hydrocodone", "oxycodone", "morphine", "hydromorphone", "oxymorphone", "fentanyl",
                         "methadone", "tapentadol", "tramadol", "codeine", "buprenorphine", "acetaminophen",
                         "naloxone", "docusate", "senna"}),
    "anticonvulsant": frozenset({"gabapentin", "pregabalin", "topiramate", "carbamazepine", "lamotrigine"}),
    "antidepressant": frozenset({"amitriptyline", "nortriptyline", "duloxetine", "venlafaxine", "bupropion",
                                 "sertraline", "fluoxetine", "citalopram", "escitalopram", "paroxetine",
                                 "trazodone", "mirtazapine"}),
    "sleep_aid": frozenset({"zolpidem", "eszopiclone", "zaleplon", "diphenhydramine", "melatonin",
                            "trazodone", "temazepam"}),
    "benzodiazepine": frozenset({"alprazolam", "lorazepam", "clonazepam", "diazepam", "temazepam"}),
    "medical_food": frozenset({"theramine", "sentra"}),
    "barbiturate": frozenset({"butalbital", "acetaminophen"}),
}
# Words in a citation or rule text that put its topic's drugs in scope.
TOPIC_WORDS: dict[str, re.Pattern[str]] = {
    "topical": re.compile(r"topical|compound|cream|gel|patch|lidoderm", re.I),
    "nsaid": re.compile(r"\bnsaids?\b|anti-?inflammator", re.I),
    "ppi": re.compile(r"proton|\bppis?\b|gastrointestinal|\bgi\b", re.I),
    "h2_blocker": re.compile(r"h2|histamine", re.I),
    "muscle_relaxant": re.compile(r"muscle\s+relaxant|antispasmodic|antispasticity", re.I),
    "opioid": re.compile(r"opioid|opiate", re.I),
    "anticonvulsant": re.compile(r"anti-?(?:epilepsy|convulsant)|\baeds?\b", re.I),
    "antidepressant": re.compile(r"antidepressant", re.I),
    "sleep_aid": re.compile(r"insomnia|sleep|hypnotic", re.I),
    "benzodiazepine": re.compile(r"benzodiazepine", re.I),
    "medical_food": re.compile(r"medical\s+food", re.I),
    "barbiturate": re.compile(r"barbiturate", re.I),
}

# Procedures and services a rationale may name: name -> (lower-case substrings, lower-case whole words: the
# pattern is tried only if one of them occurs; pattern).
PROCEDURES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "physical therapy": (("therap", "physio"), ("pt",), r"physical\s+therapy|physiotherapy|\bPT\b"),
    "occupational therapy": (("occupational",), ("ot",), r"occupational\s+therapy|\bOT\b"),
    "chiropractic care": (("chiropract", "manipulation"), (), r"chiropract\w*|spinal\s+manipulation"),
    "acupuncture": (("acupuncture",), (), r"acupuncture"),
    "massage therapy": (("massage",), (), r"massage"),
    "TENS": (("transcutaneous",), ("tens",), r"\bTENS\b|transcutaneous\s+electrical"),
    "epidural steroid injection": (("epidural",), ("esi", "esis"), r"epidural|\bESIs?\b"),
    "facet injection": (("facet", "medial branch"), (),
                        r"facet\s+(?:joint\s+)?(?:injections?|blocks?)|medial\s+branch\s+blocks?"),
    "radiofrequency ablation": (("radiofrequency",), ("rfa",), r"radiofrequency|\bRFA\b"),
    "trigger point injection": (("trigger point",), (), r"trigger\s+point\s+injections?"),
    "platelet-rich plasma": (("platelet",), ("prp",), r"platelet[-\s]rich\s+plasma|\bPRP\b"),
    "shockwave therapy": (("shock",), ("eswt",), r"shock\s?wave|\bESWT\b"),
    "spinal cord stimulator": (("spinal cord",), (), r"spinal\s+cord\s+stimulat\w+"),
    "MRI": (("magnetic",), ("mri",), r"\bMRI\b|magnetic\s+resonance"),
    "CT scan": (("computed",), ("ct",), r"\bCT\b|computed\s+tomography"),
    "X-rays": (("xray", "x-ray", "radiograph"), (), r"x-?rays?|radiographs?"),
    "electrodiagnostic testing": (("electro", "nerve conduction"), ("emg", "ncv", "ncs"),
                                  r"\bEMG\b|\bNCV\b|\bNCS\b|electromyograph\w*|nerve\s+conduction|electrodiagnostic"),
    "bone scan": (("bone scan",), (), r"bone\s+scan"),
    "functional capacity evaluation": (("functional capacity",), ("fce",),
                                       r"functional\s+capacity\s+evaluation|\bFCE\b"),
    "functional restoration program": (("functional restoration",), ("frp",), r"functional\s+restoration|\bFRP\b"),
    "psychotherapy": (("psychotherapy", "cognitive"), ("cbt",),
                      r"psychotherapy|cognitive\s+behaviou?ral\s+therapy|\bCBT\b"),
    "spinal fusion": (("fusion",), (), r"\bfusion\b"),
    "discectomy or laminectomy": (("ectomy",), (), r"discectomy|laminectomy|microdiscectomy"),
    "arthroscopy": (("arthroscop",), (), r"arthroscop\w+"),
    "carpal tunnel release": (("carpal tunnel release",), (), r"carpal\s+tunnel\s+release"),
    "joint replacement": (("arthroplasty", "replacement"), (), r"arthroplasty|(?:knee|hip|shoulder)\s+replacement"),
    "urine drug testing": (("urine drug", "toxicology"), ("uds", "udt"),
                           r"urine\s+drug|\bUDS\b|\bUDT\b|toxicology\s+screen"),
    "aquatic therapy": (("aquatic", "pool"), (), r"aquatic\s+therapy|pool\s+therapy"),
    "work hardening": (("work hardening", "work conditioning"), (), r"work\s+(?:hardening|conditioning)"),
    "gym membership": (("gym",), (), r"gym\s+membership"),
}
