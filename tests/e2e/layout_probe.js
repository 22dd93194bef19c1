// Page-side measurements for tests/e2e/test_layout.py. Returns a list of problems, each a short
// sentence naming the element; an empty list means nothing on the page is cut off.
() => {
  const problems = [];
  const name = (el) => {
    const text = (el.innerText || el.textContent || "").trim().split("\n")[0].slice(0, 50);
    return `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ")[0] : ""} "${text}"`;
  };
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${vw}px viewport`);
  }
  const content = document.querySelector(".md-content");
  if (!content) return problems;
  for (const el of content.querySelectorAll("*")) {
    if (el.closest("[hidden], details:not([open])")) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const overflowing = el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
    if (!overflowing) continue;
    const ox = style.overflowX;
    if (ox === "visible") continue; // reported below if it sticks out of the content column
    if (ox === "hidden" || ox === "clip") {
      if (style.textOverflow === "ellipsis") continue; // a deliberate, visible ellipsis
      problems.push(`${name(el)} clips ${el.scrollWidth - el.clientWidth}px with no way to scroll`);
      continue;
    }
    // Scrollable: it must say so (layout.js marks it; kb.css draws the shadow and scrollbar).
    if (!el.hasAttribute("data-kb-overflow") || style.backgroundImage === "none") {
      problems.push(`${name(el)} scrolls ${el.scrollWidth - el.clientWidth}px with no visible sign`);
    }
  }
  // Anything that sticks out of the content column past the viewport edge is cut off.
  const column = content.getBoundingClientRect();
  for (const el of content.querySelectorAll("table, pre, img, svg, .mermaid, p, li")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    let scroller = el.parentElement;
    while (scroller && scroller !== content && getComputedStyle(scroller).overflowX === "visible") {
      scroller = scroller.parentElement;
    }
    if (scroller && scroller !== content) continue; // inside a scroll box, checked above
    if (box.right > Math.min(column.right, vw) + 1) {
      problems.push(`${name(el)} sticks out ${Math.round(box.right - Math.min(column.right, vw))}px past the edge`);
    }
  }
  // The copy button must not cover code: it sits beside the code's scroll box, not over it.
  for (const button of content.querySelectorAll("pre > .md-code__nav .md-code__button")) {
    const code = button.closest("pre").querySelector(":scope > code");
    if (!code) continue;
    const b = button.getBoundingClientRect();
    const c = code.getBoundingClientRect();
    const overlapX = Math.min(b.right, c.right) - Math.max(b.left, c.left);
    const overlapY = Math.min(b.bottom, c.bottom) - Math.max(b.top, c.top);
    if (b.width > 0 && overlapX > 1 && overlapY > 1) {
      problems.push(`the copy button covers ${Math.round(overlapX)}px of ${name(code)}`);
    }
  }
  return problems;
}
