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

/* Sortable tables: click a heading with data-sort="num" or "text" to sort by its column
   (cells may carry data-value); click again to reverse. */
(function () {
  "use strict";

  function value(row, col, numeric) {
    var cell = row.cells[col];
    var raw = cell ? (cell.getAttribute("data-value") !== null ? cell.getAttribute("data-value") : cell.textContent) : "";
    if (!numeric) return raw.trim().toLowerCase();
    var x = parseFloat(raw);
    return isNaN(x) ? -Infinity : x;
  }

  function sortBy(th) {
    var table = th.closest("table");
    var body = table.tBodies[0];
    var col = Array.prototype.indexOf.call(th.parentElement.children, th);
    var numeric = th.getAttribute("data-sort") === "num";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    if (th.getAttribute("aria-sort") === null && numeric) ascending = false; // numbers: largest first
    Array.prototype.forEach.call(th.parentElement.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var v1 = value(r1, col, numeric), v2 = value(r2, col, numeric);
      var c = v1 < v2 ? -1 : v1 > v2 ? 1 : 0;
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  document.addEventListener("click", function (ev) {
    var th = ev.target && ev.target.closest ? ev.target.closest("table.sortable th[data-sort]") : null;
    if (th) sortBy(th);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" && ev.key !== " ") return;
    var th = ev.target && ev.target.closest ? ev.target.closest("table.sortable th[data-sort]") : null;
    if (th) { ev.preventDefault(); sortBy(th); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable th[data-sort]"), function (th) {
    th.tabIndex = 0;
  });
})();
