// The invigilator's board: asks the server every 5 seconds. Times left and question numbers are updated in
// place; when a candidate's status or alerts change, the page is reloaded (its buttons depend on them) unless the
// invigilator is typing in it. Without this script the page reloads itself every 10 seconds.
(function () {
  "use strict";
  var list = document.querySelector("[data-board]");
  if (!list) { return; }
  var busy = function () {
    var active = document.activeElement;
    return active && active.tagName === "INPUT" && list.contains(active);
  };
  var refresh = function () {
    window.fetch(list.getAttribute("data-board"), {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (board) {
        if (!board) { return; }
        var changed = false;
        var seen = 0;
        board.candidates.forEach(function (line) {
          var item = list.querySelector('[data-candidate="' + line.candidate_id + '"]');
          if (!item) { changed = true; return; }
          seen += 1;
          var alerts = line.alerts.map(function (a) { return a.alert_id; }).join(",");
          if (item.getAttribute("data-status") !== line.status || item.getAttribute("data-alerts") !== alerts) {
            changed = true;
          }
          var time = item.querySelector("[data-time-left]");
          if (time && line.remaining_seconds !== null) {
            time.textContent = time.textContent.replace(/[0-9]+/, String(Math.floor(line.remaining_seconds / 60)));
          }
          var question = item.querySelector("[data-question]");
          if (question) {
            var n = Math.min(line.answered + 1, line.length);
            question.textContent = question.textContent.replace(/[0-9]+/, String(n));
          }
        });
        if (seen !== list.querySelectorAll("[data-candidate]").length) { changed = true; }
        if (changed && !busy()) { window.location.reload(); }
      })
      .catch(function () {})
      .then(function () { window.setTimeout(refresh, 5000); });
  };
  window.setTimeout(refresh, 5000);
})();
