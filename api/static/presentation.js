// The dashboard's presentation mode: the arrow keys follow the slide's previous and next
// links and Escape its link back to the dashboard (each link names its key in data-key).
// Without JavaScript the same links are there to click.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) return;
  const target = event.target;
  if (target instanceof HTMLElement && target.closest("input, select, textarea, [contenteditable]")) return;
  const link = document.querySelector(`a[data-key="${event.key}"]`);
  if (!(link instanceof HTMLAnchorElement)) return;
  event.preventDefault();
  window.location.assign(link.href);
});
