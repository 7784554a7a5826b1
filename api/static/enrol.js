// The enrol page: the filter narrows the checklist as you type (without a request), and
// "Select all shown" ticks the shown initiatives in place. Without JavaScript both are
// requests: the filter a GET form, "select all shown" a POST that comes back ticked.
(() => {
  const words = document.querySelector("[data-enrol-filter]");
  const organisation = document.querySelector("[data-enrol-organisation]");
  const rows = Array.from(document.querySelectorAll("[data-enrol-row]"));
  const selectAll = document.querySelector("[data-enrol-select-all]");
  if (!rows.length) return;

  const filter = () => {
    const wanted = (words ? words.value : "").toLocaleLowerCase().split(/\s+/).filter(Boolean);
    const place = organisation ? organisation.value : "";
    for (const row of rows) {
      const text = row.dataset.words || "";
      row.hidden = !(
        (!place || row.dataset.organisation === place) && wanted.every((w) => text.includes(w))
      );
    }
  };
  if (words) words.addEventListener("input", filter);
  if (organisation) organisation.addEventListener("change", filter);

  if (selectAll) {
    selectAll.addEventListener("click", (event) => {
      event.preventDefault();
      for (const row of rows) {
        const box = row.querySelector("input[type=checkbox]");
        if (box && !row.hidden) box.checked = true;
      }
    });
  }
})();
