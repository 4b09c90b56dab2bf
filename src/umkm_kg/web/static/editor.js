// SPARQL syntax highlighting for the query editor: a <pre> under a transparent <textarea>,
// repainted on every input. Tokens are written as text nodes, never as HTML.
(function () {
  "use strict";
  var KEYWORDS = /^(?:SELECT|DISTINCT|REDUCED|CONSTRUCT|DESCRIBE|ASK|WHERE|FROM|NAMED|PREFIX|BASE|OPTIONAL|FILTER|UNION|MINUS|GRAPH|SERVICE|BIND|VALUES|AS|GROUP|BY|ORDER|ASC|DESC|HAVING|LIMIT|OFFSET|NOT|EXISTS|IN|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|LANGMATCHES|DATATYPE|BOUND|IRI|URI|BNODE|CONTAINS|STRSTARTS|STRENDS|LCASE|UCASE|REGEX|COALESCE|IF|ISIRI|ISURI|ISBLANK|ISLITERAL|ISNUMERIC|a|true|false)$/i;
  var TOKEN = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|([?$][A-Za-z_0-9]+)|([A-Za-z][\w.-]*)?(:[\w.-]*)|([A-Za-z_]+)|(\d+(?:\.\d+)?)/g;

  function paint(code, text) {
    while (code.firstChild) code.removeChild(code.firstChild);
    var last = 0;
    var match;
    function add(kind, value) {
      if (!value) return;
      if (!kind) { code.appendChild(document.createTextNode(value)); return; }
      var span = document.createElement("span");
      span.className = "tok-" + kind;
      span.textContent = value;
      code.appendChild(span);
    }
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      add(null, text.slice(last, match.index));
      if (match[1]) add("comment", match[1]);
      else if (match[2]) add("string", match[2]);
      else if (match[3]) add("iri", match[3]);
      else if (match[4]) add("var", match[4]);
      else if (match[6] !== undefined) add("pname", (match[5] || "") + match[6]);
      else if (match[7]) add(KEYWORDS.test(match[7]) ? "keyword" : null, match[7]);
      else if (match[8]) add("number", match[8]);
      last = TOKEN.lastIndex;
      if (match[0] === "") TOKEN.lastIndex++;
    }
    add(null, text.slice(last) + "\n");
  }

  function start() {
    var area = document.getElementById("sparql");
    var code = document.getElementById("highlight");
    if (!area || !code) return;
    var box = area.parentNode;
    box.classList.add("highlighting");
    var pre = code.parentNode;
    function update() { paint(code, area.value); pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; }
    area.addEventListener("input", update);
    area.addEventListener("scroll", function () { pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        area.form.requestSubmit ? area.form.requestSubmit() : area.form.submit();
      }
    });
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
