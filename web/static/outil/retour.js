// The deep-linking return: post the signed response to the platform at once (the button stays as a fallback).
(function () {
  "use strict";
  var form = document.getElementById("retour");
  if (form) { form.submit(); }
})();
