// Confirmation modals ({% confirm %} in dpa_funding/templatetags/confirm.py). USWDS opens and
// closes them; this only reopens one whose form came back with errors, after USWDS has
// wrapped it, and puts focus on its error summary. A static file: the CSP forbids inline script.
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var modal = document.querySelector(".usa-modal[data-open-on-load]");
    if (!modal) { return; }
    // USWDS moves the modal's id to the wrapper it builds around it.
    var wrapper = modal.closest(".usa-modal-wrapper");
    var id = (wrapper && wrapper.id) || modal.id;
    var opener = document.querySelector("[data-open-modal][aria-controls='" + id + "']");
    if (!opener) { return; }
    opener.click();
    window.setTimeout(function () {
      var summary = modal.querySelector("[data-error-summary]") || modal.querySelector(".usa-input--error, .usa-form-group--error input, .usa-form-group--error textarea");
      if (summary) { summary.focus(); }
    }, 50);
  });
})();
