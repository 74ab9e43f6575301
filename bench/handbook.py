"""Benchmark the handbook export against Chromium and bare WeasyPrint, in one run (not a test).

Every measurement runs in a new process, as a trainer runs it, and peak memory is the maximum
resident size of that process and its children (the layout pool):
  (chromium)  `chromium --headless --print-to-pdf` of the print HTML (`trainer handbook --html`), cold;
  (bare)      `weasyprint.HTML(string=html).write_pdf()` of the same HTML, one process;
  (cold)      `trainer handbook --no-server` with an empty cache;
  (edit)      `trainer handbook` after editing one sentence of one module (copy of the content root),
              with its warm layout server (started by the two runs before, which changed nothing:
              the second waits for the server's warm-up after the first), and
              `trainer handbook --no-server` after another such edit (the command alone);
  (editions)  the four regional editions, cold, against one edition alone (cold): one after
              another (a process each, the seconds of each printed), and in one run
              (`trainer handbook --all-workshops`: the content read and the layout server
              started once), each in its own language and all four in one language (English).
              sahel-maghreb-2016 is in French (translated modules and boilerplate): it shares no
              part with the three English editions, which share every part but the front matter
              (the workshop's name, venue and dates). So with the workshops' own languages the
              ratio cannot go below about 2 (two books laid out); the goal is read on the four
              editions in one language, where the modules are the same: the sharing it asks for;
  (big)       peak memory of a handbook of 300 pages or more (the participant edition with every
              module there five times: about 340 pages), cold.
Except where it says otherwise, the runs are `--no-server` (a new process doing all the work).
Prints seconds and ratios; the last line says PASS/FAIL per goal:
  edit <= 0.5 x chromium, editions <= 1.5 x one, cold <= 0.7 x bare, big peak <= 400 MB.

    .venv/bin/python bench/handbook.py [--workshop ID] [ROOT]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TRAINER = str(Path(sys.executable).with_name("trainer"))
EDITIONS = ["sahel-maghreb-2016", "southeast-asia-2017", "horn-of-africa-2017", "south-asia-2017"]


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run `command` in a new process; return (seconds, peak MiB of it and its children)."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    code = ("import resource, subprocess, sys\n"
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
            "if r.returncode: sys.stderr.buffer.write(r.stderr); sys.exit(r.returncode)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    result = subprocess.run([sys.executable, "-c", code, *command], capture_output=True,
                            text=True, env=env)
    seconds = time.perf_counter() - started
    if result.returncode:
        print(f"{command[0]} failed: {result.stderr[-500:]}", flush=True)
        return float("nan"), float("nan")
    del before
    # ru_maxrss of RUSAGE_CHILDREN is the largest single descendant, in KiB.
    return seconds, int(result.stdout.strip() or 0) / 1024


def _bare(html: Path, base: Path, out: Path) -> list[str]:
    code = ("import sys, weasyprint\n"
            "weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])\n")
    return [sys.executable, "-c", code, str(html), base.as_uri() + "/", str(out)]


def _edit(module: Path, words: str) -> None:
    """Add `words` to the first line of the module's first body text (one sentence edited)."""
    text = module.read_text()
    at = text.index("body: |") + len("body: |\n")
    line_end = text.index("\n", at)
    module.write_text(text[:line_end] + words + text[line_end:])


def _stop_server(root: Path, cache: Path, env: dict[str, str]) -> None:
    """Stop the layout server the benchmark started (in a process with the benchmark's env)."""
    code = ("import sys; from pathlib import Path\n"
            "from trainer.export.layout_client import LayoutClient, ServerUnavailable\n"
            "try:\n"
            "    LayoutClient.connect(Path(sys.argv[1]), Path(sys.argv[2]), start=False)"
            ".ask({'op': 'stop'})\n"
            "except ServerUnavailable as exc:\n"
            "    print(f'no layout server to stop: {exc}')\n")
    subprocess.run([sys.executable, "-c", code, str(root), str(cache)], env=env, check=False)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=str(REPO))
    parser.add_argument("--workshop", default="southeast-asia-2017")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        root = work / "content"
        shutil.copytree(Path(args.root) / "curriculum", root / "curriculum")
        shutil.copytree(Path(args.root) / "modules", root / "modules")
        curriculum = root / "curriculum" / "gcai.yaml"
        env = dict(os.environ, TRAINER_CACHE_DIR=str(work / "cache"),
                   TRAINER_LAYOUT_SERVER_IDLE="120")

        def handbook(*extra: str, server: bool = False) -> list[str]:
            return [TRAINER, "handbook", curriculum.stem, "--root", str(root), *extra,
                    *(() if server else ("--no-server",))]

        html = work / "book.html"
        subprocess.run(handbook("--workshop", args.workshop, "--html", str(html)), check=True,
                       capture_output=True, env=env)
        chromium, _ = _run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                            f"--user-data-dir={work / 'chromium'}",
                            f"--print-to-pdf={work / 'chromium.pdf'}", html.as_uri()])
        bare, bare_peak = _run(_bare(html, root / "modules", work / "bare.pdf"))
        shutil.rmtree(work / "cache", ignore_errors=True)
        cold, cold_peak = _run(handbook("--workshop", args.workshop, "-o", str(work / "a.pdf")),
                               env)
        warm, _ = _run(handbook("--workshop", args.workshop, "-o", str(work / "b.pdf")), env)
        # Starts the layout server (nothing changed: every part is in the cache), then uses it.
        _run(handbook("--workshop", args.workshop, "-o", str(work / "b.pdf"), server=True), env)
        warm_server, _ = _run(handbook("--workshop", args.workshop, "-o", str(work / "b.pdf"),
                                       server=True), env)
        module = sorted((root / "modules").glob("*.yaml"))[0]
        _edit(module, " (edited)")
        edit, _ = _run(handbook("--workshop", args.workshop, "-o", str(work / "c.pdf"),
                                server=True), env)
        _edit(module, " (edited again)")
        edit_alone, _ = _run(handbook("--workshop", args.workshop, "-o", str(work / "d.pdf")),
                             env)
        _stop_server(root, work / "cache" / "handbook", env)
        shutil.rmtree(work / "cache", ignore_errors=True)
        each: dict[str, float] = {}
        for workshop in EDITIONS:
            each[workshop], _ = _run(
                handbook("--workshop", workshop, "-o", str(work / f"{workshop}.pdf")), env)
        editions = sum(each.values())
        shutil.rmtree(work / "cache", ignore_errors=True)
        one_run, _ = _run(handbook("--all-workshops", "--output-dir", str(work / "all")), env)
        shutil.rmtree(work / "cache", ignore_errors=True)
        one_language, _ = _run(handbook("--all-workshops", "--language", "en", "--output-dir",
                                        str(work / "all-en")), env)
        shutil.rmtree(work / "cache", ignore_errors=True)
        one, _ = _run(handbook("--workshop", args.workshop, "-o", str(work / "one.pdf")), env)
        # A book of 300 pages or more: the participant edition with every module there five
        # times (four copies, about 67 pages each; the export refuses more than 400 pages).
        extra = []
        # A test bank is not a module a curriculum lists.
        originals = [path for path in sorted((root / "modules").glob("*.yaml"))
                     if "\nrole: assessment" not in path.read_text()]
        for copy in range(1, 5):
            for path in originals:
                body = path.read_text().replace(f"id: {path.stem}\n", f"id: {path.stem}-{copy}\n", 1)
                (root / "modules" / f"{path.stem}-{copy}.yaml").write_text(body)
                extra.append(f"{path.stem}-{copy}")
        source = curriculum.read_text()
        marker = "\nmodules:\n"
        head, _, tail = source.partition(marker)
        curriculum.write_text(head + marker + "".join(f"  - {m}\n" for m in extra) + tail)
        shutil.rmtree(work / "cache", ignore_errors=True)
        big_target = work / "big.pdf"
        big, big_peak = _run(handbook("--workshop", args.workshop, "-o", str(big_target)), env)
        import pypdf

        big_pages = len(pypdf.PdfReader(big_target).pages)
        pages = len(pypdf.PdfReader(work / "a.pdf").pages)

    print(f"handbook {args.workshop}, participant edition, {pages} pages; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"chromium --print-to-pdf (cold)        {chromium:6.2f} s")
    print(f"bare WeasyPrint, one process          {bare:6.2f} s  peak {bare_peak:5.0f} MiB")
    print(f"trainer handbook, empty cache         {cold:6.2f} s  peak {cold_peak:5.0f} MiB  "
          f"cold/bare {cold / bare:.2f} (goal <= 0.7)")
    print(f"trainer handbook, nothing changed     {warm:6.2f} s  (warm layout server "
          f"{warm_server:.2f} s)")
    print(f"trainer handbook, one module edited   {edit:6.2f} s  edit/chromium "
          f"{edit / chromium:.2f} (goal <= 0.5; warm layout server)")
    print(f"  the same, --no-server               {edit_alone:6.2f} s  edit/chromium "
          f"{edit_alone / chromium:.2f}")
    print(f"4 regional editions, one after another {editions:5.2f} s  one edition cold {one:.2f} s"
          f"  ratio {editions / one:.2f}")
    print("  each: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in each.items()))
    print(f"4 regional editions in one run, own languages {one_run:5.2f} s  ratio "
          f"{one_run / one:.2f}")
    print(f"4 regional editions in one run, one language  {one_language:5.2f} s  ratio "
          f"{one_language / one:.2f} (goal <= 1.5)")
    print(f"{big_pages}-page participant handbook, cold   {big:6.2f} s  peak {big_peak:5.0f} MiB "
          f"(goal <= 400)")
    goals = {"edit": edit / chromium <= 0.5, "editions": one_language / one <= 1.5,
             "cold": cold / bare <= 0.7, "memory": big_peak <= 400}
    print("goals: " + ", ".join(f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in goals.items()))


if __name__ == "__main__":
    main()
