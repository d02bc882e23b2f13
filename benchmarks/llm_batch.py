"""Benchmark: a batch through the LLM backend against a fake endpoint with fixed latency, by concurrency.

Usage: python benchmarks/llm_batch.py [--cases 200] [--latency 1.0] [--concurrency 1,4,16]
Quick run: python benchmarks/llm_batch.py --cases 40 --latency 0.2

Synthetic cases (tests/synthetic_cases.py, varied) are written to a temporary folder and drafted with
`run_batch` through the openai backend. The endpoint is tests/fake_openai.py, a HAND-WRITTEN FAKE
server (run in its own process so its work does not compete with the client for the GIL) that
answers every call after `--latency` seconds. For each concurrency it prints the wall time against
two ideals:
* calls x latency / concurrency (the target: >= 90% of it at concurrency 16);
* the same with whole cases packed onto workers (a case's calls are sequential), which is what
  cross-case concurrency alone can reach; and that packing if a case's rationale and summary calls
  ran side by side after its extraction (the most parallelism within a case could add).
Then the offline backend on the same cases, in letters per second. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import heapq
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import drafter.draft.llm  # noqa: F401 (imported here so its ~2 s import is not timed)
from drafter.batch import run_batch
from drafter.models import Determination
from drafter.pipeline import DraftOptions, draft_letter
from drafter.settings import load_settings

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from synthetic_cases import write_cases  # noqa: E402 (a test helper, found through the path above)


class FakeEndpoint:
    """tests/fake_openai.py in a child process; `calls()` asks it how many calls it has answered."""

    def __init__(self, latency: float):
        self.process = subprocess.Popen([sys.executable, str(REPO / "tests" / "fake_openai.py"), "--latency",
                                         str(latency)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def calls(self) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("calls\n")
        self.process.stdin.flush()
        return int(json.loads(self.process.stdout.readline()).get("total", 0))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


def packed_makespan(case_calls: list[int], workers: int, latency: float) -> float:
    """Wall time if whole cases (sequential calls each) go, in batch order, to the first free worker."""
    free = [0.0] * workers
    for calls in case_calls:
        heapq.heappush(free, heapq.heappop(free) + calls * latency)
    return max(free)


def llm_run(folder: Path, out: Path, endpoint: FakeEndpoint, concurrency: int, latency: float) -> None:
    settings = load_settings(env={}, backend="openai", base_url=endpoint.url, model="fake-model")
    options = DraftOptions(backend="openai", llm=settings)
    before = endpoint.calls()
    start, cpu = time.perf_counter(), time.process_time()
    results = run_batch(folder, out, lambda case: draft_letter(case, options), concurrency=concurrency)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    calls = endpoint.calls() - before
    audits = [Determination.model_validate_json((out / name).read_text()).audit
              for result in results for name in result.outputs if name.endswith(".json")]
    case_calls = [len(audit.llm_calls) for audit in audits]
    # if the rationale and summary calls of a case ran side by side once its extraction is done
    critical = [sum(call.stage.startswith("extract") for call in audit.llm_calls) + 1 for audit in audits]
    ideal = calls * latency / concurrency
    packed = packed_makespan(case_calls, concurrency, latency)
    failed = sum(result.status == "failed" for result in results)
    print(f"concurrency {concurrency:>2}: {wall:7.2f} s wall, {calls} calls "
          f"({calls / len(results):.1f} per case, max {max(case_calls)}), "
          f"ideal {ideal:6.2f} s -> {100 * ideal / wall:5.1f}% of ideal; "
          f"whole-case packing {packed:6.2f} s -> {100 * packed / wall:5.1f}%; "
          f"{concurrency} cases in flight, each with its own calls in parallel, would allow "
          f"{packed_makespan(critical, concurrency, latency):6.2f} s; "
          f"client CPU {cpu:.1f} s ({1000 * cpu / len(results):.0f} ms per case)"
          + (f"; {failed} case(s) FAILED" if failed else ""), flush=True)


def offline_run(folder: Path, out: Path, concurrency: int) -> None:
    start = time.perf_counter()
    results = run_batch(folder, out, draft_letter, concurrency=concurrency)
    wall = time.perf_counter() - start
    print(f"offline, concurrency {concurrency:>2}: {len(results)} letters in {wall:.2f} s "
          f"= {len(results) / wall:.1f} letters/s (ingest, draft, render text + JSON, journal)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--latency", type=float, default=1.0, help="Seconds the fake endpoint takes per call.")
    parser.add_argument("--concurrency", default="1,4,16", help="Comma-separated concurrency levels.")
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]

    with tempfile.TemporaryDirectory(prefix="llm-batch-") as tmp:
        folder = Path(tmp) / "cases"
        cases = write_cases(folder, args.cases)
        items = sum(len(case.requests) for case in cases)
        print(f"{args.cases} synthetic cases, {items} disputed items ({items / args.cases:.1f} per case); "
              f"fake endpoint latency {args.latency} s per call", flush=True)
        endpoint = FakeEndpoint(args.latency)
        try:
            for level in levels:
                llm_run(folder, Path(tmp) / f"llm-{level}", endpoint, level, args.latency)
        finally:
            endpoint.close()
        for level in (1, 4):
            offline_run(folder, Path(tmp) / f"offline-{level}", level)


if __name__ == "__main__":
    main()
