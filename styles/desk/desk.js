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
  var main = document.getElementById("main");
  var canSwap = !!(sheet && main && window.fetch && window.DOMParser && history.pushState);
  if (sheet && window.history && history.replaceState) {
    history.replaceState({ desk: "form" }, "", sheet.getAttribute("data-get-url"));
  }
  function quiet(form) {
    form.removeAttribute("aria-busy");
    var status = form.querySelector(".busy");
    if (status) { status.textContent = ""; }
  }
  // "Make the files" with script: the same POST (same token, same origin) by fetch(), and
  // the answer shown in this page around the form the nurse filled in (the very same
  // inputs, so nothing typed is lost). Showing the files is one step in the history: Back
  // shows the form as it was, a second Back leaves the desk page; nothing is stored.
  var views = { form: null, made: null };
  var showing = "form";
  function slotFor(form) {
    var slot = document.createElement("div");
    slot.className = "form-slot";
    form.replaceWith(slot);
    return slot;
  }
  // The files are made: the problems once named on the form are gone (as on the page the
  // server sends without script), and Back will show the form without them.
  function settled(form) {
    var box = document.getElementById("problems");
    var heading = main.querySelector("h1");
    if (box) { box.remove(); }
    if (heading && document.title.indexOf(" · ") !== -1) {
      document.title = heading.textContent + document.title.slice(document.title.indexOf(" · "));
    }
    Array.prototype.forEach.call(form.querySelectorAll("p.problem"), function (p) { p.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-problem"), function (field) {
      field.classList.remove("has-problem");
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (input) {
      input.removeAttribute("aria-invalid");
      var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/)
        .filter(function (id) { return id && !/-problem$/.test(id); });
      if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); }
      else { input.removeAttribute("aria-describedby"); }
    });
  }
  function show(name, view) {
    var live = main.querySelector("form.sheet");
    if (name === "made" && showing === "form" && live) { settled(live); }
    views[showing] = { nodes: Array.prototype.slice.call(main.childNodes), title: document.title };
    if (live && view.nodes.length) {
      slotFor(live);
      main.replaceChildren.apply(main, view.nodes);
      var slot = main.querySelector(".form-slot");
      if (slot) { slot.replaceWith(live); }
    } else {
      main.replaceChildren.apply(main, view.nodes);
    }
    document.title = view.title;
    showing = name;
    var target = name === "made" ? document.getElementById("ready") :
      document.getElementById("problems") || main.querySelector("h1");
    if (target) { target.focus(); }
    wireCopy();
  }
  function answered(form, response, html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var incoming = page.getElementById("main");
    if (!incoming) { throw new Error("no page"); }
    var theirs = incoming.querySelector("form.sheet");
    var made = response.ok && !!page.getElementById("ready");
    if (made && theirs) { slotFor(theirs); }  // the nurse's own form goes there
    var nodes = Array.prototype.slice.call(document.adoptNode(incoming).childNodes);
    quiet(form);
    if (made) {
      if (showing === "form") { history.pushState({ desk: "made" }, "", location.href); }
      show("made", { nodes: nodes, title: page.title });
      return;
    }
    // Problems named on the form (or a refusal): the server's form, as typed, with them.
    if (showing === "made") { history.replaceState({ desk: "form" }, "", location.href); }
    views.made = null;
    main.replaceChildren.apply(main, nodes);
    document.title = page.title;
    showing = "form";
    if (theirs) { sheetForm(theirs); askChart(theirs); }
    var problems = document.getElementById("problems");
    if (problems) { problems.focus(); }
    wireCopy();
  }
  function fetched(form, button) {
    var body = new URLSearchParams(new FormData(form));
    body.append(button.name, button.value);
    // getAttribute: the buttons named "action" hide the form's own action property.
    fetch(form.getAttribute("action"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "text/html" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("text/html") !== 0) { throw new Error(type); }
      return response.text().then(function (html) { answered(form, response, html); });
    }).catch(function () {
      // Whatever went wrong, the plain form does it as without script.
      quiet(form);
      form.setAttribute("data-plain", "1");
      form.requestSubmit(button);
    });
  }
  window.addEventListener("popstate", function (event) {
    var want = event.state && event.state.desk === "made" ? "made" : "form";
    if (want !== showing && views[want]) { show(want, views[want]); }
  });
  // A render takes seconds: say so (in a status the screen reader reads out too).
  function sheetForm(form) {
    var status = form.querySelector(".busy");
    form.addEventListener("submit", function (event) {
      form.setAttribute("aria-busy", "true");
      if (status) { status.textContent = status.getAttribute("data-busy"); }
      var button = event.submitter;
      if (canSwap && button && button.value === "files" && !form.hasAttribute("data-plain")) {
        event.preventDefault();
        fetched(form, button);
        return;
      }
      // A download leaves the page as it is: the form is ready again after a while.
      window.setTimeout(function () { quiet(form); }, 8000);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("form.sheet"), sheetForm);
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.sheet"), quiet);
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
  // The chart line's Copy button (on a page as loaded, or a result shown in place).
  function wireCopy() {
    var copy = document.getElementById("copy-chart");
    var line = document.getElementById("chart-line");
    if (copy && line && navigator.clipboard && !copy.hasAttribute("data-ready")) {
      copy.setAttribute("data-ready", "1");
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
  function askChart(personal) {
    var place = personal.querySelector("#chart-place");
    if (!place || !window.fetch || !window.URLSearchParams) { return; }
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
  Array.prototype.forEach.call(document.querySelectorAll("form.sheet"), askChart);
  // A built file downloaded or opened to print (in a new tab) from the list or the
  // preview: the page stays, and the file's line for the chart is shown under its links
  // (asked of the desk with the file and how, nothing personal; one line at a time).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-chart]") : null;
    if (!link || !window.fetch) { return; }
    fetch(link.getAttribute("data-chart"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var got = new DOMParser().parseFromString(html, "text/html").querySelector("section.chart");
        var row = link.closest("li");
        if (!got || !row) { return; }
        var old = document.querySelector("section.chart.for-file");
        if (old) { old.remove(); }
        got.classList.add("for-file");
        row.appendChild(document.importNode(got, true));
        wireCopy();
      })
      .catch(function () { /* the line is a help: the file itself is on its way */ });
  });
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
  var topicMenu = document.getElementById("variant");
  var wholeTopic = document.getElementById("variant-whole");
  Array.prototype.forEach.call(filters.querySelectorAll("select"), function (select) {
    select.addEventListener("change", function () { refresh(false); });
  });
  if (topicMenu && wholeTopic) {
    // The chosen topic's whole title under the menu, which cuts it on a phone.
    topicMenu.addEventListener("change", function () {
      wholeTopic.textContent = topicMenu.value ? topicMenu.selectedOptions[0].text : "";
      wholeTopic.hidden = !topicMenu.value;
    });
  }
  filters.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(typing);
    refresh(true);
  });
})();
