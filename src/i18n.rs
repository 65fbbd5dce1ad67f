//! The interface's strings in the course's language: the only reader of `i18n/*.toml`.
//!
//! Every word a learner reads that the author did not write (buttons, labels, screen-reader
//! texts, the scripts' messages) is a key of `themes/default/i18n/en.toml`, grouped in
//! sections. The strings of a build are English, overlaid by coursebook's translation for
//! book.toml's `language` (`pt-BR` falls back to `pt`), overlaid key by key by the course's own
//! `<theme>/i18n/<language>.toml`. Templates read them as `t.<section>.<key>`; scripts get the
//! `js` section through the page (base.html). docs/theming.md lists the keys.

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, LineIndex, Pos, rel};
use crate::theme::{DEFAULT_FILES, Theme};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

type Sections = BTreeMap<String, BTreeMap<String, String>>;

/// The plural categories of Unicode CLDR: a key `x_one` in English may have `x_zero`, `x_two`,
/// `x_few` and `x_many` siblings in languages that need them.
const PLURALS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Languages written right to left, by their primary subtag, for languages coursebook has no
/// translation of (a translation says its own direction in `meta.direction`).
const RIGHT_TO_LEFT: [&str; 11] = [
    "ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "syr",
];

#[derive(Clone, Debug, Serialize)]
pub struct Strings {
    /// The page's `lang`.
    pub lang: String,
    /// "ltr" or "rtl": the page's `dir`.
    pub dir: &'static str,
    /// section → key → text.
    pub sections: Sections,
}

impl Strings {
    /// English, with nothing overlaid (for tests and widgets rendered outside a build).
    #[cfg(test)]
    pub fn english() -> Strings {
        Strings {
            lang: "en".into(),
            dir: "ltr",
            sections: builtin("en").unwrap_or_default(),
        }
    }

    /// The text of `section.key`; the key itself when there is none (en.toml has every key
    /// the code asks for: a test holds that).
    pub fn get<'s>(&'s self, section: &str, key: &'s str) -> &'s str {
        self.sections
            .get(section)
            .and_then(|s| s.get(key))
            .map_or(key, String::as_str)
    }

    /// `section.key` with its `{name}` placeholders filled.
    pub fn fill(&self, section: &str, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.get(section, key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

impl Strings {
    /// The `js` section as JSON: `theme/strings.json`, which the page's scripts fetch once
    /// (runtime.js) instead of every page carrying it.
    pub fn script_json(&self) -> String {
        serde_json::to_string(&self.sections.get("js")).unwrap_or_else(|_| "{}".to_string())
    }

    /// `section.key_<form>` for the count `n` (the plural form the language uses, else
    /// `key_other`), with its placeholders filled.
    pub fn plural(&self, section: &str, key: &str, n: u64, values: &[(&str, &str)]) -> String {
        let form = plural_form(&self.lang, n);
        let chosen = format!("{key}_{form}");
        let other = format!("{key}_other");
        let key = match self.sections.get(section) {
            Some(keys) if keys.contains_key(&chosen) => chosen,
            _ => other,
        };
        self.fill(section, &key, values)
    }
}

/// Unicode CLDR's cardinal plural category of a whole number `n` in `lang`, for the languages
/// coursebook translates (others: English's rule). Scripts use the browser's
/// `Intl.PluralRules`, which knows every language; these are the same rules for the few
/// sentences the build writes.
pub fn plural_form(lang: &str, n: u64) -> &'static str {
    let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
    match primary.as_str() {
        "ja" | "zh" | "ko" | "th" | "vi" | "id" | "ms" => "other",
        "fr" | "pt" if n <= 1 => "one",
        "fr" | "pt" => "other",
        // One: 1, 21, 31…; few: 2–4, 22–24…; many: 0, 5–20, 25–30… (whole numbers).
        "ru" | "uk" | "be" => match (n % 10, n % 100) {
            (1, r) if r != 11 => "one",
            (2..=4, r) if !(12..=14).contains(&r) => "few",
            _ => "many",
        },
        "ar" => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        _ if n == 1 => "one",
        _ => "other",
    }
}

/// The languages coursebook ships a translation of, by file name.
pub fn shipped() -> impl Iterator<Item = &'static str> {
    DEFAULT_FILES.iter().filter_map(|(path, _)| {
        path.strip_prefix("i18n/")
            .and_then(|p| p.strip_suffix(".toml"))
    })
}

fn builtin(name: &str) -> Option<Sections> {
    let path = format!("i18n/{name}.toml");
    let (_, bytes) = DEFAULT_FILES.iter().find(|(p, _)| *p == path)?;
    let text = std::str::from_utf8(bytes).ok()?;
    let table: toml::Table = toml::from_str(text).ok()?;
    Some(sections_of(&table, &mut |_, _| {}))
}

/// The string values of a parsed file, two levels deep; `odd` hears of anything else (by
/// dotted key and what is wrong).
fn sections_of(table: &toml::Table, odd: &mut dyn FnMut(String, &str)) -> Sections {
    let mut sections = Sections::new();
    for (name, value) in table {
        let Some(keys) = value.as_table() else {
            odd(name.clone(), "is not a [section]");
            continue;
        };
        let section = sections.entry(name.clone()).or_default();
        for (key, value) in keys {
            match value.as_str() {
                Some(text) => {
                    section.insert(key.clone(), text.to_string());
                }
                None => odd(format!("{name}.{key}"), "is not a string"),
            }
        }
    }
    sections
}

/// The file names to try for a language tag, most specific first: `pt-BR` → `pt-BR`, `pt`.
/// Traditional Chinese does not fall back to the Simplified translation.
fn candidates(tag: &str) -> Vec<String> {
    let mut names = vec![tag.to_string()];
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    let lower = tag.to_ascii_lowercase();
    let traditional = primary == "zh"
        && ["-hant", "-tw", "-hk", "-mo"]
            .iter()
            .any(|t| lower.contains(t));
    if primary != tag && !traditional {
        names.push(primary);
    }
    names
}

/// Is `key` one English has, directly or as another plural form of one of its plural keys?
fn known(english: &Sections, section: &str, key: &str) -> bool {
    let Some(keys) = english.get(section) else {
        return false;
    };
    keys.contains_key(key)
        || key.rsplit_once('_').is_some_and(|(stem, form)| {
            PLURALS.contains(&form) && keys.contains_key(&format!("{stem}_other"))
        })
}

/// The strings for `config.language`. Problems with a course's own strings are warnings at
/// their line: the page falls back to English, never to an empty button.
pub fn load(config: &Config, theme: &Theme, diags: &mut Diagnostics) -> Strings {
    let english = builtin("en").unwrap_or_default();
    let mut sections = english.clone();
    let names = candidates(&config.language);
    let mut translated = false;
    let mut direction = None;
    for name in names.iter().rev() {
        if name != "en"
            && let Some(found) = builtin(name)
        {
            overlay(&mut sections, &found);
            translated = true;
            direction = found
                .get("meta")
                .and_then(|m| m.get("direction"))
                .cloned()
                .or(direction);
        }
    }
    let mut own = None;
    for name in names.iter().rev() {
        let path = format!("i18n/{name}.toml");
        match theme.override_file(&path) {
            Ok(Some((bytes, _)))
                if let Some(denied) = crate::confine::config_too_large(bytes.len()) =>
            {
                let at = theme_path(theme, config, &path);
                let message = format!("`{path}` in the theme is refused: {denied}");
                diags.push(
                    Diagnostic::error(at, Pos::FILE, message).with_help(
                        "a strings file is a few KB: the interface's words, not content",
                    ),
                );
            }
            Ok(Some((bytes, file))) => {
                if let Some(found) = read_own(&bytes, &file, config, &english, diags) {
                    overlay(&mut sections, &found);
                    direction = found
                        .get("meta")
                        .and_then(|m| m.get("direction"))
                        .cloned()
                        .or(direction);
                    own = Some((file, found));
                }
            }
            Ok(None) => {}
            Err(why) => diags.push(Diagnostic::error(
                theme_path(theme, config, &path),
                Pos::FILE,
                why,
            )),
        }
    }
    let english_ui = names.iter().any(|n| n == "en");
    match own {
        // A language coursebook does not translate, in the course's own file: what it leaves
        // out is shown in English, said once.
        Some((file, found)) if !translated && !english_ui => {
            let missing: Vec<String> = english
                .iter()
                .flat_map(|(s, keys)| keys.keys().map(move |k| (s, k)))
                .filter(|(s, k)| *s != "meta" && !found.get(*s).is_some_and(|f| f.contains_key(*k)))
                .map(|(s, k)| format!("{s}.{k}"))
                .collect();
            if !missing.is_empty() {
                let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
                diags.push(
                    Diagnostic::warning(
                        rel(&config.root, &file),
                        Pos::FILE,
                        format!(
                            "{} interface strings are missing and shown in English: {}{}",
                            missing.len(),
                            shown.join(", "),
                            if missing.len() > shown.len() { ", …" } else { "" }
                        ),
                    )
                    .with_help("copy them from coursebook's themes/default/i18n/en.toml and translate them"),
                );
            }
        }
        None if !translated && !english_ui => diags.push(
            Diagnostic::warning(
                "book.toml",
                config.language_pos,
                format!(
                    "coursebook has no translation for language \"{}\": the interface is in English",
                    config.language
                ),
            )
            .with_help(format!(
                "translations: {}; or add i18n/{}.toml to the course's theme (docs/theming.md)",
                shipped().collect::<Vec<_>>().join(", "),
                config.language
            )),
        ),
        _ => {}
    }
    let primary = config
        .language
        .split('-')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let dir = config
        .text_direction
        .or(match direction.as_deref() {
            Some("rtl") => Some("rtl"),
            Some("ltr") => Some("ltr"),
            _ => None,
        })
        .unwrap_or(if RIGHT_TO_LEFT.contains(&primary.as_str()) {
            "rtl"
        } else {
            "ltr"
        });
    Strings {
        lang: config.language.clone(),
        dir,
        sections,
    }
}

fn overlay(base: &mut Sections, top: &Sections) {
    for (section, keys) in top {
        let into = base.entry(section.clone()).or_default();
        for (key, text) in keys {
            into.insert(key.clone(), text.clone());
        }
    }
}

fn theme_path(theme: &Theme, config: &Config, path: &str) -> PathBuf {
    theme
        .dir
        .as_ref()
        .map_or_else(|| PathBuf::from(path), |d| rel(&config.root, &d.join(path)))
}

/// The longest UI string a strings file may give, in bytes: the longest shipped is about 220.
const MAX_STRING: usize = 2000;

/// A course's own strings file: its keys that English has, with a warning at the line of
/// each one it does not (a misspelt key would otherwise change nothing, silently).
fn read_own(
    bytes: &[u8],
    file: &Path,
    config: &Config,
    english: &Sections,
    diags: &mut Diagnostics,
) -> Option<Sections> {
    let shown = rel(&config.root, file);
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let pos = e
                .span()
                .map_or(Pos::new(1, 1), |s| Pos::of_offset(text, s.start));
            diags.push(Diagnostic::warning(
                shown,
                pos,
                format!("{}; the file is ignored", e.message().trim()),
            ));
            return None;
        }
    };
    let lines = LineIndex::new(text);
    let starts = key_starts(text);
    let line_of = |dotted: &str| {
        let key = dotted.rsplit('.').next().unwrap_or(dotted);
        starts.get(key).map_or(Pos::new(1, 1), |&at| lines.pos(at))
    };
    let mut odd = Vec::new();
    let mut found = sections_of(&table, &mut |key, why| odd.push((key, why.to_string())));
    for (section, keys) in &mut found {
        keys.retain(|key, text| {
            let why = if !known(english, section, key) {
                "is not a string coursebook uses".into()
            } else if text.len() > MAX_STRING {
                // Each page holds a few dozen of these: 4 MB strings stopped every page's
                // template at its output bound, and the errors blamed the templates.
                format!(
                    "is {} bytes long, more than the {MAX_STRING} a UI string may be",
                    text.len()
                )
            } else {
                return true;
            };
            odd.push((format!("{section}.{key}"), why));
            false
        });
    }
    // The page's direction follows `meta.direction` only when it is one of the two.
    if let Some(d) = found.get("meta").and_then(|m| m.get("direction"))
        && d != "ltr"
        && d != "rtl"
    {
        odd.push((
            "meta.direction".into(),
            format!("is \"{}\", not \"ltr\" or \"rtl\"", d.escape_debug()),
        ));
    }
    for (key, why) in odd {
        diags.push(
            Diagnostic::warning(&shown, line_of(&key), format!("`{key}` {why}; ignored"))
                .with_help("the keys are those of coursebook's themes/default/i18n/en.toml, each a short text"),
        );
    }
    Some(found)
}

/// Where each bare key first starts a line or follows a `[`, in one pass over `text`: looking
/// each reported key up from the file's start took 5.8 s for 40,000 unknown keys, minutes for
/// a million.
fn key_starts(text: &str) -> HashMap<&str, usize> {
    let is_key = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut starts = HashMap::new();
    let mut note = |at: usize| {
        let len = text[at..].find(|c| !is_key(c)).unwrap_or(text.len() - at);
        if len > 0 {
            starts.entry(&text[at..at + len]).or_insert(at);
        }
    };
    note(0);
    for (at, c) in text.char_indices() {
        if c == '\n' || c == '[' {
            note(at + 1);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_translation_has_every_key_with_the_same_placeholders() {
        let english = builtin("en").unwrap_or_default();
        assert!(english.get("quiz").is_some_and(|q| q.contains_key("check")));
        let languages: Vec<&str> = shipped().collect();
        for lang in ["en", "fr", "de", "es", "pt", "ja", "zh", "ar", "ru", "uk"] {
            assert!(languages.contains(&lang), "no {lang}.toml embedded");
        }
        for lang in languages {
            let theirs =
                builtin(lang).unwrap_or_else(|| unreachable!("{lang}.toml does not parse"));
            for (section, keys) in &english {
                for (key, text) in keys {
                    let Some(translated) = theirs.get(section).and_then(|s| s.get(key)) else {
                        unreachable!("{lang}.toml has no {section}.{key}");
                    };
                    assert_eq!(
                        placeholders(translated),
                        placeholders(text),
                        "{lang}.toml {section}.{key}"
                    );
                }
            }
            for (section, keys) in &theirs {
                for key in keys.keys() {
                    assert!(
                        known(&english, section, key),
                        "{lang}.toml has an unknown {section}.{key}"
                    );
                }
            }
        }
    }

    #[test]
    fn tags_fall_back_to_their_language_but_not_across_scripts() {
        assert_eq!(candidates("pt-BR"), ["pt-BR", "pt"]);
        assert_eq!(candidates("fr"), ["fr"]);
        assert_eq!(candidates("zh-Hans"), ["zh-Hans", "zh"]);
        assert_eq!(candidates("zh-TW"), ["zh-TW"]);
        assert!(known(
            &builtin("en").unwrap_or_default(),
            "js",
            "unanswered_few"
        ));
        assert!(!known(
            &builtin("en").unwrap_or_default(),
            "js",
            "answer_few"
        ));
    }

    #[test]
    fn plural_forms_follow_the_language() {
        assert_eq!(plural_form("en", 1), "one");
        assert_eq!(plural_form("en-GB", 0), "other");
        assert_eq!(plural_form("fr", 0), "one");
        assert_eq!(plural_form("ja", 1), "other");
        // Russian, as Intl.PluralRules("ru") says for whole numbers.
        let forms: Vec<&str> = [0, 1, 2, 5, 11, 12, 21, 22, 25, 111, 101]
            .map(|n| plural_form("ru", n))
            .to_vec();
        assert_eq!(
            forms,
            [
                "many", "one", "few", "many", "many", "many", "one", "few", "many", "many", "one"
            ]
        );
        let forms: Vec<&str> = [0, 1, 2, 3, 11, 100].map(|n| plural_form("ar", n)).to_vec();
        assert_eq!(forms, ["zero", "one", "two", "few", "many", "other"]);
        let s = Strings::english();
        let one = s.plural("playground", "data_caption", 1, &[("count", "1")]);
        assert_eq!(one, "The data: 1 house");
        let many = s.plural("playground", "data_caption", 7, &[("count", "7")]);
        assert_eq!(many, "The data: 7 houses");
    }

    #[test]
    fn fill_replaces_placeholders() {
        let s = Strings::english();
        assert_eq!(
            s.fill("page", "lesson_number", &[("number", "1.2")]),
            "Lesson 1.2"
        );
        assert_eq!(s.get("quiz", "check"), "Check answers");
        assert_eq!(s.get("quiz", "no-such-key"), "no-such-key");
    }
}
