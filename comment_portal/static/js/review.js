// Review pages: keyboard triage on the comment view, select-all on the queue.
// Every shortcut submits the page's own forms (with their CSRF tokens) or follows its links.
(function () {
  "use strict";
  var TYPING = /^(INPUT|TEXTAREA|SELECT)$/;

  function isTyping(target) {
    return target && (TYPING.test(target.tagName) || target.isContentEditable);
  }

  function submitWith(buttonId) {
    var button = document.getElementById(buttonId);
    if (!button || button.disabled || button.form.dataset.sent) { return false; }
    button.form.dataset.sent = "1";  // one decision per page: a held key must not send twice
    button.form.requestSubmit(button);
    return true;
  }

  function confirmPolicy(code) {
    var radio = document.getElementById("policy-" + code);
    if (!radio) { return false; }
    radio.checked = true;
    return submitWith("confirm-chosen");
  }

  function follow(linkId) {
    var link = document.getElementById(linkId);
    if (!link) { return false; }
    window.location.href = link.href;
    return true;
  }

  var KEYS = {
    "1": function () { return confirmPolicy("1"); },
    "2": function () { return confirmPolicy("2"); },
    "3": function () { return confirmPolicy("3"); },
    "4": function () { return confirmPolicy("4"); },
    "0": function () { return confirmPolicy("other"); },
    "x": function () { return submitWith("exclude-offtopic"); },
    "j": function () { return follow("next-link"); },
    "k": function () { return follow("prev-link"); },
    "Enter": function () { return submitWith("confirm-suggestion"); }
  };

  if (document.getElementById("review-comment")) {
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || isTyping(event.target)) { return; }
      // Enter on a focused link or button keeps its own meaning.
      if (event.key === "Enter" && event.target.closest && event.target.closest("a, button")) { return; }
      var action = KEYS[event.key];
      if (action && action()) { event.preventDefault(); }
    });
  }

  var selectAll = document.getElementById("select-all");
  if (selectAll) {
    var rows = Array.prototype.slice.call(document.querySelectorAll(".select-row"));
    selectAll.hidden = false;
    selectAll.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = selectAll.checked; });
    });
    rows.forEach(function (box) {
      box.addEventListener("change", function () {
        var checked = rows.filter(function (b) { return b.checked; }).length;
        selectAll.checked = checked === rows.length;
        selectAll.indeterminate = checked > 0 && checked < rows.length;
      });
    });
  }
})();
