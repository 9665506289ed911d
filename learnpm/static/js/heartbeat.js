// Lesson engagement: tell the server every few seconds whether this page is in view and in use.
// The server alone decides what is credited, from its own clock; nothing here is trusted or replayed.
(function () {
  "use strict";
  var lesson = document.getElementById("lesson");
  var token = document.querySelector('meta[name="csrf-token"]');
  if (!lesson || !token || !window.fetch) { return; }
  var every = Number(lesson.dataset.heartbeatSeconds || 30) * 1000;
  var idleAfter = Number(lesson.dataset.idleSeconds || 300) * 1000;
  var tab = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var lastInput = Date.now();
  var counter = document.getElementById("time-counted");

  function visible() { return document.visibilityState === "visible"; }
  function active() { return Date.now() - lastInput < idleAfter; }

  function beat(activeNow) {
    fetch("/api/v1/heartbeat", {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token.content },
      body: JSON.stringify({ lesson: lesson.dataset.lesson, tab: tab, visible: visible(), active: activeNow })
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && counter) {
        counter.textContent = Math.floor(data.lesson_seconds / 60) + " min";
      }
    }).catch(function () { /* offline: the next beat simply tries again */ });
  }

  ["keydown", "pointerdown", "pointermove", "wheel", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, function () { lastInput = Date.now(); }, { passive: true });
  });
  // Coming back into view reports "not active" first, so time spent away is never credited.
  document.addEventListener("visibilitychange", function () { beat(visible() ? false : active()); });
  beat(active());
  setInterval(function () { beat(active()); }, every);
})();
