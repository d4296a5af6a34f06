// Read-aloud player for a handout page: inlined into the page, works opened from disk.
// Without JavaScript the page keeps its plain <audio controls>; with it, a "Play all"
// button, a "Listen" button after each section heading, and the element being read
// highlighted. Timings come from the page's JSON block (the narration's own clips).
function startReadAloud() {
  "use strict";
  var audio = document.getElementById("read-aloud-audio");
  var dataNode = document.getElementById("read-aloud-data");
  if (!audio || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var controls = document.getElementById("read-aloud-controls");
  var labels = controls.dataset; // playAll, pause, listen: in the page's language
  var timings = data.timings; // [[element id, begin, end], ...] in reading order
  var active = null;
  var stopAt = null;
  var pressed = null; // the button that started the current playback
  var last = null; // the button used last, to resume where it paused
  var playAll = document.createElement("button");
  playAll.type = "button";
  playAll.className = "read-aloud-button read-aloud-all";
  playAll.textContent = labels.playAll;
  controls.appendChild(playAll);

  function indexAt(time) {
    var low = 0, high = timings.length - 1, found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (timings[middle][1] <= time) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found >= 0 && time < timings[found][2] ? found : -1;
  }

  function highlight() {
    var index = indexAt(audio.currentTime);
    var element = index >= 0 ? document.getElementById(timings[index][0]) : null;
    if (element === active) { return; }
    if (active) { active.classList.remove("read-aloud-active"); }
    active = element;
    if (active) {
      active.classList.add("read-aloud-active");
      var box = active.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) {
        active.scrollIntoView({ block: "center" });
      }
    }
  }

  function tick() {
    if (stopAt !== null && audio.currentTime >= stopAt) {
      audio.pause();
      stopAt = null;
    }
    highlight();
    if (!audio.paused) { window.requestAnimationFrame(tick); }
  }

  function release() {
    // The button that was playing says again what it does.
    if (!pressed) { return; }
    pressed.textContent = labels[pressed === playAll ? "playAll" : "listen"];
    pressed.classList.remove("read-aloud-playing");
    pressed = null;
  }

  function setPressed(button) {
    if (pressed !== button) { release(); }
    pressed = button;
    button.textContent = labels.pause;
    button.classList.add("read-aloud-playing");
  }

  function start(button, begin, end) {
    if (pressed === button && !audio.paused) {
      audio.pause();
      return;
    }
    // The same button again resumes where it paused; another one starts its own part.
    var inside = audio.currentTime >= begin && (end === null || audio.currentTime < end);
    if (last !== button || !inside) { audio.currentTime = begin; }
    last = button;
    stopAt = end;
    setPressed(button);
    audio.play();
  }

  playAll.addEventListener("click", function () { start(playAll, 0, null); });
  data.sections.forEach(function (section) {
    var heading = document.getElementById(section.heading);
    if (!heading) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "read-aloud-button read-aloud-section";
    button.textContent = labels.listen;
    button.setAttribute("aria-label", labels.listen + ": " + section.title);
    button.addEventListener("click", function () { start(button, section.begin, section.end); });
    heading.insertAdjacentElement("afterend", button);
  });

  audio.addEventListener("play", function () {
    if (!pressed) { stopAt = null; } // played with the audio's own controls: play on
    window.requestAnimationFrame(tick);
  });
  audio.addEventListener("pause", release);
  audio.addEventListener("seeked", highlight);
  audio.addEventListener("ended", function () { stopAt = null; highlight(); });
  audio.addEventListener("error", function () {
    // The MP3 is not next to the page: say so instead of offering buttons that do nothing.
    document.querySelectorAll(".read-aloud-button").forEach(function (button) { button.remove(); });
    document.getElementById("read-aloud-missing").hidden = false;
  });
}
// The script sits before the sections it adds buttons to: start once the page is parsed.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startReadAloud);
} else {
  startReadAloud();
}
