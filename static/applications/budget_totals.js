// Progressive enhancement: keep the SF-424A totals current while typing.
// The server computes the same totals on every render; this only saves a round trip.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input.budget-input");
  if (!inputs.length) return;
  var fmt = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
  function cents(value) {
    var n = Number(String(value).replace(/[$,\s]/g, ""));
    return isFinite(n) && n > 0 ? Math.round(n * 100) : 0;
  }
  function update() {
    var direct = 0, indirect = 0;
    inputs.forEach(function (input) {
      if (input.dataset.budget === "indirect") indirect += cents(input.value);
      else direct += cents(input.value);
    });
    var d = document.querySelector('[data-budget-total="direct"]');
    var t = document.querySelector('[data-budget-total="total"]');
    if (d) d.textContent = fmt.format(direct / 100);
    if (t) t.textContent = fmt.format((direct + indirect) / 100);
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
})();
