// Runs after the page content: re-selects the content tabs the reader chose earlier (when the
// content.tabs.link feature is on) and opens the tab a URL fragment points at.
(function () {
  var script = document.currentScript;
  if (script && script.hasAttribute("data-md-tabs-link")) {
    var chosen = window.__md_get("__tabs");
    if (Array.isArray(chosen)) {
      document.querySelectorAll(".tabbed-set").forEach(function (set) {
        var labels = set.querySelector(".tabbed-labels");
        if (!labels) return;
        for (var t = 0; t < chosen.length; t++) {
          var found = Array.prototype.find.call(labels.getElementsByTagName("label"), function (label) {
            return label.innerText.trim() === chosen[t];
          });
          if (found) {
            document.getElementById(found.htmlFor).checked = true;
            return;
          }
        }
      });
    }
  }
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.indexOf("__tabbed_") === 0;
})();
