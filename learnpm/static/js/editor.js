// The lesson editor's live preview: the server renders (and sanitizes) the Markdown.
(function () {
  "use strict";
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  var token = document.querySelector('meta[name="csrf-token"]');
  if (!body || !preview || !token) { return; }
  var timer = null;
  var latest = 0;

  function render() {
    var ticket = ++latest;
    fetch("/api/v1/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token.content },
      body: JSON.stringify({ markdown: body.value })
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (ticket !== latest) { return; }
      if (result.ok) {
        preview.innerHTML = result.data.html;  // sanitized by the server's allow-list
      } else {
        preview.textContent = "Preview unavailable: " + (result.data.detail || result.data.error);
      }
    }).catch(function () {
      if (ticket === latest) { preview.textContent = "Preview unavailable: no connection."; }
    });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(render, 300);
  });
})();
