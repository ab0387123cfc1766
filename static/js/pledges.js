// Pledge rows: offer only the needs of the chosen priority. Works without it too: the
// server checks that a need belongs to its priority.
(function () {
  "use strict";

  function needSelectOf(prioritySelect) {
    var row = prioritySelect.closest("tr");
    return row ? row.querySelector("select[name$='-need']") : null;
  }

  function filterNeeds(prioritySelect) {
    var needSelect = needSelectOf(prioritySelect);
    if (!needSelect) { return; }
    var priority = prioritySelect.value;
    Array.prototype.forEach.call(needSelect.options, function (option) {
      if (!option.value) { return; }
      option.hidden = Boolean(priority) && option.dataset.priority !== priority;
    });
    var chosen = needSelect.selectedOptions[0];
    if (chosen && chosen.hidden) { needSelect.value = ""; }
  }

  function choosePriorityOfNeed(needSelect) {
    var row = needSelect.closest("tr");
    var prioritySelect = row && row.querySelector("select[name$='-priority']");
    var chosen = needSelect.selectedOptions[0];
    if (prioritySelect && chosen && chosen.dataset.priority && !prioritySelect.value) {
      prioritySelect.value = chosen.dataset.priority;
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name$='-priority']")) { filterNeeds(event.target); }
    if (event.target.matches("select[name$='-need']")) { choosePriorityOfNeed(event.target); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[name$='-priority']").forEach(filterNeeds);
  });
})();
