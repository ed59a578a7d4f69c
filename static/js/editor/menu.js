// The letter menu (editors): a click on a cell, or Enter/Space on the cursor, opens it; its
// buttons toggle letters or clear; Escape or a click elsewhere closes it.
(function (E) {
  "use strict";
  const table = E.table;
  if (!table || !E.editable) return;
  const S = E.state;
  const menu = document.getElementById("cell-menu");

  E.openMenu = function (td, focusMenu) {
    if (!menu) return;
    E.moveTo(td, false);
    E.refreshMenu();
    const box = td.getBoundingClientRect();
    menu.style.top = `${window.scrollY + box.bottom + 4}px`;
    menu.style.left = `${Math.max(8, window.scrollX + box.left - 40)}px`;
    menu.hidden = false;
    const first = focusMenu && menu.querySelector("button");
    if (first) first.focus();
  };

  E.refreshMenu = function () {
    if (!menu || !S.cursor) return;
    const letters = E.lettersOf(S.cursor);
    menu.querySelectorAll("button[data-letter]").forEach((b) => {
      if (b.dataset.letter) b.setAttribute("aria-pressed", String(letters.includes(b.dataset.letter)));
    });
  };

  function closeMenu(refocus) {
    if (!menu || menu.hidden) return;
    menu.hidden = true;
    if (refocus && S.cursor) S.cursor.focus();
  }

  if (!menu) return;
  menu.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !S.cursor) return;
    if ("close" in button.dataset) return closeMenu(true);
    const letter = button.dataset.letter;
    E.stage(S.cursor, letter ? E.toggle(E.lettersOf(S.cursor), letter) : "");
    E.refreshMenu();
    E.flush();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeMenu(true);
  });
  document.addEventListener("click", (event) => {
    if (!menu.hidden && !menu.contains(event.target) && !E.isCell(event.target)) closeMenu(false);
  });
})(window.RaciEditor);
