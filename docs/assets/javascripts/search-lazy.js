// Search that costs nothing until it is used, and that understands on-call phrasing.
// Loaded before Material's bundle by overrides/main.html.
//
// 1. Material downloads search/search_index.json (about 1 MB) on every page load. This holds the
//    request back until the reader opens search (focuses the box, presses / or s, follows a
//    ?q= link) or lands from a result with ?h= terms to highlight. Over file:// Material already
//    waits, and reads search_index.js instead.
// 2. A query containing a phrase from one group in assets/search/synonyms.json also searches for
//    the group's other phrases (sev2 -> SEV-2, severity 2; rollback -> roll back, undo).
//    Question words and stop words ("who do I", "to", "a") are dropped when other words remain:
//    Material appends a wildcard to every term, so "i" would otherwise match every word that
//    starts with an i. Each word is also searched unwildcarded, so lunr stems it
//    (escalate -> escalation).
// 3. Highlight terms shorter than three characters (an "a" or "i" from the query) are dropped,
//    so landing on a page does not light up every single letter.
(() => {
  "use strict";
  const here = document.currentScript ? document.currentScript.src : location.href;
  const base = new URL("../", here); // .../assets/
  const MIN_HIGHLIGHT = 3;
  const QUERY = 2; // Material's SearchMessageType.QUERY

  // --- 3. highlight terms -----------------------------------------------------------------
  const url = new URL(location.href);
  if (url.searchParams.has("h")) {
    const kept = url.searchParams
      .get("h")
      .split(/\s+/)
      .filter((t) => t.length >= MIN_HIGHLIGHT || /\d/.test(t));
    if (kept.length) url.searchParams.set("h", kept.join(" "));
    else url.searchParams.delete("h");
    history.replaceState(history.state, "", url.href);
  }

  // --- 2. synonyms ------------------------------------------------------------------------
  // Over file:// (the offline bundle) fetch is not allowed; the bundle ships the same data as
  // assets/search/synonyms.js, which sets window.__kbSynonyms.
  let groups = null;
  const synonymsReady = location.protocol === "file:" ? Promise.resolve() : null;
  function loadSynonyms() {
    if (groups !== null || location.protocol === "file:") return Promise.resolve();
    return fetch(new URL("search/synonyms.json", base))
      .then((r) => (r.ok ? r.json() : { groups: [] }))
      .then((data) => {
        groups = (data.groups || []).map((g) => g.map((p) => p.toLowerCase()));
      })
      .catch(() => {
        groups = [];
      });
  }
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const STOP = new Set(
    ("a an and are as at be by can do does for from how i if in into is it me my of on or our " +
      "should so that the their then there this to was we what when where which who why will with " +
      "you your").split(" "),
  );
  function dropStopWords(query) {
    if (/["+\-~^:*]/.test(query.replace(/(\w)-(\w)/g, "$1$2"))) return query; // query syntax: leave it
    const words = query.split(/\s+/).filter(Boolean);
    const kept = words.filter((w) => !STOP.has(w.toLowerCase()));
    return kept.length ? kept.join(" ") : query;
  }
  // Material appends a wildcard to each term, and lunr skips stemming for wildcard terms, so
  // "escalate*" never meets "escalation" (indexed as its stem "escal"). A copy of each word with a
  // neutral boost ("escalate^1") gets no wildcard and is stemmed, so word forms match too.
  function addStemmed(query) {
    if (/["+~^:*]|(^|\s)-/.test(query)) return query;
    const words = query.split(/\s+/).filter((w) => /^[\p{L}\p{N}]{3,}$/u.test(w));
    return words.length ? `${query} ${words.map((w) => `${w}^1`).join(" ")}` : query;
  }
  function expand(query) {
    const q = query.toLowerCase();
    const extra = [];
    const known = groups || (window.__kbSynonyms || []).map((g) => g.map((p) => p.toLowerCase()));
    for (const group of known) {
      const hit = group.some((p) => new RegExp(`(^|[^a-z0-9])${escape(p)}([^a-z0-9]|$)`).test(q));
      if (!hit) continue;
      for (const p of group) if (!q.includes(p)) extra.push(p);
    }
    return extra.length ? `${query} ${extra.join(" ")}` : query;
  }
  function patchWorker(proto) {
    if (!proto || proto.__kbPatched) return;
    const post = proto.postMessage;
    proto.postMessage = function (message, ...rest) {
      if (message && message.type === QUERY && typeof message.data === "string") {
        message = { ...message, data: addStemmed(dropStopWords(expand(message.data))) };
      }
      return post.call(this, message, ...rest);
    };
    proto.__kbPatched = true;
  }
  patchWorker(window.Worker && window.Worker.prototype);
  // Over file:// Material swaps in an iframe-based Worker shim; patch that one too.
  document.addEventListener("DOMContentLoaded", () => patchWorker(window.Worker.prototype));

  // --- 1. lazy index ----------------------------------------------------------------------
  let release;
  const opened = new Promise((resolve) => {
    release = resolve;
  });
  const open = () => release();
  if (url.searchParams.has("q") || url.searchParams.has("h")) open();
  document.addEventListener(
    "focusin",
    (e) => e.target.matches && e.target.matches("[data-md-component=search-query]") && open(),
    true,
  );
  document.addEventListener(
    "change",
    (e) => e.target.id === "__search" && e.target.checked && open(),
    true,
  );
  const INDEX = /\/search\/search_index\.json(\?|$)/;
  const xhrOpen = XMLHttpRequest.prototype.open;
  const xhrSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, target, ...rest) {
    this.__kbIndex = INDEX.test(String(target));
    return xhrOpen.call(this, method, target, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (!this.__kbIndex) return xhrSend.apply(this, args);
    opened
      .then(() => synonymsReady || loadSynonyms())
      .then(() => xhrSend.apply(this, args));
    return undefined;
  };
})();
