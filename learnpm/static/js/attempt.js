// Taking an attempt: one question at a time under a bar with the clock, the position and the flag; every
// answer, flag and struck-out option saved as it is given (retried until the server has it); a review
// screen with filters; a confirmation before submitting; a countdown from the server's deadline.
(function () {
  "use strict";
  var root = document.getElementById("attempt");
  var token = document.querySelector('meta[name="csrf-token"]');
  if (!root || !token) { return; }
  var attemptId = root.dataset.attempt;
  var questions = Array.prototype.slice.call(root.querySelectorAll(".question"));
  var review = document.getElementById("review");
  var status = document.getElementById("save-status");
  var pending = {};   // question key -> latest unsaved body
  var inFlight = {};
  var failures = 0;
  var tutor = root.dataset.feedback === "immediate";

  var flagBox = document.getElementById("flag-current");
  var positionNumber = document.getElementById("position-number");
  var current = null;  // the question shown, or null for the review screen

  // ---- showing one question at a time (the bar above it says which, and flags it) ----
  function show(key) {
    var target = key && document.getElementById("q-" + key);
    current = target || null;
    questions.forEach(function (q) { q.hidden = q !== target; });
    review.hidden = !!target;
    if (flagBox) {
      flagBox.checked = !!(target && target.dataset.flagged);
      flagBox.disabled = !target || !!target.dataset.locked;
    }
    if (target) {
      positionNumber.textContent = target.dataset.position;
      history.replaceState(null, "", "#q-" + key);
      var heading = target.querySelector("h2");
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    } else {
      history.replaceState(null, "", "#review");
      refreshReview();
      review.querySelector("h2").setAttribute("tabindex", "-1");
      review.querySelector("h2").focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }

  function neighbor(section, step) {
    var index = questions.indexOf(section) + step;
    return questions[index] ? questions[index].dataset.key : null;
  }

  // Hotspot regions sit over their image (placed here: the CSP allows no inline styles); a click on one
  // checks its radio button, which keyboard and screen-reader users choose directly.
  Array.prototype.forEach.call(root.querySelectorAll(".hotspot-region"), function (region) {
    ["x", "y", "w", "h"].forEach(function (k) {
      region.style[{ x: "left", y: "top", w: "width", h: "height" }[k]] = region.dataset[k] + "%";
    });
  });

  function markRegions(section) {
    Array.prototype.forEach.call(section.querySelectorAll(".hotspot-region"), function (region) {
      var radio = section.querySelector('input[type=radio][value="' + region.dataset.option + '"]');
      region.classList.toggle("chosen", !!(radio && radio.checked));
    });
  }

  // Strike-out: an option the learner has ruled out is drawn crossed out and kept with the answer.
  function strike(button) {
    var row = button.closest(".option-row");
    var section = button.closest(".question");
    var on = !row.classList.contains("struck");
    row.classList.toggle("struck", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    var struck = Array.prototype.map.call(section.querySelectorAll(".option-row.struck"),
      function (r) { return r.dataset.option; });
    queue(section, { struck: struck });
  }

  var filter = "all";
  root.addEventListener("click", function (event) {
    var el = event.target.closest("button, a");
    if (!el) { return; }
    if (el.classList.contains("hotspot-region")) {
      var owner = el.closest(".question");
      var radio = owner.querySelector('input[type=radio][value="' + el.dataset.option + '"]');
      if (radio && !radio.disabled) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
      return;
    }
    var section = el.closest(".question");
    if (el.dataset.target) { event.preventDefault(); show(el.dataset.target); }
    else if (el.classList.contains("prev")) { show(neighbor(section, -1)); }
    else if (el.classList.contains("next")) { show(neighbor(section, 1)); }
    else if (el.id === "to-review" || el.classList.contains("end-review")) { show(null); }
    else if (el.classList.contains("strike")) { strike(el); }
    else if (el.classList.contains("filter")) { filter = el.dataset.filter; refreshReview(); }
    else if (el.id === "take-break") { takeBreak(); }
  });

  if (flagBox) {
    flagBox.addEventListener("change", function () {
      if (!current) { return; }
      current.dataset.flagged = flagBox.checked ? "true" : "";
      queue(current, { flagged: flagBox.checked });
    });
  }

  // ---- reading a question's answer from its inputs ----
  function answerOf(section) {
    var type = section.dataset.type;
    if (type === "single" || type === "hotspot") {
      var checked = section.querySelector("fieldset input[type=radio]:checked");
      return checked ? checked.value : null;
    }
    if (type === "multiple") {
      var ids = Array.prototype.map.call(section.querySelectorAll("fieldset input[type=checkbox]:checked"),
        function (box) { return box.value; });
      return ids.length ? ids : null;
    }
    if (type === "matching") {
      var pairs = {}, any = false;
      Array.prototype.forEach.call(section.querySelectorAll("select[data-left]"), function (select) {
        if (select.value) { pairs[select.dataset.left] = select.value; any = true; }
      });
      return any ? pairs : null;
    }
    var text = section.querySelector("fieldset input[type=text]");
    return text && text.value.trim() ? text.value : null;
  }

  // ---- the review screen: every question's state, filtered to all, unanswered or flagged ----
  function counts() {
    var unanswered = 0, flagged = 0;
    questions.forEach(function (section) {
      if (answerOf(section) === null) { unanswered += 1; }
      if (section.dataset.flagged) { flagged += 1; }
    });
    return { all: questions.length, unanswered: unanswered, flagged: flagged };
  }

  function refreshReview() {
    var shown = 0;
    questions.forEach(function (section) {
      var row = review.querySelector('tr[data-key="' + section.dataset.key + '"]');
      var answered = answerOf(section) !== null, flagged = !!section.dataset.flagged;
      row.querySelector(".review-status").textContent = (answered ? "Answered" : "Not answered") +
        (flagged ? ", flagged" : "");
      row.hidden = (filter === "unanswered" && answered) || (filter === "flagged" && !flagged);
      if (!row.hidden) { shown += 1; }
    });
    var n = counts();
    Array.prototype.forEach.call(review.querySelectorAll(".filter"), function (button) {
      button.querySelector(".count").textContent = n[button.dataset.filter];
      button.setAttribute("aria-pressed", button.dataset.filter === filter ? "true" : "false");
    });
    review.querySelector(".review-empty").hidden = shown > 0;
  }

  // Submitting asks first, saying how many questions are unanswered and flagged; Cancel goes back.
  var submitForm = document.getElementById("submit-form");
  var dialog = document.getElementById("submit-dialog");
  if (submitForm && dialog) {
    submitForm.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.id === "confirm-submit") { return; }
      event.preventDefault();
      var n = counts();
      document.getElementById("submit-unanswered").textContent = n.unanswered;
      document.getElementById("submit-flagged").textContent = n.flagged;
      dialog.showModal();
    });
    document.getElementById("cancel-submit").addEventListener("click", function () { dialog.close(); });
  }

  // Save and exit: leave once every answer has reached the server.
  var exit = document.getElementById("exit");
  if (exit) {
    exit.addEventListener("click", function (event) {
      if (!busy()) { return; }
      event.preventDefault();
      say("Saving your answers before you leave…");
      var wait = setInterval(function () {
        if (!busy()) { clearInterval(wait); location.href = exit.href; }
      }, 200);
    });
  }

  function busy() {
    return Object.keys(pending).length > 0 || Object.keys(inFlight).some(function (k) { return inFlight[k]; });
  }

  // ---- saving: the latest value per question wins; failures are retried ----
  function say(text) { if (status.textContent !== text) { status.textContent = text; } }

  function queue(section, body) {
    var key = section.dataset.key;
    pending[key] = Object.assign(pending[key] || {}, body);
    send(key);
  }

  function send(key) {
    if (inFlight[key] || !pending[key]) { return; }
    var body = pending[key];
    delete pending[key];
    inFlight[key] = true;
    say("Saving…");
    fetch("/api/v1/attempts/" + attemptId + "/answers/" + encodeURIComponent(key), {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token.content },
      body: JSON.stringify(body)
    }).then(function (response) {
      inFlight[key] = false;
      if (response.ok) {
        failures = 0;
        if (tutor && body.answer !== undefined) {
          response.json().then(function (data) { showFeedback(key, data); });
        }
        if (!Object.keys(pending).length) { say("All answers saved."); }
        send(key);
      } else if (response.status === 409) {
        response.json().then(function (data) {
          var detail = data && data.detail;
          if (detail && detail["break"] === "in progress") {  // a save raced the break: send it when it ends
            pending[key] = Object.assign(body, pending[key] || {});
            holdForBreak();
            return;
          }
          say("The attempt is closed. Showing your results…");
          setTimeout(function () { location.reload(); }, 1500);
        }, function () { location.reload(); });
      } else if (response.status === 429 || response.status >= 500) {
        retry(key, body);
      } else {
        say("That answer could not be saved (error " + response.status + ").");
      }
    }).catch(function () {
      inFlight[key] = false;
      retry(key, body);
    });
  }

  // Tutor mode: the server's feedback for a checked answer, built with DOM methods (the HTML parts are the
  // sanitized Markdown the server rendered at import).
  function showFeedback(key, data) {
    var section = document.getElementById("q-" + key);
    if (!section || data.correct === undefined) { return; }
    section.querySelector("fieldset").disabled = true;
    section.querySelector(".check-answer").hidden = true;
    var box = section.querySelector(".tutor-feedback");
    box.textContent = "";
    var verdict = document.createElement("p");
    verdict.className = "verdict " + (data.correct ? "right" : "wrong");
    verdict.textContent = (data.correct ? "\u2714 Right." : "\u2718 Not right.");
    box.appendChild(verdict);
    var keys = [].concat(typeof data.key === "object" && data.key !== null && !Array.isArray(data.key)
      ? Object.values(data.key) : data.key);
    Array.prototype.forEach.call(section.querySelectorAll("fieldset input[value]"), function (input) {
      var option = input.closest(".option");
      if (!option) { return; }
      if (keys.indexOf(input.value) >= 0) {
        option.classList.add("key");
        var tag = document.createElement("strong");
        tag.textContent = " (right answer)";
        option.appendChild(tag);
      }
      if (data.rationales && data.rationales[input.value]) {
        var why = document.createElement("div");
        why.className = "rationale";
        why.innerHTML = data.rationales[input.value];
        option.appendChild(why);
      }
    });
    var explanation = document.createElement("div");
    explanation.className = "explanation";
    explanation.innerHTML = data.explanation_html;
    box.appendChild(explanation);
    if (data.lesson) {
      var study = document.createElement("p");
      var link = document.createElement("a");
      link.href = "/courses/" + encodeURIComponent(data.lesson.course) + "/" + encodeURIComponent(data.lesson.slug);
      link.textContent = data.lesson.title;
      study.append("Study it again: ", link);
      box.appendChild(study);
    }
  }

  function retry(key, body) {
    pending[key] = Object.assign(body, pending[key] || {});
    failures += 1;
    say("Not saved yet: no connection. Retrying…");
    setTimeout(function () { send(key); }, Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5))));
  }

  questions.forEach(function (section) {
    section.addEventListener("change", function (event) {
      markRegions(section);
      if (!tutor) {  // in tutor mode an answer is final once checked: it is sent by "Check my answer"
        queue(section, { answer: answerOf(section) });
      }
    });
    var check = section.querySelector(".check-answer");
    if (check) {
      check.addEventListener("click", function () {
        if (answerOf(section) === null) { say("Choose an answer first."); return; }
        queue(section, { answer: answerOf(section) });
      });
    }
    var text = section.querySelector("fieldset input[type=text]");
    if (text) {
      var timer = null;
      text.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { queue(section, { answer: answerOf(section) }); }, 600);
      });
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (busy()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // ---- the break: the clock stops for it (its minutes go on the deadline); the server holds back every
  // later question until it ends, so the page reloads to show the next section ----
  function post(path) {
    return fetch("/api/v1/attempts/" + attemptId + path, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token.content }
    }).then(function (response) { return response.json().then(function (data) { return [response, data]; }); });
  }

  function holdForBreak() { say("The break is on: the page reloads to show it."); location.reload(); }

  function takeBreak() {
    if (Object.keys(pending).length) { say("Saving your answers first…"); return; }
    post("/break").then(function (result) {
      if (result[0].ok) { location.reload(); return; }
      var detail = result[1].detail;
      say(detail && detail.unanswered ? "Answer every question up to the break first (" + detail.unanswered +
        " left)." : "The break is not available now.");
    });
  }

  var endBreak = document.getElementById("end-break");
  if (endBreak) {
    endBreak.addEventListener("click", function () {
      endBreak.disabled = true;
      post("/break/end").then(function () { location.reload(); });
    });
  }

  // ---- the countdown, from the server's deadline and clock ----
  var deadline = root.dataset.deadline ? Date.parse(root.dataset.deadline) : null;
  var skew = Date.parse(root.dataset.serverTime) - Date.now();
  var timerEl = document.getElementById("timer");
  var announce = document.getElementById("timer-announce");
  var milestones = [30, 15, 10, 5, 1];
  var announced = {};
  var lastLeft = null;

  // The visible countdown (role="timer", not live) changes every second; screen readers hear only
  // #timer-announce, once per milestone crossed while the page is open. Milestones already reached
  // when the page loads are not spoken (a 5-minute quiz does not open with "5 minutes left", a reload
  // does not repeat one), and a throttled background tab that skips past one still announces it.
  function tick() {
    if (!deadline || !timerEl) { return; }
    var left = Math.max(0, Math.round((deadline - (Date.now() + skew)) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    timerEl.textContent = (minutes >= 60 ? Math.floor(minutes / 60) + " h " + (minutes % 60) + " min"
      : minutes + ":" + (seconds < 10 ? "0" : "") + seconds);
    var crossed = null;
    milestones.forEach(function (m) {
      if (lastLeft !== null && lastLeft > m * 60 && left <= m * 60 && !announced[m]) {
        announced[m] = true;
        crossed = m;  // the smallest one crossed since the last tick wins
      }
    });
    if (crossed !== null && left > 0) {
      announce.textContent = crossed + (crossed === 1 ? " minute" : " minutes") + " left.";
    }
    lastLeft = left;
    if (left === 0) {
      say("Time is up. Your saved answers are being graded…");
      clearInterval(interval);
      setTimeout(function () { location.reload(); }, 2000);
    }
  }
  var interval = setInterval(tick, 1000);
  tick();

  // During the break the exam clock stands still and only the break's own countdown runs.
  var breakTimer = document.getElementById("break-timer");
  if (root.dataset.onBreak && breakTimer) {
    var breakEnds = Date.parse(root.dataset.breakEnds);
    var breakTick = function () {
      var left = Math.max(0, Math.round((breakEnds - (Date.now() + skew)) / 1000));
      breakTimer.textContent = Math.floor(left / 60) + ":" + (left % 60 < 10 ? "0" : "") + (left % 60);
      if (left === 0) { clearInterval(breakInterval); location.reload(); }
    };
    var breakInterval = setInterval(breakTick, 1000);
    breakTick();
    return;
  }

  // Strike-out buttons, one per option of a question still open (the page leaves them to this script: they
  // only work with it, and 150 questions' worth would be a quarter of the page).
  questions.forEach(function (section) {
    if (section.dataset.locked) { return; }
    Array.prototype.forEach.call(section.querySelectorAll(".option-row"), function (row, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "strike";
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", "Strike out option " + (index + 1));
      var icon = document.createElement("span");
      icon.className = "strike-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "abc";
      button.appendChild(icon);
      row.appendChild(button);
    });
  });

  // ---- the learner's saved answers, sent beside the questions (which are cached and never carry them) ----
  function applySaved(section, saved) {
    var answer = saved.answer, type = section.dataset.type;
    if (answer !== null && answer !== undefined) {
      if (type === "single" || type === "hotspot" || type === "multiple") {
        var chosen = [].concat(answer);
        Array.prototype.forEach.call(section.querySelectorAll("fieldset input[value]"), function (input) {
          input.checked = chosen.indexOf(input.value) >= 0;
        });
      } else if (type === "matching") {
        Array.prototype.forEach.call(section.querySelectorAll("select[data-left]"), function (select) {
          select.value = answer[select.dataset.left] || "";
        });
      } else {
        var text = section.querySelector("fieldset input[type=text]");
        if (text) { text.value = answer; }
      }
    }
    if (saved.flagged) { section.dataset.flagged = "true"; }
    (saved.struck || []).forEach(function (id) {
      var row = section.querySelector('.option-row[data-option="' + id + '"]');
      if (!row) { return; }
      row.classList.add("struck");
      var button = row.querySelector(".strike");
      if (button) { button.setAttribute("aria-pressed", "true"); }
    });
  }

  var stateEl = document.getElementById("attempt-state");
  var state = stateEl ? JSON.parse(stateEl.textContent) : { answers: {}, feedback: {} };
  questions.forEach(function (section) {
    var key = section.dataset.key;
    if (state.answers[key]) { applySaved(section, state.answers[key]); }
    if (state.feedback && state.feedback[key]) { showFeedback(key, state.feedback[key]); }
  });
  refreshReview();

  questions.forEach(markRegions);
  var start = location.hash.indexOf("#q-") === 0 ? location.hash.slice(3) : null;
  if (location.hash === "#review") { show(null); }
  else { show(start && document.getElementById("q-" + start) ? start : questions[0].dataset.key); }

  // Chromium resets focus to the body when a page reached by a form submission finishes loading, which
  // would drop keyboard users at the top of the page: put it back on the shown question or review.
  window.addEventListener("load", function () {
    if (document.activeElement && document.activeElement !== document.body) { return; }
    var shown = questions.filter(function (q) { return !q.hidden; })[0] || review;
    shown.querySelector("h2").focus({ preventScroll: true });
  });
})();
