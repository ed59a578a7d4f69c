// The matrix grid's shared core, loaded first: the table, its columns, finding a row or cell,
// collapsible stages and the rows after the first screen. Every module of the editor hangs its
// functions on window.RaciEditor (E below) and its listeners on the table, never per cell; the
// modules run in the order the page lists them, and call each other only from event handlers.
// editor.js, loaded last, wires the cursor once every module is in place.
window.RaciEditor = window.RaciEditor || {};
(function (E) {
  "use strict";
  const table = document.getElementById("grid");
  if (!table) return;
  const roles = Array.from(table.tHead.rows[0].cells)
    .slice(1)
    .map((th) => th.dataset.role);
  const columnOf = new Map(roles.map((code, index) => [code, index]));

  E.table = table;
  E.layout = document.getElementById("editor-layout");
  E.roles = roles;
  E.columnOf = columnOf;
  E.rowOf = (task) => document.getElementById(`task-${task}`);
  E.cellAt = (task, role) => {
    const row = E.rowOf(task);
    return row && columnOf.has(role) ? row.cells[columnOf.get(role) + 1] : null;
  };
  E.isCell = (el) => el && el.tagName === "TD" && el.parentElement.dataset.task !== undefined;
  // Set by the modules below when the grid is editable (and htmx is there to send changes).
  E.editable = table.dataset.editable === "true" && Boolean(window.htmx);

  // --- Stages: a stage may be split between the page's first rows and the rest; its parts
  // fold together ---
  const stageParts = (body) => table.querySelectorAll(`tbody[data-stage="${body.dataset.stage}"]`);

  E.setCollapsed = function (body, collapsed) {
    stageParts(body).forEach((part) => part.classList.toggle("collapsed", collapsed));
    const toggle = table.querySelector(`#stage-${body.dataset.stage} .stage-toggle`);
    if (toggle) toggle.setAttribute("aria-expanded", String(!collapsed));
  };

  table.addEventListener("click", (event) => {
    const toggle = event.target.closest(".stage-toggle");
    if (toggle) E.setCollapsed(toggle.closest("tbody"), !toggle.closest("tbody").classList.contains("collapsed"));
  });

  // --- The rows after the first screen: one request once the page is usable, added a few
  // stages at a time so that keys and clicks are answered in between ---
  E.rest = document.getElementById("grid-rest");
  E.restLoaded = E.rest ? loadRest(E.rest) : Promise.resolve();
  if (!E.rest) table.dataset.complete = "true";

  function loadRest(placeholder) {
    return fetch(placeholder.dataset.src, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(
        (html) =>
          new Promise((resolve) => {
            const template = document.createElement("template");
            template.innerHTML = `<table>${html}</table>`;
            const bodies = Array.from(template.content.firstElementChild.tBodies);
            (function next() {
              bodies.splice(0, 4).forEach((body) => {
                const head = table.querySelector(`tbody[data-stage="${body.dataset.stage}"]`);
                if (head && head.classList.contains("collapsed")) body.classList.add("collapsed");
                table.insertBefore(body, placeholder);
              });
              if (bodies.length) return setTimeout(next, 0);
              placeholder.remove();
              table.dataset.complete = "true";
              resolve();
            })();
          }),
      )
      .catch(() => {
        placeholder.querySelector("td").textContent = "The other tasks could not be loaded: reload the page.";
      });
  }
})(window.RaciEditor);
