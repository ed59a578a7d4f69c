// The matrix editor, loaded after its modules (static/js/editor/, listed in this order by
// templates/matrices/matrix_detail.html, all deferred):
//   grid.js      the table, its columns, stages, the rows after the first screen
//   findings.js  the findings panel and links that select their cell or row (everyone)
//   batches.js   changes sent as conflict-checked batches, one at a time (editors)
//   history.js   undo and redo through the same writer
//   cursor.js    the ARIA grid: cursor, ranges, keyboard and mouse
//   clipboard.js copy as TSV, paste a block from a spreadsheet
//   menu.js      the letter menu
// This file places the cursor on the first cell and says the grid is ready.
(function (E) {
  "use strict";
  const table = E.table;
  if (!table || !E.editable) return;
  const first = table.querySelector("tr[data-task] > td");
  if (first) {
    E.state.cursor = E.state.anchor = first;
    first.tabIndex = 0;
  }
  // For tests and bench/bench_editor.py: the grid answers keys and clicks from now on.
  table.dataset.ready = String(Math.round(performance.now()));
})(window.RaciEditor || {});
