//! Fenced code blocks as a line scanner sees them, for the passes that read Markdown as text
//! before it is parsed (mdBook's directives, MathJax delimiters): a run of three or more
//! backticks or tildes opens a block; the same character, at least as many, and nothing after
//! closes it.

#[derive(Default)]
pub struct Fences {
    open: Option<(char, usize)>,
}

impl Fences {
    /// Take in one whole line (its end may be included); true when it opens or closes a block.
    pub fn line(&mut self, line: &str) -> bool {
        let t = line.trim_start();
        let ch = t.chars().next().unwrap_or(' ');
        if ch != '`' && ch != '~' {
            return false;
        }
        let run = t.chars().take_while(|&c| c == ch).count();
        if run < 3 {
            return false;
        }
        match self.open {
            None => self.open = Some((ch, run)),
            Some((c, n)) if c == ch && run >= n && t[run..].trim().is_empty() => self.open = None,
            Some(_) => return false,
        }
        true
    }

    /// Inside a block (after its opening line, before its closing one).
    pub fn inside(&self) -> bool {
        self.open.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_open_and_close_as_commonmark_says() {
        let mut f = Fences::default();
        assert!(!f.line("text\n"));
        assert!(f.line("```rust\n") && f.inside());
        assert!(
            !f.line("~~~\n") && f.inside(),
            "another fence character is content"
        );
        assert!(!f.line("```not a close\n") && f.inside());
        assert!(f.line("````\n") && !f.inside());
    }
}
