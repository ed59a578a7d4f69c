// The matrix editor: mouse and keyboard editing of cells. Each change is one POST
// (htmx) that answers with the new cell and the findings it changed; changes are sent
// one at a time so each knows the letters it expects to find.
(function () {
  "use strict";
  const table = document.getElementById("grid");
  if (!table || table.dataset.editable !== "true" || !window.htmx) return;

  const url = table.dataset.cellUrl;
  const codes = table.dataset.letters;
  const combinations = new Set((table.dataset.combinations || "").split(",").filter(Boolean));
  const menu = document.getElementById("cell-menu");
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  let active = null;
  let queue = Promise.resolve();

  const cellAt = (task, role) => document.getElementById(`cell-${task}-${role}`);
  const canonical = (set) => codes.split("").filter((c) => set.has(c)).join("");
  const allowed = (letters) => letters.length <= 1 || combinations.has(letters);

  function toggle(current, letter) {
    if (!letter) return "";
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

  function focusCell(td) {
    if (!td) return;
    table.querySelectorAll('.cell-btn[tabindex="0"]').forEach((b) => (b.tabIndex = -1));
    const button = td.querySelector(".cell-btn");
    if (!button) return;
    button.tabIndex = 0;
    button.focus();
    active = { task: td.dataset.task, role: td.dataset.role };
  }

  function change(task, role, next) {
    queue = queue.then(() => {
      const td = cellAt(task, role);
      if (!td) return;
      const expected = td.dataset.letters;
      const letters = next(expected);
      if (letters === expected) return;
      td.dataset.state = "saving";
      setStatus("Saving…", "saving");
      return htmx
        .ajax("POST", url, {
          source: td,
          target: td,
          swap: "outerHTML",
          values: { task, role, expected, letters },
          headers: { "X-CSRFToken": csrf },
        })
        .catch(() => {
          td.dataset.state = "failed";
          setStatus("Not saved: the server could not be reached.", "failed");
        });
    });
  }

  function neighbour(td, rows, cols) {
    const row = td.parentElement;
    const rowCells = Array.from(row.querySelectorAll("td.cell"));
    const col = rowCells.indexOf(td);
    if (cols) return rowCells[col + cols] || null;
    const all = Array.from(table.querySelectorAll("tbody tr")).filter((r) => r.querySelector("td.cell"));
    const target = all[all.indexOf(row) + rows];
    return target ? target.querySelectorAll("td.cell")[col] : null;
  }

  function openMenu(td) {
    if (!menu) return;
    menu.dataset.task = td.dataset.task;
    menu.dataset.role = td.dataset.role;
    refreshMenu();
    const box = td.getBoundingClientRect();
    menu.style.top = `${window.scrollY + box.bottom + 4}px`;
    menu.style.left = `${Math.max(8, window.scrollX + box.left - 40)}px`;
    menu.hidden = false;
  }

  function refreshMenu() {
    if (!menu) return;
    const td = cellAt(menu.dataset.task, menu.dataset.role);
    const letters = td ? td.dataset.letters : "";
    menu.querySelectorAll("button[data-letter]").forEach((b) => {
      if (b.dataset.letter) b.setAttribute("aria-pressed", String(letters.includes(b.dataset.letter)));
    });
  }

  function closeMenu(refocus) {
    if (!menu || menu.hidden) return;
    menu.hidden = true;
    if (refocus) focusCell(cellAt(menu.dataset.task, menu.dataset.role));
  }

  table.addEventListener("keydown", (event) => {
    const td = event.target.closest("td.cell");
    if (!td || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
    if (moves[key]) {
      const next = neighbour(td, ...moves[key]);
      if (next) focusCell(next);
    } else if (key === "Delete" || key === "Backspace") {
      change(td.dataset.task, td.dataset.role, () => "");
    } else if (key === "Enter" || key === " ") {
      openMenu(td);
      const first = menu && menu.querySelector("button");
      if (first) first.focus();
    } else if (key.length === 1 && codes.includes(key.toUpperCase())) {
      const letter = key.toUpperCase();
      change(td.dataset.task, td.dataset.role, (current) => toggle(current, letter));
    } else {
      return;
    }
    event.preventDefault();
  });

  table.addEventListener("click", (event) => {
    const td = event.target.closest("td.cell");
    if (!td) return;
    focusCell(td);
    openMenu(td);
  });

  if (menu) {
    menu.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      if ("close" in button.dataset) return closeMenu(true);
      const letter = button.dataset.letter;
      change(menu.dataset.task, menu.dataset.role, (current) => toggle(current, letter));
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") closeMenu(true);
    });
    document.addEventListener("click", (event) => {
      if (!menu.hidden && !menu.contains(event.target) && !event.target.closest("td.cell")) closeMenu(false);
    });
  }

  // htmx keeps focus on the cell's button across the swap (same id); keep the roving
  // tabindex and the open menu in step with the new cell.
  document.body.addEventListener("htmx:afterSwap", () => {
    const cell = active && cellAt(active.task, active.role);
    if (cell) {
      if (document.activeElement === document.body && menu && menu.hidden) {
        focusCell(cell);
      } else {
        table.querySelectorAll('.cell-btn[tabindex="0"]').forEach((b) => (b.tabIndex = -1));
        const button = cell.querySelector(".cell-btn");
        if (button) button.tabIndex = 0;
      }
    }
    refreshMenu();
  });

  document.body.addEventListener("htmx:responseError", (event) => {
    const td = event.detail.target;
    if (td && td.dataset) td.dataset.state = "failed";
    setStatus("Not saved: " + (event.detail.xhr.responseText || "the server refused the change."), "failed");
  });

  const first = table.querySelector("td.cell .cell-btn");
  if (first) first.tabIndex = 0;
})();
