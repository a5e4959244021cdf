// Splitting page: pick a range by selecting the original text, and preview each row live.
// Offsets are counted in Unicode code points, as the server counts them (not UTF-16 units).
(function () {
  "use strict";
  var original = document.querySelector("[data-original]");
  var table = document.getElementById("pieces-table");
  if (!original || !table) { return; }
  var chars = Array.from(original.textContent);
  var status = document.getElementById("selection-status");
  var hint = document.getElementById("selection-hint");
  var selected = null;

  function codePoints(text) { return Array.from(text).length; }

  function offsetOf(node, offset) {
    var range = document.createRange();
    range.setStart(original, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  function readSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return null; }
    var range = selection.getRangeAt(0);
    if (!original.contains(range.startContainer) || !original.contains(range.endContainer)) { return null; }
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    return end > start ? { start: start, end: end } : null;
  }

  function showSelection() {
    var current = readSelection();
    if (!current) { return; }  // keep the last range: focusing a row clears the selection
    selected = current;
    status.hidden = false;
    status.textContent = "選択中の範囲：" + selected.start + "〜" + selected.end + "（" +
      (selected.end - selected.start) + "文字）。表の行の「選択範囲を入れる」を押すと、その行に入ります。";
  }

  function toInt(value) {
    var text = String(value || "").trim().replace(/[０-９]/g, function (d) {
      return String.fromCharCode(d.charCodeAt(0) - 0xFEE0);
    });
    return /^\d+$/.test(text) ? parseInt(text, 10) : null;
  }

  function updatePreview(row) {
    var start = toInt(row.querySelector("[data-start]").value);
    var end = toInt(row.querySelector("[data-end]").value);
    var preview = row.querySelector("[data-preview]");
    var valid = start !== null && end !== null && start < end && end <= chars.length;
    preview.textContent = valid ? chars.slice(start, end).join("") : "";
  }

  function fill(row) {
    if (!selected) {
      status.hidden = false;
      status.textContent = "先に左の原文で、意見にする部分をマウスで選んでください。";
      return;
    }
    row.querySelector("[data-start]").value = selected.start;
    row.querySelector("[data-end]").value = selected.end;
    updatePreview(row);
    row.querySelector("[data-end]").focus();
  }

  Array.prototype.forEach.call(table.querySelectorAll("[data-piece-row]"), function (row, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary button-small";
    button.textContent = "選択範囲を入れる";
    button.setAttribute("aria-label", (index + 1) + "行目に選択範囲を入れる");
    // Keep the text selection: a mousedown on the button would otherwise clear it.
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () { fill(row); });
    row.querySelector("[data-pick]").appendChild(button);
    row.addEventListener("input", function () { updatePreview(row); });
  });
  document.addEventListener("selectionchange", showSelection);
  if (hint) { hint.hidden = false; }
}());
