// Live status without a reload: an element with data-poll-url is refetched every
// data-poll-seconds and replaced by the response (an HTML fragment of the same element).
// Polling stops when the new fragment no longer asks for it, after 10 minutes, or on an
// error. A static file: the CSP forbids inline script.
(function () {
  "use strict";
  var LIMIT_MS = 10 * 60 * 1000;
  function poll(el, started) {
    var url = el.getAttribute("data-poll-url");
    var seconds = parseInt(el.getAttribute("data-poll-seconds") || "5", 10);
    if (!url || Date.now() - started > LIMIT_MS) { return; }
    window.setTimeout(function () {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.text(); })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html.trim();
          var fresh = holder.firstElementChild;
          if (!fresh) { return; }
          if (fresh.hasAttribute("data-poll-url")) { poll(el, started); return; }
          // Keep the live region element and change its content, so screen readers announce it.
          el.removeAttribute("data-poll-url");
          el.innerHTML = fresh.innerHTML;
        })
        .catch(function () { /* leave the page as it is; a reload still works */ });
    }, seconds * 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll-url]").forEach(function (el) { poll(el, Date.now()); });
  });
})();
