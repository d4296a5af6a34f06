// Progressive enhancement only: the desk works fully without this file.
// Applies the list's filters as they change (the form's "Show handouts" does the same
// without it), keeps the basket bar from covering the focus, and moves the keyboard focus
// to a form's problem list when there is one.
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
  // The basket's zip or email draft: the page with the chart line came back, and the
  // file downloads at once, as the button promised (the link stays, for a second copy).
  var now = document.querySelector("a[data-download-now]");
  if (now) { now.click(); }
  var problems = document.getElementById("problems");
  if (problems) { problems.focus(); }
  function wireCopy() {
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
  }
  wireCopy();
  // "Open the PDF to print" and "Download the PDF" leave this page as it was: their line
  // for the chart is asked of the desk (handout, language, paper, edition and how, nothing
  // personal) and shown under the buttons, or replaces the line the page already shows.
  var place = document.getElementById("chart-place");
  var personal = place && place.closest("form");
  if (personal && window.fetch && window.URLSearchParams) {
    personal.addEventListener("submit", function (event) {
      var action = event.submitter ? event.submitter.value : "";
      var given = { view: "printed", pdf: "downloaded" }[action];
      var protect = personal.querySelector("#protect");
      // A protected download comes back as a page with its own line.
      if (!given || (action === "pdf" && protect && protect.checked)) { return; }
      var query = new URLSearchParams();
      ["variant", "locale", "paper", "edition"].forEach(function (name) {
        if (personal.elements[name]) { query.append(name, personal.elements[name].value); }
      });
      query.append("given", given);
      fetch(place.getAttribute("data-url") + "?" + query.toString(), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          var got = new DOMParser().parseFromString(html, "text/html").querySelector("section.chart");
          if (!got) { return; }
          var shown = document.getElementById("chart-line");
          if (shown) {
            shown.value = got.querySelector("textarea").value;
            return;
          }
          place.appendChild(document.importNode(got, true));
          wireCopy();
        })
        .catch(function () { /* the line is a help: the file itself is on its way */ });
    });
  }
  // The basket bar's real height, kept free at the bottom when focus scrolls (desk.css).
  function measureBar() {
    var bar = document.querySelector(".basket-bar");
    var height = bar ? bar.getBoundingClientRect().height + 8 : 0;
    document.documentElement.style.setProperty("--basket-bar-height", height + "px");
  }
  measureBar();
  window.addEventListener("resize", measureBar);

  // The list of handouts: filters apply as they change (the server filters, as for the
  // form without script; typing also narrows the list at once), the count is read out,
  // and "Show handouts" (or Enter) moves the focus to the results' heading.
  var filters = document.querySelector("form.filters");
  var list = document.getElementById("result-list");
  var shown = document.getElementById("shown");
  var heading = document.getElementById("results");
  var box = document.getElementById("q");
  if (!filters || !list || !shown || !heading || !box || !window.fetch) { return; }
  if (location.hash === "#results") { heading.focus(); }
  function say(count) {
    var form = count === 0 ? "data-zero" : count === 1 ? "data-one" : "data-other";
    shown.textContent = shown.getAttribute(form).replace(/\d+/, String(count));
  }
  function narrow() {
    // Folded as the server folds (search.py): no case, accents or hyphens.
    var folded = box.value.toLowerCase().normalize("NFKD").replace(/\p{Mn}/gu, "")
      .replace(/[-\u2011]/g, "");
    var words = folded.split(/\s+/).filter(Boolean);
    var count = 0;
    Array.prototype.forEach.call(list.querySelectorAll("li.topic-group"), function (group) {
      var inGroup = 0;
      Array.prototype.forEach.call(group.querySelectorAll("li.document"), function (item) {
        var text = item.getAttribute("data-filter") || "";
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        if (match) { inGroup += 1; }
      });
      group.hidden = inGroup === 0;
      count += inGroup;
    });
    var nothing = list.querySelector(".nothing");
    if (nothing) { nothing.hidden = count > 0; }
    say(count);
  }
  function address() {
    var url = new URL(filters.action);
    var query = new URLSearchParams();
    new FormData(filters).forEach(function (value, name) {
      if (value) { query.append(name, value); }
    });
    url.hash = "";
    url.search = query.toString();
    return url;
  }
  var asked = 0;
  function refresh(focus) {
    var url = address();
    var mine = ++asked;
    var ticked = Array.prototype.map.call(list.querySelectorAll("input[name=key]:checked"),
      function (input) { return input.value; });
    var opened = Array.prototype.map.call(list.querySelectorAll("li.topic-group > details[open]"),
      function (details) { return details.parentNode.getAttribute("data-variant"); });
    fetch(url.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        if (mine !== asked) { return; }  // a later change has asked again
        var page = new DOMParser().parseFromString(html, "text/html");
        list.replaceChildren.apply(list, Array.prototype.slice.call(
          document.adoptNode(page.getElementById("result-list")).childNodes));
        Array.prototype.forEach.call(list.querySelectorAll("input[name=key]"), function (input) {
          if (ticked.indexOf(input.value) !== -1) {
            input.checked = true;
            var more = input.closest("details.more");  // a ticked file stays in sight
            if (more) { more.open = true; }
          }
        });
        Array.prototype.forEach.call(list.querySelectorAll("li.topic-group"), function (group) {
          if (opened.indexOf(group.getAttribute("data-variant")) !== -1) {
            group.querySelector("details").open = true;
          }
        });
        shown.textContent = page.getElementById("shown").textContent;
        history.replaceState(null, "", url.pathname + url.search);
        var back = document.querySelector("form.language input[name=back]");
        if (back) { back.value = url.pathname + url.search; }
        measureBar();
        if (focus) { heading.focus(); }
      })
      .catch(function () { if (focus) { filters.submit(); } });
  }
  var typing = 0;
  box.addEventListener("input", function () {
    narrow();
    window.clearTimeout(typing);
    typing = window.setTimeout(function () { refresh(false); }, 300);
  });
  Array.prototype.forEach.call(filters.querySelectorAll("select"), function (select) {
    select.addEventListener("change", function () { refresh(false); });
  });
  filters.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(typing);
    refresh(true);
  });
})();
