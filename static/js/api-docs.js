// The API docs page: starts Swagger UI as drf-spectacular's inline swagger_ui.js would, from a file
// (the Content-Security-Policy runs no inline script). What the server renders into that script is
// read from the data-* attributes of #swagger-ui (templates/drf_spectacular/swagger_ui.html), JSON
// where it is an object.
(() => {
  "use strict";
  const root = document.getElementById("swagger-ui");
  const data = root.dataset;
  const json = (text, fallback) => (text ? JSON.parse(text) : fallback);

  const swaggerSettings = json(data.settings, {});
  const schemaAuthNames = json(data.schemaAuthNames, []);
  const oauth2Config = json(data.oauth2Config, null);
  let schemaAuthFailed = false;
  let ui = null;
  const plugins = [];

  const reloadSchema = (ori) => (...args) => {
    schemaAuthFailed = false;
    setTimeout(() => ui.specActions.download());
    return ori(...args);
  };
  if (schemaAuthNames.length > 0) {
    plugins.push(() => ({
      statePlugins: {
        auth: { wrapActions: { authorizeOauth2: reloadSchema, authorize: reloadSchema, logout: reloadSchema } },
      },
    }));
  }

  const isSchemaUrl = (url) => ui !== null && url === new URL(ui.getConfigs().url, document.baseURI).href;

  const responseInterceptor = (response) => {
    if (!response.ok && isSchemaUrl(response.url)) {
      console.warn(`schema request received '${response.status}'. disabling credentials for schema till logout.`);
      if (!schemaAuthFailed) {
        // Only retry once, to prevent an endless loop.
        schemaAuthFailed = true;
        setTimeout(() => ui.specActions.download());
      }
    }
    return response;
  };

  const injectAuthCredentials = (request) => {
    let authorized;
    if (ui !== null) {
      const state = ui.getState().get("auth").get("authorized");
      if (state !== undefined && Object.keys(state.toJS()).length !== 0) authorized = state.toJS();
    } else if (![undefined, "{}"].includes(localStorage.authorized)) {
      authorized = JSON.parse(localStorage.authorized);
    }
    if (authorized === undefined) return;
    for (const authName of schemaAuthNames) {
      const authDef = authorized[authName];
      if (authDef === undefined || authDef.schema === undefined) continue;
      const schema = authDef.schema;
      if (schema.type === "http" && schema.scheme === "bearer") {
        request.headers.Authorization = `Bearer ${authDef.value}`;
        return;
      } else if (schema.type === "http" && schema.scheme === "basic") {
        request.headers.Authorization = `Basic ${btoa(`${authDef.value.username}:${authDef.value.password}`)}`;
        return;
      } else if (schema.type === "apiKey" && schema.in === "header") {
        request.headers[schema.name] = authDef.value;
        return;
      } else if (schema.type === "oauth2" && authDef.token.token_type === "Bearer") {
        request.headers.Authorization = `Bearer ${authDef.token.access_token}`;
        return;
      }
    }
  };

  const requestInterceptor = (request) => {
    if (request.loadSpec && schemaAuthNames.length > 0 && !schemaAuthFailed) {
      try {
        injectAuthCredentials(request);
      } catch (e) {
        console.error("schema auth injection failed with error: ", e);
      }
    }
    // Selectively omit adding headers to mitigate CORS issues.
    if (!["GET", undefined].includes(request.method) && request.credentials === "same-origin") {
      request.headers[data.csrfHeaderName] = data.csrfToken;
    }
    return request;
  };

  ui = SwaggerUIBundle({
    url: data.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    plugins,
    layout: "BaseLayout",
    requestInterceptor,
    responseInterceptor,
    ...swaggerSettings,
  });
  if (oauth2Config && Object.keys(oauth2Config).length > 0) ui.initOAuth(oauth2Config);
})();
