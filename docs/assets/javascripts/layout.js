// Scroll affordances for wide tables, code blocks and diagrams, loaded through extra_javascript.
// A box whose content is wider than itself gets data-kb-overflow ("start", "middle" or "end"
// by scroll position); kb.css draws a shadow on the side that hides content and keeps the
// scrollbar visible, so nothing is cut off without a sign that it scrolls.
(() => {
  "use strict";
  const SELECTOR = ".md-typeset__scrollwrap, .md-typeset pre > code, .md-typeset div.mermaid";

  function mark(box) {
    const hidden = box.scrollWidth - box.clientWidth;
    if (hidden <= 1) {
      box.removeAttribute("data-kb-overflow");
      return;
    }
    const at = box.scrollLeft <= 1 ? "start" : box.scrollLeft >= hidden - 1 ? "end" : "middle";
    box.setAttribute("data-kb-overflow", at);
  }

  function watch(box) {
    if (box.__kbWatched) return;
    box.__kbWatched = true;
    box.addEventListener("scroll", () => mark(box), { passive: true });
    mark(box);
  }

  function scan() {
    document.querySelectorAll(SELECTOR).forEach(watch);
    document.querySelectorAll(SELECTOR).forEach(mark);
  }

  // Material wraps tables and renders diagrams after load; re-check when the layout changes.
  const resize = new ResizeObserver(() => scan());
  document.addEventListener("DOMContentLoaded", () => {
    scan();
    const article = document.querySelector(".md-content");
    if (article) {
      resize.observe(article);
      new MutationObserver(() => scan()).observe(article, { childList: true, subtree: true });
    }
  });
  window.addEventListener("load", scan);
})();
