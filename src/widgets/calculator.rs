//! stub
pub fn render(_body: &str, _path: &std::path::Path, _body_line: usize, _lang: &str, _out: &mut crate::markdown::Output) {}

#[cfg(test)]
mod probe {
    use crate::yaml::{self, Spanned};
    use serde::Deserialize;
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct R { w: Option<Spanned<serde_json::Value>>, size: Option<Spanned<f64>>, data: Option<Spanned<Vec<Spanned<serde_json::Value>>>> }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct F { w: Option<f64> }
    #[test]
    fn probe() {
        let p = std::path::Path::new("x.md");
        for t in ["", "# c\n", "w: 1\n", "w: abc\n", "w: '1'\nsize: abc\n", "wx: 1\n", "w: [1]\nsize: 2e5\n", "w: .nan\n", "w: 1_000\n", "data: 5\n", "data:\n  - [1, 2]\n  - {size: 3, price: x}\n", "size: 1\nsize: 2\n", "- 1\n", "w: 3\n  bad: [\n"] {
            let r: Result<R, _> = yaml::parse(t, p, 10);
            println!("{t:?} => {r:?}");
        }
        for t in ["", "w: abc"] { println!("F {t:?} => {:?}", yaml::parse::<F>(t, p, 0)); }
    }
}
