//! Fenced blocks that are widgets, not code: ```quiz and ```calculator.

use crate::markdown::{Output, Widgets};
use std::path::PathBuf;

/// The widgets of one page: they need the page's file for messages.
pub struct PageWidgets {
    pub source: PathBuf,
    pub lang: String,
}

impl Widgets for PageWidgets {
    fn is_widget(&self, _info: &str) -> bool {
        false
    }

    fn render(&self, _info: &str, _body: &str, _body_line: usize, _out: &mut Output) {}
}
