// Progressive enhancement for the rubric formset: add rows from the empty-form template and
// keep the weight total current. Without JS the server renders spare blank rows and the total.
(function () {
  "use strict";
  var rows = document.getElementById("rubric-rows");
  var template = document.getElementById("rubric-empty-row");
  var totalForms = document.querySelector('input[name="rubric-TOTAL_FORMS"]');
  var addButton = document.querySelector("[data-rubric-add]");
  var totalOut = document.querySelector("[data-rubric-total]");
  if (!rows || !template || !totalForms) return;

  function update() {
    var total = 0;
    rows.querySelectorAll("[data-rubric-row]").forEach(function (row) {
      var del = row.querySelector('input[name$="-DELETE"]');
      var weight = row.querySelector('input[name$="-weight"]');
      if ((del && del.checked) || !weight) return;
      var n = parseInt(weight.value, 10);
      if (isFinite(n)) total += n;
    });
    if (totalOut) totalOut.textContent = String(total);
  }

  if (addButton) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = parseInt(totalForms.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html.replace("Criterion </legend>", "Criterion " + (index + 1) + "</legend>"));
      totalForms.value = String(index + 1);
    });
  }
  rows.addEventListener("input", update);
  rows.addEventListener("change", update);
})();
