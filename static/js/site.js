// Progressive enhancement for every page, allowed by the strict CSP (script-src 'self'): nothing here is
// needed for a form to work; each button it takes over is a real submit button without JavaScript.
(function () {
  "use strict";

  // A select marked data-autosubmit sends its form when changed (its «Переключить» button stays for keyboards).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Tables of rows (lib/rows.py): add a row from the formset's empty form, remove one by clearing and hiding it.
  document.querySelectorAll("[data-rows]").forEach(function (box) {
    var prefix = box.getAttribute("data-rows");
    var max = parseInt(box.getAttribute("data-max"), 10);
    var total = box.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var body = box.querySelector("tbody");
    var template = box.querySelector("template");
    var add = box.querySelector("button.add-row");
    if (!total || !body || !template || !add) return;

    function refresh() {
      add.disabled = parseInt(total.value, 10) >= max;
    }

    add.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      if (index >= max) return;
      body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      var rows = body.querySelectorAll("tr[data-row]");
      var first = rows[rows.length - 1].querySelector("input, select, textarea");
      if (first) first.focus();
      refresh();
      body.dispatchEvent(new CustomEvent("rows:added", {bubbles: true}));
    });

    body.addEventListener("click", function (event) {
      var button = event.target.closest("button.remove-row");
      if (!button) return;
      event.preventDefault();
      var row = button.closest("tr");
      row.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (input.type === "hidden") return;
        if (input.type === "checkbox" || input.type === "radio") input.checked = false;
        else input.value = "";
      });
      row.hidden = true;
      var next = row.nextElementSibling;
      if (next && !next.hasAttribute("data-row")) next.hidden = true;  // a hint row that belongs to it
      var focus = box.querySelector("tr[data-row]:not([hidden]) input") || add;
      focus.focus();
    });
    refresh();
  });
})();
