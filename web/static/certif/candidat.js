// The candidate's pages: the countdown of the time the server gave (warnings at 10 and 5 minutes, a reload at
// zero so that the server ends the test), the report of leaving the page, and the polling of the waiting pages.
// Every page works without this script (the server keeps the time; waiting pages reload themselves).
(function () {
  "use strict";
  var timer = document.querySelector(".certif-timer[data-remaining]");
  if (timer) {
    var left = parseInt(timer.getAttribute("data-remaining"), 10) || 0;
    var value = timer.querySelector(".certif-timer-value");
    var warning = document.querySelector("[data-warning]");
    var warned = {};
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      value.textContent = Math.floor(left / 3600) + ":" + pad(Math.floor(left % 3600 / 60)) + ":" + pad(left % 60);
      [600, 300].forEach(function (at) {
        if (left <= at && !warned[at]) {
          warned[at] = true;
          warning.textContent = timer.getAttribute(at === 600 ? "data-warn10" : "data-warn5");
          warning.hidden = false;
        }
      });
      if (left <= 0) { window.location.reload(); return; }
      left -= 1;
      window.setTimeout(tick, 1000);
    };
    if (left <= 600) { warned[600] = true; }  // already shown by the server
    if (left <= 300) { warned[300] = true; }
    tick();
  }
  // leaving the page while a question is shown: reported once per question (not for an accessibility adjustment,
  // whose page carries no data-focus-check)
  var form = document.querySelector("form[data-focus-check]");
  if (form) {
    var reported = false;
    var report = function () {
      if (reported || form.dataset.sent) { return; }
      reported = true;
      var body = new FormData();
      body.append("csrf", form.querySelector("input[name=csrf]").value);
      body.append("challenge_id", form.getAttribute("data-challenge"));
      body.append("kind", "focus_out");
      window.fetch(form.getAttribute("data-focus-check"), {
        method: "POST", body: body, credentials: "same-origin", headers: {"X-Requested-With": "fetch"}
      }).catch(function () { reported = false; });
      var notice = document.querySelector("[data-focus-notice]");
      if (notice) { notice.hidden = false; }
    };
    document.addEventListener("visibilitychange", function () { if (document.hidden) { report(); } });
    window.addEventListener("blur", report);
  }
  // waiting pages: ask the server every 5 seconds, reload when the invigilator acted
  var poll = document.querySelector("[data-poll]");
  if (poll) {
    var when = poll.getAttribute("data-reload-when");
    var check = function () {
      window.fetch(poll.getAttribute("data-poll"), {credentials: "same-origin", cache: "no-store"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) { return; }
          var ready = when === "present" ? (state.present || state.state) :
            (state.state === "ended" || state.reentry_authorised ||
             (state.state === "started" && !state.pending_alert));
          if (ready) { window.location.reload(); }
        })
        .catch(function () {})
        .then(function () { window.setTimeout(check, 5000); });
    };
    window.setTimeout(check, 5000);
  }
})();
