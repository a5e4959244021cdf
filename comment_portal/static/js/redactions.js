// Selecting text in an opinion fills the mask form with the exact characters and their offsets.
(function () {
  "use strict";
  var body = document.getElementById("redaction-body");
  var text = document.getElementById("manual-text");
  var start = document.getElementById("manual-start");
  var end = document.getElementById("manual-end");
  if (!body || !text || !start || !end) { return; }

  function offsetOf(node, offset) {
    var range = document.createRange();
    range.selectNodeContents(body);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function takeSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) { return; }
    var from = offsetOf(range.startContainer, range.startOffset);
    var to = offsetOf(range.endContainer, range.endOffset);
    if (to <= from) { return; }
    text.value = body.textContent.slice(from, to);
    start.value = String(from);
    end.value = String(to);
  }

  body.addEventListener("mouseup", takeSelection);
  body.addEventListener("keyup", takeSelection);
  body.addEventListener("touchend", takeSelection);
  // Typing by hand means "every occurrence of this text", not the selected range.
  text.addEventListener("input", function () { start.value = ""; end.value = ""; });
})();
