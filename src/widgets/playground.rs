//! stub
pub fn render(_body: &str, _path: &std::path::Path, _body_line: usize, _lang: &str, _out: &mut crate::markdown::Output) {}
