// The check-in sheet, by keyboard: Enter in a row's status, score or sentence saves that row
// alone (its button posts it with htmx), and when the saved row is swapped in, the focus moves
// to the next row's status. So a row costs Tab, Tab, Enter. A refused row comes back with the
// focus on its first wrong field (autofocus, which htmx honours). Without JavaScript the sheet
// is one form: Enter or any save button saves every changed row and comes back at the next row.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.isComposing || event.shiftKey || event.altKey) return;
  const field = event.target;
  if (!(field instanceof HTMLInputElement || field instanceof HTMLSelectElement)) return;
  const row = field.closest(".sheet-row");
  if (!row) return;
  const save = row.querySelector(".sheet-save button");
  if (!save) return;
  event.preventDefault();
  save.click();
});

document.addEventListener("htmx:load", (event) => {
  const saved = event.detail.elt;
  if (!(saved instanceof HTMLElement) || !saved.dataset.focusNext) return;
  const next = document.getElementById(saved.dataset.focusNext);
  if (!next) return;
  const field = next.matches("[tabindex]") ? next : next.querySelector("select, input:not([type=hidden]), textarea");
  if (field) field.focus();
});
