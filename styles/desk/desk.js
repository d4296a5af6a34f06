// Progressive enhancement only: the desk works fully without this file.
// Filters the list as the nurse types (the form's "Show handouts" does the same on the server),
// and moves the keyboard focus to a form's problem list when there is one.
(function () {
  "use strict";
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
