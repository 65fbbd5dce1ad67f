//! Live reload: open pages keep a Server-Sent Events connection; after each rebuild every page
//! gets `reload` (the build succeeded) or `problems` (it failed: the overlay shows the errors
//! while the last good site stays served).

use std::io::{ErrorKind, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The script injected into served pages (a file, not inline, so CSP `script-src 'self'` holds).
pub const SCRIPT: &str = r#"// coursebook serve: reload on rebuild, show build problems in an overlay.
(function liveReload() {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  if (!here || !window.EventSource) { return; }
  // This page's address under the site's root, as the rebuild names pages.
  var page = window.location.href.split(/[?#]/)[0].slice(here.replace(/livereload\.js.*$/, "").length) || "index.html";
  // `since`: how many rebuild stages had written this page when it was read (the server's count).
  var since = (here.match(/[?&]since=(\d+)/) || [])[1];
  var source = new EventSource(here.replace(/livereload\.js.*$/, "events") +
    (since ? "?since=" + since + "&page=" + encodeURIComponent(page) : ""));
  function overlay(text) {
    var box = document.getElementById("coursebook-problems");
    if (!text) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "coursebook-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;z-index:99999;" +
        "background:#2b0d0d;color:#ffe9e9;border:2px solid #ff8a80;border-radius:8px;padding:1rem;" +
        "font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;box-shadow:0 8px 30px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = "coursebook: the last build failed; showing the previous site.\n\n" + text;
  }
  // One reload, however many rebuilds finish before the new page arrives: a second
  // location.reload() would abort the first navigation (two saves in quick succession).
  var reloading = false;
  source.addEventListener("reload", function (e) {
    // "but P": every page but P, which is made later (print.html); "only P": P alone.
    var rule = (e.data || "").split(" ");
    if ((rule[0] === "but" && rule[1] === page) || (rule[0] === "only" && rule[1] !== page)) { return; }
    if (reloading) { return; }
    reloading = true;
    source.close();
    window.location.reload();
  });
  source.addEventListener("problems", function (e) { overlay(e.data); });
  source.addEventListener("ok", function () { overlay(""); });
})();
"#;

/// Open pages that get live reload; more get a 503 (their page works, without reloading).
/// They hold a socket each and no thread.
const MAX_PAGES: usize = 256;

/// What one page may leave unread before it is taken for gone and dropped (a live page that
/// was dropped reconnects, and is told what it missed).
const MAX_UNREAD: usize = 1 << 20;

/// The most of a failed build's problems the overlay is sent; the terminal has them all.
const MAX_PROBLEMS: usize = 64 * 1024;

/// How often what pages have not taken yet is offered again, and how often they are pinged.
const RETRY: Duration = Duration::from_millis(200);
const PING: Duration = Duration::from_secs(15);

/// The state of the last build, and the pages listening for the next one: their open
/// connections, written to by whoever has news (a rebuild, the pinger). No thread per page, so
/// hundreds of open tabs cost hundreds of sockets, not hundreds of threads.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Page>>,
    problems: Mutex<Option<String>>,
    /// How many rebuild stages have written the pages other than the one made last
    /// (print.html, `Pages::Only`'s), and how many have written that one.
    written: AtomicU64,
    written_last: AtomicU64,
}

/// Which open pages a successful rebuild reloads (by their address under the site's root).
pub enum Pages {
    All,
    AllBut(&'static str),
    Only(&'static str),
}

/// One open page's event stream. Its socket does not block: what the page has not taken yet
/// waits in `unread` and is offered again, so a page that stops reading (or a client that
/// never did) costs its own buffer, never the other pages' news: with blocking writes each
/// such page held every reload up to the 30 s write timeout.
struct Page {
    out: Box<dyn Write + Send>,
    unread: Vec<u8>,
}

impl Page {
    /// Queue `message` and write what the socket takes now. False once the page is gone or
    /// has left more than [`MAX_UNREAD`] bytes unread.
    fn send(&mut self, message: &[u8]) -> bool {
        self.unread.extend_from_slice(message);
        self.flush()
    }

    fn flush(&mut self) -> bool {
        while !self.unread.is_empty() {
            match self.out.write(&self.unread) {
                Ok(0) => return false,
                Ok(n) => drop(self.unread.drain(..n)),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                // Full: the rest waits for the next offer (a blocking socket's timeout too).
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    break;
                }
                Err(_) => return false,
            }
        }
        self.unread.len() <= MAX_UNREAD
    }
}

/// `text` cut to [`MAX_PROBLEMS`] bytes at a line's end, saying so.
fn bounded(text: &str) -> String {
    if text.len() <= MAX_PROBLEMS {
        return text.to_string();
    }
    let mut cut = MAX_PROBLEMS;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = text[..cut].rfind('\n').unwrap_or(cut);
    format!(
        "{}\n… and more: the terminal has every problem",
        &text[..cut]
    )
}

fn event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in data.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    if data.is_empty() {
        out.push_str("data: \n");
    }
    out.push('\n');
    out
}

impl Hub {
    /// A rebuild succeeded so far (`Ok`: which pages may reload) or failed (`Err`: the
    /// problems as text).
    pub fn tell(&self, news: Result<Pages, String>) {
        let message = match &news {
            Ok(Pages::All) => event("reload", ""),
            Ok(Pages::AllBut(page)) => event("reload", &format!("but {page}")),
            Ok(Pages::Only(page)) => event("reload", &format!("only {page}")),
            Err(text) => event("problems", &bounded(text)),
        };
        let (others, last) = match &news {
            Ok(Pages::All) => (true, true),
            Ok(Pages::AllBut(_)) => (true, false),
            Ok(Pages::Only(_)) => (false, true),
            Err(_) => (false, false),
        };
        if others {
            self.written.fetch_add(1, Ordering::SeqCst);
        }
        if last {
            self.written_last.fetch_add(1, Ordering::SeqCst);
        }
        let problems = news.err().map(|text| bounded(&text));
        if let Ok(mut p) = self.problems.lock() {
            *p = problems;
        }
        self.send_all(&message);
    }

    /// How many rebuild stages have written `page` (its address under the site's root) so far.
    pub fn written(&self, page: &str) -> u64 {
        if page == crate::site::PRINT_URL {
            self.written_last.load(Ordering::SeqCst)
        } else {
            self.written.load(Ordering::SeqCst)
        }
    }

    /// Write `message` to every open page, forgetting the ones that went away or stopped
    /// reading. Never waits on a page.
    fn send_all(&self, message: &str) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain_mut(|page| page.send(message.as_bytes()));
        }
    }

    /// Offer every page what it has not taken yet.
    fn flush_all(&self) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain_mut(Page::flush);
        }
    }

    /// Start one page's event stream: the head and the last build's state now, the rest as
    /// builds finish. `since`: how many stages had written `page` when it was read; if more
    /// have since, the page missed a reload (it was itself reloading then) and gets one now.
    pub fn stream(&self, mut out: Box<dyn Write + Send>, since: Option<u64>, page: &str) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
        // The first event is chosen and the page listed under one lock: `tell` counts a stage
        // and sets the problems before it takes this lock to send, so a page either reads the
        // new state here or is listed before the news goes out.
        let Ok(mut clients) = self.clients.lock() else {
            return;
        };
        let first = match self.problems.lock().ok().and_then(|p| p.clone()) {
            Some(text) => event("problems", &text),
            None if since.is_some_and(|s| s < self.written(page)) => event("reload", ""),
            None => event("ok", ""),
        };
        if clients.len() >= MAX_PAGES {
            let _ = out.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }
        let mut page = Page {
            out,
            unread: Vec::new(),
        };
        if page.send(format!("{head}{first}").as_bytes()) {
            clients.push(page);
        }
    }

    /// Offers pages what they have not taken yet every 200 ms, and every 15 s sends each a
    /// comment line: notices closed ones and keeps proxies from timing out. Runs until the
    /// process ends.
    pub fn ping_forever(&self) {
        let mut pinged = Instant::now();
        loop {
            std::thread::sleep(RETRY);
            if pinged.elapsed() >= PING {
                pinged = Instant::now();
                self.send_all(": ping\n\n");
            } else {
                self.flush_all();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use std::sync::Arc;

    /// An event stream's bytes, kept where the test can read them.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut b) = self.0.lock() {
                b.extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink {
        fn text(&self) -> String {
            self.0
                .lock()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        }
    }

    /// A page's socket that takes `room` bytes at most each time it is offered, then is full
    /// until `open` is called (`room` 0: a client that never reads).
    #[derive(Clone, Default)]
    struct Slow {
        taken: Sink,
        room: usize,
        left: Arc<Mutex<usize>>,
    }

    impl Slow {
        fn new(room: usize) -> Slow {
            Slow {
                taken: Sink::default(),
                room,
                left: Arc::new(Mutex::new(room)),
            }
        }
        fn open(&self) {
            *self.left.lock().unwrap() = self.room;
        }
    }

    impl Write for Slow {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let mut left = self.left.lock().unwrap();
            if *left == 0 {
                return Err(ErrorKind::WouldBlock.into());
            }
            let n = buf.len().min(*left);
            *left -= n;
            self.taken.write(&buf[..n])
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_page_that_stops_reading_holds_up_no_other_and_is_dropped() {
        let hub = Hub::default();
        let reader = Sink::default();
        let stalled = Slow::new(0);
        hub.stream(Box::new(stalled.clone()), None, "a.html");
        hub.stream(Box::new(reader.clone()), None, "b.html");
        // Large news, many times: the reader gets each at once, the stalled page piles it up
        // until it passes the bound and is let go.
        let text = "a.md:1:1: bad\n".repeat(MAX_PROBLEMS / 14 + 100);
        let rounds = MAX_UNREAD / MAX_PROBLEMS + 2;
        for _ in 0..rounds {
            hub.tell(Err(text.clone()));
        }
        assert_eq!(reader.text().matches("event: problems").count(), rounds);
        assert_eq!(
            hub.clients.lock().unwrap().len(),
            1,
            "the stalled page is dropped"
        );
        assert!(stalled.taken.text().is_empty());
        // Each message was cut to the bound, at a line's end, saying so.
        let one = reader.text();
        let first = one.split("\n\n").nth(2).unwrap();
        let data: Vec<&str> = first
            .lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .collect();
        let sent = data.join("\n").len();
        assert!(
            (MAX_PROBLEMS - 100..MAX_PROBLEMS + 100).contains(&sent),
            "{sent}"
        );
        assert!(first.ends_with("data: … and more: the terminal has every problem"));
        assert!(
            first
                .lines()
                .all(|l| l == "event: problems" || l.starts_with("data: "))
        );
    }

    #[test]
    fn what_a_slow_page_has_not_taken_comes_later_whole_and_in_order() {
        let hub = Hub::default();
        let slow = Slow::new(7);
        hub.stream(Box::new(slow.clone()), None, "a.html");
        hub.tell(Err("a.md:1:1: bad".into()));
        hub.tell(Ok(Pages::All));
        assert_eq!(slow.taken.text().len(), 7);
        let mut offers = 0;
        while !hub.clients.lock().unwrap()[0].unread.is_empty() {
            slow.open();
            hub.flush_all();
            offers += 1;
            assert!(offers < 1000);
        }
        let text = slow.taken.text();
        let events: Vec<&str> = text
            .split("\r\n\r\n")
            .nth(1)
            .unwrap()
            .split("\n\n")
            .collect();
        assert_eq!(
            events,
            [
                "event: ok\ndata: ",
                "event: problems\ndata: a.md:1:1: bad",
                "event: reload\ndata: ",
                ""
            ]
        );
    }

    #[test]
    fn a_page_read_before_the_last_write_is_reloaded_when_it_connects() {
        let hub = Hub::default();
        hub.tell(Ok(Pages::AllBut("print.html")));
        hub.tell(Ok(Pages::Only("print.html")));
        assert_eq!((hub.written("a.html"), hub.written("print.html")), (1, 1));
        // print.html read before its stage, connected after: it missed "only print.html".
        let late = Sink::default();
        hub.stream(Box::new(late.clone()), Some(0), "print.html");
        assert!(
            late.text().ends_with("event: reload\ndata: \n\n"),
            "{}",
            late.text()
        );
        // A lesson read after the pages' stage: print.html's stage is not its news.
        let current = Sink::default();
        hub.stream(Box::new(current.clone()), Some(1), "a.html");
        assert!(
            current.text().ends_with("event: ok\ndata: \n\n"),
            "{}",
            current.text()
        );
        // A failed build's problems come first whatever the page's age.
        hub.tell(Err("a.md:1:1: bad".into()));
        let failing = Sink::default();
        hub.stream(Box::new(failing.clone()), Some(0), "a.html");
        assert!(
            failing
                .text()
                .contains("event: problems\ndata: a.md:1:1: bad\n")
        );
        // A later stage reaches the pages listed.
        hub.tell(Ok(Pages::All));
        assert!(current.text().ends_with("event: reload\ndata: \n\n"));
    }
}
