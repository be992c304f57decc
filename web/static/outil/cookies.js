// The LMS iframe's cookie check before an LTI login (pylti1p3's check, as a file: the CSP forbids inline
// scripts). When the test cookie sticks, the login goes on here; otherwise it offers a new window.
(function () {
  "use strict";
  var body = document.body;
  var attributes = body.getAttribute("data-cookie-attributes") || "";
  var params = JSON.parse(body.getAttribute("data-params") || "{}");

  function updatedUrl() {
    var search = window.location.search;
    var added = [];
    Object.keys(params).forEach(function (key) {
      if (search.indexOf(key + "=") === -1) {
        added.push(encodeURIComponent(key) + "=" + encodeURIComponent(params[key]));
      }
    });
    var query = added.join("&");
    query = search ? search + (query ? "&" + query : "") : "?" + query;
    return window.location.origin + window.location.pathname + query;
  }

  var cookie = "lti1p3_test_cookie=1; path=/";
  document.cookie = cookie + attributes;
  if (document.cookie.indexOf("lti1p3_test_cookie") !== -1) {
    document.cookie = cookie + "; expires=Thu, 01-Jan-1970 00:00:01 GMT" + attributes;
    document.getElementById("lti1p3-loading-msg").classList.remove("hidden");
    window.location.href = updatedUrl();
  } else {
    document.getElementById("lti1p3-warning-msg").classList.remove("hidden");
    var link = document.getElementById("lti1p3-new-tab-link");
    var target = updatedUrl();
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.open(target, "_blank");
      link.parentNode.removeChild(link);
    });
  }
})();
