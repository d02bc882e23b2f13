"""Benchmark: offline letters per second and peak memory, on one process and one core.

Usage: python benchmarks/offline_throughput.py [--case examples/lumbar-radiculopathy.txt] [--batch evals/gold/cases]
       [--seconds 5]
Prints figures; asserts nothing (the target, >= 200 letters/s for a three-item case, is read off the output).

Two figures:
- the three-item case drafted over and over: caches keyed on a request's text (its parse, its restatement
  pattern, the regular expressions compiled for it) are warm after the first letter;
- a batch of distinct cases (the synthetic gold cases by default, or any folder, e.g. cases dumped from real
  letters with `drafter eval letters --dump-cases`), each drafted once after a warm-up on the examples: what a
  batch of new cases gets, every request unseen.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from pathlib import Path

from drafter.ingest import load_case
from drafter.pipeline import draft_letter
from drafter.render import render_text

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=REPO / "examples" / "lumbar-radiculopathy.txt")
    parser.add_argument("--batch", type=Path, default=REPO / "evals" / "gold" / "cases",
                        help="Folder of distinct cases, each drafted once.")
    parser.add_argument("--seconds", type=float, default=5.0, help="How long to run the timed loop.")
    args = parser.parse_args()

    case_path: Path = args.case
    items = len(load_case(case_path).disputed_items)
    draft_once = lambda: render_text(draft_letter(load_case(case_path)))  # noqa: E731 - read file, draft, render
    draft_once()  # warm caches (regex compilation, templates)

    letters, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        draft_once()
        letters += 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start

    tracemalloc.start()
    draft_once()
    _, peak_traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    batch = sorted(path for path in args.batch.iterdir() if not path.name.startswith("."))
    for example in sorted((REPO / "examples").glob("*.txt")):  # the warm-up: constant caches, not the batch's
        render_text(draft_letter(load_case(example)))
    batch_items, batch_seconds = draft_each(batch)
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"case: {case_path.name} ({items} items), drafted over and over")
    print(f"letters drafted: {letters} in {elapsed:.2f} s (ingest + extract + decide + draft + check + render)")
    print(f"throughput: {letters / elapsed:.0f} letters/s wall clock, {letters / cpu:.0f} letters/s of CPU time "
          "on one core (target >= 200; on a busy machine the CPU-time figure is the fairer one)")
    print(f"latency: {1000 * elapsed / letters:.2f} ms per letter")
    print(f"batch of distinct cases: {args.batch.name}/ ({len(batch)} cases, {batch_items} items), each drafted once: "
          f"{len(batch) / batch_seconds:.0f} letters/s of CPU time, {1000 * batch_seconds / batch_items:.2f} ms "
          f"per item, so {3000 * batch_seconds / batch_items:.2f} ms and {batch_items / batch_seconds / 3:.0f} "
          "letters/s for three items")
    print(f"peak Python allocations for one letter: {peak_traced / 1e6:.2f} MB")
    print(f"process peak RSS: {max_rss_mb:.0f} MB")


def draft_each(paths: list[Path]) -> tuple[int, float]:
    """(disputed items, CPU seconds) of drafting each case once."""
    items, cpu_start = 0, time.process_time()
    for path in paths:
        case = load_case(path)
        items += len(case.disputed_items)
        render_text(draft_letter(case))
    return items, time.process_time() - cpu_start


if __name__ == "__main__":
    main()
