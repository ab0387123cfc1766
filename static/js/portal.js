// After a failed submit, the list of errors at the top of the page takes the focus, so that a
// screen reader reads it first and a keyboard user can follow its links to the fields.
// A [data-print] control opens the browser's print dialog (the CSP allows no inline script).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    document.querySelectorAll("[data-print]").forEach(function (control) {
      control.addEventListener("click", function (event) {
        event.preventDefault();
        window.print();
      });
    });
  });
})();
