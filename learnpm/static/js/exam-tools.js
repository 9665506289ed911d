// The exam's on-screen tools: highlighting words of a question's stem (kept in this tab's session storage,
// so a reload keeps them) and a small calculator that computes without eval.
(function () {
  "use strict";
  var root = document.getElementById("attempt");
  if (!root) { return; }
  var status = document.getElementById("save-status");
  function say(text) { if (status) { status.textContent = text; } }

  // ---- highlighting: a selection inside the shown stem is wrapped in <mark>, text node by text node ----
  function storeKey(stem) { return "learnpm-highlights-" + root.dataset.attempt + "-" + stem.id; }

  function textNodes(stem) {
    var walker = document.createTreeWalker(stem, NodeFilter.SHOW_TEXT), nodes = [], node;
    while ((node = walker.nextNode())) { nodes.push(node); }
    return nodes;
  }

  function offsetOf(stem, container, offset) {
    var range = document.createRange();
    range.setStart(stem, 0);
    range.setEnd(container, offset);
    return range.toString().length;
  }

  function wrap(stem, start, end) {
    var position = 0;
    textNodes(stem).forEach(function (node) {
      var from = Math.max(start, position), to = Math.min(end, position + node.length);
      if (from < to && !(node.parentNode.classList && node.parentNode.classList.contains("highlight"))) {
        var piece = node;
        if (from > position) { piece = piece.splitText(from - position); }
        if (to < position + node.length) { piece.splitText(to - from); }
        var mark = document.createElement("mark");
        mark.className = "highlight";
        piece.parentNode.insertBefore(mark, piece);
        mark.appendChild(piece);
      }
      position += node.length;
    });
  }

  function saved(stem) {
    try { return JSON.parse(sessionStorage.getItem(storeKey(stem)) || "[]"); } catch (e) { return []; }
  }

  function remember(stem, spans) {
    try { sessionStorage.setItem(storeKey(stem), JSON.stringify(spans)); } catch (e) { /* storage full or off */ }
  }

  function shownStem() { return root.querySelector(".question:not([hidden]) .stem"); }

  var highlight = document.getElementById("highlight");
  if (highlight) {
    Array.prototype.forEach.call(root.querySelectorAll(".question .stem"), function (stem) {
      saved(stem).forEach(function (span) { wrap(stem, span[0], span[1]); });
    });
    highlight.addEventListener("click", function () {
      var stem = shownStem(), selection = window.getSelection();
      if (!stem || !selection.rangeCount || selection.isCollapsed) {
        say("Select words in the question first, then press Highlight.");
        return;
      }
      var range = selection.getRangeAt(0);
      if (!stem.contains(range.commonAncestorContainer)) {
        say("Only the question's text can be highlighted.");
        return;
      }
      var start = offsetOf(stem, range.startContainer, range.startOffset);
      var end = offsetOf(stem, range.endContainer, range.endOffset);
      selection.removeAllRanges();
      wrap(stem, start, end);
      remember(stem, saved(stem).concat([[start, end]]));
      say("Highlighted.");
    });
    document.getElementById("clear-highlights").addEventListener("click", function () {
      var stem = shownStem();
      if (!stem) { return; }
      Array.prototype.forEach.call(stem.querySelectorAll("mark.highlight"), function (mark) {
        mark.replaceWith.apply(mark, Array.prototype.slice.call(mark.childNodes));
      });
      stem.normalize();
      remember(stem, []);
      say("Highlights cleared.");
    });
  }

  // ---- the calculator: immediate execution, as on the exam's basic calculator ----
  var panel = document.getElementById("calculator");
  var opener = document.getElementById("open-calculator");
  if (!panel || !opener) { return; }
  var display = document.getElementById("calculator-display");
  var state = { entry: "0", total: null, op: null, fresh: true };
  var OPS = { "+": function (a, b) { return a + b; }, "-": function (a, b) { return a - b; },
              "*": function (a, b) { return a * b; }, "/": function (a, b) { return b === 0 ? NaN : a / b; } };

  function format(value) {
    if (!isFinite(value)) { return "Error"; }
    var text = String(Number(value.toPrecision(12)));
    return text.length > 16 ? value.toExponential(8) : text;
  }

  function apply() {
    if (state.op === null || state.total === null) { return Number(state.entry); }
    return OPS[state.op](state.total, Number(state.entry));
  }

  function press(key) {
    if (state.entry === "Error" && key !== "C") { key = "C"; }
    if (/^[0-9]$/.test(key)) {
      state.entry = state.fresh || state.entry === "0" ? key : (state.entry.length < 15 ? state.entry + key : state.entry);
      state.fresh = false;
    } else if (key === ".") {
      if (state.fresh) { state.entry = "0."; state.fresh = false; }
      else if (state.entry.indexOf(".") < 0) { state.entry += "."; }
    } else if (OPS[key]) {
      state.total = state.fresh && state.op !== null ? state.total : apply();
      state.op = key;
      state.entry = format(state.total);
      state.fresh = true;
    } else if (key === "=") {
      state.entry = format(apply());
      state.total = null; state.op = null; state.fresh = true;
    } else if (key === "C") {
      state = { entry: "0", total: null, op: null, fresh: true };
    } else if (key === "back") {
      if (!state.fresh) { state.entry = state.entry.length > 1 ? state.entry.slice(0, -1) : "0"; }
    } else if (key === "neg") {
      state.entry = format(-Number(state.entry));
    } else if (key === "sqrt") {
      state.entry = format(Math.sqrt(Number(state.entry)));
      state.fresh = true;
    }
    display.textContent = state.entry;
  }

  function toggle(open) {
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { panel.querySelector(".calc-key").focus(); } else { opener.focus(); }
  }

  opener.addEventListener("click", function () { toggle(panel.hidden); });
  document.getElementById("close-calculator").addEventListener("click", function () { toggle(false); });
  panel.addEventListener("click", function (event) {
    var key = event.target.closest(".calc-key");
    if (key) { press(key.dataset.key); }
  });
  var KEYS = { "Enter": "=", "=": "=", "Backspace": "back", "Delete": "C", "c": "C", "C": "C", "x": "*", "X": "*" };
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); toggle(false); return; }
    var onKey = event.target.classList && event.target.classList.contains("calc-key");
    if (onKey && (event.key === "Enter" || event.key === " ")) { return; }  // the focused key's own click
    var key = /^[0-9.+\-*/]$/.test(event.key) ? event.key : KEYS[event.key];
    if (key) { event.preventDefault(); press(key); }
  });
})();
