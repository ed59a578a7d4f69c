// The grid as a grid (editors), the ARIA grid pattern: one tab stop (the cursor, a roving
// tabindex), arrow keys, ranges (Shift+arrows, drag, Shift+click), letters typed toggle, Delete
// clears, Ctrl/Cmd+Z undoes and Shift+Ctrl/Cmd+Z (or Ctrl+Y) redoes.
(function (E) {
  "use strict";
  const table = E.table;
  if (!table || !E.editable) return;
  const roles = E.roles;
  // The focused cell (the one tab stop), where the range started, and the range's cells.
  const S = (E.state = { cursor: null, anchor: null, selected: [] });

  // Rows the cursor moves through: those of expanded stages.
  E.visibleRows = () => Array.from(table.querySelectorAll("tbody:not(.collapsed) > tr[data-task]"));

  E.moveTo = function (td, extend) {
    if (!td) return;
    if (S.cursor && S.cursor !== td) S.cursor.removeAttribute("tabindex");
    S.cursor = td;
    td.tabIndex = 0;
    if (!extend) S.anchor = td;
    paintSelection();
    td.focus({ preventScroll: false });
  };

  // The selected block, row by row, from the anchor to the cursor.
  E.range = function () {
    const { cursor, anchor } = S;
    if (!cursor || !anchor) return [];
    const rows = E.visibleRows();
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
  };

  function paintSelection() {
    S.selected.forEach((td) => td.removeAttribute("aria-selected"));
    S.selected = S.anchor === S.cursor ? [] : E.range().flat();
    S.selected.forEach((td) => td.setAttribute("aria-selected", "true"));
  }

  function step(td, rowsBy, colsBy) {
    const rows = E.visibleRows();
    const r = Math.max(0, Math.min(rows.length - 1, rows.indexOf(td.parentElement) + rowsBy));
    const c = Math.max(1, Math.min(roles.length, td.cellIndex + colsBy));
    return rows[r] ? rows[r].cells[c] : td;
  }

  const targets = () => (S.selected.length ? S.selected : S.cursor ? [S.cursor] : []);

  function typeLetter(letter) {
    const cells = targets();
    if (!cells.length) return;
    // Across a range the cursor's cell decides: if it holds the letter it goes everywhere, else it comes.
    const removing = E.lettersOf(S.cursor).includes(letter);
    cells.forEach((td) => {
      const now = E.lettersOf(td);
      if (cells.length === 1 || now.includes(letter) === removing) E.stage(td, E.toggle(now, letter));
    });
    E.flushSoon();
  }

  function clearCells() {
    targets().forEach((td) => {
      if (E.lettersOf(td)) E.stage(td, "");
    });
    E.flush();
  }

  // --- Keyboard ---
  const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0], PageDown: [10, 0], PageUp: [-10, 0] };

  table.addEventListener("keydown", (event) => {
    const td = event.target;
    if (!E.isCell(td)) return;
    const key = event.key;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && key.toLowerCase() === "z") {
      event.shiftKey ? E.redo() : E.undo();
    } else if (mod && key.toLowerCase() === "y") {
      E.redo();
    } else if (mod || event.altKey) {
      return; // Ctrl+C / Ctrl+V arrive as copy and paste events
    } else if (moves[key]) {
      E.moveTo(step(td, ...moves[key]), event.shiftKey);
    } else if (key === "Home" || key === "End") {
      E.moveTo(step(td, 0, key === "Home" ? -roles.length : roles.length), event.shiftKey);
    } else if (key === "Delete" || key === "Backspace") {
      clearCells();
    } else if (key === "Escape") {
      S.anchor = S.cursor;
      paintSelection();
    } else if (key === "Enter" || key === " ") {
      E.openMenu(td, true);
    } else if (key.length === 1 && E.codes.includes(key.toUpperCase())) {
      typeLetter(key.toUpperCase());
    } else {
      return;
    }
    event.preventDefault();
  });

  // Focus that arrives some other way (a screen reader, a script) moves the cursor too.
  table.addEventListener("focusin", (event) => {
    if (E.isCell(event.target) && event.target !== S.cursor) E.moveTo(event.target, false);
  });

  // --- Mouse: click opens the letter menu, drag or Shift+click selects a range ---
  let dragging = false;
  let dragged = false;
  table.addEventListener("mousedown", (event) => {
    if (!E.isCell(event.target) || event.button !== 0) return;
    dragging = true;
    dragged = false;
    E.moveTo(event.target, event.shiftKey);
    event.preventDefault(); // no text selection while dragging
  });
  table.addEventListener("mouseover", (event) => {
    if (!dragging || !E.isCell(event.target) || event.target === S.cursor) return;
    dragged = true;
    E.moveTo(event.target, true);
  });
  document.addEventListener("mouseup", () => {
    dragging = false;
  });
  table.addEventListener("click", (event) => {
    if (!E.isCell(event.target) || dragged || event.shiftKey) return;
    E.openMenu(event.target, false);
  });
})(window.RaciEditor);
