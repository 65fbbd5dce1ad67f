// coursebook default theme: colour theme toggle and sidebar. Plain script, no bundler; the page
// works without it. Runs in <head> so a saved colour theme applies before the first paint.
(function colourTheme() {
  "use strict";
  var KEY = "coursebook:theme";
  var root = document.documentElement;
  var saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
  if (saved === "light" || saved === "dark") { root.setAttribute("data-theme", saved); }
  root.classList.add("js");

  function current() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) { return chosen; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  // mdBook's theme classes on <html>, for a book's own stylesheet written for them (the
  // Rustonomicon draws its "incomplete" box with `.light main .warning p`): `light`, and for
  // dark its default dark theme, `navy`.
  function mdbookClass() {
    var dark = current() === "dark";
    root.classList.toggle("light", !dark);
    root.classList.toggle("navy", dark);
  }
  mdbookClass();
  if (window.matchMedia) {
    var scheme = window.matchMedia("(prefers-color-scheme: dark)");
    if (scheme.addEventListener) { scheme.addEventListener("change", mdbookClass); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) { return; }
    function label() {
      var dark = current() === "dark";
      // The label ("Dark theme", in the page's language) is the template's; pressed says if on.
      button.setAttribute("aria-pressed", dark ? "true" : "false");
    }
    label();
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* private mode: not saved */ }
      mdbookClass();
      label();
    });
  });
})();

(function sectionRedirects() {
  "use strict";
  // `[output.html.redirect]`'s old addresses of this page's sections (`"/a.html#old" =
  // "b.html#new"`): an old deep link lands where the section went, as mdBook's script sends it.
  function follow() {
    var map;
    try { map = JSON.parse(document.body.getAttribute("data-redirects") || "{}"); } catch (e) { return; }
    var id = window.location.hash.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* as written */ }
    if (id && Object.prototype.hasOwnProperty.call(map, id)) { window.location.replace(map[id]); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.body.hasAttribute("data-redirects")) { return; }
    follow();
    window.addEventListener("hashchange", follow);
  });
})();

(function sidebar() {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var details = document.getElementById("toc-toggle");
    if (!details) { return; }
    // Browsers without ::details-content keep closed details shut; open it on wide screens.
    var wide = window.matchMedia("(min-width: 60.0625rem)");
    function sync() { if (wide.matches) { details.open = true; } }
    sync();
    if (wide.addEventListener) { wide.addEventListener("change", sync); }
    // The current page's entry is scrolled into the sidebar's view by the sidebar's own
    // scrollTop: scrollIntoView would also move the browser's sequential focus starting point
    // there (Chromium), so the first Tab would skip the skip link and the header.
    var current = details.querySelector('[aria-current="page"]');
    var list = details.querySelector(".toc");
    if (current && list && wide.matches) {
      // Centred: the sidebar is as tall as the window but starts below the header, so an entry
      // at its very bottom would still be out of sight.
      var box = current.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) {
        var top = box.top - list.getBoundingClientRect().top + list.scrollTop;
        list.scrollTop = top - (list.clientHeight - box.height) / 2;
      }
    }
  });
})();

(function glossaryTips() {
  "use strict";
  // WCAG 1.4.13: a definition shown on hover or focus can be dismissed without moving the
  // pointer or the focus. Escape hides it until the pointer or focus leaves the term.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    var shown = document.querySelectorAll(".term:hover, .term:focus-within");
    for (var i = 0; i < shown.length; i++) { shown[i].classList.add("dismissed"); }
  });
  function leave(e) {
    var term = e.target && e.target.closest ? e.target.closest(".term") : null;
    if (term && !(e.relatedTarget && term.contains(e.relatedTarget))) {
      term.classList.remove("dismissed");
    }
  }
  document.addEventListener("pointerout", leave);
  document.addEventListener("focusout", leave);
  // A tip starts under its term (book.css); near the end of a line it would run off the screen
  // and widen the page: move it back in along the line, never past the other edge. Moved by
  // its margin, not `translate`: a touch browser (Chromium's mobile mode, 641-1000 px) kept the
  // page as wide as the tip's first place and zoomed out.
  function place(e) {
    var term = e.target && e.target.closest ? e.target.closest(".term") : null;
    var tip = term ? term.querySelector(".term-tip") : null;
    if (!tip) { return; }
    tip.style.marginInlineStart = "";
    var box = tip.getBoundingClientRect();
    if (!box.width) { return; }
    var margin = 8;
    var shift = Math.min(0, document.documentElement.clientWidth - margin - box.right);
    shift = Math.max(shift, margin - box.left);
    if (shift) {
      var rtl = getComputedStyle(tip).direction === "rtl";
      tip.style.marginInlineStart = Math.round(rtl ? -shift : shift) + "px";
    }
  }
  document.addEventListener("mouseover", place);
  document.addEventListener("focusin", place);
})();

(function scrollers() {
  "use strict";
  // A wide table or formula scrolls inside itself (book.css); a keyboard can scroll it only if
  // it can be focused (WCAG 2.1.1). Only those that do overflow are made focusable, so narrow
  // ones add no Tab stop; checked again when the window changes size. A code block is built
  // focusable (without JavaScript nothing can tell whether it overflows): one that fits loses
  // its Tab stop here, and gets it back when it no longer fits.
  function update() {
    var blocks = document.querySelectorAll("pre.code");
    for (var j = 0; j < blocks.length; j++) {
      var pre = blocks[j];
      var over = pre.scrollWidth > pre.clientWidth + 1 || pre.scrollHeight > pre.clientHeight + 1;
      if (!over && pre.getAttribute("tabindex") === "0" && document.activeElement !== pre) {
        pre.removeAttribute("tabindex");
        pre.setAttribute("data-fits", "");
      } else if (over && pre.hasAttribute("data-fits")) {
        pre.setAttribute("tabindex", "0");
        pre.removeAttribute("data-fits");
      }
    }
    var boxes = document.querySelectorAll('main table, main math[display="block"]');
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroller", "");
      } else if (!wide && box.hasAttribute("data-scroller")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroller");
      }
    }
  }
  var pending = 0;
  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("load", update);
  function later() {
    window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(update);
  }
  window.addEventListener("resize", later);
  // Hidden lines shown make a block wider.
  document.addEventListener("click", function (e) {
    if (e.target && e.target.closest && e.target.closest("[data-show-hidden]")) { later(); }
  });
})();

(function pagerKeys() {
  "use strict";
  // ← and → go to the previous and next page, unless a field or control wants the arrows (or
  // a modifier is held). On a right-to-left page the arrows are mirrored.
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") { return; }
    var target = e.target;
    if (target && target.closest &&
        target.closest('input, textarea, select, button, summary, [contenteditable], [tabindex]:not([tabindex="-1"]), .order-list')) {
      return;
    }
    var rtl = document.documentElement.getAttribute("dir") === "rtl";
    var forward = (e.key === "ArrowRight") !== rtl;
    var link = document.querySelector(forward ? '.pager a[rel="next"]' : '.pager a[rel="prev"]');
    if (link) { window.location.href = link.href; }
  });
})();

(function copyCode() {
  "use strict";
  // A copy button on every highlighted code block (its labels come from the page, in the
  // page's language); without JavaScript there is none, as it could not work.
  document.addEventListener("DOMContentLoaded", function () {
    var label = document.body.getAttribute("data-copy");
    var done = document.body.getAttribute("data-copied");
    if (!label || !navigator.clipboard) { return; }
    var blocks = document.querySelectorAll("pre.code");
    for (var i = 0; i < blocks.length; i++) {
      (function (pre) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "copy-code";
        button.textContent = label;
        var status = document.createElement("span");
        status.className = "visually-hidden";
        status.setAttribute("role", "status");
        button.addEventListener("click", function () {
          var code = pre.querySelector("code");
          navigator.clipboard.writeText((code || pre).textContent).then(function () {
            button.textContent = done;
            status.textContent = done;
            window.setTimeout(function () { button.textContent = label; status.textContent = ""; }, 2000);
          }, function () { /* refused (permissions): the code can still be selected */ });
        });
        var wrap = document.createElement("div");
        wrap.className = "code-block";
        pre.parentNode.insertBefore(wrap, pre);
        wrap.appendChild(pre);
        wrap.appendChild(button);
        wrap.appendChild(status);
      })(blocks[i]);
    }
  });
})();

(function headingLinks() {
  "use strict";
  // A link to its own section at the end of every section heading ("#", named for screen
  // readers), to copy a deep link from. Added here rather than written into every heading:
  // it is a convenience, and pages stay smaller.
  document.addEventListener("DOMContentLoaded", function () {
    var label = document.body.getAttribute("data-heading-link");
    if (!label) { return; }
    var headings = document.querySelectorAll("main article :is(h2, h3, h4, h5, h6)[id]");
    for (var i = 0; i < headings.length; i++) {
      var a = document.createElement("a");
      a.className = "heading-anchor";
      a.href = "#" + headings[i].id;
      a.setAttribute("aria-label", label);
      a.textContent = "#";
      headings[i].appendChild(document.createTextNode(" "));
      headings[i].appendChild(a);
    }
  });
})();

(function hiddenLines() {
  "use strict";
  // A code block's hidden lines (Rust's `# ` lines) are shown and hidden again by the button
  // the build put before it.
  document.addEventListener("click", function (e) {
    var button = e.target && e.target.closest ? e.target.closest("[data-show-hidden]") : null;
    if (!button) { return; }
    var pre = button.nextElementSibling;
    while (pre && !(pre.matches && pre.matches("pre.code, .code-block"))) { pre = pre.nextElementSibling; }
    if (pre && !pre.matches("pre")) { pre = pre.querySelector("pre.code"); }
    if (!pre) { return; }
    var shown = pre.classList.toggle("show-hidden");
    button.setAttribute("aria-pressed", shown ? "true" : "false");
  });
})();

(function printButton() {
  "use strict";
  // The print page's button (print.html): printing is the browser's, so it only shows with
  // JavaScript; without it the browser's own Print command does the same.
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-print]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

(function search() {
  "use strict";
  // The header's search box: shown with JavaScript only (without it the contents page is one
  // link away). Nothing is fetched until the learner opens it: then search.js, search-words.js
  // and the index files a query needs (site/search.rs).
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-search]");
    if (!form) { return; }
    var input = form.querySelector("input[type=search]");
    form.hidden = false;
    var loading = null;
    function load() {
      if (!loading) {
        var url = new URL(form.getAttribute("data-root") + "theme/js/search.js?v=" + form.getAttribute("data-version"), document.baseURI).href;
        loading = import(url).then(function (m) { m.attach(form); return m; });
      }
      return loading;
    }
    // Where focus was before the box: Escape on an empty search goes back there (search.js).
    input.addEventListener("focus", function (e) {
      if (e.relatedTarget && !form.contains(e.relatedTarget)) { form.returnTo = e.relatedTarget; }
      load();
    });
    // The learner's query, kept when they went to a result, is in the box when they come back
    // (search.js keeps it); its results come when the box is opened.
    try {
      var kept = sessionStorage.getItem("coursebook:search");
      if (kept && !input.value) { input.value = kept; }
    } catch (err) { /* storage off */ }
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    // WCAG 2.1.4: the one-key shortcuts can be turned off (the switch under the box, kept in
    // this browser): a speech-input user's words are keys too.
    var keys = form.querySelector("[data-search-keys]");
    var keysOn = function () {
      try { return localStorage.getItem("coursebook:search-keys") !== "off"; } catch (err) { return true; }
    };
    if (keys) {
      keys.checked = keysOn();
      keys.addEventListener("change", function () {
        try {
          if (keys.checked) { localStorage.removeItem("coursebook:search-keys"); }
          else { localStorage.setItem("coursebook:search-keys", "off"); }
        } catch (err) { /* storage off: for this page only */ }
      });
    }
    document.addEventListener("keydown", function (e) {
      if ((e.key !== "/" && e.key !== "s") || e.ctrlKey || e.metaKey || e.altKey) { return; }
      if (keys ? !keys.checked : !keysOn()) { return; }
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
      e.preventDefault();
      input.focus();
    });
  });
})();
