/* Site chrome, loaded in <head> so the page never flashes: marks <html> as scripted, then wires the menu
   button, the theme switch (remembered in a cookie the server reads to set the theme class), the lesson's
   table of contents (folded on phones) and keyboard access to boxes that scroll sideways. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var NARROW = "(max-width: 52rem)";
  var COOKIE = "learnpm-theme";

  function setTheme(value) {
    root.classList.remove("theme-light", "theme-dark");
    if (value === "light" || value === "dark") {
      root.classList.add("theme-" + value);
      document.cookie = COOKIE + "=" + value + "; path=/; max-age=31536000; SameSite=Lax";
    } else {
      document.cookie = COOKIE + "=; path=/; max-age=0; SameSite=Lax";
    }
  }

  function wireMenu() {
    var button = document.querySelector(".menu-button");
    var header = document.querySelector(".site-header");
    if (!button || !header) { return; }
    button.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        header.classList.remove("menu-open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  function wireTheme() {
    var select = document.getElementById("theme-switch");
    if (!select) { return; }
    select.closest(".theme-choice").hidden = false;
    select.addEventListener("change", function () { setTheme(select.value); });
  }

  function foldOnPhones() {
    if (!window.matchMedia(NARROW).matches) { return; }
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (d) { d.open = false; });
  }

  /* A box that scrolls sideways must take keyboard focus, so it can be scrolled without a mouse. */
  var SCROLLERS = "pre, .table-scroll, table.data, .prose table, .case table, .chart-figure";
  function markScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-focus", "");
      } else if (!scrolls && el.hasAttribute("data-scroll-focus")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-focus");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireMenu();
    wireTheme();
    foldOnPhones();
    markScrollers();
    window.addEventListener("resize", markScrollers);
    document.addEventListener("toggle", markScrollers, true);
  });
})();
