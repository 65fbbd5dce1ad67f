//! The shape every Markdown pass has: an iterator adapter over a page's events.
//!
//! Passes used to collect the page's whole event list, one `Vec` per pass: about 100 bytes an
//! event, so a 6 MB table (three events per cell) needed 910 MB. Chained as iterators, only the
//! events a pass is looking at are held (a heading's text, a code block's body), and memory is
//! pulldown-cmark's own tree plus the HTML written.

use super::{Ev, Output, PageContext};
use crate::diag::Pos;
use std::cell::RefCell;
use std::collections::VecDeque;

/// A page's events as a pass takes and gives them (`impl Events<'a> + 'p` in a signature).
pub trait Events<'a>: Iterator<Item = Ev<'a>> {}

impl<'a, I: Iterator<Item = Ev<'a>>> Events<'a> for I {}

/// What the passes of one page share: the page, where an offset in its Markdown is in the
/// file, and the `Output` they record into (each borrows it only while recording).
pub struct Env<'p> {
    pub ctx: &'p PageContext<'p>,
    pub at: &'p dyn Fn(usize) -> Pos,
    pub out: &'p RefCell<Output>,
}

/// Runs `step` on each event from `upstream`. The step writes what it makes into the queue
/// (nothing, the event itself, or several events), and may pull more events from `upstream`
/// first, which is how a pass looks ahead (to the end of a heading or a code block).
pub struct Pass<'a, I, F> {
    upstream: I,
    queue: VecDeque<Ev<'a>>,
    step: F,
}

pub fn pass<'a, I, F>(upstream: I, step: F) -> Pass<'a, I, F>
where
    I: Iterator<Item = Ev<'a>>,
    F: FnMut(Ev<'a>, &mut I, &mut VecDeque<Ev<'a>>),
{
    Pass {
        upstream,
        queue: VecDeque::new(),
        step,
    }
}

impl<'a, I, F> Iterator for Pass<'a, I, F>
where
    I: Iterator<Item = Ev<'a>>,
    F: FnMut(Ev<'a>, &mut I, &mut VecDeque<Ev<'a>>),
{
    type Item = Ev<'a>;

    fn next(&mut self) -> Option<Ev<'a>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            let event = self.upstream.next()?;
            (self.step)(event, &mut self.upstream, &mut self.queue);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{CowStr, Event};

    fn text(s: &'static str) -> Ev<'static> {
        (Event::Text(CowStr::from(s)), 0..0)
    }

    #[test]
    fn a_step_can_drop_repeat_and_look_ahead() {
        let events = vec![
            text("a"),
            text("drop"),
            text("twice"),
            text("pair"),
            text("b"),
        ];
        let out: Vec<String> = pass(events.into_iter(), |ev, up, queue| match &ev.0 {
            Event::Text(t) if &**t == "drop" => {}
            Event::Text(t) if &**t == "twice" => {
                queue.push_back(ev.clone());
                queue.push_back(ev);
            }
            Event::Text(t) if &**t == "pair" => {
                let next = up.next();
                queue.extend(next);
                queue.push_back(ev);
            }
            _ => queue.push_back(ev),
        })
        .map(|(e, _)| match e {
            Event::Text(t) => t.to_string(),
            _ => String::new(),
        })
        .collect();
        assert_eq!(out, ["a", "twice", "twice", "b", "pair"]);
    }
}
