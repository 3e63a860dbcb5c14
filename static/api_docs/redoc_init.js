// Starts ReDoc for /api/redoc/ (a static file: the CSP allows no inline script). ReDoc's
// styled-components insert <style> elements; the per-response nonce lets exactly those in.
(function () {
  "use strict";
  var root = document.getElementById("redoc-container");
  if (!root || typeof Redoc === "undefined") return;
  Redoc.init(root.dataset.schemaUrl, { nonce: root.dataset.styleNonce }, root);
})();
