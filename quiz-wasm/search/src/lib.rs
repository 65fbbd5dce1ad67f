//! The words search knows, made from a lesson at build time for the index: text is split into
//! words (letters and digits), each word lowercased, stemmed for the course's language
//! (Snowball) and folded (marks removed: `modèle` and `modele` meet); text in scripts written
//! without spaces (Chinese, Japanese, Korean) becomes overlapping pairs of characters. A query
//! in the learner's browser is split and folded the same way by
//! themes/default/js/search-words.js (tests/search.rs holds the two together) and finds its
//! words' stems in the index.

mod fold_table;

use rust_stemmers::Algorithm;
pub use rust_stemmers::Stemmer;

/// The longest word indexed, in bytes: longer runs (hashes, base64) are cut, never dropped.
const MAX_WORD: usize = 40;

/// A stemmer for a language tag (`en`, `pt-BR`, `fr`…), when Snowball has one.
pub fn stemmer(language: &str) -> Option<Stemmer> {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let algorithm = match primary.as_str() {
        "en" => Algorithm::English,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "es" => Algorithm::Spanish,
        "pt" => Algorithm::Portuguese,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        "sv" => Algorithm::Swedish,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "da" => Algorithm::Danish,
        "fi" => Algorithm::Finnish,
        "hu" => Algorithm::Hungarian,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "tr" => Algorithm::Turkish,
        "el" => Algorithm::Greek,
        "ar" => Algorithm::Arabic,
        "ta" => Algorithm::Tamil,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// A lowercase word without its marks, and its ligatures written out as people type them
/// (`cœur` finds *coeur*, `straße` *strasse*: Unicode gives them no decomposition).
pub fn fold(word: &str) -> String {
    // The table starts past ASCII (U+00E0): most words have nothing to fold.
    if word.is_ascii() {
        return word.to_string();
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        let c = match fold_table::FOLD.binary_search_by_key(&c, |&(from, _)| from) {
            Ok(i) => fold_table::FOLD[i].1,
            Err(_) => c,
        };
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            _ => out.push(c),
        }
    }
    out
}

/// Whether `text` holds a character of Unicode's Halfwidth and Fullwidth Forms (U+FF01 to
/// U+FFEE): `ｒｕｓｔ` or `ﾍﾞｸﾀ` typed with an IME in the wrong mode.
fn has_width_forms(text: &str) -> bool {
    // Each is three bytes in UTF-8, the first 0xEF: most text has none and is read no further.
    text.as_bytes().contains(&0xEF) && text.chars().any(is_width_form)
}

fn is_width_form(c: char) -> bool {
    ('\u{FF01}'..='\u{FFEE}').contains(&c)
}

/// `text` with each run of width forms in its compatibility form (NFKC): `ｒｕｓｔ` is `rust`,
/// and `ﾍﾞｸﾀ` is `ベクタ`, its voicing mark composed with the kana before it. Only those runs, so
/// that the browser, which does the same to a query (`search-words.js`), makes the same words.
fn width_folded(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if is_width_form(c) {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            out.extend(run.nfkc());
            run.clear();
        }
        out.push(c);
    }
    out.extend(run.nfkc());
    out
}

/// [`ASCII_CLASS`]: a byte that is no part of a word (ASCII but for letters and digits).
const OTHER: u8 = 0;
/// A lowercase letter or a digit.
const LOWER: u8 = 1;
/// An uppercase letter.
const UPPER: u8 = 2;
/// A byte of a character past ASCII.
const NOT_ASCII: u8 = 3;

/// Each byte's class, for [`each_piece`]'s ASCII path.
const ASCII_CLASS: [u8; 256] = {
    let mut table = [NOT_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            UPPER
        } else if c.is_ascii_alphanumeric() {
            LOWER
        } else {
            OTHER
        };
        b += 1;
    }
    table
};

/// Scripts written without spaces between words: a run of them is indexed as pairs.
pub fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007 // 々 〆 〇: the iteration mark, closing mark and ideographic zero
        | 0x303B // 〻, the vertical iteration mark
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // CJK Extensions B–F, Compatibility Supplement
}

/// One word of a text, as search keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Stemmed and folded: what the index is keyed by.
    pub term: String,
    /// Lowercased and folded, not stemmed: what a word being typed is matched against, as a
    /// prefix of terms.
    pub prefix: String,
}

/// A piece of text search keeps, before it becomes a term.
pub enum Piece<'a> {
    /// A word of a spaced script, lowercased (at most [`MAX_WORD`] bytes): to stem and fold.
    Word(&'a str),
    /// A character, or a pair, of a script written without spaces: a term as it is.
    Unspaced(&'a str),
}

/// Each piece of `text`, in order, to `f`: words of letters and digits, and runs of unspaced
/// scripts as overlapping pairs of characters (a lone character as itself).
pub fn each_piece(text: &str, mut f: impl FnMut(Piece<'_>)) {
    each_piece_cased(text, |piece, _| f(piece))
}

/// [`each_piece`], with each word written in CamelCase or camelCase (ASCII, at least two parts:
/// `UsState`, `pushStr`, `IOError`) also given as written, for the index to count its parts
/// ([`camel_parts`]): a learner types `us state` for `UsState`. The query side splits as
/// [`each_piece`] does.
pub fn each_piece_cased(text: &str, f: impl FnMut(Piece<'_>, Option<&str>)) {
    if has_width_forms(text) {
        return pieces_of(&width_folded(text), f);
    }
    pieces_of(text, f)
}

/// The operators search finds when a query is made of symbols alone: what a learner of code
/// types (`?` for the question-mark operator). search-words.js keeps the same list.
pub const OPERATORS: [&str; 19] = [
    "?", "=>", "->", "..", "..=", "::", "&&", "||", "!=", "==", "<=", ">=", "+=", "-=", "<<", ">>",
    "#[", "#![", "::<>",
];

/// Whether `b` can be part of an operator: ASCII punctuation but for what delimits (quotes,
/// brackets but `[`, commas, semicolons, backticks).
fn operator_byte(b: u8) -> bool {
    b.is_ascii_punctuation() && !b"\"'`,;(){}]".contains(&b)
}

/// Each run of operator characters in `text` that is one of [`OPERATORS`] (a run such as
/// `)?` is cut at the delimiter: `?`); with `alone`, only those between white space or the
/// text's ends (a heading's "The ? Operator", not the question mark ending "Why?").
pub fn operators(text: &str, alone: bool, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !operator_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && operator_byte(bytes[i]) {
            i += 1;
        }
        let run = &text[start..i];
        let spaced = |at: Option<&u8>| at.is_none_or(u8::is_ascii_whitespace);
        let stands =
            !alone || (spaced(start.checked_sub(1).map(|b| &bytes[b])) && spaced(bytes.get(i)));
        if stands && OPERATORS.contains(&run) {
            f(run);
        }
    }
}

/// The longest identifier [`identifiers`] gives, in bytes: longer ones are left out.
pub const MAX_IDENTIFIER: usize = 64;

/// Each identifier of `text` whose words `_` joins (`is_empty`, `unwrap_or_else`,
/// `MAX_WORD`: ASCII letters and digits, one `_` between each two words), lowercased: its words
/// are pieces as any, and the whole tells `unwrap_or` from `unwrap_or_else` and `is_empty`
/// from the prose "is empty". search-words.js finds the same.
pub fn identifiers(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric();
    let mut lower = String::new();
    let mut from = 0;
    // Found from its underscores: most text has none.
    while let Some(at) = memchr::memchr(b'_', &bytes[from..]).map(|i| from + i) {
        // The run of letters, digits and underscores around it.
        let mut start = at;
        while start > 0 && (word(bytes[start - 1]) || bytes[start - 1] == b'_') {
            start -= 1;
        }
        let mut end = at;
        while end < bytes.len() && (word(bytes[end]) || bytes[end] == b'_') {
            end += 1;
        }
        from = end.max(at + 1);
        // Part of a longer word of another script (`é_x`): not an identifier of ours.
        let glued = |b: Option<&u8>| b.is_some_and(|b| !b.is_ascii());
        if glued(start.checked_sub(1).map(|i| &bytes[i])) || glued(bytes.get(end)) {
            continue;
        }
        // The run holds the `_` it was found by: two words at least, unless one is empty.
        let run = &text[start..end];
        if run.len() > MAX_IDENTIFIER || run.split('_').any(str::is_empty) {
            continue;
        }
        lower.clear();
        lower.push_str(run);
        lower.make_ascii_lowercase();
        f(&lower);
    }
}

/// An identifier's term in the index: its first two words as their pair is written, U+0001,
/// then the rest (`is empty\u{1}`, `unwrap or\u{1}else`). It sorts right after that pair, in
/// the terms file a query fetches for the pair anyway: as `is_empty` it sorted after all of
/// `is`'s pairs, often in another file (13 KB more a further word at 10,000 lessons).
pub fn identifier_key(identifier: &str) -> String {
    let mut parts = identifier.splitn(3, '_');
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();
    let rest = parts.next().unwrap_or_default();
    // Pushed, not `format!`ted: a third of the cost of an identifier (callgrind).
    let mut key = String::with_capacity(identifier.len() + 1);
    key.push_str(first);
    key.push(' ');
    key.push_str(second);
    key.push('\u{1}');
    key.push_str(rest);
    key
}

/// Where `word` (ASCII) is cut into the words its capitals begin: before a capital after a
/// small letter or a digit (`Us|State`, `vec3|Add`), and before the last capital of a run of
/// them followed by a small letter (`IO|Error`). Empty when it is one word.
fn camel_cuts(word: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (1..word.len()).filter(move |&i| {
        word[i].is_ascii_uppercase()
            && (word[i - 1].is_ascii_lowercase()
                || word[i - 1].is_ascii_digit()
                || (word[i - 1].is_ascii_uppercase()
                    && word.get(i + 1).is_some_and(u8::is_ascii_lowercase)))
    })
}

/// The parts of a CamelCase word as written (`PendingReviewPost`: `Pending`, `Review`, `Post`).
pub fn camel_parts(word: &str) -> impl Iterator<Item = &str> + '_ {
    let mut start = 0;
    camel_cuts(word.as_bytes())
        .chain(std::iter::once(word.len()))
        .map(move |end| {
            let part = &word[start..end];
            start = end;
            part
        })
}

fn pieces_of(text: &str, mut f: impl FnMut(Piece<'_>, Option<&str>)) {
    let mut word = String::new();
    let mut run = String::new();
    let mut run_chars = 0;
    let mut cased = String::new();
    let mut flush_word = |word: &mut String, f: &mut dyn FnMut(Piece<'_>, Option<&str>)| {
        if word.is_empty() {
            return;
        }
        let camel = word.is_ascii() && camel_cuts(word.as_bytes()).next().is_some();
        if camel {
            cased.clear();
            cased.push_str(word);
        }
        let mut lower = if word.is_ascii() {
            word.make_ascii_lowercase();
            std::mem::take(word)
        } else {
            word.to_lowercase()
        };
        if lower.len() > MAX_WORD {
            let mut end = MAX_WORD;
            while !lower.is_char_boundary(end) {
                end -= 1;
            }
            lower.truncate(end);
        }
        f(Piece::Word(&lower), camel.then_some(cased.as_str()));
        // Keep the buffer for the next word.
        lower.clear();
        *word = lower;
    };
    let flush_run =
        |run: &mut String, run_chars: &mut usize, f: &mut dyn FnMut(Piece<'_>, Option<&str>)| {
            if *run_chars == 1 {
                f(Piece::Unspaced(run), None);
            } else if *run_chars > 1 {
                let starts: Vec<usize> = run.char_indices().map(|(i, _)| i).collect();
                for pair in starts.windows(2).enumerate() {
                    let end = starts.get(pair.0 + 2).copied().unwrap_or(run.len());
                    f(Piece::Unspaced(&run[pair.1[0]..end]), None);
                }
            }
            run.clear();
            *run_chars = 0;
        };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII, most of any text, a run at a time: letters and digits are a word's, nothing
        // else is (no ASCII character is of an unspaced script). Classes from a table: this
        // loop reads every byte of every lesson (a third of the index's instructions).
        let class = ASCII_CLASS[usize::from(bytes[i])];
        if class == OTHER {
            if !word.is_empty() {
                flush_word(&mut word, &mut f);
            }
            if run_chars > 0 {
                flush_run(&mut run, &mut run_chars, &mut f);
            }
            i += 1;
            while i < bytes.len() && ASCII_CLASS[usize::from(bytes[i])] == OTHER {
                i += 1;
            }
            continue;
        }
        if class != NOT_ASCII {
            let start = i;
            let mut upper = false;
            while i < bytes.len() {
                match ASCII_CLASS[usize::from(bytes[i])] {
                    LOWER => {}
                    UPPER => upper = true,
                    _ => break,
                }
                i += 1;
            }
            if run_chars > 0 {
                flush_run(&mut run, &mut run_chars, &mut f);
            }
            // Most words: the whole word is this run, already lowercase and not too long,
            // so it is handed over as it is, not copied.
            let whole = word.is_empty() && bytes.get(i).is_none_or(u8::is_ascii);
            if whole && i - start <= MAX_WORD && !upper {
                f(Piece::Word(&text[start..i]), None);
            } else {
                word.push_str(&text[start..i]);
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if unspaced(c) {
            flush_word(&mut word, &mut f);
            run.push(c);
            run_chars += 1;
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut run_chars, &mut f);
            word.push(c);
        } else {
            flush_word(&mut word, &mut f);
            flush_run(&mut run, &mut run_chars, &mut f);
        }
    }
    flush_word(&mut word, &mut f);
    flush_run(&mut run, &mut run_chars, &mut f);
}

/// A word's term: stemmed (when there is a stemmer), then folded.
pub fn term(lower: &str, stemmer: Option<&Stemmer>) -> String {
    match stemmer {
        // Russian's stemmer here is Snowball's before it read `ё` as `е` (as Russian is mostly
        // written): `создаёт` kept its ending and never met `создать`.
        Some(s) if lower.contains('ё') => fold(&s.stem(&lower.replace('ё', "е"))),
        Some(s) => fold(&s.stem(lower)),
        None => fold(lower),
    }
}

/// The words of `text`, in order.
pub fn words(text: &str, stemmer: Option<&Stemmer>) -> Vec<Word> {
    let mut out = Vec::new();
    each_piece(text, |piece| match piece {
        Piece::Word(lower) => out.push(Word {
            term: term(lower, stemmer),
            prefix: fold(lower),
        }),
        Piece::Unspaced(s) => out.push(Word {
            term: s.to_string(),
            prefix: s.to_string(),
        }),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, language: &str) -> Vec<String> {
        words(text, stemmer(language).as_ref())
            .into_iter()
            .map(|w| w.term)
            .collect()
    }

    /// The pieces as `each_piece` made them a character at a time, before its ASCII fast path.
    fn pieces_char_by_char(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let (mut word, mut run) = (String::new(), Vec::<char>::new());
        let flush = |word: &mut String, run: &mut Vec<char>, out: &mut Vec<String>| {
            if !word.is_empty() {
                let mut lower = word.to_lowercase();
                while lower.len() > MAX_WORD {
                    lower.pop();
                }
                out.push(format!("w:{lower}"));
                word.clear();
            }
            match run.len() {
                0 => {}
                1 => out.push(format!("u:{}", run[0])),
                _ => out.extend(run.windows(2).map(|p| format!("u:{}{}", p[0], p[1]))),
            }
            run.clear();
        };
        for c in text.chars() {
            if unspaced(c) {
                if !word.is_empty() {
                    let mut none = Vec::new();
                    flush(&mut word, &mut none, &mut out);
                }
                run.push(c);
            } else if c.is_alphanumeric() {
                if !run.is_empty() {
                    let mut none = String::new();
                    flush(&mut none, &mut run, &mut out);
                }
                word.push(c);
            } else {
                flush(&mut word, &mut run, &mut out);
            }
        }
        flush(&mut word, &mut run, &mut out);
        out
    }

    #[test]
    fn identifiers_joined_by_underscores_are_found_whole_and_lowercased() {
        let mut found = Vec::new();
        identifiers(
            "if v.is_empty() { x.unwrap_or_else(|| MAX_WORD) } _private __init__ x_ a__b é_x ok_or",
            |id| found.push(id.to_string()),
        );
        assert_eq!(found, ["is_empty", "unwrap_or_else", "max_word", "ok_or"]);
        let keys: Vec<String> = found.iter().map(|i| identifier_key(i)).collect();
        assert_eq!(
            keys,
            [
                "is empty\u{1}",
                "unwrap or\u{1}else",
                "max word\u{1}",
                "ok or\u{1}"
            ]
        );
        let long = format!("{}b", "a_".repeat(MAX_IDENTIFIER));
        let mut longer = 0;
        identifiers(&long, |_| longer += 1);
        assert_eq!(longer, 0, "longer than MAX_IDENTIFIER");
    }

    #[test]
    fn operators_are_runs_of_symbols_and_in_titles_only_between_spaces() {
        let found = |text: &str, alone: bool| {
            let mut out = Vec::new();
            operators(text, alone, |op| out.push(op.to_string()));
            out
        };
        assert_eq!(
            found("x)?; a => b ..= c::d ?? ...", false),
            ["?", "=>", "..=", "::"]
        );
        assert_eq!(found("Why? The ? Operator and -> too", true), ["?", "->"]);
        assert_eq!(found("? at the start, at the end ?", true), ["?", "?"]);
        assert!(found("a_b 'a' \"=>\" `?`", true).is_empty());
    }

    #[test]
    fn camel_case_words_are_given_as_written_and_cut_at_their_capitals() {
        let mut got = Vec::new();
        each_piece_cased(
            "UsState pushStr IOError vec3Add HTML Word word x_y Ünïcode PendingReviewPost",
            |piece, camel| {
                let Piece::Word(w) = piece else { return };
                let parts = camel.map(|c| camel_parts(c).map(str::to_string).collect::<Vec<_>>());
                got.push((w.to_string(), parts));
            },
        );
        let parts = |p: &[&str]| Some(p.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            got,
            [
                ("usstate".to_string(), parts(&["Us", "State"])),
                ("pushstr".to_string(), parts(&["push", "Str"])),
                ("ioerror".to_string(), parts(&["IO", "Error"])),
                ("vec3add".to_string(), parts(&["vec3", "Add"])),
                ("html".to_string(), None),
                ("word".to_string(), None),
                ("word".to_string(), None),
                ("x".to_string(), None),
                ("y".to_string(), None),
                ("ünïcode".to_string(), None),
                (
                    "pendingreviewpost".to_string(),
                    parts(&["Pending", "Review", "Post"])
                ),
            ]
        );
        // The pieces themselves are each_piece's.
        let mut plain = Vec::new();
        each_piece("UsState pushStr", |p| {
            if let Piece::Word(w) = p {
                plain.push(w.to_string());
            }
        });
        assert_eq!(plain, ["usstate", "pushstr"]);
    }

    #[test]
    fn pieces_are_the_same_with_the_ascii_fast_path() {
        let long = "x".repeat(MAX_WORD + 5);
        let just = format!("{} {}", "y".repeat(MAX_WORD), "Z".repeat(MAX_WORD + 1));
        for text in [
            "lower UPPER Mixed abcé éabc x中y a1b2 end",
            just.as_str(),
            "",
            "Gradient descent, step by step: w = w - 0.01 * g.",
            "Café naïve ÉCOLE über-fast x2 3d",
            "日本語のテキストとEnglish mixed 中文",
            "한국어 텍스트, and 1,000 words; 模型a模型",
            "ﬁ ǅ İstanbul ΣΊΣΥΦΟΣ",
            long.as_str(),
            "a\u{0}b\tc\u{202e}d — e",
        ] {
            let mut fast = Vec::new();
            each_piece(text, |p| {
                fast.push(match p {
                    Piece::Word(w) => format!("w:{w}"),
                    Piece::Unspaced(u) => format!("u:{u}"),
                });
            });
            assert_eq!(fast, pieces_char_by_char(text), "{text}");
        }
    }

    #[test]
    fn words_are_stemmed_for_the_language_and_folded() {
        assert_eq!(
            terms("Training models, trained MODEL", "en"),
            ["train", "model", "train", "model"]
        );
        assert_eq!(terms("Les modèles", "fr"), terms("les modeles", "fr"));
        assert_eq!(terms("Häuser", "de"), terms("hauser", "de"));
        // No Snowball stemmer for Japanese: pairs of characters.
        assert_eq!(terms("機械学習", "ja"), ["機械", "械学", "学習"]);
        assert_eq!(terms("x 学 y", "zh"), ["x", "学", "y"]);
        assert_eq!(
            terms("snake_case λ=0.5", "xx"),
            ["snake", "case", "λ", "0", "5"]
        );
    }

    #[test]
    fn a_word_being_typed_keeps_its_letters() {
        let w = words("Modèl", stemmer("en").as_ref());
        assert_eq!(w[0].prefix, "model");
        let long = "a".repeat(100);
        assert_eq!(words(&long, None)[0].term.len(), MAX_WORD);
    }

    /// Search audit on real translations (2026-12-05): what a Japanese, French or Russian reader
    /// types found nothing, or found every section with a 々.
    #[test]
    fn what_other_scripts_write_is_split_and_folded_as_read() {
        // 々 repeats the kanji before it: part of the word, not a word of its own.
        assert_eq!(terms("我々は", "ja"), ["我々", "々は"]);
        // Full-width Latin and half-width katakana, as an IME in the wrong mode types them.
        assert_eq!(terms("ｒｕｓｔ", "ja"), ["rust"]);
        assert_eq!(terms("ﾍﾞｸﾀ型", "ja"), terms("ベクタ型", "ja"));
        assert_eq!(
            terms("Ｒｕｓｔのﾍﾞｸﾀ", "ja"),
            ["rust", "のベ", "ベク", "クタ"]
        );
        // Ligatures written out, before and after stemming.
        assert_eq!(fold("cœur"), "coeur");
        assert_eq!(fold("ǽ"), "ae");
        assert_eq!(terms("Œuvre straße", "xx"), ["oeuvre", "strasse"]);
        assert_eq!(terms("œuvres", "fr"), terms("oeuvres", "fr"));
        // ё is е to the stemmer too: every form of the verb meets.
        assert_eq!(terms("создаёт", "ru"), terms("создать", "ru"));
        assert_eq!(terms("ещё", "ru"), terms("еще", "ru"));
    }

    #[test]
    fn the_fold_table_is_sorted() {
        assert!(fold_table::FOLD.windows(2).all(|w| w[0].0 < w[1].0));
        // `fold` hands ASCII back as it is.
        assert!(fold_table::FOLD.iter().all(|&(from, _)| !from.is_ascii()));
        assert_eq!(fold("ÉCOLE".to_lowercase().as_str()), "ecole");
    }
}
