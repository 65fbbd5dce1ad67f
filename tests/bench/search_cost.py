#!/usr/bin/env python3
"""What the search index adds to a build (issue #16's budget: at most 10 %).

Builds one course with search on and with `[output.html.search] enable = false`, one after
the other in turn, and prints for each the median wall time, CPU time (user + system), peak
memory, minor page faults and the time of the step that makes print.html and the index
(`COURSEBOOK_TIMINGS`), then what search adds. Give two binaries (`--coursebook` more than
once) to compare versions in the same run: this machine's speed drifts by 5-15 % between
batches, so only builds taken in turn compare.

    python3 tests/bench/bench.py --sizes 1000 --generate-only
    python3 tests/bench/search_cost.py tests/bench/work/n1000/coursebook --runs 11

The course is copied into --work (default: a folder under /dev/shm when there is one, so
the disk does not count). Every build is a whole one: the site store (which would hand back
the course as last built) is emptied before each. `--caches empty` (the default) starts each
build with no caches at all, as the benchmark's `coursebook` row does; `--caches blocks` keeps
the highlighted blocks' cache warm, so highlighting code costs nothing and search's share is
larger.

`--floor` also times the least work any index that meets issue #16's quality budget must do
(tests/bench/floor, `bench-floor words`: each section's words and pairs of words in a row
counted once, ASCII words, from the lessons' Markdown, nothing written) and sets it beside the
budget: 10 % of the build without search, in CPU time, and in wall time as if the floor were
spread over every core without loss.
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def floor_ms(course: Path) -> dict:
    """bench-floor words over the course's lessons: {label: milliseconds on one thread}."""
    # The benchmark's own build of the floor program (tests/bench/bench.py, beside this file).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import ensure_floor
    floor = ensure_floor()
    book = (course / "book.toml").read_text(encoding="utf-8")
    src = re.search(r'^src\s*=\s*"([^"]+)"', book, re.M)
    out = subprocess.run([str(floor), "words",
                          str(course / (src.group(1) if src else "src"))],
                         capture_output=True, text=True, check=True).stdout
    print(out.strip())
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^([a-z ]+): ([0-9.]+) ms", out, re.M)}


def copy_course(src: Path, dest: Path, search: bool) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, symlinks=True, ignore=shutil.ignore_patterns("site", "book", "target"))
    book = dest / "book.toml"
    text = book.read_text(encoding="utf-8")
    if re.search(r"^\[output\.html\.search\]", text, re.M):
        sys.exit(f"{src}/book.toml already has [output.html.search]: give a course without it")
    if not search:
        book.write_text(text.rstrip("\n") + "\n\n[output.html.search]\nenable = false\n", encoding="utf-8")


def build(binary: Path, course: Path, dest: Path, cache: Path, keep_blocks: bool) -> dict:
    # Never the store's copy of the site: search_cost measures a build that makes the index.
    shutil.rmtree(cache / "sites" if keep_blocks else cache, ignore_errors=True)
    env = dict(os.environ, COURSEBOOK_CACHE_DIR=str(cache), COURSEBOOK_TIMINGS="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e %M %R", str(binary), "build", "-q", str(course), "--dest-dir", str(dest)],
        env=env, capture_output=True, text=True,
    )
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{binary} build {course} failed:\n{proc.stderr}")
    # time(1)'s own wall clock is in hundredths: measured here instead.
    peak_kb, faults = re.search(r"TIME [0-9.]+ (\d+) (\d+)", proc.stderr).groups()
    step = re.search(r"print, search ([0-9.]+) ms", proc.stderr)
    return {
        "wall": wall,
        "cpu": (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000,
        "peak": int(peak_kb) / 1024,
        "faults": int(faults),
        "step": float(step.group(1)) if step else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("course", type=Path, help="a course folder (holding book.toml)")
    parser.add_argument("--coursebook", type=Path, action="append",
                        help="a binary to measure; more than once to compare (default target/release/coursebook)")
    parser.add_argument("--runs", type=int, default=9, help="builds of each kind (default 9)")
    default_work = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    parser.add_argument("--caches", choices=["empty", "blocks"], default="empty",
                        help="empty: every build with no caches, as the benchmark's clean build (default); "
                             "blocks: the highlighted blocks' cache kept warm")
    parser.add_argument("--work", type=Path, default=default_work / "coursebook-search-cost")
    parser.add_argument("--floor", action="store_true",
                        help="also time the least work an index must do (tests/bench/floor) against the budget")
    args = parser.parse_args()
    binaries = args.coursebook or [REPO / "target" / "release" / "coursebook"]
    if not Path("/usr/bin/time").is_file():
        sys.exit("needs GNU time at /usr/bin/time (apt install time) for peak memory and page faults")
    for b in binaries:
        if not b.is_file():
            sys.exit(f"no binary at {b} (cargo build --release)")
    if not (args.course / "book.toml").is_file():
        sys.exit(f"no book.toml in {args.course}")
    args.work.mkdir(parents=True, exist_ok=True)
    courses = {"on": args.work / "on", "off": args.work / "off"}
    for kind, dest in courses.items():
        copy_course(args.course, dest, kind == "on")
    cache = args.work / "cache"
    keep = args.caches == "blocks"
    # One build of each to warm the highlight cache and the page cache.
    for b in binaries:
        for kind, course in courses.items():
            build(b, course, args.work / f"site-{kind}", cache, keep)
    samples: dict = {}
    for _ in range(args.runs):
        for i, b in enumerate(binaries):
            for kind, course in courses.items():
                samples.setdefault((i, kind), []).append(build(b, course, args.work / f"site-{kind}", cache, keep))
    median = lambda rows, key: statistics.median(r[key] for r in rows)
    print(f"{args.course}: medians of {args.runs} builds of each, taken in turn, caches: {args.caches}")
    print("| binary | search | wall ms | CPU ms | peak MB | minor faults | print+search step ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for i, b in enumerate(binaries):
        for kind in courses:
            rows = samples[(i, kind)]
            print(f"| {b} | {kind} | {median(rows, 'wall'):.0f} | {median(rows, 'cpu'):.0f} | "
                  f"{median(rows, 'peak'):.0f} | {median(rows, 'faults'):.0f} | {median(rows, 'step'):.1f} |")
    for i, b in enumerate(binaries):
        on, off = samples[(i, "on")], samples[(i, "off")]
        wall = median(on, "wall") / median(off, "wall") - 1
        cpu = median(on, "cpu") / median(off, "cpu") - 1
        print(f"{b}: search adds {wall * 100:+.1f} % wall time, {cpu * 100:+.1f} % CPU time (budget: +10 %)")
    if args.floor:
        floor = floor_ms(args.course)
        off = samples[(0, "off")]
        budget, budget_wall = 0.10 * median(off, "cpu"), 0.10 * median(off, "wall")
        cores = os.cpu_count() or 1
        for label, ms in floor.items():
            print(f"floor, {label}: {ms:.1f} ms of CPU, {ms / budget * 100:.0f} % of the budget in CPU time "
                  f"(10 % of the build without search: {budget:.0f} ms); spread over {cores} cores without "
                  f"loss, {ms / cores:.1f} ms, {ms / cores / budget_wall * 100:.0f} % of it in wall time "
                  f"({budget_wall:.0f} ms)")


if __name__ == "__main__":
    main()
