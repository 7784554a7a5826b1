// The check-in sheet: when htmx swaps in an initiative's saved form, the focus moves to the
// next initiative's form (its chosen status, else its first control), so thirty check-ins go
// in at one sitting by keyboard. Without JavaScript the sheet posts and comes back anchored
// at the next form.
document.addEventListener("htmx:load", (event) => {
  const saved = event.detail.elt;
  if (!(saved instanceof HTMLElement) || !saved.dataset.focusNext) return;
  const next = document.getElementById(saved.dataset.focusNext);
  if (!next) return;
  const field =
    next.querySelector("input[type=radio]:checked") ||
    next.querySelector("input:not([type=hidden]), select, textarea");
  if (field) field.focus();
});
