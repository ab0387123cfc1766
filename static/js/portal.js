// After a failed submit, the list of errors at the top of the page takes the focus, so that a
// screen reader reads it first and a keyboard user can follow its links to the fields.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();
