//! The glossary: one YAML list of terms that feeds the glossary page, each lesson's Key terms,
//! and linked mentions in prose.

use super::frontmatter::{FROM_YAML_ESCAPE, clean_in_place, replaced_warning};
use crate::diag::{Diagnostic, Pos};
use crate::markdown::slugify;
use crate::yaml::{self, Spanned, pos_of};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    term: Spanned<String>,
    id: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    definition: Spanned<String>,
    #[serde(default)]
    see: Vec<Spanned<String>>,
}

/// The largest glossary file coursebook reads. Real ones are tens of KB (a few hundred terms
/// of a sentence or two); every definition is rendered for the glossary page and its tooltips
/// with code highlighted (about 27 times the code's size), and a 13 MB glossary made a 323 MB
/// glossary.html and took 1.6 GB. Refused before it is read, so before YAML parses it.
pub const MAX_GLOSSARY: u64 = 2 << 20;

/// The longest definition, in bytes of Markdown: a definition is a sentence or a paragraph,
/// and each is carried into pages beyond the glossary (tooltips, lessons' Key terms lists),
/// where one 5 MB definition listed by 40 lessons made 206 MB of output. Longer is an error at
/// the entry: what takes more belongs in a lesson the definition links to.
pub const MAX_DEFINITION: usize = 16 << 10;

#[derive(Clone, Debug)]
pub struct Entry {
    pub id: String,
    pub term: String,
    pub aliases: Vec<String>,
    /// Inline Markdown.
    pub definition: String,
    pub see: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Glossary {
    pub entries: Vec<Entry>,
    /// Lowercased term, alias or id → entry index.
    lookup: HashMap<String, usize>,
}

impl Glossary {
    /// The entry an author's reference names: its id, its term or one of its aliases.
    pub fn find(&self, name: &str) -> Option<usize> {
        let key = name.trim().to_lowercase();
        self.lookup
            .get(&key)
            .or_else(|| self.lookup.get(&slugify(&key)))
            .copied()
    }
}

pub fn parse(text: &str, path: &Path) -> (Glossary, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let explain = |mut d: Diagnostic| {
        if d.message.contains("unknown field") {
            d = d.with_help("glossary entries have: term, id, aliases, definition, see");
        } else if d.message.contains("missing field") || d.message.contains("invalid type") {
            d = d.with_help(
                "the glossary is a list of entries such as `- term: Model` with `definition: …`",
            );
        }
        d
    };
    let mut raw: Vec<Spanned<RawEntry>> = match yaml::parse(text, path, 0) {
        Ok(r) => r,
        Err(d) => {
            // serde stops at the first mistake: read the entries one by one for the others.
            let first = explain(d);
            let positions: Vec<Pos> =
                yaml::parse::<Vec<Spanned<serde::de::IgnoredAny>>>(text, path, 0)
                    .map(|l| l.iter().map(|e| pos_of(e, 0)).collect())
                    .unwrap_or_default();
            let mut all: Vec<Diagnostic> =
                yaml::items_one_by_one::<RawEntry>(text, path, 0, &positions, &explain)
                    .into_iter()
                    .filter_map(Result::err)
                    .collect();
            if !all
                .iter()
                .any(|d| (d.line, &d.message) == (first.line, &first.message))
            {
                all.push(first);
            }
            return (Glossary::default(), all);
        }
    };
    // A YAML escape ("\0", "\u202E") can put NULs, controls or bidi overrides in a term shown
    // on every page that mentions it: replaced, with a warning at the entry.
    for item in &mut raw {
        let e = &mut item.value;
        let mut any = clean_in_place(&mut e.term.value) | clean_in_place(&mut e.definition.value);
        for name in e.id.iter_mut().chain(&mut e.aliases).chain(&mut e.see) {
            any |= clean_in_place(&mut name.value);
        }
        // A formula that does not render is shown as its LaTeX: said at the entry.
        if let Some((latex, why)) = crate::markdown::math_problem(&e.definition.value) {
            diags.push(super::quiz::math_warning(
                path,
                pos_of(item, 0),
                "this entry",
                &latex,
                &why,
            ));
        }
        if any {
            diags.push(replaced_warning(
                path,
                pos_of(item, 0),
                "this entry",
                FROM_YAML_ESCAPE,
            ));
        }
    }
    let mut glossary = Glossary::default();
    // Names that an author can write, with where they were first defined.
    let mut names: HashMap<String, (String, Pos)> = HashMap::new();
    for item in &raw {
        let e = &item.value;
        let pos = pos_of(item, 0);
        let term = e.term.value.trim().to_string();
        if term.is_empty() {
            diags.push(Diagnostic::error(
                path,
                pos_of(&e.term, 0),
                "a glossary entry has an empty term",
            ));
            continue;
        }
        let id =
            e.id.as_ref()
                .map_or_else(|| slugify(&term), |i| i.value.trim().to_string());
        if e.definition.value.trim().is_empty() {
            diags.push(Diagnostic::error(
                path,
                pos,
                format!("the term \"{term}\" has an empty definition"),
            ));
        }
        let definition_len = e.definition.value.trim().len();
        if definition_len > MAX_DEFINITION {
            diags.push(
                Diagnostic::error(
                    path,
                    pos_of(&e.definition, 0),
                    format!(
                        "the definition of \"{term}\" is {} KB; a glossary definition may be up to {} KB",
                        definition_len.div_ceil(1 << 10),
                        MAX_DEFINITION >> 10
                    ),
                )
                .with_help(
                    "shorten it to a paragraph, and link to a lesson that says the rest",
                ),
            );
        }
        let index = glossary.entries.len();
        if glossary.entries.iter().any(|x| x.id == id) {
            let at = e.id.as_ref().map_or(pos, |i| pos_of(i, 0));
            diags.push(
                Diagnostic::error(path, at, format!("the id \"{id}\" is used by two terms"))
                    .with_help("give one of them its own `id:`"),
            );
        }
        let mut claims = vec![(term.clone(), pos_of(&e.term, 0), "term")];
        claims.push((
            id.clone(),
            e.id.as_ref().map_or(pos, |i| pos_of(i, 0)),
            "id",
        ));
        claims.extend(
            e.aliases
                .iter()
                .map(|a| (a.value.clone(), pos_of(a, 0), "alias")),
        );
        for (name, at, what) in claims {
            let key = name.trim().to_lowercase();
            if key.is_empty() {
                continue;
            }
            match names.get(&key) {
                // A term's own id or alias may repeat its term ("Model", id "model").
                Some((owner, _)) if owner == &id => {}
                Some((owner, first)) => diags.push(
                    Diagnostic::error(
                        path,
                        at,
                        format!(
                            "the {what} \"{}\" is already used by \"{owner}\" (line {})",
                            name.trim(),
                            first.line
                        ),
                    )
                    .with_help("each term, id and alias may appear once in the glossary"),
                ),
                None => {
                    names.insert(key.clone(), (id.clone(), at));
                    glossary.lookup.insert(key, index);
                }
            }
        }
        glossary.entries.push(Entry {
            id,
            term,
            aliases: e
                .aliases
                .iter()
                .map(|a| a.value.trim().to_string())
                .collect(),
            definition: e.definition.value.trim().to_string(),
            see: Vec::new(),
        });
    }
    // `see` references resolve once every entry is known.
    for (i, item) in raw.iter().enumerate() {
        if i >= glossary.entries.len() {
            break;
        }
        for s in &item.value.see {
            match glossary.find(&s.value) {
                Some(target) => {
                    let id = glossary.entries[target].id.clone();
                    glossary.entries[i].see.push(id);
                }
                None => diags.push(
                    Diagnostic::error(
                        path,
                        pos_of(s, 0),
                        format!(
                            "`see` names \"{}\", which is not a term in the glossary",
                            s.value
                        ),
                    )
                    .with_help("use another entry's id, term or alias"),
                ),
            }
        }
    }
    (glossary, diags)
}

/// A sort key that follows the alphabet rather than code points: case and common accents are
/// folded (é sorts with e), so the order reads naturally in Latin-script languages.
pub fn sort_key(term: &str) -> String {
    term.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
            'ç' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'š' => 's',
            'ž' => 'z',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> String {
        let (_, d) = parse(yaml, Path::new("content/glossary.yaml"));
        d.iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn every_broken_entry_is_reported_not_only_the_first() {
        let yaml = "- term: Model\n  definition: [1]\n- term: Loss\n  definition: ok\n- {term: X, definition: d, colour: red}\n";
        let (_, diags) = parse(yaml, Path::new("glossary.yaml"));
        let lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, [2, 5], "{diags:#?}");
        assert!(
            diags[1].message.contains("unknown field `colour`"),
            "{diags:#?}"
        );
    }

    #[test]
    fn finds_by_id_term_and_alias() {
        let (g, d) = parse(
            "- term: Parameter\n  aliases: [weights]\n  definition: A number.\n- term: Small language model\n  id: slm\n  aliases: [SLM]\n  definition: Small.\n  see: [parameter]\n",
            Path::new("g"),
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(g.find("parameter"), Some(0));
        assert_eq!(g.find("Weights"), Some(0));
        assert_eq!(g.find("slm"), Some(1));
        assert_eq!(g.find("small language model"), Some(1));
        assert_eq!(g.entries[1].see, ["parameter"]);
    }

    #[test]
    fn controls_and_bidi_overrides_from_yaml_escapes_are_replaced_with_a_warning() {
        let (g, diags) = parse(
            "- term: Loss\n  definition: L.\n- term: \"Mo\\u202Edel\"\n  aliases: [\"M\\0\"]\n  definition: \"A\\x01B\"\n",
            Path::new("g.yaml"),
        );
        let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(
            shown[0].starts_with("warning: g.yaml:3:3: this entry"),
            "{shown:?}"
        );
        let e = &g.entries[1];
        assert_eq!(
            (
                e.term.as_str(),
                e.aliases[0].as_str(),
                e.definition.as_str()
            ),
            ("Mo\u{fffd}del", "M\u{fffd}", "A\u{fffd}B")
        );
        assert_eq!(g.entries[0].definition, "L.");
    }

    #[test]
    fn author_mistakes() {
        insta::assert_snapshot!(errors(
            "- term: Model\n  definition: A.\n- term: model\n  definition: B.\n- term: Loss\n  aliases: [Model]\n  definition: C.\n  see: [nothing]\n"
        ));
        insta::assert_snapshot!("malformed", errors("- term: Model\n  definiton: A.\n"));
    }

    #[test]
    fn sorting_folds_case_and_accents() {
        let mut terms = vec!["zeta", "Éclair", "apple", "eclipse"];
        terms.sort_by_key(|t| sort_key(t));
        assert_eq!(terms, ["apple", "Éclair", "eclipse", "zeta"]);
    }
}
