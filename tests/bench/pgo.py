#!/usr/bin/env python3
"""Build coursebook with profile-guided optimisation (PGO), as the Linux x86-64 releases are built.

    python3 tests/bench/pgo.py                 # target/pgo/dist/coursebook
    python3 tests/bench/pgo.py --profile-only --out FILE.profdata

rustc compiles coursebook once with instrumentation (`-Cprofile-generate`), the instrumented
program builds the training courses below, and rustc compiles it again with what was counted
(`-Cprofile-use`): branches laid out as they go, hot code inlined, cold code set aside. Both
builds use the `dist` profile (fat LTO, one codegen unit) in their own target folders, so the
everyday `target/` is left alone.

The training courses are the example course (`book.toml`, `content/`) and the benchmark's
default course of 1,000 lessons (`bench.py`'s generator, seed 1: prose, three languages of
code, quizzes, a glossary), each built clean, then again with its caches warm, then into its
previous site. The benchmark's code-heavy course is not among them: its figures are measured
on code the training never saw (seven languages, four of them not in the training course).

`--profile-only` stops after the counting and writes the merged profile to `--out`: the
release workflow (.github/build-setup.yml) does that, with `--target-triple` as cargo-dist
builds, then sets `RUSTFLAGS=-Cprofile-use=<it>` for cargo-dist's own build.

Needs llvm-profdata of the toolchain's own LLVM: `rustup component add llvm-tools`, which the
script runs when it is missing. Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent.parent
sys.path.insert(0, str(BENCH))
import bench  # noqa: E402  (the course generator)
from bench import log  # noqa: E402

TRAINING_LESSONS = 1000


def llvm_profdata() -> Path:
    """The toolchain's llvm-profdata (its profiles are read by this rustc's LLVM only)."""
    sysroot = Path(subprocess.run(["rustc", "--print", "sysroot"], check=True, capture_output=True,
                                  text=True).stdout.strip())
    host = next(line.split(": ", 1)[1] for line in
                subprocess.run(["rustc", "-vV"], check=True, capture_output=True, text=True).stdout.splitlines()
                if line.startswith("host: "))
    exe = ".exe" if os.name == "nt" else ""
    tool = sysroot / "lib" / "rustlib" / host / "bin" / f"llvm-profdata{exe}"
    if not tool.exists():
        log("installing llvm-profdata: rustup component add llvm-tools")
        subprocess.run(["rustup", "component", "add", "llvm-tools"], check=True)
    if not tool.exists():
        sys.exit(f"no llvm-profdata at {tool} after `rustup component add llvm-tools`")
    return tool


def cargo_build(target_dir: Path, rustflags: str, triple: str | None) -> Path:
    """`cargo build --profile dist` with `rustflags` into `target_dir` (for `triple`, if given);
    the binary's path."""
    env = {**os.environ, "RUSTFLAGS": rustflags, "CARGO_TARGET_DIR": str(target_dir)}
    env.pop("CARGO_ENCODED_RUSTFLAGS", None)
    cmd = ["cargo", "build", "--profile", "dist", "--locked"] + (["--target", triple] if triple else [])
    log(f"building coursebook: RUSTFLAGS={rustflags} {' '.join(cmd)} (target folder {target_dir})")
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    return target_dir / (triple or "") / "dist" / ("coursebook.exe" if os.name == "nt" else "coursebook")


def training_courses(work: Path) -> list[Path]:
    """The courses the instrumented build runs on, written afresh under `work`."""
    example = work / "example"
    shutil.rmtree(example, ignore_errors=True)
    example.mkdir(parents=True)
    shutil.copy2(ROOT / "book.toml", example / "book.toml")
    shutil.copytree(ROOT / "content", example / "content")
    generated = work / f"n{TRAINING_LESSONS}"
    shutil.rmtree(generated, ignore_errors=True)
    bench.write_coursebook(bench.make_course(TRAINING_LESSONS, 1, False), generated)
    return [example, generated]


def train(binary: Path, courses: list[Path], work: Path) -> None:
    """Each course built clean, with its caches warm, and into its previous site."""
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "COURSEBOOK_CACHE_DIR": str(cache)}

    def build(course: Path, run: str) -> None:
        log(f"training: {course.name}, {run}")
        subprocess.run([str(binary), "build", "-q"], cwd=course, env=env, check=True)

    # The courses are written afresh (training_courses): no site yet.
    for course in courses:
        build(course, "clean")
        shutil.rmtree(course / "site")
        build(course, "warm, site removed")
        build(course, "into the previous site")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=BENCH / "work" / "pgo",
                        help="work folder (default tests/bench/work/pgo)")
    parser.add_argument("--target", type=Path, default=ROOT / "target" / "pgo",
                        help="target folder of the optimised build (default target/pgo)")
    parser.add_argument("--profile-only", action="store_true",
                        help="stop once the profile is merged (for the release workflow)")
    parser.add_argument("--out", type=Path, help="where the merged profile goes (default WORK/coursebook.profdata)")
    parser.add_argument("--target-triple", dest="triple",
                        help="build for this target (`cargo build --target`), as the build that uses the "
                             "profile will: cargo names a crate's functions differently with and without "
                             "--target, and a profile counted under other names is not used")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    out = (args.out or work / "coursebook.profdata").resolve()
    profdata = llvm_profdata()

    raw = work / "raw"
    instrumented = cargo_build(ROOT / "target" / "pgo-generate", f"-Cprofile-generate={raw}", args.triple)
    # RUSTFLAGS instrument the build scripts and proc macros too, which leave their own counts
    # as they run: only the training's are wanted.
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir()
    train(instrumented, training_courses(work), work)
    subprocess.run([str(profdata), "merge", "-o", str(out), str(raw)], check=True)
    log(f"profile: {out}")
    if args.profile_only:
        return
    binary = cargo_build(args.target.resolve(), f"-Cprofile-use={out}", args.triple)
    print(binary)


if __name__ == "__main__":
    main()
