// Diagrams at their natural size, loaded by overrides/main.html right after mermaid.min.js.
// Mermaid scales each diagram down to the page width by default, which shrank the lifecycle
// flowchart to a 51 px strip with 5 px labels. Material calls mermaid.initialize() itself, so
// this adds `useMaxWidth: false` to that call; a diagram wider than the page then scrolls
// (layout.js and kb.css show that it does).
(() => {
  "use strict";
  if (typeof window.mermaid === "undefined" || !window.mermaid.initialize) return;
  const initialize = window.mermaid.initialize.bind(window.mermaid);
  const natural = { useMaxWidth: false };
  window.mermaid.initialize = (config = {}) => {
    const merged = { ...config };
    for (const kind of ["flowchart", "sequence", "gantt", "class", "state", "er", "journey"]) {
      merged[kind] = { ...(config[kind] || {}), ...natural };
    }
    return initialize(merged);
  };
})();
