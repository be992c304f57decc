// Light enhancements only: the pages work without JavaScript.
(function () {
  "use strict";
  // one submission per form: a double click does not send twice (the server is idempotent anyway)
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) { event.preventDefault(); return; }
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      var clicked = event.submitter;
      if (clicked && clicked.name) {  // keep the pressed button's value once buttons are disabled
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = clicked.name; hidden.value = clicked.value;
        form.appendChild(hidden);
      }
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    });
  });
  // the visible countdown; screen readers hear it at 60, 30, 10 seconds and at the end, not every second
  var timer = document.querySelector(".timer[data-remaining]");
  if (timer) {
    var left = parseInt(timer.getAttribute("data-remaining"), 10) || 0;
    var value = timer.querySelector(".timer-value");
    var live = timer.querySelector("[data-live]");
    var announce = timer.getAttribute("data-announce");
    var tick = function () {  // "1 seconde", "2 secondes": the catalogue's plural forms
      value.textContent = timer.getAttribute(left === 1 || (left === 0 && document.documentElement.lang === "fr") ? "data-one" : "data-other").replace("{n}", left);
      if (left === 60 || left === 30 || left === 10) { live.textContent = announce.replace("{n}", left); }
      if (left <= 0) {  // said to screen readers and shown to everyone
        live.textContent = timer.getAttribute("data-over");
        var over = timer.querySelector(".timer-over");
        if (over) { over.hidden = false; }
        return;
      }
      left -= 1;
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
