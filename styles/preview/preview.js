/* The author preview: applies each state the server pushes (Server-Sent Events) to the
   page in place. Web pages reload in their frames at the same scroll position; PDF page
   pictures are swapped one by one (those off screen load when scrolled to). */
(function () {
  "use strict";
  var main = document.getElementById("main");
  var connection = document.getElementById("connection");
  if (!main || !main.dataset.events) { return; }

  function showText(sectionId, textId, text) {
    var section = document.getElementById(sectionId);
    document.getElementById(textId).textContent = text;
    section.hidden = !text;
  }

  function reloadFrame(section, shown) {
    var frame = section.querySelector("iframe.web");
    var x = 0, y = 0;
    try { x = frame.contentWindow.scrollX; y = frame.contentWindow.scrollY; } catch (e) { /* not loaded */ }
    frame.onload = function () {
      try { frame.contentWindow.scrollTo(x, y); } catch (e) { /* blocked */ }
      section.dataset.webShown = String(shown.web_rev);
    };
    section.dataset.webRev = String(shown.web_rev);
    frame.contentWindow.location.replace(shown.web_url);
  }

  function showPages(section, pdf) {
    var list = section.querySelector("ol.pages");
    var count = pdf.sizes.length;
    while (list.children.length > count) { list.removeChild(list.lastChild); }
    pdf.sizes.forEach(function (size, index) {
      var item = list.children[index];
      if (!item) {
        item = document.createElement("li");
        item.appendChild(document.createElement("img"));
        list.appendChild(item);
      }
      var img = item.firstChild;
      img.loading = "lazy";
      img.width = size[0];
      img.height = size[1];
      img.alt = "Page " + (index + 1) + " of " + count;
      img.onload = function () { section.dataset.pdfShown = String(pdf.rev); };
      img.src = pdf.url + "&page=" + (index + 1);
    });
    section.dataset.pdfRev = String(pdf.rev);
  }

  function showLocale(shown) {
    var section = document.getElementById("locale-" + shown.locale);
    if (!section) { return; }
    section.querySelector(".approval").textContent = shown.approval || "";
    var list = section.querySelector(".readability");
    list.textContent = "";
    (shown.readability || []).forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    if (shown.web_rev && section.dataset.webRev !== String(shown.web_rev)) { reloadFrame(section, shown); }
    if (shown.pdf && section.dataset.pdfRev !== String(shown.pdf.rev)) { showPages(section, shown.pdf); }
    var status = section.querySelector(".pdf-status");
    if (shown.pdf_pending) { status.textContent = "(updating…)"; }
    else if (shown.pdf) { status.textContent = "(" + shown.pdf.sizes.length + " pages, made in " + shown.pdf.seconds + " s)"; }
    else { status.textContent = ""; }
  }

  var source = new EventSource(main.dataset.events);
  source.onopen = function () { connection.textContent = "Live: saved changes show here."; };
  source.onerror = function () { connection.textContent = "Reconnecting to the preview server…"; };
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    showText("problems", "problem-text", state.problems);
    showText("warnings", "warning-text", state.warnings);
    state.locales.forEach(showLocale);
    main.dataset.rev = String(state.rev);
  };
}());
