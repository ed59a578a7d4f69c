// Sending changes (editors): every change goes to the server as one batch, through the same
// conflict-checked code as the API's batch PATCH. Keystrokes in quick succession are one batch;
// batches go one at a time so each knows the letters it expects to find. Also the cell's letters
// on screen (show, toggle) and the save status line.
(function (E) {
  "use strict";
  const table = E.table;
  if (!table || !E.editable) return;

  const url = table.dataset.cellUrl;
  const codes = table.dataset.letters;
  const combinations = new Set((table.dataset.combinations || "").split(",").filter(Boolean));
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  const COALESCE_MS = 200;

  E.codes = codes;
  E.MAX_BATCH = 20000; // CellBatchForm.MAX_CHANGES
  const slashed = (letters) => letters.split("").join("/");
  E.lettersOf = (td) => td.textContent.replace(/\//g, "");
  E.roleOf = (td) => E.roles[td.cellIndex - 1];
  E.taskOf = (td) => Number(td.parentElement.dataset.task);
  E.canonical = (set) => codes.split("").filter((c) => set.has(c)).join("");
  const allowed = (letters) => letters.length <= 1 || combinations.has(letters);

  E.show = function (td, letters) {
    td.textContent = slashed(letters);
    td.className = td.className.replace(/\bk[A-Z]\b/g, "").trim();
    if (letters) td.classList.add(`k${letters[0]}`);
  };

  E.toggle = function (current, letter) {
    const set = new Set(current.split("").filter(Boolean));
    if (set.has(letter)) set.delete(letter);
    else set.add(letter);
    const next = E.canonical(set);
    // A letter that may not share the cell with the others replaces them.
    return allowed(next) ? next : letter;
  };

  E.setStatus = function (text, state) {
    const status = document.getElementById("save-status");
    if (!status) return;
    status.textContent = text;
    status.className = "save-status " + (state || "");
  };

  // --- Batches: staged at once on screen, sent together, one at a time ---
  const pending = new Map(); // "task|role" -> {task, role, expected, letters}
  let timer = null;
  let chain = Promise.resolve();
  let outstanding = 0;

  E.stage = function (td, letters) {
    const key = `${E.taskOf(td)}|${E.roleOf(td)}`;
    // The letters on screen are those the server holds, or will once the batches before this
    // one are saved: what this change expects to find.
    if (!pending.has(key)) pending.set(key, { task: E.taskOf(td), role: E.roleOf(td), expected: E.lettersOf(td) });
    pending.get(key).letters = letters;
    E.show(td, letters);
    td.dataset.state = "saving";
    table.dataset.saving = "true";
  };

  E.flushSoon = function () {
    clearTimeout(timer);
    timer = setTimeout(E.flush, COALESCE_MS);
  };

  E.flush = function () {
    clearTimeout(timer);
    const batch = [];
    pending.forEach((change) => {
      if (change.letters !== change.expected) batch.push(change);
      else {
        const td = E.cellAt(change.task, change.role);
        if (td) delete td.dataset.state;
      }
    });
    pending.clear();
    if (batch.length) E.enqueue(() => batch, "edit");
    else if (!outstanding) delete table.dataset.saving;
  };

  // ``makeBatch`` runs when the batches before it are answered (an undo pops its batch then).
  E.enqueue = function (makeBatch, kind) {
    outstanding += 1;
    table.dataset.saving = "true";
    chain = chain
      .then(() => {
        const batch = makeBatch();
        if (batch && batch.length) return send(batch, kind);
      })
      .finally(() => {
        outstanding -= 1;
        // data-saving: changes on screen that the server has not answered yet (tests wait on it).
        if (!outstanding && !pending.size) delete table.dataset.saving;
      });
  };

  function send(batch, kind) {
    const started = performance.now();
    E.setStatus(kind === "edit" ? "Saving…" : kind === "undo" ? "Undoing…" : "Redoing…", "saving");
    const result = document.getElementById("edit-result");
    if (result) delete result.dataset.cells;
    return htmx
      .ajax("POST", url, {
        source: table,
        target: "#edit-result",
        swap: "outerHTML",
        values: {
          changes: JSON.stringify(batch.map(({ task, role, expected, letters }) => ({ task, role, expected, letters }))),
          // The findings panel shown: the answer leaves it out when it would be the same.
          findings: (document.getElementById("findings") || { dataset: {} }).dataset.digest || "",
        },
        headers: { "X-CSRFToken": csrf },
      })
      .then(() => settle(batch, kind))
      .catch(() => settle(batch, kind, "Not saved: the server could not be reached."))
      .finally(() => {
        // For bench/bench_editor.py: how long the last batch took, request to cells updated.
        table.dataset.lastSaveMs = String(Math.round(performance.now() - started));
      });
  }

  function settle(batch, kind, failure) {
    const result = document.getElementById("edit-result");
    const cells = !failure && result && result.dataset.cells ? JSON.parse(result.dataset.cells) : null;
    if (!cells) {
      // Refused before the writer ran (or never sent): the cells show what they held.
      batch.forEach((change) => {
        const td = E.cellAt(change.task, change.role);
        if (!td) return;
        E.show(td, change.expected);
        td.dataset.state = "failed";
      });
      if (failure) E.setStatus(failure, "failed");
      return;
    }
    const state = result.dataset.state;
    const asked = new Map(batch.map((c) => [`${c.task}|${c.role}`, c.letters]));
    cells.forEach((cell) => {
      const td = E.cellAt(cell.task, cell.role);
      if (!td) return;
      E.show(td, cell.letters);
      const key = `${cell.task}|${cell.role}`;
      if (state === "saved") td.dataset.state = cells.length <= 200 ? "saved" : "";
      else td.dataset.state = asked.get(key) === cell.letters ? "" : state;
      if (!td.dataset.state) delete td.dataset.state;
    });
    if (state !== "saved") return;
    E.remember(batch, kind);
    E.refreshMenu();
  }

  document.body.addEventListener("htmx:responseError", (event) => {
    E.setStatus("Not saved: " + (event.detail.xhr.responseText || "the server refused the change."), "failed");
  });
})(window.RaciEditor);
