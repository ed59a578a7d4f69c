// The add-task form (editors): a refused task's error is shown in the form, whose name field has
// the focus (autofocus); the form is brought to the middle of the screen. And the form says when the stage typed is new, since adding the task is what creates it.
(function () {
  "use strict";
  const error = document.getElementById("add-task-error");
  const name = error && document.querySelector('#add-task input[name="name"]');
  if (name) {
    if (document.activeElement !== name) name.focus({ preventScroll: true });
    error.scrollIntoView({ block: "center" });
  }
  const input = document.getElementById("add-task-stage");
  const hint = document.getElementById("stage-hint");
  const list = document.getElementById("stage-list");
  if (!input || !hint || !list) return;
  const known = new Set(Array.from(list.options).map((o) => o.value.trim().toLowerCase()));
  const idle = hint.textContent;
  input.addEventListener("input", () => {
    const stage = input.value.trim();
    const isNew = stage !== "" && !known.has(stage.toLowerCase());
    hint.textContent = isNew ? `"${stage}" is a new stage: it will be created with this task.` : idle;
    hint.classList.toggle("new-stage", isNew);
  });
})();
