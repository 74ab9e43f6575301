"""Benchmark: our full load + validate of N module files vs a bare CSafeLoader yaml.load.

Run: .venv/bin/python bench/content_load.py [N]   (default 500). Prints both timings and the ratio.
Both are measured in the same run on the same generated files (best of 5 rounds each).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml

from trainer.content.catalogue import load_catalogue

QUESTION_KINDS = """\
    - id: q{n}-single
      kind: single
      prompt: Which authority receives the request in case {n}?
      objective: o1
      explanation: The central authority designated under the treaty receives it.
      options:
        - {{id: a, text: The central authority, correct: true, feedback: Right.}}
        - {{id: b, text: The embassy, feedback: Diplomatic channels are slower.}}
        - {{id: c, text: The police, feedback: Police-to-police is informal.}}
    - id: q{n}-multi
      kind: multiple
      prompt: Which belong in a request?
      objective: o2
      explanation: A request states facts, the offence and the assistance sought.
      options:
        - {{id: a, text: A summary of facts, correct: true}}
        - {{id: b, text: The legal provisions, correct: true}}
        - {{id: c, text: A political statement, feedback: Not relevant.}}
        - {{id: d, text: The assistance sought, correct: true}}
    - id: q{n}-short
      kind: short_answer
      prompt: Name the principle that the conduct must be an offence in both States.
      objective: o1
      accepted: [dual criminality, double criminality]
    - id: q{n}-num
      kind: numeric
      prompt: In which year was resolution 2322 adopted?
      objective: o1
      answer: 2016
    - id: q{n}-order
      kind: ordering
      prompt: Put the steps in order.
      objective: o2
      items:
        - {{id: draft, text: Draft the request}}
        - {{id: review, text: Review by the central authority}}
        - {{id: send, text: Transmit the request}}
"""


def module_text(index: int) -> str:
    """Return a realistic module of about 5 KB."""
    body = ("Central authorities receive, review and transmit requests. " * 12).strip()
    questions = "".join(QUESTION_KINDS.format(n=n) for n in range(2))
    return (
        f"id: module-{index}\ntitle: Module {index}\nsummary: A module about cooperation.\n"
        "duration_minutes: 60\nobjectives:\n  - id: o1\n    text: Explain the basics.\n"
        "  - id: o2\n    text: Draft a request.\n"
        "sections:\n"
        + "".join(
            f"  - id: s{s}\n    title: Section {s}\n    body: |\n      {body}\n\n      - a point\n"
            f"      - another point with *emphasis*\n"
            for s in range(3)
        )
        + "quiz:\n  pass_mark: 70\n  shuffle: true\n  questions:\n"
        + questions
        + "sources:\n  - title: UNSC resolution 2322 (2016)\n    url: https://undocs.org/S/RES/2322(2016)\n"
    )


def best_of(rounds: int, action: object) -> float:
    """Return the best wall time of `rounds` calls."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    """Generate the files, time both loaders, print the figures."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "modules").mkdir()
        for index in range(count):
            (root / "modules" / f"module-{index}.yaml").write_text(module_text(index), "utf-8")
        files = sorted((root / "modules").glob("*.yaml"))
        size = sum(f.stat().st_size for f in files)

        def bare() -> None:
            for file in files:
                yaml.load(file.read_bytes(), Loader=yaml.CSafeLoader)  # noqa: S506 - baseline

        def ours() -> None:
            load_catalogue(root)

        bare_s = best_of(5, bare)
        ours_s = best_of(5, ours)
        print(f"{count} modules, {size / 1024:.0f} KiB")
        print(f"bare yaml.load(CSafeLoader): {bare_s * 1000:8.1f} ms")
        print(f"trainer load+validate:       {ours_s * 1000:8.1f} ms")
        print(f"ratio: {ours_s / bare_s:.2f}x")


if __name__ == "__main__":
    main()
