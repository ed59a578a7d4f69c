// Copy and paste (editors): Ctrl/Cmd+C copies the range as TSV; Ctrl/Cmd+V pastes a block copied
// from Excel or Google Sheets (cells like "A/R", "R", "a, r") as one conflict-checked batch.
(function (E) {
  "use strict";
  const table = E.table;
  if (!table || !E.editable) return;
  const S = E.state;

  function copyText() {
    return E.range()
      .map((line) => line.map((td) => td.textContent).join("\t"))
      .join("\n");
  }

  function parseLetters(raw) {
    // "A/R", "a, r", "R A" -> "AR" in the scheme's order; null when a letter is not the scheme's.
    const letters = raw.toUpperCase().replace(/[\s/,;+&|-]+/g, "");
    if (letters.split("").some((c) => !E.codes.includes(c))) return null;
    return E.canonical(new Set(letters));
  }

  function paste(text) {
    if (!S.cursor) return;
    const lines = text.replace(/\r\n?/g, "\n").split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    const block = lines.map((line) => line.split("\t"));
    const parsed = [];
    for (let r = 0; r < block.length; r++) {
      const row = [];
      for (let c = 0; c < block[r].length; c++) {
        const letters = parseLetters(block[r][c]);
        if (letters === null) {
          E.setStatus(
            `Nothing pasted: "${block[r][c].trim()}" (line ${r + 1}, cell ${c + 1}) is not made of the letters ${E.codes.split("").join(", ")}.`,
            "failed",
          );
          return;
        }
        row.push(letters);
      }
      parsed.push(row);
    }
    const rows = E.visibleRows();
    const origin = E.range()[0][0];
    const top = rows.indexOf(origin.parentElement);
    const left = origin.cellIndex;
    let place;
    if (parsed.length === 1 && parsed[0].length === 1 && S.selected.length) {
      // One value pasted over a range fills it, as spreadsheets do.
      place = E.range().map((line) => line.map((td) => [td, parsed[0][0]]));
    } else {
      const width = Math.max(...parsed.map((row) => row.length));
      if (top + parsed.length > rows.length || left - 1 + width > E.roles.length) {
        E.setStatus(
          `Nothing pasted: the block is ${parsed.length} rows by ${width} columns and does not fit from this cell.`,
          "failed",
        );
        return;
      }
      place = parsed.map((row, r) => row.map((letters, c) => [rows[top + r].cells[left + c], letters]));
    }
    const cells = place.flat();
    if (cells.length > E.MAX_BATCH) {
      E.setStatus(`Nothing pasted: at most ${E.MAX_BATCH} cells change at once.`, "failed");
      return;
    }
    E.flush();
    cells.forEach(([td, letters]) => {
      if (letters !== E.lettersOf(td)) E.stage(td, letters);
    });
    const last = place[place.length - 1];
    S.anchor = place[0][0][0];
    E.moveTo(last[last.length - 1][0], true);
    E.flush();
  }

  const inGrid = () => E.isCell(document.activeElement) && table.contains(document.activeElement);

  document.addEventListener("copy", (event) => {
    if (!inGrid()) return;
    event.clipboardData.setData("text/plain", copyText());
    event.preventDefault();
    E.setStatus(`Copied ${E.range().flat().length} cell(s).`, "");
  });

  document.addEventListener("paste", (event) => {
    if (!inGrid()) return;
    event.preventDefault();
    paste(event.clipboardData.getData("text/plain"));
  });
})(window.RaciEditor);
