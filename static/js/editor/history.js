// Undo and redo (editors): each saved batch is remembered; undo sends its inverse through the
// same writer (so history and conflict checks stay right), redo sends it again.
(function (E) {
  "use strict";
  if (!E.table || !E.editable) return;
  const undoStack = [];
  const redoStack = [];

  // A batch the server saved: an edit or a redo can be undone, an undo redone.
  E.remember = function (batch, kind) {
    const done = batch.map(({ task, role, expected, letters }) => ({ task, role, expected, letters }));
    if (kind === "undo") redoStack.push(done);
    else {
      undoStack.push(done);
      if (kind === "edit") redoStack.length = 0;
    }
  };

  const inverse = (batch) => batch.map((c) => ({ task: c.task, role: c.role, expected: c.letters, letters: c.expected }));

  function showBatch(batch) {
    batch.forEach((change) => {
      const td = E.cellAt(change.task, change.role);
      if (td) {
        E.show(td, change.letters);
        td.dataset.state = "saving";
      }
    });
    return batch;
  }

  function replay(stack, kind, nothing) {
    E.flush();
    E.enqueue(() => {
      const last = stack.pop();
      if (!last) return E.setStatus(nothing, "");
      return showBatch(inverse(last));
    }, kind);
  }

  E.undo = () => replay(undoStack, "undo", "Nothing to undo.");
  E.redo = () => replay(redoStack, "redo", "Nothing to redo.");
})(window.RaciEditor);
