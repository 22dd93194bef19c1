// Accessibility fixes for Material's markup, loaded through extra_javascript in mkdocs.yml.
//
// 1. Material's search overlay has role="dialog" but no accessible name (axe rule
//    aria-dialog-name); name it after its input so screen readers announce "Search".
// 2. Task-list checkboxes (pymdownx.tasklist) sit in an empty <label>, so they have no name (axe rule
//    label); name each after its item's text.
// 3. Scrollable regions must be reachable by keyboard (axe rule scrollable-region-focusable,
//    WCAG 2.1.1). Material wraps every data table in `.md-typeset__scrollwrap` in its JavaScript
//    bundle; whether that wrapper scrolls depends on the browser's fonts and the viewport, so every
//    wrapper is made focusable and named here whatever its width, once for the whole site. Material
//    gives a code block tabindex only while it overflows and only on devices that can hover; an
//    overflowing block on a touch device is made focusable too. Any other element that scrolls
//    sideways (found at load, on resize and whenever content changes) gets the same treatment.
(() => {
  "use strict";

  const SCROLLS = /^(auto|scroll)$/;
  const CANDIDATES = [
    "div",
    "pre",
    "code",
    "table",
    "p",
    "ul",
    "ol",
    "dl",
    "figure",
  ].map((tag) => `.md-content ${tag}`).join(", ");
  const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";

  function nameSearchDialog() {
    document.querySelectorAll(".md-search[role='dialog']").forEach((dialog) => {
      if (!dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
        dialog.setAttribute("aria-label", "Search");
      }
    });
  }

  function nameTaskCheckboxes() {
    document.querySelectorAll(".task-list-item input[type='checkbox']").forEach((box) => {
      if (box.hasAttribute("aria-label")) return;
      const item = box.closest(".task-list-item");
      const clone = item.cloneNode(true);
      clone.querySelectorAll("ul, ol").forEach((nested) => nested.remove());
      const words = text(clone).slice(0, 120);
      box.setAttribute("aria-label", words || "Task");
    });
  }

  // The nearest heading before `node` in document order, inside the article.
  function headingBefore(node) {
    const article = node.closest("article") || document.body;
    let current = node;
    while (current && current !== article) {
      let sibling = current.previousElementSibling;
      while (sibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) return sibling;
        const inner = sibling.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) return inner[inner.length - 1];
        sibling = sibling.previousElementSibling;
      }
      current = current.parentElement;
    }
    return null;
  }

  function text(node) {
    // Headings carry a permalink "¶"; keep only the words.
    return (node ? node.textContent : "").replace(/¶/g, "").replace(/\s+/g, " ").trim();
  }

  function regionName(region, kind) {
    const caption = region.querySelector("caption");
    if (caption && text(caption)) return `${kind}: ${text(caption)}`;
    const heading = text(headingBefore(region));
    return heading ? `${kind}: ${heading} (scrolls sideways)` : `${kind} (scrolls sideways)`;
  }

  function makeReachable(region, kind) {
    if (!region.hasAttribute("tabindex")) region.setAttribute("tabindex", "0");
    if (!region.hasAttribute("role")) region.setAttribute("role", "region");
    if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
      region.setAttribute("aria-label", regionName(region, kind));
    }
  }

  function overflows(element) {
    return element.scrollWidth > element.clientWidth + 1;
  }

  function markRegions() {
    // Every table wrapper, whether or not it scrolls on this browser today.
    document.querySelectorAll(".md-typeset__scrollwrap").forEach((wrap) => {
      makeReachable(wrap, "Table");
    });
    // Code blocks: Material's own rule leaves touch devices out.
    document.querySelectorAll(".md-typeset pre > code").forEach((code) => {
      if (overflows(code) && !code.hasAttribute("tabindex")) code.setAttribute("tabindex", "0");
    });
    // Anything else in the content that scrolls sideways and holds nothing focusable.
    document.querySelectorAll(CANDIDATES).forEach((element) => {
      if (element.hasAttribute("tabindex") || element.matches("pre > code")) return;
      if (!SCROLLS.test(getComputedStyle(element).overflowX) || !overflows(element)) return;
      if (element.querySelector(FOCUSABLE)) return;
      makeReachable(element, "Scrollable content");
    });
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      markRegions();
    });
  }

  let started = false;
  function start() {
    if (started) return;
    started = true;
    nameSearchDialog();
    nameTaskCheckboxes();
    markRegions();
    new MutationObserver(schedule).observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["tabindex"],
    });
    window.addEventListener("resize", schedule);
  }

  // Material mounts its components (and wraps tables) when `document$` emits; subscribe after it.
  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
