// A redirect made by script (pylti1p3's js_redirect), from a data attribute: no inline script.
(function () {
  "use strict";
  var target = document.body.getAttribute("data-location");
  if (target) { window.location.href = target; }
})();
