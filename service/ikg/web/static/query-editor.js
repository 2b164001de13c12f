// Turns the query text area into a CodeMirror editor with SPARQL highlighting. Without this script (or
// without the vendored CodeMirror) the page stays a plain form that works the same way.
(function () {
  "use strict";
  var area = document.getElementById("query");
  if (!area || typeof window.CodeMirror === "undefined") {
    return;
  }
  var form = area.form;
  function run() {
    editor.save();
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }
  var editor = window.CodeMirror.fromTextArea(area, {
    mode: "application/sparql-query",
    lineNumbers: true,
    matchBrackets: true,
    indentUnit: 2,
    viewportMargin: Infinity,
    extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run }
  });
  // The label names the original text area; screen readers need it on the field CodeMirror types into.
  editor.getInputField().setAttribute("aria-labelledby", "query-label");
  document.documentElement.classList.add("has-editor");
})();
