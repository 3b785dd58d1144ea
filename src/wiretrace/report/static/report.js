/* wiretrace report: click a highlighted passage to bring its twin in the
   other column into view and flash it. No frameworks, no network. */
(function () {
  "use strict";

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var behavior = reduceMotion ? "auto" : "smooth";
  var current = [];

  function scroller(el) {
    for (var node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      var overflow = window.getComputedStyle(node).overflowY;
      if ((overflow === "auto" || overflow === "scroll") && node.scrollHeight > node.clientHeight) {
        return node;
      }
    }
    return null;
  }

  function reveal(el) {
    var box = scroller(el);
    if (!box) {
      el.scrollIntoView({ block: "center", behavior: behavior });
      return;
    }
    var b = box.getBoundingClientRect();
    if (b.top < 0 || b.bottom > window.innerHeight) {
      box.scrollIntoView({ block: "nearest", behavior: behavior });
    }
    var r = el.getBoundingClientRect();
    box.scrollBy({ top: r.top - b.top - (b.height - Math.min(r.height, b.height)) / 2, behavior: behavior });
  }

  function flash(el) {
    el.classList.remove("flash");
    void el.offsetWidth; // restart the animation
    el.classList.add("flash");
    window.setTimeout(function () { el.classList.remove("flash"); }, 1500);
  }

  function select(marks) {
    current.forEach(function (m) { m.classList.remove("current"); });
    current = marks;
    current.forEach(function (m) { m.classList.add("current"); });
  }

  function activate(mark) {
    var twin = document.getElementById(mark.getAttribute("data-twin") || "");
    select(twin ? [mark, twin] : [mark]);
    if (twin) {
      reveal(twin);
      flash(twin);
    }
  }

  function markOf(target) {
    return target && target.closest ? target.closest("mark[data-twin]") : null;
  }

  document.addEventListener("click", function (ev) {
    var mark = markOf(ev.target);
    if (!mark) return;
    var sel = window.getSelection && window.getSelection();
    if (sel && !sel.isCollapsed) return; // the reader is selecting text
    activate(mark);
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" && ev.key !== " ") return;
    var mark = markOf(ev.target);
    if (!mark) return;
    ev.preventDefault();
    activate(mark);
  });

  function fromHash() {
    var id = window.location.hash.slice(1);
    if (!id) return;
    var el = document.getElementById(decodeURIComponent(id));
    if (el && el.tagName === "MARK") {
      select([el]);
      reveal(el);
      flash(el);
    }
  }
  window.addEventListener("hashchange", fromHash);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fromHash);
  } else {
    fromHash();
  }
})();
