// The import's confirm step: show a progress bar while the server imports, and keep the button from a second click.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const progress = form.dataset && form.dataset.progress && document.getElementById(form.dataset.progress);
  if (!progress) return;
  progress.hidden = false;
  form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = true; });
});
