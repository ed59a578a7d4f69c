// The add-task form (editors): says when the stage typed is new ("a new stage will be created"),
// since adding the task is what creates it.
(function () {
  "use strict";
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
