#!/usr/bin/env python3
"""Benchmark coursebook against mdBook and Hugo on the same synthetic course, in one run.

    python3 tests/bench/bench.py [--sizes 100,1000,10000] [--runs 3] [--large-runs 1] [--out FILE]

For each size N the script writes a deterministic course of N lessons (chapters of 50) in
coursebook's layout, converts it to mdBook's and Hugo's, builds each tool from a clean output
folder several times (the tools take turns, run after run), and reports median wall time, CPU
time (user + sys of the child and its children), peak RSS, output size and HTML page count, plus
the coursebook ÷ tool ratios taken run by run. Two floors render the same Markdown on one
thread: pulldown-cmark alone, and pulldown-cmark + syntaxmate highlighting (tests/bench/floor).

Every build is checked: the expected number of HTML pages, and in coursebook's lesson pages
highlighted code (hl-), MathML (<math), glossary links (data-term=) and quizzes (data-quiz=).

coursebook is built as the Linux x86-64 releases are: the `dist` profile with profile-guided
optimisation (tests/bench/pgo.py, trained on the example course and the default 1,000-lesson
course); `--no-pgo` measures the plain `dist` build, `--coursebook` a binary of your own.

Python 3.11, standard library only. Work folders go to tests/bench/work/ (gitignored).
Missing peers are installed: `cargo install mdbook --locked`, `apt-get install -y hugo`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import statistics
import sysconfig
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent.parent
FLOOR = BENCH / "floor"
CHAPTER_SIZE = 50
GLOSSARY_TERMS = 200
IMAGES = 8
LARGE = 5000  # sizes from here on use --large-runs

# --------------------------------------------------------------------------------------------
# Vocabulary. Prose is drawn from plain words; glossary terms are two-word compounds drawn from
# two other lists, so a term appears in the text only where the generator puts it.
# --------------------------------------------------------------------------------------------

WORDS = """
the a an and or but so because when while after before if then than that this these those
it its they them their we our you your one two three few many most some every each other
model data value number step result input output example table line point change error
course lesson reader learner idea rule pattern method answer question problem case test
run build make find take give show keep turn move look read write check count measure
small large fast slow simple careful clear useful common early late next last first final
good better best hard easy long short high low new old same different whole part half
time day week hour minute order group list set map page word letter name label note
system process function program file folder command tool version source target path
always often sometimes rarely never again together apart almost nearly quite very just
learn teach explain compare choose decide improve reduce increase follow repeat start stop
before during across between through around under over into from with without about
because therefore however instead meanwhile later finally usually probably certainly
practice exercise project team review draft plan goal level range limit scale size shape
""".split()

TERM_A = """
sparse dense gradient linear random stochastic batch hidden residual causal masked shared
frozen quantized adaptive greedy sampled weighted normalized convolutional recurrent latent
contrastive supervised federated distilled
""".split()

TERM_B = """
descent layer vector matrix encoder decoder attention embedding tokenizer optimizer
regularizer scheduler checkpoint activation kernel projection pooling sampler baseline
objective estimator classifier ensemble pipeline
""".split()

TOPICS = """
training loops, evaluation, data cleaning, tokenization, fine-tuning, inference, deployment,
monitoring, quantization, distillation, retrieval, prompting, safety, scaling, debugging,
benchmarks, embeddings, attention, optimizers, regularization
""".replace("\n", " ").strip().split(", ")

RUST_SNIPPETS = [
    """fn predict(w: f64, b: f64, x: f64) -> f64 {
    w * x + b
}

fn main() {
    let xs = [1.0, 2.0, 3.0, 4.0];
    let total: f64 = xs.iter().map(|&x| predict(2.0, 0.5, x)).sum();
    println!("total = {total:.2}");
}""",
    """use std::collections::HashMap;

/// Count how often each token appears.
pub fn counts(text: &str) -> HashMap<&str, usize> {
    let mut map = HashMap::new();
    for token in text.split_whitespace() {
        *map.entry(token).or_insert(0) += 1;
    }
    map
}""",
    """#[derive(Debug, Clone)]
struct Step {
    lr: f32,
    decay: f32,
}

impl Step {
    fn next(&self, epoch: u32) -> f32 {
        self.lr * (1.0 - self.decay).powi(epoch as i32)
    }
}""",
]

PYTHON_SNIPPETS = [
    """import math

def loss(pred, target):
    \"\"\"Mean squared error.\"\"\"
    return sum((p - t) ** 2 for p, t in zip(pred, target)) / len(pred)

print(f"loss = {loss([1.0, 2.0], [1.5, 1.5]):.3f}")""",
    """def train(w, b, data, lr=0.01, epochs=100):
    for epoch in range(epochs):
        for x, y in data:
            err = (w * x + b) - y
            w -= lr * err * x
            b -= lr * err
    return w, b

w, b = train(0.0, 0.0, [(1, 3), (2, 5), (3, 7)])""",
    """from dataclasses import dataclass

@dataclass
class Example:
    text: str
    label: int

examples = [Example("good", 1), Example("bad", 0)]
positives = [e for e in examples if e.label == 1]""",
]

BASH_SNIPPETS = [
    """# Fetch the data and count the lines
mkdir -p data && cd data
for f in *.csv; do
  echo "$f: $(wc -l < "$f") lines"
done""",
    """#!/usr/bin/env bash
set -euo pipefail
python3 train.py --epochs 10 --lr 0.01 | tee train.log
grep -c "loss" train.log""",
]

# The code-heavy variant's other languages (--code-heavy): every one highlighted by syntaxmate,
# highlight.js (mdBook) and Chroma (Hugo).
JS_SNIPPETS = [
    """// Fit a line by gradient descent
function fit(xs, ys, steps = 1000, lr = 0.01) {
  let w = 0, b = 0;
  for (let i = 0; i < steps; i++) {
    const grads = xs.map((x, j) => (w * x + b - ys[j]));
    w -= lr * grads.reduce((s, g, j) => s + g * xs[j], 0) / xs.length;
    b -= lr * grads.reduce((s, g) => s + g, 0) / xs.length;
  }
  return { w, b };
}""",
    """export async function load(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()).rows.filter((r) => r.size > 0);
}""",
]
JSON_SNIPPETS = [
    """{
  "model": "linear",
  "weights": [0.25, -1.5, 3.0],
  "bias": 0.1,
  "trained": true,
  "epochs": 10
}""",
    """[
  {"size": 50, "price": 160000},
  {"size": 80, "price": 245000},
  {"size": 120, "price": 330000}
]""",
]
GO_SNIPPETS = [
    """package main

import "fmt"

func predict(w, b, x float64) float64 {
	return w*x + b
}

func main() {
	fmt.Println(predict(2.0, 1.0, 3.0))
}""",
    """type Point struct{ X, Y float64 }

func mean(ps []Point) (mx, my float64) {
	for _, p := range ps {
		mx += p.X
		my += p.Y
	}
	n := float64(len(ps))
	return mx / n, my / n
}""",
]
C_SNIPPETS = [
    """#include <stdio.h>

double predict(double w, double b, double x) {
    return w * x + b;
}

int main(void) {
    printf("%f\\n", predict(2.0, 1.0, 3.0));
    return 0;
}""",
    """static double mse(const double *pred, const double *y, int n) {
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double d = pred[i] - y[i];
        sum += d * d;
    }
    return sum / n;
}""",
]

FENCE = "```"


# --------------------------------------------------------------------------------------------
# The synthetic course: one model, written three ways.
# --------------------------------------------------------------------------------------------


@dataclass
class Term:
    name: str
    id: str
    plural: str
    definition: str
    see: list[str]


@dataclass
class Lesson:
    index: int  # 0-based, course-wide
    chapter: int  # 0-based
    number: int  # 1-based within its chapter
    title: str
    slug: str
    description: str
    objectives: list[str]
    terms: list[int]  # glossary indices for `terms:`
    mentions: list[int]  # glossary indices mentioned in the prose
    body: list[tuple]  # blocks, see render_body
    quiz: list[dict]

    @property
    def stem(self) -> str:
        return f"{self.number:02d}-{self.slug}"


@dataclass
class Chapter:
    index: int
    title: str
    slug: str
    intro: str
    lessons: list[Lesson] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return f"{self.index + 1:03d}-{self.slug}"


@dataclass
class Course:
    n: int
    title: str
    terms: list[Term]
    chapters: list[Chapter]
    lessons: list[Lesson]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sentence(rng: random.Random, lo: int = 8, hi: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    # Light inline markup, as real prose has.
    roll = rng.random()
    if roll < 0.12:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    elif roll < 0.22:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    elif roll < 0.30:
        i = rng.randrange(len(words))
        words[i] = f"`{words[i]}_{rng.randint(1, 9)}`"
    text = " ".join(words)
    first = next(i for i, ch in enumerate(text) if ch.isalpha())
    text = text[:first] + text[first].upper() + text[first + 1:]
    return text + rng.choice([".", ".", ".", ".", "?", "!"])


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def make_glossary(rng: random.Random) -> list[Term]:
    pairs = [(a, b) for a in TERM_A for b in TERM_B]
    rng.shuffle(pairs)
    terms = []
    for a, b in pairs[:GLOSSARY_TERMS]:
        name = f"{a} {b}"
        plural = name[:-1] + "ices" if name.endswith("ix") else f"{name}s"
        terms.append(Term(name=name[0].upper() + name[1:], id=slugify(name), plural=plural,
                          definition="", see=[]))
    for t in terms:
        t.definition = sentence(rng, 10, 20)
        if rng.random() < 0.5:
            t.see = [o.id for o in rng.sample(terms, 2) if o.id != t.id]
    return terms


def make_quiz(rng: random.Random, lesson_title: str, terms: list[Term]) -> list[dict]:
    term = terms[0]
    wrong = [t for t in terms[1:]][:3]
    w, b, x = rng.randint(2, 9), rng.randint(1, 20), rng.randint(2, 30)
    single_choices = [{"text": f"The {term.name.lower()}", "correct": True,
                       "feedback": "Right: " + sentence(rng, 5, 9)}]
    single_choices += [{"text": f"The {t.name.lower()}", "feedback": sentence(rng, 5, 9)} for t in wrong]
    rng.shuffle(single_choices)
    multi = [{"text": sentence(rng, 4, 8), "correct": i < 2} for i in range(4)]
    rng.shuffle(multi)
    return [
        {"id": "concept", "type": "single",
         "prompt": f"Which idea is at the centre of “{lesson_title}”?",
         "choices": single_choices,
         "explanation": paragraph(rng, 2)},
        {"id": "statements", "type": "multiple",
         "prompt": "Which of these statements are true? Choose every one that applies.",
         "choices": multi,
         "hint": sentence(rng, 6, 10)},
        {"id": "predict", "type": "numeric",
         "prompt": f"With $w = {w}$ and $b = {b}$, what is $\\hat{{y}}$ for $x = {x}$?",
         "answer": w * x + b, "tolerance": 0,
         "explanation": f"$\\hat{{y}} = {w} \\times {x} + {b} = {w * x + b}$."},
        {"id": "name-it", "type": "text",
         "prompt": f"Name the term defined as: {term.definition}",
         "answers": [term.name.lower(), term.plural]},
    ]


def make_course(n: int, seed: int, code_heavy: bool = False, real_code: "RealCode | None" = None) -> Course:
    rng = random.Random(f"coursebook-bench-{seed}")
    terms = make_glossary(rng)
    rng = random.Random(f"coursebook-bench-{seed}-{n}")
    chapters: list[Chapter] = []
    lessons: list[Lesson] = []
    for i in range(n):
        c, number = divmod(i, CHAPTER_SIZE)
        if number == 0:
            topic = TOPICS[c % len(TOPICS)]
            title = f"Chapter {c + 1}: {topic[0].upper() + topic[1:]}"
            chapters.append(Chapter(index=c, title=title, slug=slugify(f"part {c + 1} {topic}"),
                                    intro=paragraph(rng, 4)))
        mentioned = rng.sample(range(len(terms)), 6)
        topic_term = terms[mentioned[0]]
        title = f"Lesson {i + 1}: {rng.choice(['Working with', 'Understanding', 'Tuning', 'Debugging', 'Measuring'])} {topic_term.plural}"
        lesson = Lesson(
            index=i, chapter=c, number=number + 1, title=title, slug=slugify(title),
            description=sentence(rng, 10, 16),
            objectives=[sentence(rng, 6, 10).rstrip(".?!").lower() for _ in range(2)],
            terms=mentioned[: rng.randint(2, 3)], mentions=mentioned, body=[],
            quiz=make_quiz(rng, title, [terms[t] for t in mentioned]))
        chapters[-1].lessons.append(lesson)
        lessons.append(lesson)
    for lesson in lessons:
        lesson.body = make_body(rng, lesson, lessons, terms)
        if code_heavy:
            add_code(rng, lesson)
            code_rng = random.Random(f"coursebook-bench-{seed}-{n}-code-{lesson.index}")
            if real_code is None:
                vary_code(code_rng, lesson)
            else:
                real_code.fill(code_rng, lesson)
    return Course(n=n, title=f"Synthetic course ({n} lessons)", terms=terms, chapters=chapters,
                  lessons=lessons)


def with_mention(rng: random.Random, text: str, phrase: str) -> str:
    words = text.split(" ")
    at = rng.randrange(1, max(2, len(words) - 1))
    words.insert(at, phrase)
    return " ".join(words)


def make_body(rng: random.Random, lesson: Lesson, lessons: list[Lesson], terms: list[Term]) -> list[tuple]:
    """Blocks: ("p", text) ("h", text) ("ul", items) ("ol", items) ("code", lang, code)
    ("table", rows) ("tip", title, text) ("math", text) ("img", alt, image index)
    ("link", text, lesson, anchor-or-None, after-text)."""
    mention_names = [terms[t].name.lower() if k % 2 == 0 else terms[t].plural
                     for k, t in enumerate(lesson.mentions)]
    paras = [paragraph(rng, rng.randint(4, 6)) for _ in range(10)]
    for k, name in enumerate(mention_names):
        paras[k] = with_mention(rng, paras[k], name)
    previous = lessons[lesson.index - 1] if lesson.index > 0 else lessons[-1]
    other = lessons[rng.randrange(len(lessons))]
    langs = [("rust", RUST_SNIPPETS), ("python", PYTHON_SNIPPETS), ("bash", BASH_SNIPPETS)]
    code_count = rng.randint(2, 3)
    codes = [(lang, rng.choice(snips)) for lang, snips in rng.sample(langs, code_count)]
    blocks: list[tuple] = [
        ("p", paras[0]),
        ("h", "Overview"),
        ("p", paras[1]),
        ("link", "Before this, read", previous, None, sentence(rng, 6, 10)),
        ("tip", rng.choice(["Key idea", "Remember", "In short"]), sentence(rng, 12, 20)),
        ("math", f"A line fits the points: $\\hat{{y}} = w x + b$, where {sentence(rng, 8, 12).lower()}"),
        ("h", "Working through an example"),
        ("p", paras[2]),
        ("ul", [sentence(rng, 5, 10) for _ in range(rng.randint(3, 5))]),
        ("code",) + codes[0],
        ("p", paras[3]),
        ("ol", [sentence(rng, 5, 10) for _ in range(rng.randint(3, 4))]),
        ("code",) + codes[1],
        ("h", "Comparing the options"),
        ("p", paras[4]),
        ("table", [["Option", "Speed", "Memory", "When to use"]]
         + [[rng.choice(WORDS).capitalize(), f"{rng.randint(1, 99)} ms", f"{rng.randint(1, 512)} MB",
             sentence(rng, 3, 6)] for _ in range(4)]),
        ("p", paras[5]),
        ("img", f"Figure {lesson.index + 1}", lesson.index % IMAGES),
    ]
    if len(codes) > 2:
        blocks += [("p", paras[6]), ("code",) + codes[2]]
    blocks += [
        ("h", "Going further"),
        ("p", paras[7]),
        ("link", "See also the summary of", other, "summary", sentence(rng, 6, 10)),
        ("p", paras[8]),
        ("h", "Summary"),
        ("p", paras[9]),
    ]
    return blocks


def add_code(rng: random.Random, lesson: Lesson) -> None:
    """The code-heavy variant: about three times the lesson's code blocks, in six languages, each
    after one of its paragraphs."""
    langs = [("rust", RUST_SNIPPETS), ("python", PYTHON_SNIPPETS), ("bash", BASH_SNIPPETS),
             ("javascript", JS_SNIPPETS), ("json", JSON_SNIPPETS), ("go", GO_SNIPPETS), ("c", C_SNIPPETS)]
    have = sum(1 for b in lesson.body if b[0] == "code")
    paragraphs = [i for i, b in enumerate(lesson.body) if b[0] == "p"]
    extra = sorted(rng.sample(paragraphs, min(len(paragraphs), 2 * have)), reverse=True)
    for i in extra:
        lang, snippets = rng.choice(langs)
        lesson.body.insert(i + 1, ("code", lang, rng.choice(snippets)))


NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
DEFINED = re.compile(r"\b(?:fn|def|function|func|struct|int|float|double|void)\s+([A-Za-z_]\w*)")


def vary_code(rng: random.Random, lesson: Lesson) -> None:
    """Make each of the code-heavy variant's blocks its own, as a real course's are: the snippets
    are a handful, repeated 7,410 times on 1,000 lessons (16 distinct blocks), which a
    highlighter with a line cache (syntaxmate) and a block cache find almost free. Every number
    gets another value and every name the snippet defines a suffix of its own, so nearly every
    line differs; the block's shape and language stay."""
    for k, block in enumerate(lesson.body):
        if block[0] != "code":
            continue
        _, lang, code = block
        suffix = f"_{lesson.index}_{k}"
        for name in sorted(set(DEFINED.findall(code)), key=len, reverse=True):
            if name in ("main", "self", "Self"):
                continue
            code = re.sub(rf"\b{re.escape(name)}\b", name + suffix, code)

        def number(m: re.Match) -> str:
            text = m.group(0)
            if "." in text:
                return f"{rng.uniform(0, 10 ** len(text.split('.')[0])):.{len(text.split('.')[1])}f}"
            return str(rng.randrange(10 ** max(1, len(text))))

        lesson.body[k] = ("code", lang, NUMBER.sub(number, code))


class RealCode:
    """The code-heavy variant's blocks cut from real source files on this machine instead of
    the generator's snippets: for each block, a window of as many lines as its snippet from a
    file of its language, chosen by the seed. The generated blocks are a handful of snippets
    with their names and numbers changed, so most of their lines repeat (14,216 distinct of
    58,251 at 1,000 lessons, seed 1) and a highlighter's line cache finds them cheap; real code
    repeats less (30,019 distinct of 57,243 on the machine this was written on) and its lines
    are longer (1.88 MB of code against 1.46). A window starts where a definition or a
    statement does, skips lines over 160 characters, and is not used twice unless no other is
    found. Which files there are depends on the machine (the cargo registry, Python's and Go's
    standard libraries, npm, C headers, bash completions): a language with none keeps its
    generated snippets, said once."""

    # Where each language's files are looked for, and their endings; `""` also takes a file whose
    # name has no dot (bash completion scripts have no ending).
    SOURCES: dict[str, list[tuple[Path, tuple[str, ...]]]] = {
        "rust": [(Path.home() / ".cargo" / "registry" / "src", (".rs",))],
        "python": [(Path(sysconfig.get_paths()["stdlib"]), (".py",))],
        "bash": [(Path("/usr/share/bash-completion/completions"), (".sh", ".bash", "")),
                 (Path("/usr/share/doc"), (".sh", ".bash")), (Path("/etc"), (".sh", ".bash"))],
        "javascript": [(Path("/usr/lib/node_modules"), (".js",)), (Path("/usr/share/nodejs"), (".js",))],
        "json": [(Path("/usr/lib/node_modules"), (".json",)), (Path("/usr/share/nodejs"), (".json",))],
        "go": [(Path("/usr/lib/go/src"), (".go",)), (Path("/usr/share/go"), (".go",))],
        "c": [(Path.home() / ".cargo" / "registry" / "src", (".c", ".h")), (Path("/usr/include"), (".c", ".h"))],
    }
    # Files looked at a language, at most (sorted paths, so the same machine gives the same course).
    MAX_FILES = 4000

    def __init__(self) -> None:
        self.files: dict[str, list[Path]] = {}
        self.lines: dict[Path, list[str]] = {}
        self.used: set[str] = set()
        for lang, roots in self.SOURCES.items():
            found: set[Path] = set()
            for root, endings in roots:
                if not root.is_dir():
                    continue
                # Symbolic links resolved at the root only: followed below, a cycle would not end.
                for dirpath, _, names in os.walk(root.resolve()):
                    found.update(Path(dirpath) / f for f in names if self.ends(f, endings))
            # Evenly through the sorted list (every k-th file), so no one folder fills it.
            self.files[lang] = sorted(found)[:: max(1, len(found) // self.MAX_FILES)][: self.MAX_FILES]
            log(f"   real code, {lang}: {len(found)} files" + ("" if found else " (none: generated snippets kept)"))

    @staticmethod
    def ends(name: str, endings: tuple[str, ...]) -> bool:
        """Whether a file of this name is one of `endings` (`""`: a name without a dot)."""
        return any(name.endswith(e) if e else "." not in name for e in endings)

    def usable(self, path: Path) -> list[str]:
        """The file's lines that may stand in a fenced block of every tool's Markdown."""
        if path not in self.lines:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            # A fence would end the block; `{{` is a directive to mdBook, coursebook and Hugo.
            lines = [] if "```" in text or "~~~" in text or "{{" in text or "\r" in text else text.splitlines()
            self.lines[path] = [l.rstrip() for l in lines if len(l) <= 160]
        return self.lines[path]

    def fill(self, rng: random.Random, lesson: Lesson) -> None:
        for k, block in enumerate(lesson.body):
            if block[0] != "code" or not self.files.get(block[1]):
                continue
            _, lang, code = block
            want = max(3, code.count("\n") + 1)
            again = None
            for _ in range(50):
                lines = self.usable(rng.choice(self.files[lang]))
                if len(lines) < want:
                    continue
                # A snippet starts where a definition or a statement does, as a course's do: at
                # a line that is not indented and closes nothing (a window from anywhere often
                # opened inside a comment or a string).
                starts = [i for i in range(len(lines) - want + 1)
                          if lines[i][:1] not in ("", " ", "\t", "}", ")", "]")]
                if starts:
                    at = rng.choice(starts)
                    window = "\n".join(lines[at: at + want]).rstrip("\n")
                    # Each block its own, as in a course: a window taken before is drawn again
                    # (and used only if no other is found).
                    if window in self.used:
                        again = again or window
                        continue
                    self.used.add(window)
                    lesson.body[k] = ("code", lang, window)
                    break
            else:
                if again:
                    lesson.body[k] = ("code", lang, again)


def rel_path(from_lesson_chapter: Chapter, to: Lesson, chapters: list[Chapter], ext: str = ".md") -> str:
    target = chapters[to.chapter]
    if target.index == from_lesson_chapter.index:
        return f"{to.stem}{ext}"
    return f"../{target.folder}/{to.stem}{ext}"


def render_body(course: Course, lesson: Lesson, flavour: str) -> str:
    """The lesson's Markdown body. flavour: coursebook | mdbook | hugo."""
    chapter = course.chapters[lesson.chapter]
    out: list[str] = []
    for block in lesson.body:
        kind = block[0]
        if kind == "p":
            out.append(block[1])
        elif kind == "h":
            out.append(f"## {block[1]}")
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in block[1]))
        elif kind == "ol":
            out.append("\n".join(f"{i + 1}. {item}" for i, item in enumerate(block[1])))
        elif kind == "code":
            out.append(f"{FENCE}{block[1]}\n{block[2]}\n{FENCE}")
        elif kind == "table":
            rows = block[1]
            lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
            lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
            out.append("\n".join(lines))
        elif kind == "tip":
            if flavour == "coursebook":
                out.append(f"> [!TIP] {block[1]}\n> {block[2]}")
            else:
                out.append(f"> [!TIP]\n> **{block[1]}.** {block[2]}")
        elif kind == "math":
            out.append(block[1])
        elif kind == "img":
            name = f"figure-{block[2] + 1}.png"
            src = f"/images/{name}" if flavour == "hugo" else f"../images/{name}"
            out.append(f"![{block[1]}]({src})")
        elif kind == "link":
            _, before, target, anchor, after = block
            frag = f"#{anchor}" if anchor else ""
            if flavour == "hugo":
                href = f'{{{{< relref "/{course.chapters[target.chapter].folder}/{target.stem}.md{frag}" >}}}}'
            else:
                href = rel_path(chapter, target, course.chapters) + frag
            out.append(f"{before} [{target.title}]({href}). {after}")
    return "\n\n".join(out) + "\n"


def yq(text) -> str:
    """A YAML scalar: JSON strings are valid YAML double-quoted scalars."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return str(text)
    return json.dumps(str(text), ensure_ascii=False)


def quiz_yaml(quiz: list[dict]) -> str:
    lines = ["title: Check yourself", "pass: 75%", "questions:"]
    for q in quiz:
        lines.append(f"  - id: {q['id']}")
        lines.append(f"    type: {q['type']}")
        lines.append(f"    prompt: {yq(q['prompt'])}")
        for choice_key in ("choices",):
            if choice_key in q:
                lines.append("    choices:")
                for ch in q["choices"]:
                    lines.append(f"      - text: {yq(ch['text'])}")
                    if ch.get("correct"):
                        lines.append("        correct: true")
                    if "feedback" in ch:
                        lines.append(f"        feedback: {yq(ch['feedback'])}")
        if "answer" in q:
            lines.append(f"    answer: {q['answer']}")
            lines.append(f"    tolerance: {q['tolerance']}")
        if "answers" in q:
            lines.append("    answers: [" + ", ".join(yq(a) for a in q["answers"]) + "]")
        for key in ("hint", "explanation"):
            if key in q:
                lines.append(f"    {key}: {yq(q[key])}")
    return "\n".join(lines) + "\n"


def quiz_markdown(quiz: list[dict]) -> str:
    """The quiz as plain Markdown, for the peers: questions, choices, answers in <details>."""
    out = ["## Check yourself"]
    for i, q in enumerate(quiz, 1):
        item = [f"{i}. {q['prompt']}"]
        if "choices" in q:
            item += [f"   - {ch['text']}" for ch in q["choices"]]
            answer = "; ".join(ch["text"] for ch in q["choices"] if ch.get("correct"))
        elif "answer" in q:
            answer = str(q["answer"])
        else:
            answer = " or ".join(q["answers"])
        if "hint" in q:
            item.append(f"\n   *Hint:* {q['hint']}")
        item.append(f"\n   <details><summary>Answer</summary>\n\n   {answer}. {q.get('explanation', '')}\n\n   </details>")
        out.append("\n".join(item))
    return "\n\n".join(out) + "\n"


def png(width: int, height: int, seed: int) -> bytes:
    """A small gradient PNG, written without any imaging library."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        for x in range(width):
            raw += bytes(((x * 4 + seed * 31) % 256, (y * 5 + seed * 17) % 256, (x + y + seed * 50) % 256))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def front_matter(fields: dict) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, list) and key == "terms":
            lines.append(f"{key}: [" + ", ".join(value) + "]")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {yq(v)}" for v in value]
        else:
            lines.append(f"{key}: {yq(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def key_terms_markdown(course: Course, lesson: Lesson, glossary_href: str) -> str:
    items = []
    for t in lesson.terms:
        term = course.terms[t]
        items.append(f"- [{term.name}]({glossary_href}#{term.id}): {term.definition}")
    return "## Key terms\n\n" + "\n".join(items) + "\n"


def objectives_markdown(lesson: Lesson) -> str:
    return f"*{lesson.description}*\n\nAfter this lesson you can:\n\n" + "\n".join(
        f"- {o}" for o in lesson.objectives) + "\n\n"


def glossary_markdown(course: Course) -> str:
    out = []
    for term in sorted(course.terms, key=lambda t: t.name.lower()):
        see = ""
        if term.see:
            names = {t.id: t.name for t in course.terms}
            see = "\n\nSee also: " + ", ".join(f"[{names[s]}](#{s})" for s in term.see)
        out.append(f"## {term.name} {{#{term.id}}}\n\n{term.definition}{see}")
    return "\n\n".join(out) + "\n"


def write_coursebook(course: Course, root: Path) -> None:
    write(root / "book.toml", f'[book]\ntitle = "{course.title}"\nlanguage = "en"\nsrc = "content"\n\n'
          '[build]\nbuild-dir = "site"\n\n[output.html]\nsite-url = "/course/"\n\n'
          '[course]\nglossary = "glossary.yaml"\n')
    src = root / "content"
    write(src / "index.md", front_matter({"title": course.title}) + paragraph(random.Random(1), 5) + "\n")
    gl = []
    for t in course.terms:
        gl.append(f"- term: {yq(t.name)}\n  definition: {yq(t.definition)}\n  aliases: [{yq(t.plural)}]")
        if t.see:
            gl.append("  see: [" + ", ".join(t.see) + "]")
    write(src / "glossary.yaml", "\n".join(gl) + "\n")
    for i in range(IMAGES):
        write(src / "images" / f"figure-{i + 1}.png", png(96, 64, i))
    for chapter in course.chapters:
        folder = src / chapter.folder
        write(folder / "index.md", front_matter({"title": chapter.title}) + chapter.intro + "\n")
        for lesson in chapter.lessons:
            fm = front_matter({"title": lesson.title, "description": lesson.description,
                               "objectives": lesson.objectives,
                               "terms": [course.terms[t].id for t in lesson.terms]})
            write(folder / f"{lesson.stem}.md", fm + render_body(course, lesson, "coursebook"))
            write(folder / f"{lesson.stem}.quiz.yaml", quiz_yaml(lesson.quiz))


def write_mdbook(course: Course, root: Path) -> None:
    write(root / "book.toml", f'[book]\ntitle = "{course.title}"\nlanguage = "en"\nsrc = "src"\n\n'
          '[build]\nbuild-dir = "book"\n\n[output.html]\nsite-url = "/course/"\n')
    src = root / "src"
    summary = ["# Summary", "", "[Introduction](index.md)", ""]
    write(src / "index.md", f"# {course.title}\n\n" + paragraph(random.Random(1), 5) + "\n")
    for i in range(IMAGES):
        write(src / "images" / f"figure-{i + 1}.png", png(96, 64, i))
    for chapter in course.chapters:
        folder = src / chapter.folder
        write(folder / "index.md", f"# {chapter.title}\n\n{chapter.intro}\n")
        summary.append(f"- [{chapter.title}]({chapter.folder}/index.md)")
        for lesson in chapter.lessons:
            text = (f"# {lesson.title}\n\n" + objectives_markdown(lesson) + render_body(course, lesson, "mdbook")
                    + "\n" + key_terms_markdown(course, lesson, "../glossary.md") + "\n" + quiz_markdown(lesson.quiz))
            write(folder / f"{lesson.stem}.md", text)
            summary.append(f"  - [{lesson.title}]({chapter.folder}/{lesson.stem}.md)")
    write(src / "glossary.md", "# Glossary\n\n" + glossary_markdown(course))
    summary += ["", "[Glossary](glossary.md)"]
    write(src / "SUMMARY.md", "\n".join(summary) + "\n")


HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ .Site.Title }}</title>
</head>
<body>
<nav><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>{{ with .Parent }}{{ if not .IsHome }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</nav>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ .Content }}
</article>
<nav class="pager">
{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
"""

HUGO_404 = """{{ define "main" }}<h1>Page not found</h1><p><a href="{{ .Site.Home.RelPermalink }}">Home</a></p>{{ end }}
"""


def write_hugo(course: Course, root: Path) -> None:
    write(root / "config.toml", f'baseURL = "/course/"\ntitle = "{course.title}"\nlanguageCode = "en"\n'
          'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
          '[markup.highlight]\ncodeFences = true\n')
    write(root / "layouts" / "_default" / "baseof.html", HUGO_BASEOF)
    write(root / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    write(root / "layouts" / "_default" / "list.html", HUGO_LIST)
    write(root / "layouts" / "404.html", HUGO_404)
    for i in range(IMAGES):
        write(root / "static" / "images" / f"figure-{i + 1}.png", png(96, 64, i))
    content = root / "content"
    write(content / "_index.md", front_matter({"title": course.title}) + paragraph(random.Random(1), 5) + "\n")
    write(content / "glossary.md", front_matter({"title": "Glossary", "weight": 999999})
          + glossary_markdown(course))
    for chapter in course.chapters:
        folder = content / chapter.folder
        write(folder / "_index.md", front_matter({"title": chapter.title, "weight": chapter.index + 1}) + chapter.intro + "\n")
        for lesson in chapter.lessons:
            fm = front_matter({"title": lesson.title, "weight": lesson.number, "description": lesson.description})
            text = (fm + objectives_markdown(lesson) + render_body(course, lesson, "hugo") + "\n"
                    + key_terms_markdown(course, lesson, "/course/glossary/") + "\n" + quiz_markdown(lesson.quiz))
            write(folder / f"{lesson.stem}.md", text)


# --------------------------------------------------------------------------------------------
# Tools, measurement, checks.
# --------------------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def output_of(cmd: list[str], **kw) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw).stdout.strip()
    except OSError:
        return ""


def ensure_coursebook(path: Path | None, work: Path, pgo: bool = True) -> Path:
    # The published binaries' build, always brought up to date: the benchmark measures what users
    # download, not the everyday `--release` build. That is the `dist` profile (fat LTO, one
    # codegen unit) with profile-guided optimisation (tests/bench/pgo.py, as the Linux x86-64
    # releases are built; a few minutes more), or without it (--no-pgo, as the other platforms').
    src = path or ROOT / "target" / "dist" / "coursebook"
    if path and not src.exists():
        sys.exit(f"no coursebook binary at {path}")
    if not path and pgo:
        log("building coursebook with PGO: python3 tests/bench/pgo.py (several minutes)")
        # pgo.py prints the binary it built.
        src = Path(subprocess.run([sys.executable, str(BENCH / "pgo.py")], cwd=ROOT, check=True,
                                  stdout=subprocess.PIPE, text=True).stdout.strip())
    elif not path:
        log("building coursebook: cargo build --profile dist")
        subprocess.run(["cargo", "build", "--profile", "dist"], cwd=ROOT, check=True)
    # Pin a copy: target/dist may be rebuilt by someone else while the benchmark runs.
    pinned = work / "bin" / "coursebook"
    pinned.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, pinned)
    return pinned


def ensure_mdbook(install: bool) -> str | None:
    found = shutil.which("mdbook") or next(
        (str(p) for p in [Path.home() / ".cargo" / "bin" / "mdbook"] if p.exists()), None)
    if found or not install:
        return found
    log("installing mdBook: cargo install mdbook --locked (a few minutes)")
    subprocess.run(["cargo", "install", "mdbook", "--locked"], check=True)
    return shutil.which("mdbook") or str(Path.home() / ".cargo" / "bin" / "mdbook")


def ensure_hugo(install: bool) -> str | None:
    found = shutil.which("hugo")
    if found or not install:
        return found
    log("installing Hugo: apt-get install -y hugo")
    if subprocess.run(["apt-get", "install", "-y", "hugo"], check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "hugo"], check=True)
    return shutil.which("hugo")


def ensure_floor() -> Path:
    binary = FLOOR / "target" / "release" / "bench-floor"
    log("building the floor program: cargo build --release (tests/bench/floor)")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path", str(FLOOR / "Cargo.toml"),
                    "--target-dir", str(FLOOR / "target")], check=True)
    return binary


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float


def measure(cmd: list[str], cwd: Path, logfile: Path, env: dict | None = None) -> Sample:
    """Run cmd to completion; wall time, user+sys CPU and peak RSS of it and its children."""
    with open(logfile, "ab") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = logfile.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(cmd)} failed with {proc.returncode}:\n{tail}")
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mb=usage.ru_maxrss / 1024)


def tree_stats(root: Path) -> tuple[int, list[Path]]:
    total, pages = 0, []
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            total += p.stat().st_size
            if f.endswith(".html"):
                pages.append(p)
    return total, pages


@dataclass
class Tool:
    name: str
    version: str
    source: Path  # the course folder this tool builds
    output: Path
    cmd: list[str]
    expected_pages: int
    check: object  # callable(output, pages) -> list[str] problems
    samples: list[Sample] = field(default_factory=list)
    bytes: int = 0
    pages: int = 0
    env: dict = field(default_factory=dict)
    # Folders removed before each run (coursebook's cache, for a clean build).
    fresh: list = field(default_factory=list)
    # The output is kept from run to run (a rebuild into the previous site), not removed.
    keep: bool = False


def contains_all(pages: list[Path], needles: dict[str, str]) -> list[str]:
    problems = []
    missing = {label: 0 for label in needles}
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        for label, needle in needles.items():
            if needle not in text:
                missing[label] += 1
    for label, count in missing.items():
        if count:
            problems.append(f"{count} of {len(pages)} lesson pages lack {label}")
    return problems


def lesson_pages(pages: list[Path], course: Course, pattern) -> list[Path]:
    chosen = [p for p in pages if pattern(p)]
    if len(chosen) != len(course.lessons):
        raise RuntimeError(f"found {len(chosen)} lesson pages, expected {len(course.lessons)}")
    return chosen


def coursebook_check(course: Course):
    slugs = {lesson.slug for lesson in course.lessons}

    def check(output: Path, pages: list[Path]) -> list[str]:
        lessons = lesson_pages(pages, course, lambda p: p.stem in slugs)
        return contains_all(lessons, {"highlighted code (hl-)": 'class="hl-', "math (<math)": "<math",
                                      "glossary links (data-term=)": "data-term=",
                                      "a quiz (data-quiz=)": "data-quiz="})
    return check


def mdbook_check(course: Course):
    stems = {lesson.stem for lesson in course.lessons}

    def check(output: Path, pages: list[Path]) -> list[str]:
        lessons = lesson_pages(pages, course, lambda p: p.stem in stems)
        return contains_all(lessons, {"code blocks": 'class="language-', "the quiz": "Check yourself"})
    return check


def hugo_check(course: Course):
    stems = {lesson.stem for lesson in course.lessons}

    def check(output: Path, pages: list[Path]) -> list[str]:
        lessons = lesson_pages(pages, course, lambda p: p.parent.name in stems)
        return contains_all(lessons, {"highlighted code (Chroma)": '<div class="highlight"><pre tabindex="0" style=', "the quiz": "Check yourself"})
    return check


def floor_check(highlight: bool, course: Course):
    stems = {lesson.stem for lesson in course.lessons}

    def check(output: Path, pages: list[Path]) -> list[str]:
        lessons = lesson_pages(pages, course, lambda p: p.stem in stems)
        return contains_all(lessons, {"highlighted code (hl-)": 'class="hl-'}) if highlight else []
    return check


def wait_for_quiet(threshold: float | None, max_wait: float) -> None:
    """On a shared machine, wait (at most max_wait s) for the 1-minute load to drop below threshold."""
    if threshold is None:
        return
    deadline = time.monotonic() + max_wait
    load = os.getloadavg()[0]
    if load >= threshold:
        log(f"   waiting for the 1-minute load ({load:.1f}) to drop below {threshold} (at most {max_wait:.0f} s)")
    while load >= threshold and time.monotonic() < deadline:
        time.sleep(5)
        load = os.getloadavg()[0]


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": ram,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version()}


def floor_versions() -> str:
    lock = FLOOR / "Cargo.lock"
    found = {}
    if lock.exists():
        text = lock.read_text()
        for name in ("pulldown-cmark", "syntaxmate"):
            m = re.search(rf'name = "{name}"\nversion = "([^"]+)"', text)
            if m:
                found[name] = m.group(1)
    return ", ".join(f"{k} {v}" for k, v in found.items())


def fmt(x: float, digits: int = 2) -> str:
    if x != x:  # NaN
        return "—"
    return f"{x:.{digits}f}"


def work_name(n: int, args) -> str:
    """The size's work folder: n1000, n1000-code for the code-heavy variant, n1000-real with
    real code."""
    return f"n{n}-real" if args.real_code else f"n{n}-code" if args.code_heavy else f"n{n}"


def bench_size(n: int, runs: int, args, bins: dict, versions: dict) -> list[dict]:
    work = args.work / work_name(n, args)
    log(f"\n== {n} lessons: generating in {work}")
    t0 = time.perf_counter()
    course = make_course(n, args.seed, args.code_heavy, args.real_sources)
    for sub in ("coursebook", "mdbook", "hugo"):
        shutil.rmtree(work / sub, ignore_errors=True)
    write_coursebook(course, work / "coursebook")
    write_mdbook(course, work / "mdbook")
    write_hugo(course, work / "hugo")
    md_bytes = sum(p.stat().st_size for p in (work / "coursebook" / "content").rglob("*.md"))
    words = sum(len(p.read_text().split()) for p in (work / "coursebook" / "content").rglob("*.md")) // max(1, n)
    log(f"   generated in {time.perf_counter() - t0:.1f} s: {md_bytes / 1e6:.1f} MB of Markdown, ~{words} words a lesson")
    chapters = len(course.chapters)
    tools: list[Tool] = []
    if "coursebook" in args.tools:
        # lessons + chapter pages + home + glossary + contents (toc.html) + progress + print + 404.
        # Clean: the caches (highlighted blocks, and the site store in COURSEBOOK_CACHE_DIR/sites)
        # start empty each run (and are written, as a first build's are); warm: they hold what a
        # build of the same course before the runs made, so the site comes from the store.
        cmd = [str(bins["coursebook"]), "build", ".", "-d", str(work / "out-coursebook"), "-q"]
        cold, warm = work / "cache-clean", work / "cache-warm"
        tools.append(Tool("coursebook", versions["coursebook"], work / "coursebook", work / "out-coursebook",
                          cmd, n + chapters + 6, coursebook_check(course),
                          env={"COURSEBOOK_CACHE_DIR": str(cold)}, fresh=[cold]))
        if "warm" in args.tools:
            shutil.rmtree(warm, ignore_errors=True)
            measure(cmd, work / "coursebook", work / "warm-up.log", {"COURSEBOOK_CACHE_DIR": str(warm)})
            tools.append(Tool("coursebook, warm cache", versions["coursebook"], work / "coursebook",
                              work / "out-coursebook", cmd, n + chapters + 6, coursebook_check(course),
                              env={"COURSEBOOK_CACHE_DIR": str(warm)}))
        if "rebuild" in args.tools:
            # The same command again, as an author runs it: the warm cache, and the previous
            # site still there (its unchanged files are linked into the new one, not written).
            again = work / "out-coursebook-rebuild"
            shutil.rmtree(again, ignore_errors=True)
            rebuild = cmd[:-2] + [str(again), "-q"]
            rebuild_cache = work / "cache-rebuild"
            shutil.rmtree(rebuild_cache, ignore_errors=True)
            measure(rebuild, work / "coursebook", work / "rebuild-up.log", {"COURSEBOOK_CACHE_DIR": str(rebuild_cache)})
            tools.append(Tool("coursebook, rebuild", versions["coursebook"], work / "coursebook",
                              again, rebuild, n + chapters + 6, coursebook_check(course),
                              env={"COURSEBOOK_CACHE_DIR": str(rebuild_cache)}, keep=True))
    if "mdbook" in args.tools and bins.get("mdbook"):
        # lessons + chapter pages + index.html (the introduction) + glossary + print.html + 404 + toc.html
        tools.append(Tool("mdBook", versions["mdbook"], work / "mdbook", work / "out-mdbook",
                          [bins["mdbook"], "build", ".", "-d", str(work / "out-mdbook")],
                          n + chapters + 5, mdbook_check(course)))
    if "hugo" in args.tools and bins.get("hugo"):
        # lessons + chapter lists + home + glossary + 404
        tools.append(Tool("Hugo", versions["hugo"], work / "hugo", work / "out-hugo",
                          [bins["hugo"], "--quiet", "--destination", str(work / "out-hugo")],
                          n + chapters + 3, hugo_check(course)))
    if "floor" in args.tools and bins.get("floor"):
        md_count = n + chapters + 1
        src = str(work / "coursebook" / "content")
        tools.append(Tool("floor: pulldown-cmark", versions["floor"], work, work / "out-floor-md",
                          [str(bins["floor"]), "md", src, str(work / "out-floor-md")], md_count,
                          floor_check(False, course)))
        tools.append(Tool("floor: pulldown-cmark + syntaxmate", versions["floor"], work, work / "out-floor-hl",
                          [str(bins["floor"]), "md+hl", src, str(work / "out-floor-hl")], md_count,
                          floor_check(True, course)))
    logs = work / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    problems: list[str] = []
    # A tool's previous output (and a clean cache) is moved aside, not deleted, until every run
    # is over: on ext4, files made just after as many were deleted look past each recently
    # deleted inode, and the run after a deletion took up to twice as long (a warm build came
    # out slower than a clean one). Each run now makes its files as on a fresh machine.
    aside = work / "aside"
    shutil.rmtree(aside, ignore_errors=True)
    aside.mkdir()

    def move_aside(path: Path) -> None:
        if path.exists():
            path.rename(aside / f"{len(list(aside.iterdir()))}-{path.name}")

    for run in range(runs):
        wait_for_quiet(args.quiet_load, args.max_wait)
        for tool in tools:
            if not tool.keep:
                move_aside(tool.output)
            # Hugo keeps a lock file and resources/ in the source: start from clean each time.
            move_aside(tool.source / "resources")
            for folder in tool.fresh:
                move_aside(folder)
            sample = measure(tool.cmd, tool.source, logs / f"{slugify(tool.name)}.log", tool.env)
            tool.samples.append(sample)
            log(f"   run {run + 1}/{runs} {tool.name:34} wall {sample.wall:7.2f} s  cpu {sample.cpu:7.2f} s  rss {sample.rss_mb:7.1f} MB")
            if run == 0:
                tool.bytes, pages = tree_stats(tool.output)
                tool.pages = len(pages)
                if tool.pages != tool.expected_pages:
                    problems.append(f"{n} lessons, {tool.name}: {tool.pages} HTML pages, expected {tool.expected_pages}")
                try:
                    problems += [f"{n} lessons, {tool.name}: {p}" for p in tool.check(tool.output, pages)]
                except RuntimeError as e:
                    problems.append(f"{n} lessons, {tool.name}: {e}")
    shutil.rmtree(aside, ignore_errors=True)
    if problems:
        raise SystemExit("honesty checks failed:\n  " + "\n  ".join(problems))
    log("   checks passed: page counts, and hl-/<math/data-term=/data-quiz= in every coursebook lesson")
    rows = []
    base = tools[0] if tools and tools[0].name == "coursebook" else None
    for tool in tools:
        row = {"lessons": n, "tool": tool.name, "runs": len(tool.samples),
               "wall": median([s.wall for s in tool.samples]), "cpu": median([s.cpu for s in tool.samples]),
               "rss": median([s.rss_mb for s in tool.samples]), "mb": tool.bytes / 1e6, "pages": tool.pages,
               "wall_ratio": float("nan"), "cpu_ratio": float("nan"),
               "walls": [round(s.wall, 3) for s in tool.samples]}
        if base is not None and tool is not base:
            row["wall_ratio"] = median([b.wall / s.wall for b, s in zip(base.samples, tool.samples)])
            row["cpu_ratio"] = median([b.cpu / s.cpu for b, s in zip(base.samples, tool.samples)])
        rows.append(row)
    return rows


def report(rows: list[dict], info: dict, versions: dict, args) -> str:
    lines = [
        f"Measured {info['date']} with `python3 tests/bench/bench.py {' '.join(args.argv)}`".rstrip(),
        "",
        f"- Machine: {info['nproc']} cores, {info['cpu']}, {info['ram']} RAM, {info['os']}; "
        f"1-minute load average at the start and after each size: {info['load']}",
        "- " + "; ".join(f"{label} {versions[key]}" for key, label in
                         [("coursebook", "coursebook"), ("mdbook", "mdBook"), ("hugo", "Hugo"), ("floor", "floors:")]
                         if versions[key] != "—") + (f" ({versions['rustc']})" if versions["floor"] != "—" else ""),
        f"- Course: {CHAPTER_SIZE} lessons a chapter, ~900 words, "
        + ("2–3 code blocks" if not args.code_heavy else
           "6–9 code blocks in seven languages (code-heavy" + (", cut from real source files)" if args.real_code
                                                                else ", generated)"))
        + f", a table, an image, math, a callout, a 4-question quiz per lesson; a {GLOSSARY_TERMS}-term glossary",
        "- Medians over the runs; \"÷\" columns are coursebook's figure divided by the tool's, run by run "
        "(below 1: coursebook is faster or smaller)",
        "",
        "| lessons | tool | runs | wall (s) | CPU (s) | peak RSS (MB) | output (MB) | HTML pages | wall ÷ | CPU ÷ |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(f"| {r['lessons']:,} | {r['tool']} | {r['runs']} | {fmt(r['wall'])} | {fmt(r['cpu'])} | "
                     f"{fmt(r['rss'], 0)} | {fmt(r['mb'], 1)} | {r['pages']:,} | {fmt(r['wall_ratio'])} | "
                     f"{fmt(r['cpu_ratio'])} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000", help="lesson counts, comma-separated (default 100,1000)")
    parser.add_argument("--runs", type=int, default=3, help="builds per tool and size (default 3)")
    parser.add_argument("--large-runs", type=int, default=None,
                        help=f"builds per tool for sizes of {LARGE:,} lessons or more (default: --runs)")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument("--json", type=Path, help="also write every sample as JSON here")
    parser.add_argument("--tools", default="coursebook,warm,rebuild,mdbook,hugo,floor",
                        help="which to run (default coursebook,warm,rebuild,mdbook,hugo,floor; warm: "
                             "coursebook again with its caches (highlighted blocks, site store) filled "
                             "and its site removed; rebuild: the same, into the site it built before, "
                             "kept from run to run)")
    parser.add_argument("--code-heavy", action="store_true",
                        help="the code-heavy variant: about three times the code a lesson, in "
                             "seven languages (work folder n<N>-code)")
    parser.add_argument("--real-code", action="store_true",
                        help="the code-heavy variant with its blocks cut from real source files on this machine "
                             "(work folder n<N>-real); implies --code-heavy")
    parser.add_argument("--coursebook", type=Path, help="the binary (default target/pgo/dist/coursebook, built with "
                                                          "profile-guided optimisation by tests/bench/pgo.py)")
    parser.add_argument("--no-pgo", action="store_true", help="without --coursebook: build and measure the plain "
                                                              "dist build (target/dist/coursebook) instead")
    parser.add_argument("--work", type=Path, default=BENCH / "work", help="work folder (default tests/bench/work)")
    parser.add_argument("--seed", type=int, default=1, help="course generator seed (default 1)")
    parser.add_argument("--no-install", action="store_true", help="skip tools that are missing instead of installing")
    parser.add_argument("--quiet-load", type=float, metavar="LOAD",
                        help="before each round of builds, wait until the 1-minute load average is below LOAD")
    parser.add_argument("--max-wait", type=float, default=300, help="longest wait for --quiet-load, s (default 300)")
    parser.add_argument("--generate-only", action="store_true", help="write the courses, build nothing")
    args = parser.parse_args()
    args.argv = sys.argv[1:]
    args.code_heavy = args.code_heavy or args.real_code
    args.real_sources = RealCode() if args.real_code else None
    args.tools = {t.strip().lower() for t in args.tools.split(",") if t.strip()}
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)

    if args.generate_only:
        for n in sizes:
            course = make_course(n, args.seed, args.code_heavy, args.real_sources)
            work = args.work / work_name(n, args)
            for sub in ("coursebook", "mdbook", "hugo"):
                shutil.rmtree(work / sub, ignore_errors=True)
            write_coursebook(course, work / "coursebook")
            write_mdbook(course, work / "mdbook")
            write_hugo(course, work / "hugo")
            log(f"wrote {work}")
        return

    bins: dict = {}
    versions = {"coursebook": "—", "mdbook": "—", "hugo": "—", "floor": "—", "rustc": output_of(["rustc", "--version"])}
    if "coursebook" in args.tools:
        bins["coursebook"] = ensure_coursebook(args.coursebook, args.work, not args.no_pgo)
        rev = output_of(["git", "describe", "--always", "--dirty"], cwd=ROOT)
        build = "given binary" if args.coursebook else ("dist, no PGO" if args.no_pgo else "dist with PGO")
        versions["coursebook"] = (output_of([str(bins["coursebook"]), "--version"]).replace("coursebook ", "")
                                  + (f" ({rev}, {build})" if rev else f" ({build})"))
    if "mdbook" in args.tools:
        bins["mdbook"] = ensure_mdbook(not args.no_install)
        if bins["mdbook"]:
            versions["mdbook"] = output_of([bins["mdbook"], "--version"]).replace("mdbook ", "").lstrip("v")
    if "hugo" in args.tools:
        bins["hugo"] = ensure_hugo(not args.no_install)
        if bins["hugo"]:
            m = re.search(r"v([0-9.]+\S*)", output_of([bins["hugo"], "version"]))
            versions["hugo"] = m.group(1) if m else "?"
    if "floor" in args.tools:
        bins["floor"] = ensure_floor()
        versions["floor"] = floor_versions()

    info = machine()
    info["date"] = datetime.date.today().isoformat()
    rows = []
    loads = [os.getloadavg()[0]]
    for n in sizes:
        runs = args.large_runs if (args.large_runs and n >= LARGE) else args.runs
        rows += bench_size(n, runs, args, bins, versions)
        loads.append(os.getloadavg()[0])
    info["load"] = " → ".join(f"{x:.1f}" for x in loads)
    table = report(rows, info, versions, args)
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "versions": versions, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
