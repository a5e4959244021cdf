// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Live character count, counted like the server counts (line breaks as one).
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) { return; }
    var max = parseInt(field.getAttribute("data-max-chars"), 10);
    var update = function () {
      var length = Array.from(field.value.replace(/\r\n/g, "\n")).length;
      counter.textContent = length.toLocaleString("ja-JP") + " / " + max.toLocaleString("ja-JP") + "文字" +
        (length > max ? "（" + (length - max).toLocaleString("ja-JP") + "文字多すぎます）" : "");
      counter.classList.toggle("over", length > max);
    };
    field.addEventListener("input", update);
    update();
  });
  // A second click on 送信する is ignored (the server also refuses duplicates).
  document.querySelectorAll("#confirm-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent && event.submitter && event.submitter.id === "send-button") {
        event.preventDefault();
        return;
      }
      if (event.submitter && event.submitter.id === "send-button") { form.dataset.sent = "1"; }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
