// Form helpers loaded on every page (no inline script: the CSP forbids it).
// 1. Error summary: after a failed save, move focus to the summary at the top of the form,
//    so keyboard and screen-reader users land on the list of problems, not at the page top.
// 2. Summary links focus their field (a plain #anchor would only scroll to it).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var summaries = Array.prototype.filter.call(document.querySelectorAll("[data-error-summary]"), function (el) {
      return !el.closest(".usa-modal");  // a modal's own summary is focused when confirm.js reopens it
    });
    if (summaries.length) { summaries[0].focus(); }
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) { return; }
        event.preventDefault();
        target.scrollIntoView({block: "center"});
        target.focus();
      });
    });
  });
})();
