// Search the site by label (Indonesian or English) over search-index.json.
// Without fetch (pages opened from disk), it searches the list already on the page.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("results");
  if (!input || !list) { return; }
  var root = input.getAttribute("data-root") || "";
  var entries = [];

  function fromPage() {
    var links = document.querySelectorAll("#all a");
    return Array.prototype.map.call(links, function (a) {
      return { href: a.getAttribute("href"), en: a.textContent, id: "", iri: "", type: "" };
    });
  }

  function show() {
    var q = input.value.trim().toLowerCase();
    list.textContent = "";
    if (!q) { return; }
    entries.filter(function (e) {
      return (e.en + " " + e.id + " " + e.iri).toLowerCase().indexOf(q) >= 0;
    }).slice(0, 50).forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e.href;
      a.textContent = e.id && e.id !== e.en ? e.en + " / " + e.id : e.en;
      li.appendChild(a);
      if (e.type) {
        var span = document.createElement("span");
        span.className = "type";
        span.textContent = " " + e.type;
        li.appendChild(span);
      }
      list.appendChild(li);
    });
  }

  entries = fromPage();
  if (window.fetch) {
    fetch(root + "search-index.json")
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { entries = data; show(); })
      .catch(function () { /* keep the list from the page */ });
  }
  input.addEventListener("input", show);
})();
