// Search before create: as a person is typed into a referral, ask the registry whether the service
// already knows them. Names go in a POST body, never in a URL. No libraries, no network beyond our server.
(function () {
  "use strict";
  var form = document.querySelector("form[data-match-url]");
  if (!form) return;
  var url = form.getAttribute("data-match-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var FIELDS = ["surname", "name", "patronymic", "birth_date", "sex"];

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function hintFor(row) {
    var next = row.nextElementSibling;
    if (next && next.classList.contains("match-row")) return next.querySelector(".hint");
    var tr = document.createElement("tr");
    tr.className = "match-row";
    var td = document.createElement("td");
    td.colSpan = row.children.length;
    var box = document.createElement("div");
    box.className = "hint";
    box.setAttribute("role", "status");
    box.hidden = true;
    td.appendChild(box);
    tr.appendChild(td);
    row.parentNode.insertBefore(tr, row.nextSibling);
    return box;
  }

  function show(box, answer) {
    box.textContent = "";
    if (!answer.known && !(answer.candidates && answer.candidates.length)) {
      box.hidden = true;
      return;
    }
    var title = document.createElement("strong");
    title.textContent = answer.message || form.getAttribute("data-candidates-title");
    box.appendChild(title);
    if (answer.reasons && answer.reasons.length) {
      var why = document.createElement("p");
      why.textContent = answer.reasons.join("; ");
      box.appendChild(why);
    }
    box.hidden = false;
  }

  function ask(row) {
    var data = new FormData();
    var filled = false;
    FIELDS.forEach(function (name) {
      var input = field(row, name);
      if (input) data.append(name, input.value.trim());
    });
    filled = field(row, "surname").value.trim().length > 1 && field(row, "name").value.trim().length > 0;
    var box = hintFor(row);
    if (!filled) {
      box.hidden = true;
      return;
    }
    fetch(url, {method: "POST", body: data, credentials: "same-origin", headers: {"X-CSRFToken": token}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) show(box, answer); })
      .catch(function () { /* the hint is a help, not a step: a failed look-up leaves the form as it is */ });
  }

  // Delegated, so rows added in the page (site.js) are looked up too.
  var timers = new WeakMap();
  function later(event) {
    var row = event.target.closest("tr[data-row]");
    if (!row || !field(row, "surname") || FIELDS.indexOf((event.target.name || "").split("-").pop()) < 0) return;
    clearTimeout(timers.get(row));
    timers.set(row, setTimeout(function () { ask(row); }, 350));
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
