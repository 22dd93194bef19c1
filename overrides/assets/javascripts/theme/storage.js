// Material's storage helpers (__md_scope, __md_hash, __md_get, __md_set), served as a file so
// the Content-Security-Policy can forbid inline script. Loaded synchronously in <head>, before
// Material's bundle and the palette script use them; the scope comes from data-md-scope.
(function () {
  var script = document.currentScript;
  var scope = (script && script.getAttribute("data-md-scope")) || ".";
  window.__md_scope = new URL(scope, location);
  window.__md_hash = function (text) {
    var hash = 0;
    for (var i = 0; i < text.length; i++) hash = (hash << 5) - hash + text.charCodeAt(i);
    return hash;
  };
  window.__md_get = function (key, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    return JSON.parse(storage.getItem(base.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    try {
      storage.setItem(base.pathname + "." + key, JSON.stringify(value));
    } catch (error) {
      // Storage full or disabled: the preference is simply not remembered.
    }
  };
})();
