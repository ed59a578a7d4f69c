// The editor's discussion badges and "Discuss this cell" link. The editor (raci/matrices) knows
// nothing of the discussion: this file fetches the open threads per cell and task from the
// discussion's badges endpoint, marks those cells and task rows (a class and data-threads, shown by
// discussion.css, so the editor may rewrite a cell's letters freely), and follows the selection to
// link to the selected cell's threads.
(() => {
  "use strict";
  const bar = document.getElementById("discussion-bar");
  const grid = document.getElementById("grid");
  if (!bar || !grid) return;

  const roles = Array.from(grid.querySelectorAll("thead th[data-role]"), (th) => th.dataset.role);
  const cellLink = document.getElementById("discuss-cell");
  const taskLink = document.getElementById("discuss-task");
  const summary = document.getElementById("discussion-open");
  const threadsUrl = bar.dataset.threads;
  let badges = { cells: {}, tasks: {} };
  let marked = [];

  const plural = (n, word) => `${n} open ${word}${n === 1 ? "" : "s"}`;

  function mark(element, count) {
    element.classList.add("discussed");
    element.dataset.threads = String(count);
    element.title = plural(count, "thread");
    marked.push(element);
  }

  function apply() {
    for (const element of marked) {
      element.classList.remove("discussed");
      delete element.dataset.threads;
      element.removeAttribute("title");
    }
    marked = [];
    for (const [key, count] of Object.entries(badges.cells)) {
      const [task, role] = key.split(":");
      const column = roles.indexOf(role);
      const row = document.getElementById(`task-${task}`);
      if (row && column >= 0 && row.cells[column + 1]) mark(row.cells[column + 1], count);
    }
    for (const [task, count] of Object.entries(badges.tasks)) {
      const row = document.getElementById(`task-${task}`);
      if (row && row.cells[0]) mark(row.cells[0], count);
    }
  }

  function load() {
    fetch(bar.dataset.badges, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        badges = data;
        const open =
          Object.values(data.cells).reduce((a, b) => a + b, 0) + Object.values(data.tasks).reduce((a, b) => a + b, 0);
        summary.textContent = open ? `(${plural(open, "thread")})` : "";
        apply();
      })
      .catch(() => {
        summary.textContent = "";
      });
  }

  // Rows arrive after the page (the editor loads the rest in batches): mark them as they come.
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      apply();
    });
  }).observe(grid, { childList: true, subtree: true });

  function follow(event) {
    const cell = event.target.closest("td, th[scope='row']");
    if (!cell || !grid.contains(cell)) return;
    const row = cell.closest("tr[data-task]");
    if (!row) return;
    const task = row.dataset.task;
    taskLink.href = `${threadsUrl}?task=${encodeURIComponent(task)}`;
    taskLink.hidden = false;
    const role = cell.tagName === "TD" ? roles[cell.cellIndex - 1] : undefined;
    if (role) {
      cellLink.href = `${threadsUrl}?task=${encodeURIComponent(task)}&role=${encodeURIComponent(role)}`;
      cellLink.title = `Discuss the ${role} cell of this task`;
      cellLink.hidden = false;
    } else {
      cellLink.hidden = true;
    }
  }
  grid.addEventListener("focusin", follow);
  grid.addEventListener("click", follow);

  load();
})();
