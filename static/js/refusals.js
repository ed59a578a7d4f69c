// Forms inside [data-refusals-in-place] post through htmx and get their refusals back as a
// fragment to show in place: 400 (bad input: the form again, with the reason) or 403 (not
// allowed: the reason). htmx does not swap 4xx answers by default, and django-htmx's debug
// helper (DEBUG only) would replace the whole page with them; for these forms both are wrong.
(() => {
  const REFUSALS = [400, 403];
  const inPlace = (event) =>
    REFUSALS.includes(event.detail.xhr.status) &&
    event.detail.elt instanceof Element &&
    event.detail.elt.closest("[data-refusals-in-place]") !== null;

  // On body, so it runs before the debug helper's listener on document.
  document.body.addEventListener("htmx:beforeOnLoad", (event) => {
    if (inPlace(event)) event.stopPropagation();
  });
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (inPlace(event)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
