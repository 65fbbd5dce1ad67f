//! The words search knows, made the same way from a lesson at build time and from a query in
//! the learner's browser (so both sides always agree): text is split into words (letters and
//! digits), each word lowercased, stemmed for the course's language (Snowball) and folded
//! (marks removed: `modèle` and `modele` meet); text in scripts written without spaces
//! (Chinese, Japanese, Korean) becomes overlapping pairs of characters.

mod fold_table;

use rust_stemmers::{Algorithm, Stemmer};

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

/// A lowercase word without its marks.
pub fn fold(word: &str) -> String {
    word.chars()
        .map(
            |c| match fold_table::FOLD.binary_search_by_key(&c, |&(from, _)| from) {
                Ok(i) => fold_table::FOLD[i].1,
                Err(_) => c,
            },
        )
        .collect()
}

/// Scripts written without spaces between words: a run of them is indexed as pairs.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
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

/// The words of `text`, in order.
pub fn words(text: &str, stemmer: Option<&Stemmer>) -> Vec<Word> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush_word = |word: &mut String, out: &mut Vec<Word>| {
        if word.is_empty() {
            return;
        }
        let mut lower = word.to_lowercase();
        if lower.len() > MAX_WORD {
            let mut end = MAX_WORD;
            while !lower.is_char_boundary(end) {
                end -= 1;
            }
            lower.truncate(end);
        }
        let stemmed = match stemmer {
            Some(s) => s.stem(&lower).into_owned(),
            None => lower.clone(),
        };
        out.push(Word {
            term: fold(&stemmed),
            prefix: fold(&lower),
        });
        word.clear();
    };
    let flush_run = |run: &mut Vec<char>, out: &mut Vec<Word>| {
        match run.len() {
            0 => {}
            1 => {
                let s: String = run.iter().collect();
                out.push(Word {
                    term: s.clone(),
                    prefix: s,
                });
            }
            _ => {
                for pair in run.windows(2) {
                    let s: String = pair.iter().collect();
                    out.push(Word {
                        term: s.clone(),
                        prefix: s,
                    });
                }
            }
        }
        run.clear();
    };
    for c in text.chars() {
        if unspaced(c) {
            flush_word(&mut word, &mut out);
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut out);
            word.push(c);
        } else {
            flush_word(&mut word, &mut out);
            flush_run(&mut run, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_run(&mut run, &mut out);
    out
}

#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::prelude::*;

    /// A query's words for search.js: one line per word, `term` TAB `prefix`.
    #[wasm_bindgen]
    pub fn query_words(text: &str, language: &str) -> String {
        let stemmer = super::stemmer(language);
        let mut out = String::new();
        for w in super::words(text, stemmer.as_ref()) {
            out.push_str(&w.term);
            out.push('\t');
            out.push_str(&w.prefix);
            out.push('\n');
        }
        out
    }
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

    #[test]
    fn the_fold_table_is_sorted() {
        assert!(fold_table::FOLD.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(fold("ÉCOLE".to_lowercase().as_str()), "ecole");
    }
}
