"""Re-record the LLM cassettes against a local model (re-runnable): those of tests/test_llm_replay.py and
tests/test_judge.py and, with `eval`, those of the backends suite of `drafter eval` (evals/llm/).

    pip install xllamacpp
    python scripts/record_cassettes.py            # every recording; starts scripts/llm_server.py if none serves
    python scripts/record_cassettes.py judge eval # some of them

On a busy machine, start the server yourself with one thread (and a higher priority if you may): llama.cpp's
threads wait for each other, so two threads sharing the cores with other work run several times slower
(`setsid python scripts/llm_server.py --port 8089 --threads 1 &`).

Run it on purpose after changing a prompt, a reply model or the check rules: replay matches requests
on method, path and body, so those changes make the old cassettes fail loudly. Only synthetic cases
are recorded (tests/cassettes/two-documents-case.txt, examples/thoracic-strain.txt, evals/gold/); the
authorization, api-key and openai-organization headers are filtered out.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from conftest import CASSETTES, RECORDED_BASE_URL, recorded_settings, replay  # noqa: E402

from drafter.decide import decide  # noqa: E402
from drafter.draft.llm import draft_rationale_llm  # noqa: E402
from drafter.draft.template import draft_rationale  # noqa: E402
from drafter.evaluation.backends import LLMEvalSetup, run_backends_eval  # noqa: E402
from drafter.extract.llm import extract_llm  # noqa: E402
from drafter.extract.offline import extract_offline  # noqa: E402
from drafter.ingest import load_case  # noqa: E402
from drafter.judge import judge_rationale  # noqa: E402
from drafter.llm import LLMClient  # noqa: E402
from drafter.models import CaseSummary, ItemDecision  # noqa: E402

PORT = int(RECORDED_BASE_URL.rsplit(":", 1)[1].split("/")[0])


def serving() -> bool:
    try:
        with urllib.request.urlopen(RECORDED_BASE_URL + "/models", timeout=2):
            return True
    except OSError:
        return False


def record_extraction() -> None:
    case = load_case(CASSETTES / "two-documents-case.txt")
    (CASSETTES / "extract-two-documents.yaml").unlink(missing_ok=True)
    with replay("extract-two-documents.yaml", record_mode="all"):
        summary, calls = extract_llm(case, LLMClient(recorded_settings(context_tokens=1024)))
    print(f"extraction: {len(calls)} call(s), {sum(c.completion_tokens for c in calls)} tokens out")


def record_rationale() -> None:
    """The MRI item of the thoracic example; its decision and summary are saved beside the cassette."""
    summary = extract_offline(load_case(REPO / "examples" / "thoracic-strain.txt"))
    decision = next(d for d in decide(summary) if "MRI" in d.request)
    (CASSETTES / "thoracic-summary.json").write_text(summary.model_dump_json(indent=1) + "\n")
    (CASSETTES / "thoracic-mri-decision.json").write_text(decision.model_dump_json(indent=1) + "\n")
    (CASSETTES / "rationale-thoracic-mri.yaml").unlink(missing_ok=True)
    with replay("rationale-thoracic-mri.yaml", record_mode="all"):
        rationale, report, calls = draft_rationale_llm(decision, summary, LLMClient(recorded_settings()),
                                                       max_reasks=1)
    print(f"rationale: source={rationale.source} passed={report.passed} calls={len(calls)}")


def record_judge() -> None:
    """The judge's reading of the template rationale of the thoracic MRI item (summary and decision as saved
    by the rationale recording)."""
    summary = CaseSummary.model_validate_json((CASSETTES / "thoracic-summary.json").read_text())
    decision = ItemDecision.model_validate_json((CASSETTES / "thoracic-mri-decision.json").read_text())
    (CASSETTES / "judge-thoracic-mri.yaml").unlink(missing_ok=True)
    with replay("judge-thoracic-mri.yaml", record_mode="all"):
        opinion, calls = judge_rationale(decision, draft_rationale(decision, summary).text,
                                         LLMClient(recorded_settings()))
    print(f"judge: passed={opinion.passed} ({opinion.detail}); calls={len(calls)}")


def record_eval() -> None:
    """The gold cases of evals/llm/cases.txt, one cassette each, with the settings of evals/llm/settings.toml."""
    report = run_backends_eval(REPO / "evals" / "gold", LLMEvalSetup(REPO / "evals" / "llm"), record=True)
    llm = report["llm"]
    print(f"eval: {llm['cases_run']}/{len(report['cases'])} cases recorded; errors: {llm['errors']}")


RECORDINGS = {"extraction": record_extraction, "rationale": record_rationale, "judge": record_judge,
              "eval": record_eval}


def main() -> None:
    parser = argparse.ArgumentParser(description="Re-record the LLM cassettes against a local model.")
    parser.add_argument("names", nargs="*", help=f"some of {', '.join(RECORDINGS)} (default: all)")
    names = parser.parse_args().names or list(RECORDINGS)
    if unknown := set(names) - set(RECORDINGS):
        parser.error(f"unknown recording(s): {', '.join(sorted(unknown))}")
    server = None
    if not serving():
        server = subprocess.Popen([sys.executable, str(REPO / "scripts" / "llm_server.py"), "--port", str(PORT)])
        deadline = time.monotonic() + 600  # the first run downloads the model
        while not serving():
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the local LLM server did not start")
            time.sleep(2)
    try:
        for name in names:
            RECORDINGS[name]()
    finally:
        if server is not None:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
