// Pickers (macros/forms.html): the keyboard of a search box with its options below.
// In the search box, Enter searches now (instead of submitting the form) and ArrowDown moves
// to the options; among the options the arrow keys move as in any radio group, and Enter
// chooses the option (instead of submitting the form) and says so. Without this file the
// picker still works: Tab reaches the options and the Search button posts the form.
(function () {
  "use strict";
  if (window.kipinaPicker) return;
  window.kipinaPicker = true;

  function say(picker, text) {
    var status = picker.querySelector("[role=status]");
    if (status) status.textContent = text;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement)) return;
    var picker = input.closest(".picker");
    if (!picker) return;
    if (input.type === "search") {
      if (event.key === "Enter") {
        event.preventDefault();
        if (window.htmx) window.htmx.trigger(input, "search");
      } else if (event.key === "ArrowDown") {
        var options = picker.querySelectorAll(".picker-options input[type=radio]");
        if (!options.length) return;
        event.preventDefault();
        var chosen = picker.querySelector(".picker-options input[type=radio]:checked") || options[0];
        chosen.checked = true;
        chosen.focus();
      }
    } else if (input.type === "radio" && event.key === "Enter") {
      event.preventDefault();
      input.checked = true;
      var label = picker.querySelector("label[for='" + input.id + "']");
      say(picker, (picker.dataset.chosenWord || "") + " " + (label ? label.textContent : ""));
      picker.classList.add("picker-chosen");
    }
  });

  // Enter in another field of the form "clicks" the form's first submit button, which may be
  // a picker's Search: save the form instead, as the person meant.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.name !== "_pick") return;
    var picker = button.closest(".picker");
    var active = document.activeElement;
    var typing = active && active !== button && /^(INPUT|SELECT)$/.test(active.tagName) && !(picker && picker.contains(active));
    if (!typing) return;
    var form = event.target;
    var saves = Array.prototype.filter.call(form.querySelectorAll("button[type=submit], input[type=submit]"), function (b) {
      return b.name !== "_pick";
    });
    if (!saves.length) return;
    event.preventDefault();
    // Not from inside this submit event: a form ignores a submit requested while it fires one.
    window.setTimeout(function () { form.requestSubmit(saves[saves.length - 1]); }, 0);
  }, true);
})();
