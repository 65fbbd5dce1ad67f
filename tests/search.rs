//! The search index the build writes (issue #16): what is in it and what is not, words folded
//! and stemmed for the course's language, deterministic, and `[output.html.search] enable`.
//! `tests/browser/search.test.mjs` searches it in Chromium.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

#[path = "support/course.rs"]
mod support;

use support::{course, coursebook, page, text};

/// Every word of the index (the keys of `search/t/*.json`), and all documents' addresses.
fn index(dir: &std::path::Path) -> (Vec<String>, Vec<String>) {
    let site = dir.join("site/search");
    let mut words = Vec::new();
    for f in std::fs::read_dir(site.join("t")).unwrap() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f.unwrap().path()).unwrap()).unwrap();
        words.extend(v.as_object().unwrap().keys().cloned());
    }
    let mut docs = Vec::new();
    for f in std::fs::read_dir(site.join("d")).unwrap() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f.unwrap().path()).unwrap()).unwrap();
        for d in v.as_array().unwrap() {
            docs.push(d[0].as_str().unwrap().to_string());
        }
    }
    words.sort();
    docs.sort();
    (words, docs)
}

const QUIZ: &str = "```quiz\nquestions:\n  - type: single\n    prompt: Which zebrachoice?\n    choices:\n      - text: The zebrachoice\n        correct: true\n        feedback: Right, zebrafeedback.\n      - text: Another\n    explanation: Because zebraexplained.\n```\n";

#[test]
fn the_index_holds_what_learners_read_and_nothing_else() {
    let lesson = format!(
        "---\ntitle: Les modèles\n---\n\nUn modèle apprend.\n\n## Régression {{#fit}}\n\nLes moindres carrés.\n\n{QUIZ}"
    );
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Recherche\"\nlanguage = \"fr\"\n",
        ),
        ("content/01-modeles.md", lesson.as_str()),
        (
            "content/02-cache.md",
            "---\ntitle: Caché\nsearch: false\n---\n\nzebrahidden\n",
        ),
        (
            "content/03-brouillon.md",
            "---\ntitle: Brouillon\ndraft: true\n---\n\nzebradraft\n",
        ),
        ("content/04-japonais.md", "# 日本語\n\n機械学習のモデル\n"),
        (
            "content/glossary.yaml",
            "- term: Paramètre\n  aliases: [zebralias]\n  definition: \"Un nombre **zebradefined** appris ([voir](https://zebralink.example/)).\"\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let (words, docs) = index(c.path());
    let has = |w: &str| words.iter().any(|x| x == w);
    // French stems, without accents: « modèles », « modèle » and « modele » meet.
    assert!(has("model"), "{words:?}");
    assert!(has("regress"), "{words:?}");
    // Quiz prompts and choices are there; feedback and explanations are not.
    assert!(has("zebrachoic") || has("zebrachoice"), "{words:?}");
    // A glossary entry is found by its aliases too, and named by them.
    assert!(has("zebrali"), "{words:?}");
    assert!(has("zebrali \u{1f}"), "{words:?}");
    for absent in [
        // The theme's words around a quiz are not the page's: its notices (without
        // JavaScript, saved in this browser), buttons, and the question before clearing it.
        "javascript",
        "navigat",
        "verifi",
        "irreversibl",
        "zebrafeedback",
        "zebraexplained",
        "zebrahidden",
        "zebradraft",
    ] {
        assert!(
            !words.iter().any(|w| w.starts_with(absent)),
            "{absent} is in the index"
        );
    }
    // Japanese as pairs of characters; the glossary's definitions.
    assert!(has("機械") && has("学習"), "{words:?}");
    assert!(has("zebradefin") || has("zebradefined"), "{words:?}");
    // A definition as the glossary shows it: no link address, no Markdown in its excerpt.
    assert!(!words.iter().any(|w| w.contains("zebralink")), "{words:?}");
    let documents = std::fs::read_dir(c.path().join("site/search/d"))
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(
        documents.contains("Un nombre zebradefined appris (voir)."),
        "{documents}"
    );
    // Sections by their anchors, the glossary entry by its own.
    assert!(docs.contains(&"modeles.html#fit".to_string()), "{docs:?}");
    assert!(
        docs.iter().any(|d| d.starts_with("glossary.html#term-")),
        "{docs:?}"
    );
    assert!(
        !docs.iter().any(|d| d.starts_with("cache.html")),
        "{docs:?}"
    );
    // The same index from a second build, byte for byte.
    let first = std::fs::read_to_string(c.path().join("site/search/meta.json")).unwrap();
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(index(c.path()), (words, docs));
    assert_eq!(
        std::fs::read_to_string(c.path().join("site/search/meta.json")).unwrap(),
        first
    );
    assert!(page(c.path(), "index.html").contains("<form role=\"search\""));
}

#[test]
fn search_can_be_turned_off_as_in_mdbook() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"No search\"\n[output.html.search]\nenable = false\nlimit-results = 5\n",
        ),
        ("content/01-a.md", "# A\n\nText.\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!c.path().join("site/search").exists());
    assert!(!c.path().join("site/theme/js/search-words.js").exists());
    assert!(!page(c.path(), "index.html").contains("role=\"search\""));
    // mdBook's other search keys are named as not done.
    assert!(text(&out).contains("limit-results"), "{}", text(&out));
}

/// Every file of `site/search`, by path, as one text.
fn index_files(dir: &std::path::Path) -> String {
    let root = dir.join("site/search");
    walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            format!(
                "== {}\n{}\n",
                e.path().strip_prefix(&root).unwrap().display(),
                std::fs::read_to_string(e.path()).unwrap()
            )
        })
        .collect()
}

/// The index format, whole, for a small course: meta.json (documents, files' first words,
/// pairs on), each word's `[documents, doc − previous, weight, …]` with words stemmed and
/// pairs as written, and the documents' address, title, heading and excerpt. Built twice: the
/// same bytes.
#[test]
fn a_small_course_s_index() {
    let c = course(&[
        ("book.toml", "[book]\ntitle = \"Fit\"\n"),
        (
            "content/01-fit.md",
            "# Fitting a line\n\nA model learns its *weights*.\n\n## Least squares {#ls}\n\nLeast squares fits the line; the squares of the errors are least.\n",
        ),
        (
            "content/02-loss.md",
            "# Loss\n\nThe loss measures errors.\n",
        ),
        (
            "content/glossary.yaml",
            "- term: Weight\n  definition: A number the model learns.\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let first = index_files(c.path());
    insta::assert_snapshot!(first);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        index_files(c.path()),
        first,
        "a second build wrote another index"
    );
}

/// The keys of one `search/t/` file in the order written (serde_json's map would sort them).
fn keys_in_order(json: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut rest = json;
    // Each entry is `"term":[numbers]`: the term's string, then its numbers up to `]`.
    while let Some(start) = rest.find('"') {
        let bytes = rest.as_bytes();
        let mut end = start + 1;
        while bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        keys.push(serde_json::from_str(&rest[start..=end]).unwrap());
        let close = rest[end..].find(']').unwrap();
        rest = &rest[end + close..];
    }
    keys
}

/// search.js finds a term's file by binary search over the files' first terms, so the terms
/// must be in the order of their text across all files: words, the pairs of words in a row,
/// and the sections' names ("hidden layer \u{1f}"), which sort among their first word's pairs.
/// Names made terms of their own sat after all of their first word's pairs; with many pairs a
/// file boundary fell among them and search.js looked for a glossary term's name in the wrong
/// file (at 10,000 lessons most glossary entries were not first for their own name).
#[test]
fn terms_are_in_text_order_across_files_so_every_name_is_found() {
    let nouns = [
        "layer", "vector", "state", "unit", "size", "loss", "weight", "bias", "gate", "cell",
        "node", "path", "rate", "step", "map", "block", "head", "norm", "pool", "mask",
    ];
    let mut files: Vec<(String, String)> = vec![
        ("book.toml".into(), "[book]\ntitle = \"Order\"\n".into()),
        ("content/glossary.yaml".into(), String::new()),
    ];
    let mut glossary = String::new();
    for (n, noun) in nouns.iter().enumerate() {
        glossary.push_str(&format!(
            "- term: Hidden {noun}\n  definition: The hidden {noun} of a model.\n"
        ));
        glossary.push_str(&format!("- term: {noun}\n  definition: A {noun}.\n"));
        for i in 0..15 {
            let mut body = format!("# Lesson {n} {i}\n\n");
            for (m, other) in nouns.iter().enumerate() {
                body.push_str(&format!(
                    "The hidden {other} word{i}x{m} and the {other} after hidden {noun}.\n\n## Hidden {other} {noun} {i}\n\nText {i} {m}.\n\n"
                ));
                // Code's terms too: identifiers whole (`hidden_layer_3`), CamelCase parts,
                // operators in inline code.
                body.push_str(&format!(
                    "Call `{noun}_{other}_{i}` and `hidden_{other}` with `Hidden{other}` `?` `=>`.\n\n"
                ));
            }
            files.push((format!("content/lesson-{n}-{i}.md"), body));
        }
    }
    files[1].1 = glossary;
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let c = course(&refs);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let root = c.path().join("site/search");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("meta.json")).unwrap()).unwrap();
    let firsts: Vec<&str> = meta["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        firsts.len() > 5,
        "a course this size spans files: {}",
        firsts.len()
    );
    let mut all: Vec<String> = Vec::new();
    for (n, first) in firsts.iter().enumerate() {
        let keys =
            keys_in_order(&std::fs::read_to_string(root.join(format!("t/{n}.json"))).unwrap());
        assert_eq!(
            keys.first().map(String::as_str),
            Some(*first),
            "file {n}'s first term"
        );
        all.extend(keys);
    }
    for w in all.windows(2) {
        assert!(w[0] < w[1], "{:?} is written before {:?}", w[0], w[1]);
    }
    // The glossary's names are all there (a file boundary among "hidden"'s pairs).
    for noun in nouns {
        assert!(
            all.contains(&format!("hidden {noun} \u{1f}")),
            "hidden {noun}'s name"
        );
        assert!(all.contains(&format!("{noun} \u{1f}")), "{noun}'s name");
    }
}

/// A page's words past `PAGE_WORDS` (200,000) are not indexed, with a warning at the page: a
/// 14 MB lesson of distinct random words made 2.1 million terms, 16× its size in memory and
/// 3.8 s; now 0.7 s. What comes first is still found.
#[test]
fn a_page_past_200_000_words_is_indexed_to_there_with_a_warning() {
    let mut body = String::from("# Long\n\nzebrafirst ");
    for i in 0..210_000 {
        body.push_str(&format!("w{} ", i % 5000));
    }
    body.push_str("zebralast\n");
    let c = course(&[
        ("book.toml", "[book]\ntitle = \"Long\"\n"),
        ("content/long.md", &body),
        ("content/short.md", "# Short\n\nzebrashort\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(
            "warning: content/long.md: search indexes a page's first 200,000 words; the rest of this one is not found by search"
        ),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("short.md: search"), "{}", text(&out));
    let (words, _) = index(c.path());
    assert!(words.iter().any(|w| w == "zebrafirst"));
    assert!(words.iter().any(|w| w == "zebrashort"));
    assert!(
        !words.iter().any(|w| w == "zebralast"),
        "a word past the bound was indexed"
    );
}

/// book-ja keeps the English original in comments (`<!-- ## Rc<T>, the Reference Counted Smart
/// Pointer -->`), and a Rust block with hidden lines has a "Show hidden lines" button: neither
/// is text a learner reads, so neither is in the index, an excerpt or a result's heading.
#[test]
fn comments_and_the_hidden_lines_button_are_not_indexed() {
    let lesson = "# Rc\n\n<!-- ## `Rc<T>`, the zebracomment Smart Pointer -->\n\n## `Rc<T>` {#rc}\n\n```rust\n# fn main() {\nlet zebracode = 1;\n# }\n```\n";
    let c = course(&[
        ("book.toml", "[book]\ntitle = \"Comments\"\n"),
        ("content/01-rc.md", lesson),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let (words, _) = index(c.path());
    assert!(words.iter().any(|w| w == "zebracod"), "{words:?}");
    assert!(
        !words
            .iter()
            .any(|w| w.starts_with("zebracomment") || w == "pointer"),
        "{words:?}"
    );
    let docs = std::fs::read_to_string(c.path().join("site/search/d/0.json")).unwrap();
    assert!(
        docs.contains(r#"["rc.html#rc","Rc","Rc<T>","fn main() { let zebracode = 1; }"]"#),
        "{docs}"
    );
}

/// search.js splits and folds a query in JavaScript (themes/default/js/search-words.js), the
/// index in Rust (quiz-wasm/search): the two must make the same pieces of any text, or a word
/// would be looked for under a key the index does not have. Checked through node on mixed
/// scripts, marks, long words and every character the fold table knows (and its neighbours).
#[test]
fn the_query_s_words_in_javascript_are_the_index_s() {
    let mut texts: Vec<String> = [
        "lower UPPER Mixed abcé éabc x中y a1b2 end",
        "Gradient descent, step by step: w = w - 0.01 * g.",
        "Café naïve ÉCOLE über-fast x2 3d Straße Ærø Øre",
        "日本語のテキストとEnglish mixed 中文 猫",
        "한국어 텍스트, and 1,000 words; 模型a模型",
        "ﬁ ǅ İstanbul ΣΊΣΥΦΟΣ ΆΈΉ Ёлка йод",
        "a\u{0}b\tc\u{202e}d — e \u{1F600} x\u{301}y",
        "١٢٣ ٤٥ عربي हिन्दी ४२ Ⅻ ½ ²",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    texts.push(format!("{} {}", "y".repeat(40), "Z".repeat(41)));
    // Operators, alone and among others (a query of symbols alone looks them up).
    texts.push(
        "a?.b => c -> d ..= e :: f && g || h != i == j <= k >= l += m -= n << o >> p #[q] #![r] \
         ::<> s)?; t..u `?` \"=>\" '->' ... ?? =>= x_y"
            .to_string(),
    );
    // Identifiers joined by `_`, and runs that are not.
    texts.push(format!(
        "is_empty s.unwrap_or_else(|| 0) MAX_WORD _private __init__ x_ a__b é_x x_é ok_or,ok_or {} {}",
        "a_".repeat(31) + "b",
        "a_".repeat(32) + "b"
    ));
    texts.push("é".repeat(25));
    // Width forms (an IME's full-width Latin, half-width katakana with their voicing marks),
    // iteration marks and ligatures, in runs and one at a time.
    texts.push(
        "Ｒｕｓｔのﾍﾞｸﾀ 我々 〆切 〇 cœur ÆSIR straße ẞ ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟ ｳﾞ ＡＢＣ１２３ x＝ｙ".to_string(),
    );
    texts.push(
        (0xFF01u32..=0xFFEE)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c} {c}"))
            .collect(),
    );
    // Every character from U+00C0 to U+1FFF, each a word of its own between spaces.
    texts.push(
        (0xC0u32..0x2000)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c} "))
            .collect(),
    );
    let rust: Vec<Vec<String>> = texts
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            search_wasm::each_piece(t, |p| {
                out.push(match p {
                    search_wasm::Piece::Word(w) => format!("w:{}", search_wasm::fold(w)),
                    search_wasm::Piece::Unspaced(u) => format!("u:{u}"),
                });
            });
            search_wasm::operators(t, false, |op| out.push(format!("o:{op}")));
            search_wasm::identifiers(t, |id| {
                out.push(format!("i:{id}:{}", search_wasm::identifier_key(id)))
            });
            out
        })
        .collect();
    let module =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/js/search-words.js");
    let script = format!(
        "import({:?}).then((w) => {{ const texts = JSON.parse(require('fs').readFileSync(0, 'utf8')); \
         process.stdout.write(JSON.stringify(texts.map((t) => w.pieces(t).map((p) => p.word !== undefined ? 'w:' + w.fold(p.word) : 'u:' + p.unspaced).concat(w.operators(t).map((o) => 'o:' + o), w.identifiers(t).map((i) => 'i:' + i + ':' + w.identifierKey(i)))))); }})",
        format!("file://{}", module.display())
    );
    let mut child = std::process::Command::new("node")
        .args(["-e", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node runs (the browser tests need it too)");
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        serde_json::to_string(&texts).unwrap().as_bytes(),
    )
    .unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed");
    let js: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    for ((text, r), j) in texts.iter().zip(&rust).zip(&js) {
        if r != j {
            let at = r
                .iter()
                .zip(j)
                .position(|(a, b)| a != b)
                .unwrap_or(r.len().min(j.len()));
            panic!(
                "pieces differ at {at} in {:?}: Rust {:?}, JavaScript {:?}",
                text.chars().take(60).collect::<String>(),
                r.get(at),
                j.get(at)
            );
        }
    }
}

/// Words are counted as a reader sees them: the highlighter's spans inside a word (`5u8`, a
/// shell block's `<string>`) and inline markup (`**Rust**aceans`) do not cut it (the code
/// audit of 2026-12-05: `5u8`, `3i32` and `2f64` found nothing on Rust by Example), while a
/// block, a line break or a footnote's number still ends it.
#[test]
fn words_are_whole_across_inline_tags_and_the_highlighter_s_spans() {
    let lesson = "# Literals\n\n**Rust**aceans write `let` and suffixes.[^n]\n\n```rust\nlet elem = 5u8;\nlet big = 2f64;\n```\n\nA line<br>break and x<sub>zebrasub</sub>.\n\n[^n]: A note.\n";
    let c = course(&[
        ("book.toml", "[book]\ntitle = \"Words\"\n"),
        ("content/01-literals.md", lesson),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let (words, _) = index(c.path());
    for whole in [
        "5u8",
        "2f64",
        "rustacean",
        "suffix",
        "line",
        "break",
        "zebrasub",
    ] {
        assert!(
            words.iter().any(|w| w == whole),
            "no {whole:?} in {words:?}"
        );
    }
    for cut in ["u8", "f64", "suffixes1", "linebreak", "xzebrasub"] {
        assert!(!words.iter().any(|w| w == cut), "{cut:?} in {words:?}");
    }
}
