// The findings panel (for everyone): the toggle that hides it, and finding links that select
// their cell or row, below the sticky header, highlighted and focused.
(function (E) {
  "use strict";
  const table = E.table;
  if (!table) return;

  const findingsToggle = document.getElementById("findings-toggle");
  if (findingsToggle && E.layout) {
    findingsToggle.addEventListener("click", () => {
      const hidden = E.layout.classList.toggle("findings-hidden");
      findingsToggle.setAttribute("aria-expanded", String(!hidden));
      findingsToggle.textContent = hidden ? "Show findings" : "Hide findings";
    });
  }

  function reveal(task, role) {
    if (task && !E.rowOf(task) && !table.dataset.complete && E.rest) {
      E.restLoaded.then(() => E.rowOf(task) && reveal(task, role));
      return;
    }
    table.querySelectorAll(".highlight").forEach((el) => el.classList.remove("highlight"));
    const row = task ? E.rowOf(task) : null;
    let target = null;
    if (row) {
      E.setCollapsed(row.parentElement, false);
      target = role && E.columnOf.has(role) ? row.cells[E.columnOf.get(role) + 1] : row.cells[0];
      row.classList.add("highlight");
    } else if (role) {
      target = document.getElementById(`col-${role}`);
    }
    if (!target) return;
    target.classList.add("highlight");
    if (E.editable && E.moveTo && E.isCell(target)) {
      E.moveTo(target, false);
    } else {
      target.tabIndex = -1;
      target.focus({ preventScroll: true });
    }
    // Centred in the grid's scroll box, so the sticky header never covers it.
    target.scrollIntoView({ block: "center", inline: "nearest" });
  }
  E.reveal = reveal;

  document.addEventListener("click", (event) => {
    const link = event.target.closest("#findings a[data-task], #findings a[data-role]");
    if (!link) return;
    event.preventDefault();
    reveal(link.dataset.task, link.dataset.role);
  });
})(window.RaciEditor);
