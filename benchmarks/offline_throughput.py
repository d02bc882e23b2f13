"""Benchmark: offline letters per second and peak memory for a three-item case (one process, one core).

Usage: python benchmarks/offline_throughput.py [--case examples/lumbar-radiculopathy.txt] [--seconds 5]
Prints figures; asserts nothing (the target, >= 200 letters/s, is read off the output).

The case is drafted over and over, so caches keyed on a request's text (its parse, its restatement pattern)
are warm after the first letter, as they are for requests that recur in a batch. The second figure clears
those caches before each letter: what a batch of cases whose requests are all new gets. Caches keyed on
constant data (rules, lexicons, templates) stay warm in both.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from drafter.check.checks import request_pattern
from drafter.guidelines.classify import _parse_request
from drafter.guidelines.visits import _service_details
from drafter.ingest import load_case
from drafter.pipeline import draft_letter
from drafter.render import render_text

REQUEST_CACHES = (_parse_request, _service_details, request_pattern)
"""The caches keyed on a request's text."""

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=REPO / "examples" / "lumbar-radiculopathy.txt")
    parser.add_argument("--seconds", type=float, default=5.0, help="How long to run the timed loop.")
    args = parser.parse_args()

    case_path: Path = args.case
    items = len(load_case(case_path).disputed_items)
    draft_once = lambda: render_text(draft_letter(load_case(case_path)))  # noqa: E731 - read file, draft, render
    draft_once()  # warm caches (regex compilation, templates)

    letters, elapsed, cpu = timed(draft_once, args.seconds)

    def draft_unseen() -> None:
        for cache in REQUEST_CACHES:
            cache.cache_clear()
        draft_once()

    unseen_letters, unseen_elapsed, unseen_cpu = timed(draft_unseen, args.seconds)

    tracemalloc.start()
    draft_once()
    _, peak_traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"case: {case_path.name} ({items} items)")
    print(f"letters drafted: {letters} in {elapsed:.2f} s (ingest + extract + decide + draft + check + render)")
    print(f"throughput: {letters / elapsed:.0f} letters/s wall clock, {letters / cpu:.0f} letters/s of CPU time "
          "on one core (target >= 200; on a busy machine the CPU-time figure is the fairer one)")
    print(f"latency: {1000 * elapsed / letters:.2f} ms per letter")
    print(f"requests unseen (request caches cleared before each letter): {unseen_letters / unseen_elapsed:.0f} "
          f"letters/s wall clock, {unseen_letters / unseen_cpu:.0f} letters/s of CPU time, "
          f"{1000 * unseen_elapsed / unseen_letters:.2f} ms per letter")
    print(f"peak Python allocations for one letter: {peak_traced / 1e6:.2f} MB")
    print(f"process peak RSS: {max_rss_mb:.0f} MB")


def timed(draft: Callable[[], object], seconds: float) -> tuple[int, float, float]:
    """(letters drafted, wall-clock seconds, CPU seconds) of drafting for about `seconds`."""
    letters, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        draft()
        letters += 1
    return letters, time.perf_counter() - start, time.process_time() - cpu_start


if __name__ == "__main__":
    main()
