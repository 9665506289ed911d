// The studio's editors: a warning before leaving unsaved changes, the question's live preview
// (rendered and sanitized by the server), and hotspot regions placed on their picture.
(function () {
  "use strict";
  var dirty = false;
  Array.prototype.forEach.call(document.querySelectorAll("form[data-warn-unsaved]"), function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return undefined; }
    event.preventDefault();
    event.returnValue = "";
    return "";
  });

  function placeRegions(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".hotspot-region"), function (region) {
      var d = region.dataset;
      if (!d.w) { return; }
      region.style.left = d.x + "%";
      region.style.top = d.y + "%";
      region.style.width = d.w + "%";
      region.style.height = d.h + "%";
    });
  }

  // Drag and drop in the course outline, on top of the up/down buttons: a drop sends the same moves.
  function movable(list) {
    return Array.prototype.filter.call(list.children, function (item) { return item.dataset.up; });
  }
  function enableDrag(list) {
    var dragged = null;
    movable(list).forEach(function (item) {
      item.draggable = true;
      item.addEventListener("dragstart", function (event) {
        event.stopPropagation();
        dragged = item;
        event.dataTransfer.effectAllowed = "move";
      });
      item.addEventListener("dragover", function (event) {
        if (dragged && dragged !== item && dragged.parentNode === list) { event.preventDefault(); }
      });
      item.addEventListener("drop", function (event) {
        if (!dragged || dragged === item || dragged.parentNode !== list) { return; }
        event.preventDefault();
        event.stopPropagation();
        var items = movable(list);
        var steps = items.indexOf(item) - items.indexOf(dragged);
        var url = steps < 0 ? dragged.dataset.up : dragged.dataset.down;
        var token = document.querySelector('meta[name="csrf-token"]').content;
        var chain = Promise.resolve();
        for (var i = 0; i < Math.abs(steps); i += 1) {
          chain = chain.then(function () {
            var body = new FormData();
            body.append("csrf_token", token);
            return fetch(url, { method: "POST", credentials: "same-origin", body: body });
          });
        }
        dragged = null;
        chain.then(function () { window.location.reload(); });
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".studio-outline, .studio-lessons"), enableDrag);

  var editor = document.querySelector("form[data-preview]");
  var preview = document.getElementById("question-preview");
  if (!editor || !preview) { return; }
  placeRegions(preview);
  var timer = null;
  var latest = 0;

  function render() {
    var ticket = ++latest;
    var token = document.querySelector('meta[name="csrf-token"]');
    fetch(editor.dataset.preview, {
      method: "POST",
      credentials: "same-origin",
      headers: token ? { "X-CSRFToken": token.content } : {},
      body: new FormData(editor)
    }).then(function (response) { return response.text(); }).then(function (html) {
      if (ticket !== latest) { return; }
      preview.innerHTML = html;  // the server's template, Markdown sanitized by its allow-list
      placeRegions(preview);
      preview.setAttribute("data-rendered", String(ticket));
    }).catch(function () {
      if (ticket === latest) { preview.textContent = "Preview unavailable: no connection."; }
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(render, 300);
  }
  editor.addEventListener("input", later);
  editor.addEventListener("change", later);
})();
