// Starts Swagger UI for /api/docs/. A static file (the CSP allows no inline script); the page
// passes the schema URL and the CSRF header in data attributes, so this file holds no secret
// and is safe to cache or to be included by another origin.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") return;
  var csrfHeader = root.dataset.csrfHeader;
  var csrfToken = root.dataset.csrfToken;
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    deepLinking: true,
    // Session-authenticated calls from "Try it out" need Django's CSRF header.
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (csrfHeader && csrfToken && ["GET", "HEAD", "OPTIONS"].indexOf(method) < 0) {
        request.headers[csrfHeader] = csrfToken;
      }
      return request;
    },
  });
})();
