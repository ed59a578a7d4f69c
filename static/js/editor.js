// The matrix grid. For everyone: finding links that select their cell or row, collapsible
// stages and findings panel. For editors, the ARIA grid pattern: one tab stop, arrow keys,
// letters typed toggle, ranges (Shift+arrows, drag), Delete, copy as TSV, paste from a
// spreadsheet, undo and redo. Every change goes to the server as one batch (the same
// conflict-checked code as the API's batch PATCH); keystrokes in quick succession are one
// batch, and batches go one at a time so each knows the letters it expects to find.
// One listener per kind of event on the table: a cell carries nothing but its letters.
(function () {
  "use strict";
  const table = document.getElementById("grid");
  if (!table) return;
  const layout = document.getElementById("editor-layout");
  const roles = Array.from(table.tHead.rows[0].cells)
    .slice(1)
    .map((th) => th.dataset.role);
  const columnOf = new Map(roles.map((code, index) => [code, index]));

  const rowOf = (task) => document.getElementById(`task-${task}`);
  const cellAt = (task, role) => {
    const row = rowOf(task);
    return row && columnOf.has(role) ? row.cells[columnOf.get(role) + 1] : null;
  };
  const isCell = (el) => el && el.tagName === "TD" && el.parentElement.dataset.task !== undefined;

  // --- Findings panel and stages (everyone) ---
  const findingsToggle = document.getElementById("findings-toggle");
  if (findingsToggle && layout) {
    findingsToggle.addEventListener("click", () => {
      const hidden = layout.classList.toggle("findings-hidden");
      findingsToggle.setAttribute("aria-expanded", String(!hidden));
      findingsToggle.textContent = hidden ? "Show findings" : "Hide findings";
    });
  }

  // A stage may be split between the page's first rows and the rest: its parts fold together.
  const stageParts = (body) => table.querySelectorAll(`tbody[data-stage="${body.dataset.stage}"]`);

  function setCollapsed(body, collapsed) {
    stageParts(body).forEach((part) => part.classList.toggle("collapsed", collapsed));
    const toggle = table.querySelector(`#stage-${body.dataset.stage} .stage-toggle`);
    if (toggle) toggle.setAttribute("aria-expanded", String(!collapsed));
  }

  table.addEventListener("click", (event) => {
    const toggle = event.target.closest(".stage-toggle");
    if (toggle) setCollapsed(toggle.closest("tbody"), !toggle.closest("tbody").classList.contains("collapsed"));
  });

  // --- The rows after the first screen: one request once the page is usable, added a few
  // stages at a time so that keys and clicks are answered in between ---
  const rest = document.getElementById("grid-rest");
  const restLoaded = rest ? loadRest(rest) : Promise.resolve();
  if (!rest) table.dataset.complete = "true";

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

  let editing = null; // the editor's API below, when the grid is editable

  function reveal(task, role) {
    if (task && !rowOf(task) && !table.dataset.complete && rest) {
      restLoaded.then(() => rowOf(task) && reveal(task, role));
      return;
    }
    table.querySelectorAll(".highlight").forEach((el) => el.classList.remove("highlight"));
    const row = task ? rowOf(task) : null;
    let target = null;
    if (row) {
      setCollapsed(row.parentElement, false);
      target = role && columnOf.has(role) ? row.cells[columnOf.get(role) + 1] : row.cells[0];
      row.classList.add("highlight");
    } else if (role) {
      target = document.getElementById(`col-${role}`);
    }
    if (!target) return;
    target.classList.add("highlight");
    if (editing && isCell(target)) {
      editing.moveTo(target, false);
    } else {
      target.tabIndex = -1;
      target.focus({ preventScroll: true });
    }
    // Centred in the grid's scroll box, so the sticky header never covers it.
    target.scrollIntoView({ block: "center", inline: "nearest" });
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("#findings a[data-task], #findings a[data-role]");
    if (!link) return;
    event.preventDefault();
    reveal(link.dataset.task, link.dataset.role);
  });

  if (table.dataset.editable !== "true" || !window.htmx) return;

  // --- Editing ---
  const url = table.dataset.cellUrl;
  const codes = table.dataset.letters;
  const combinations = new Set((table.dataset.combinations || "").split(",").filter(Boolean));
  const menu = document.getElementById("cell-menu");
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  const MAX_BATCH = 20000; // CellBatchForm.MAX_CHANGES
  const COALESCE_MS = 200;

  const slashed = (letters) => letters.split("").join("/");
  const lettersOf = (td) => td.textContent.replace(/\//g, "");
  const roleOf = (td) => roles[td.cellIndex - 1];
  const taskOf = (td) => Number(td.parentElement.dataset.task);
  const canonical = (set) => codes.split("").filter((c) => set.has(c)).join("");
  const allowed = (letters) => letters.length <= 1 || combinations.has(letters);

  function show(td, letters) {
    td.textContent = slashed(letters);
    td.className = td.className.replace(/\bk[A-Z]\b/g, "").trim();
    if (letters) td.classList.add(`k${letters[0]}`);
  }

  function toggle(current, letter) {
    const set = new Set(current.split("").filter(Boolean));
    if (set.has(letter)) set.delete(letter);
    else set.add(letter);
    const next = canonical(set);
    // A letter that may not share the cell with the others replaces them.
    return allowed(next) ? next : letter;
  }

  function setStatus(text, state) {
    const status = document.getElementById("save-status");
    if (!status) return;
    status.textContent = text;
    status.className = "save-status " + (state || "");
  }

  // Rows the cursor moves through: those of expanded stages.
  const visibleRows = () =>
    Array.from(table.querySelectorAll("tbody:not(.collapsed) > tr[data-task]"));

  // --- Cursor and range ---
  let cursor = null; // the focused cell (the one tab stop)
  let anchor = null; // where the range started
  let selected = [];

  function moveTo(td, extend) {
    if (!td) return;
    if (cursor && cursor !== td) cursor.removeAttribute("tabindex");
    cursor = td;
    td.tabIndex = 0;
    if (!extend) anchor = td;
    paintSelection();
    td.focus({ preventScroll: false });
  }

  function range() {
    if (!cursor || !anchor) return [];
    const rows = visibleRows();
    const r1 = rows.indexOf(anchor.parentElement);
    const r2 = rows.indexOf(cursor.parentElement);
    if (r1 < 0 || r2 < 0) return [[cursor]];
    const [top, bottom] = [Math.min(r1, r2), Math.max(r1, r2)];
    const [left, right] = [Math.min(anchor.cellIndex, cursor.cellIndex), Math.max(anchor.cellIndex, cursor.cellIndex)];
    const block = [];
    for (let r = top; r <= bottom; r++) {
      const line = [];
      for (let c = left; c <= right; c++) line.push(rows[r].cells[c]);
      block.push(line);
    }
    return block;
  }

  function paintSelection() {
    selected.forEach((td) => td.removeAttribute("aria-selected"));
    selected = anchor === cursor ? [] : range().flat();
    selected.forEach((td) => td.setAttribute("aria-selected", "true"));
  }

  function step(td, rowsBy, colsBy) {
    const rows = visibleRows();
    const r = Math.max(0, Math.min(rows.length - 1, rows.indexOf(td.parentElement) + rowsBy));
    const c = Math.max(1, Math.min(roles.length, td.cellIndex + colsBy));
    return rows[r] ? rows[r].cells[c] : td;
  }

  // --- Batches: staged at once on screen, sent together, one at a time ---
  const pending = new Map(); // "task|role" -> {task, role, expected, letters}
  let timer = null;
  let chain = Promise.resolve();
  const undoStack = [];
  const redoStack = [];

  function stage(td, letters) {
    const key = `${taskOf(td)}|${roleOf(td)}`;
    // The letters on screen are those the server holds, or will once the batches before this
    // one are saved: what this change expects to find.
    if (!pending.has(key)) pending.set(key, { task: taskOf(td), role: roleOf(td), expected: lettersOf(td) });
    pending.get(key).letters = letters;
    show(td, letters);
    td.dataset.state = "saving";
    table.dataset.saving = "true";
  }

  function flushSoon() {
    clearTimeout(timer);
    timer = setTimeout(flush, COALESCE_MS);
  }

  function flush() {
    clearTimeout(timer);
    const batch = [];
    pending.forEach((change) => {
      if (change.letters !== change.expected) batch.push(change);
      else {
        const td = cellAt(change.task, change.role);
        if (td) delete td.dataset.state;
      }
    });
    pending.clear();
    if (batch.length) enqueue(() => batch, "edit");
    else if (!outstanding) delete table.dataset.saving;
  }

  let outstanding = 0;

  function enqueue(makeBatch, kind) {
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
  }

  function send(batch, kind) {
    const started = performance.now();
    setStatus(kind === "edit" ? "Saving…" : kind === "undo" ? "Undoing…" : "Redoing…", "saving");
    const result = document.getElementById("edit-result");
    if (result) delete result.dataset.cells;
    return htmx
      .ajax("POST", url, {
        source: table,
        target: "#edit-result",
        swap: "outerHTML",
        values: { changes: JSON.stringify(batch.map(({ task, role, expected, letters }) => ({ task, role, expected, letters }))) },
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
        const td = cellAt(change.task, change.role);
        if (!td) return;
        show(td, change.expected);
        td.dataset.state = "failed";
      });
      if (failure) setStatus(failure, "failed");
      return;
    }
    const state = result.dataset.state;
    const asked = new Map(batch.map((c) => [`${c.task}|${c.role}`, c.letters]));
    cells.forEach((cell) => {
      const td = cellAt(cell.task, cell.role);
      if (!td) return;
      show(td, cell.letters);
      const key = `${cell.task}|${cell.role}`;
      if (state === "saved") td.dataset.state = cells.length <= 200 ? "saved" : "";
      else td.dataset.state = asked.get(key) === cell.letters ? "" : state;
      if (!td.dataset.state) delete td.dataset.state;
    });
    if (state !== "saved") return;
    const done = batch.map(({ task, role, expected, letters }) => ({ task, role, expected, letters }));
    if (kind === "undo") redoStack.push(done);
    else {
      undoStack.push(done);
      if (kind === "edit") redoStack.length = 0;
    }
    refreshMenu();
  }

  const inverse = (batch) => batch.map((c) => ({ task: c.task, role: c.role, expected: c.letters, letters: c.expected }));

  function showBatch(batch) {
    batch.forEach((change) => {
      const td = cellAt(change.task, change.role);
      if (td) {
        show(td, change.letters);
        td.dataset.state = "saving";
      }
    });
    return batch;
  }

  function undo() {
    flush();
    enqueue(() => {
      const last = undoStack.pop();
      if (!last) return setStatus("Nothing to undo.", "");
      return showBatch(inverse(last));
    }, "undo");
  }

  function redo() {
    flush();
    enqueue(() => {
      const last = redoStack.pop();
      if (!last) return setStatus("Nothing to redo.", "");
      return showBatch(inverse(last));
    }, "redo");
  }

  function targets() {
    return selected.length ? selected : cursor ? [cursor] : [];
  }

  function typeLetter(letter) {
    const cells = targets();
    if (!cells.length) return;
    // Across a range the cursor's cell decides: if it holds the letter it goes everywhere, else it comes.
    const removing = lettersOf(cursor).includes(letter);
    cells.forEach((td) => {
      const now = lettersOf(td);
      if (cells.length === 1 || now.includes(letter) === removing) stage(td, toggle(now, letter));
    });
    flushSoon();
  }

  function clearCells() {
    targets().forEach((td) => {
      if (lettersOf(td)) stage(td, "");
    });
    flush();
  }

  // --- Clipboard ---
  function copyText() {
    return range()
      .map((line) => line.map((td) => td.textContent).join("\t"))
      .join("\n");
  }

  function parseLetters(raw) {
    // "A/R", "a, r", "R A" -> "AR" in the scheme's order; null when a letter is not the scheme's.
    const letters = raw.toUpperCase().replace(/[\s/,;+&|-]+/g, "");
    if (letters.split("").some((c) => !codes.includes(c))) return null;
    return canonical(new Set(letters));
  }

  function paste(text) {
    if (!cursor) return;
    const lines = text.replace(/\r\n?/g, "\n").split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    const block = lines.map((line) => line.split("\t"));
    const parsed = [];
    for (let r = 0; r < block.length; r++) {
      const row = [];
      for (let c = 0; c < block[r].length; c++) {
        const letters = parseLetters(block[r][c]);
        if (letters === null) {
          setStatus(
            `Nothing pasted: "${block[r][c].trim()}" (line ${r + 1}, cell ${c + 1}) is not made of the letters ${codes.split("").join(", ")}.`,
            "failed",
          );
          return;
        }
        row.push(letters);
      }
      parsed.push(row);
    }
    const rows = visibleRows();
    const origin = range()[0][0];
    const top = rows.indexOf(origin.parentElement);
    const left = origin.cellIndex;
    let place;
    if (parsed.length === 1 && parsed[0].length === 1 && selected.length) {
      // One value pasted over a range fills it, as spreadsheets do.
      place = range().map((line) => line.map((td) => [td, parsed[0][0]]));
    } else {
      const width = Math.max(...parsed.map((row) => row.length));
      if (top + parsed.length > rows.length || left - 1 + width > roles.length) {
        setStatus(
          `Nothing pasted: the block is ${parsed.length} rows by ${width} columns and does not fit from this cell.`,
          "failed",
        );
        return;
      }
      place = parsed.map((row, r) => row.map((letters, c) => [rows[top + r].cells[left + c], letters]));
    }
    const cells = place.flat();
    if (cells.length > MAX_BATCH) {
      setStatus(`Nothing pasted: at most ${MAX_BATCH} cells change at once.`, "failed");
      return;
    }
    flush();
    cells.forEach(([td, letters]) => {
      if (letters !== lettersOf(td)) stage(td, letters);
    });
    const last = place[place.length - 1];
    anchor = place[0][0][0];
    moveTo(last[last.length - 1][0], true);
    flush();
  }

  document.addEventListener("copy", (event) => {
    if (!isCell(document.activeElement) || !table.contains(document.activeElement)) return;
    event.clipboardData.setData("text/plain", copyText());
    event.preventDefault();
    setStatus(`Copied ${range().flat().length} cell(s).`, "");
  });

  document.addEventListener("paste", (event) => {
    if (!isCell(document.activeElement) || !table.contains(document.activeElement)) return;
    event.preventDefault();
    paste(event.clipboardData.getData("text/plain"));
  });

  // --- Keyboard ---
  const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0], PageDown: [10, 0], PageUp: [-10, 0] };

  table.addEventListener("keydown", (event) => {
    const td = event.target;
    if (!isCell(td)) return;
    const key = event.key;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && key.toLowerCase() === "z") {
      event.shiftKey ? redo() : undo();
    } else if (mod && key.toLowerCase() === "y") {
      redo();
    } else if (mod || event.altKey) {
      return; // Ctrl+C / Ctrl+V arrive as copy and paste events
    } else if (moves[key]) {
      moveTo(step(td, ...moves[key]), event.shiftKey);
    } else if (key === "Home" || key === "End") {
      moveTo(step(td, 0, key === "Home" ? -roles.length : roles.length), event.shiftKey);
    } else if (key === "Delete" || key === "Backspace") {
      clearCells();
    } else if (key === "Escape") {
      anchor = cursor;
      paintSelection();
    } else if (key === "Enter" || key === " ") {
      openMenu(td);
      const first = menu && menu.querySelector("button");
      if (first) first.focus();
    } else if (key.length === 1 && codes.includes(key.toUpperCase())) {
      typeLetter(key.toUpperCase());
    } else {
      return;
    }
    event.preventDefault();
  });

  // Focus that arrives some other way (a screen reader, a script) moves the cursor too.
  table.addEventListener("focusin", (event) => {
    if (isCell(event.target) && event.target !== cursor) moveTo(event.target, false);
  });

  // --- Mouse: click opens the letter menu, drag or Shift+click selects a range ---
  let dragging = false;
  let dragged = false;
  table.addEventListener("mousedown", (event) => {
    if (!isCell(event.target) || event.button !== 0) return;
    dragging = true;
    dragged = false;
    moveTo(event.target, event.shiftKey);
    event.preventDefault(); // no text selection while dragging
  });
  table.addEventListener("mouseover", (event) => {
    if (!dragging || !isCell(event.target) || event.target === cursor) return;
    dragged = true;
    moveTo(event.target, true);
  });
  document.addEventListener("mouseup", () => {
    dragging = false;
  });
  table.addEventListener("click", (event) => {
    if (!isCell(event.target) || dragged || event.shiftKey) return;
    openMenu(event.target);
  });

  // --- The letter menu ---
  function openMenu(td) {
    if (!menu) return;
    moveTo(td, false);
    refreshMenu();
    const box = td.getBoundingClientRect();
    menu.style.top = `${window.scrollY + box.bottom + 4}px`;
    menu.style.left = `${Math.max(8, window.scrollX + box.left - 40)}px`;
    menu.hidden = false;
  }

  function refreshMenu() {
    if (!menu || !cursor) return;
    const letters = lettersOf(cursor);
    menu.querySelectorAll("button[data-letter]").forEach((b) => {
      if (b.dataset.letter) b.setAttribute("aria-pressed", String(letters.includes(b.dataset.letter)));
    });
  }

  function closeMenu(refocus) {
    if (!menu || menu.hidden) return;
    menu.hidden = true;
    if (refocus && cursor) cursor.focus();
  }

  if (menu) {
    menu.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button || !cursor) return;
      if ("close" in button.dataset) return closeMenu(true);
      const letter = button.dataset.letter;
      stage(cursor, letter ? toggle(lettersOf(cursor), letter) : "");
      refreshMenu();
      flush();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") closeMenu(true);
    });
    document.addEventListener("click", (event) => {
      if (!menu.hidden && !menu.contains(event.target) && !isCell(event.target)) closeMenu(false);
    });
  }

  document.body.addEventListener("htmx:responseError", (event) => {
    setStatus("Not saved: " + (event.detail.xhr.responseText || "the server refused the change."), "failed");
  });

  editing = { moveTo };
  const first = table.querySelector("tr[data-task] > td");
  if (first) {
    cursor = anchor = first;
    cursor.tabIndex = 0;
  }
  // For tests and bench/bench_editor.py: the grid answers keys and clicks from now on.
  table.dataset.ready = String(Math.round(performance.now()));
})();
