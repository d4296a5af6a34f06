// Progressive enhancement only: the desk works fully without this file.
// Filters the list as the nurse types (the form's "Show handouts" does the same on the server),
// and moves the keyboard focus to a form's problem list when there is one.
(function () {
  "use strict";
  // A page that answers a form (the result, or the form with its problems) becomes the
  // form's plain address in the history: reload or Back never asks to "confirm form
  // resubmission". What was typed stays in the page itself, never in the address.
  var sheet = document.querySelector("form[data-get-url]");
  if (sheet && window.history && history.replaceState) {
    history.replaceState(null, "", sheet.getAttribute("data-get-url"));
  }
  // A render takes seconds: say so (in a status the screen reader reads out too).
  Array.prototype.forEach.call(document.querySelectorAll("form.sheet"), function (form) {
    var status = form.querySelector(".busy");
    form.addEventListener("submit", function () {
      form.setAttribute("aria-busy", "true");
      if (status) { status.textContent = status.getAttribute("data-busy"); }
      // A download leaves the page as it is: the form is ready again after a while.
      window.setTimeout(function () {
        form.removeAttribute("aria-busy");
        if (status) { status.textContent = ""; }
      }, 8000);
    });
  });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.sheet"), function (form) {
      form.removeAttribute("aria-busy");
      var status = form.querySelector(".busy");
      if (status) { status.textContent = ""; }
    });
  });
  var print = document.getElementById("print-slip");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  var problems = document.getElementById("problems");
  if (problems) { problems.focus(); }
  var copy = document.getElementById("copy-chart");
  var line = document.getElementById("chart-line");
  if (copy && line && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(line.value).then(function () {
        document.getElementById("copy-status").textContent = copy.getAttribute("data-copied");
      });
    });
  }
  var box = document.getElementById("q");
  var count = document.getElementById("shown-count");
  if (!box || !count) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("li.document"));
  function apply() {
    // Folded as the server folds (search.py): no case, accents or hyphens.
    var folded = box.value.toLowerCase().normalize("NFKD").replace(/\p{Mn}/gu, "")
      .replace(/[-\u2011]/g, "");
    var words = folded.split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-filter") || "";
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    count.textContent = String(shown);
  }
  box.addEventListener("input", apply);
})();
