// Starts Swagger UI (the bundle comes from drf-spectacular-sidecar) on the API docs page, from a
// file rather than an inline script, which the Content-Security-Policy would block. What the server
// knows — the schema URL, drf-spectacular's SWAGGER_UI_SETTINGS, the CSRF header and token — is read
// from the data-* attributes of #swagger-ui (templates/drf_spectacular/swagger_ui.html).
(() => {
  "use strict";
  const root = document.getElementById("swagger-ui");
  const data = root.dataset;
  const settings = data.settings ? JSON.parse(data.settings) : {};

  // "Try it out" with the browser's session: writes need the CSRF token, as any form does.
  const withCsrf = (request) => {
    const write = request.method && request.method !== "GET";
    if (write && request.credentials === "same-origin" && data.csrfHeaderName) {
      request.headers[data.csrfHeaderName] = data.csrfToken;
    }
    return request;
  };

  SwaggerUIBundle({
    url: data.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: withCsrf,
    ...settings,
  });
})();
