"""Pieces of the LLM extractor that need no model: quote location, chunking, merging."""

from __future__ import annotations

from drafter.extract.llm import chunk_case, find_verbatim, merge_facts, unsupported_values
from drafter.models import CaseFile, CaseHeader, Diagnosis, Document, Evidence, NeuroFinding


def test_quote_matches_across_line_breaks_but_not_with_changed_words() -> None:
    text = "Reflexes are 2+ and\n   symmetric at the knees."
    start, end = find_verbatim("Reflexes are 2+ and symmetric", text)
    assert text[start:end] == "Reflexes are 2+ and\n   symmetric"
    assert find_verbatim("Reflexes are not 2+ and symmetric", text) is None
    assert find_verbatim("reflexes are 2+", text) is None  # exact, case included
    assert find_verbatim("   ", text) is None


def _case(*texts: str) -> CaseFile:
    documents = [Document(doc_id=f"D{i}", name=f"note {i}", text=t, sha256="x") for i, t in enumerate(texts, 1)]
    return CaseFile(case_id="c", header=CaseHeader(), documents=documents, disputed_items=[], sources=[],
                    input_sha256="x")


def test_chunks_keep_whole_documents_and_split_only_an_oversized_one() -> None:
    long_text = "".join(f"line {i} of a long record\n" for i in range(40))
    chunks = chunk_case(_case("short one\n", "short two\n", long_text), budget_chars=300)
    assert [piece.doc_id for piece in chunks[0]] == ["D1", "D2"]
    long_pieces = [piece for chunk in chunks for piece in chunk if piece.doc_id == "D3"]
    assert len(long_pieces) > 1 and "".join(piece.text for piece in long_pieces) == long_text
    assert all(len(piece.text) <= 300 for piece in long_pieces)


def _evidence(doc_id: str, start: int) -> Evidence:
    return Evidence(doc_id=doc_id, start=start, end=start + 1, quote="x")


def test_merge_joins_duplicates_and_flags_conflicts() -> None:
    strain = [Diagnosis(name="Lumbar strain", body_region="lumbar", evidence=_evidence("D1", 5)),
              Diagnosis(name="lumbar strain", body_region="lumbar", evidence=_evidence("D2", 9))]
    reflexes = [NeuroFinding(finding="reflex_change", present=False, body_region="lumbar", detail=None,
                             evidence=_evidence("D1", 40)),
                NeuroFinding(finding="reflex_change", present=True, body_region="lumbar", detail=None,
                             evidence=_evidence("D2", 12))]
    flags: list[str] = []
    merged = merge_facts({"diagnoses": strain, "neuro_findings": reflexes}, flags)
    assert len(merged["diagnoses"]) == 1 and merged["diagnoses"][0].evidence.doc_id == "D1"
    assert [finding.present for finding in merged["neuro_findings"]] == [False, True]
    assert flags == ["conflict:neuro_findings:D1@40:D2@12"]


def test_values_the_quote_does_not_show_are_reported() -> None:
    from drafter.extract.llm import REPLY_FACTS

    treatment = REPLY_FACTS["treatments"]
    shown = treatment(doc_id="D1", quote="finished twelve sessions of therapy", modality="physical_therapy",
                      sessions=12, body_region=None, response="not_stated")
    assert unsupported_values(shown) == []
    invented = shown.model_copy(update={"sessions": 0, "quote": "Diagnosis: lumbar strain"})
    assert unsupported_values(invented) == ["sessions=0 is not in the quote"]
    medication = REPLY_FACTS["medications"](doc_id="D1", quote="no medications", name="none", drug_class=None,
                                            start_date=None, duration_weeks=None)
    assert unsupported_values(medication) == ["name='none' is a placeholder (use null)"]
