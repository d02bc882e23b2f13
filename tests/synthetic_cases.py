"""Synthetic case files for batch tests and benchmarks, written in this project's own words.

No real person, letter or record is behind any of them. `synthetic_case(n)` varies region, age, sex,
therapy history, medications and requests deterministically with `n`, and lists the patient details
that must never reach a log (`private`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

REGIONS = {
    "neck": {
        "diagnosis": "Cervical strain",
        "complaint": "neck pain",
        "exam": "Sensation is intact in both arms and reflexes are 2+ and symmetric.",
        "requests": ["MRI of the cervical spine", "Physical therapy 2x a week for 4 weeks for the neck",
                     "Acupuncture 6 visits for the neck"],
    },
    "low back": {
        "diagnosis": "Lumbar sprain",
        "complaint": "low back pain",
        "exam": "Straight leg raise is negative on both sides and strength is 5/5 in the legs.",
        "requests": ["MRI of the lumbar spine", "Acupuncture 6 visits for the low back",
                     "Physical therapy 8 sessions for the low back"],
    },
    "knee": {
        "diagnosis": "Right knee sprain",
        "complaint": "right knee pain",
        "exam": "There is medial joint line tenderness without effusion.",
        "requests": ["MRI of the right knee", "Physical therapy 8 sessions for the right knee"],
    },
    "shoulder": {
        "diagnosis": "Left shoulder strain",
        "complaint": "left shoulder pain",
        "exam": "Abduction is limited to 120 degrees with pain at the end of range.",
        "requests": ["MRI of the left shoulder", "Physical therapy 12 sessions for the left shoulder"],
    },
}
DRUGS = [("Ibuprofen", "800mg", "#90"), ("Cyclobenzaprine", "7.5mg", "#60"), ("Tramadol", "50mg", "#60"),
         ("Omeprazole", "20mg", "#30"), ("Gabapentin", "300mg", "#90")]
MECHANISMS = ["lifting a crate of produce", "slipping on a wet loading dock", "reaching for a box on a high shelf",
              "pulling a heavy pallet jack", "stepping off a delivery truck"]
SITES = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gingko", "Hazel"]


@dataclass
class SyntheticCase:
    name: str
    text: str
    private: list[str]  # details of the (invented) patient that logs must never carry
    requests: list[str]


def synthetic_case(n: int, extra_record: str = "") -> SyntheticCase:
    """Case number n (deterministic). `extra_record` is appended to the progress report as is."""
    rng = random.Random(n)
    region_name = rng.choice(sorted(REGIONS))
    region = REGIONS[region_name]
    age = rng.randint(24, 63)
    woman = rng.random() < 0.5
    pronoun, noun = ("She", "woman") if woman else ("He", "man")
    sessions = rng.choice([4, 6, 8, 12])
    helped = rng.random() < 0.3
    drug, strength, quantity = rng.choice(DRUGS)
    weeks = rng.choice([3, 6, 10, 16])
    mechanism = rng.choice(MECHANISMS)
    pain = rng.randint(4, 8)
    injury = (rng.randint(1, 12), rng.randint(1, 28), rng.choice([2021, 2022, 2023]))
    doi = f"{injury[0]:02d}/{injury[1]:02d}/{injury[2]}"
    ur_year = injury[2] + 1
    requests = rng.sample(region["requests"], k=rng.randint(1, len(region["requests"])))
    if rng.random() < 0.6:
        requests.append(f"{drug} {strength} {quantity}")
    outcome = "with good but temporary relief" if helped else "without lasting benefit"
    mechanism_sentence = f"{pronoun} reports {region['complaint']} since {mechanism} at work on {doi}."
    record = (
        f"Seen at the {rng.choice(SITES)} clinic. The patient is a {age}-year-old {noun} employed as a stock clerk.\n"
        f"{mechanism_sentence} Pain is rated {pain}/10.\n"
        f"{pronoun} completed {sessions} sessions of physical therapy {outcome}.\n"
        f"{pronoun} has taken {drug} {strength} daily for {weeks} weeks.\n"
        f"Examination: {region['exam']}\n"
        f"Diagnoses: {region['diagnosis']}.\n"
    )
    if extra_record:
        record += extra_record.rstrip("\n") + "\n"
    text = (
        f"Case Number: CM26-{n:07d}\n"
        f"Date of Injury: {doi}\n"
        f"UR Denial Date: 03/{rng.randint(10, 28):02d}/{ur_year}\n\n"
        f"=== Primary treating physician progress report | 02/{rng.randint(1, 27):02d}/{ur_year} ===\n"
        f"{record}\n"
        f"=== Utilization review determination | 03/01/{ur_year} ===\n"
        f"The requested services were non-certified.\n\n"
        "DISPUTED ITEMS\n" + "".join(f"- {request}\n" for request in requests)
    )
    private = [f"{age}-year-old", region["diagnosis"], drug, doi, f"{injury[2]}-{injury[0]:02d}-{injury[1]:02d}",
               mechanism, mechanism_sentence]
    return SyntheticCase(name=f"case-{n:03d}.txt", text=text, private=private, requests=requests)


def write_cases(folder: Path, count: int, start: int = 0) -> list[SyntheticCase]:
    folder.mkdir(parents=True, exist_ok=True)
    cases = [synthetic_case(n) for n in range(start, start + count)]
    for case in cases:
        (folder / case.name).write_text(case.text, encoding="utf-8")
    return cases


def word_runs(text: str, length: int = 6) -> set[str]:
    """Every run of `length` consecutive words of `text` (whitespace normalized)."""
    words = text.split()
    return {" ".join(words[i:i + length]) for i in range(len(words) - length + 1)}
