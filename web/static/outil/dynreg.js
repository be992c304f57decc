// Dynamic registration's last page: tell the platform to close its registration window (LTI-DR §3.6).
(function () {
  "use strict";
  function close() {
    var target = window.opener || (window.parent !== window ? window.parent : null);
    if (target) { target.postMessage({subject: "org.imsglobal.lti.close"}, "*"); }
    if (window.opener) { window.close(); }
  }
  var button = document.getElementById("close");
  if (button) { button.addEventListener("click", close); }
  if (document.body.getAttribute("data-auto-close") === "1") { setTimeout(close, 8000); }
})();
