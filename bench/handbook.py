"""Benchmark the handbook export against bare WeasyPrint on the same HTML (not a timed test).

In one run, each measurement in its own fresh process (so peak memory is its own):
  (a) our export: load the content root, build the HTML, render through the locked-down
      fetcher as a tagged PDF/UA-1 file (what `trainer handbook` does after start-up), then a
      second export with unchanged content in the same process (is anything reused?);
  (b) `weasyprint.HTML(string=same_html, base_url=...).write_pdf()` of the exact same HTML;
  (c) the same rendered and written with `pdf_variant="pdf/ua-1", pdf_tags=True`, the tagged file
      (a) writes: like for like.
Prints pages, seconds, pages/s, peak memory (max RSS) and the ratio a/b (target: <= 1.1).

    .venv/bin/python bench/handbook.py [--workshop ID] [--edition participant|facilitator]
                                       [--repeat N] [ROOT]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(root: str, workshop_id: str | None, edition: str, queue: Any) -> None:
    from trainer.content.catalogue import load_catalogue
    from trainer.export.handbook import render_handbook

    stages: dict[str, float] = {}

    def mark(stage: str) -> None:
        stages[stage] = time.perf_counter()

    started = time.perf_counter()
    catalogue = load_catalogue(root)
    curriculum = next(iter(catalogue.curricula.values()))
    workshop = (catalogue.workshop(workshop_id)[1] if workshop_id else curriculum.workshops[0])
    first = render_handbook(catalogue, curriculum, workshop, edition, on_stage=mark)
    seconds = time.perf_counter() - started
    split = {"load": stages["html"] - started, "html": stages["layout"] - stages["html"],
             "layout": stages["write"] - stages["layout"],
             "write": started + seconds - stages["write"]}
    peak = _peak_mib()
    started = time.perf_counter()
    catalogue = load_catalogue(root, previous=catalogue)
    second = render_handbook(catalogue, curriculum, workshop, edition)
    again = time.perf_counter() - started
    queue.put({"pages": first.pages, "seconds": seconds, "peak": peak, "again": again,
               "split": split,
               "reused": second.reused, "reread": catalogue.reread, "bytes": len(first.pdf)})


def _bare(html: str, base_url: str, variant: str | None, queue: Any) -> None:
    import weasyprint

    started = time.perf_counter()
    # Exactly what HTML.write_pdf() does, split only to read the page count.
    # Tagging is laid out at render time too, so a tagged file passes the options to both steps.
    options: dict[str, Any] = {"pdf_variant": variant, "pdf_tags": True} if variant else {}
    document = weasyprint.HTML(string=html, base_url=base_url).render(**options)
    pdf = document.write_pdf(**options)
    seconds = time.perf_counter() - started
    pages = len(document.pages)
    queue.put({"pages": pages, "seconds": seconds, "peak": _peak_mib(), "bytes": len(pdf)})


def _run(target: Any, *args: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=str(REPO))
    parser.add_argument("--workshop")
    parser.add_argument("--edition", default="participant", choices=["participant", "facilitator"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from trainer.content.catalogue import MODULES_DIR, load_catalogue
    from trainer.export.handbook import handbook_html

    catalogue = load_catalogue(args.root)
    curriculum = next(iter(catalogue.curricula.values()))
    workshop = (catalogue.workshop(args.workshop)[1] if args.workshop
                else curriculum.workshops[0])
    html = handbook_html(catalogue, curriculum, workshop, args.edition)
    base_url = (Path(args.root).resolve() / MODULES_DIR).as_uri() + "/"
    print(f"{curriculum.id} / {workshop.id} / {args.edition}: {len(html) / 1024:.0f} KiB of HTML")

    ours, bare, tagged = [], [], []
    for _ in range(args.repeat):  # interleaved, so a busy machine slows all alike
        bare.append(_run(_bare, html, base_url, None))
        tagged.append(_run(_bare, html, base_url, "pdf/ua-1"))
        ours.append(_run(_ours, args.root, args.workshop, args.edition))

    def line(name: str, runs: list[dict[str, Any]]) -> float:
        # The fastest run is the least disturbed by other work on the machine.
        seconds = min(r["seconds"] for r in runs)
        median = statistics.median(r["seconds"] for r in runs)
        pages = runs[0]["pages"]
        peak = max(r["peak"] for r in runs)
        print(f"{name:<38} {pages:>4} pages  best {seconds:6.2f} s (median {median:6.2f})  "
              f"{pages / seconds:5.1f} pages/s  peak {peak:4.0f} MiB  "
              f"{runs[0]['bytes'] / 1024:4.0f} KiB")
        return seconds

    b = line("(b) bare WeasyPrint, same HTML", bare)
    c = line("(c) bare WeasyPrint, same HTML, PDF/UA-1", tagged)
    a = line("(a) trainer handbook (load+html+pdf)", ours)
    print(f"ratio a/b: {a / b:.2f} (target <= 1.1)")
    print(f"ratio a/c: {a / c:.2f} (like for like: both write a tagged PDF/UA-1 file)")
    best = min(ours, key=lambda r: r["seconds"])["split"]
    print("(a) split: " + ", ".join(f"{k} {v:.2f} s" for k, v in best.items())
          + "  (write includes PDF/UA-1 tagging, which bare WeasyPrint does not do)")
    again = min(r["again"] for r in ours)
    print(f"second export, unchanged content: {again:.3f} s "
          f"(files re-read: {ours[0]['reread']}, PDF reused: {ours[0]['reused']})")


if __name__ == "__main__":
    main()
