// Search the site by label (Indonesian or English) over the sharded index in search/.
// search/index.json lists the shards: one per first two characters of a label token, each
// cut into parts. Only the shard of the query's rarest token is fetched, part after part,
// until enough entries match. Tokens are normalised as site/search.py does (accents dropped,
// lower case, letters and digits). Without fetch (pages opened from disk) it searches the
// links already on the page.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("results");
  if (!input || !list) { return; }
  var root = input.getAttribute("data-root") || "";
  var LIMIT = 50;
  var manifest = null;
  var parts = {};
  var asked = 0;

  function tokens(text) {
    var plain = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    return plain.match(/[\p{L}\p{N}]+/gu) || [];
  }

  function shardKey(token) {
    var head = Array.from(token).slice(0, manifest.key_length);
    return head.map(function (c) {
      return /^[a-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16);
    }).join("");
  }

  function matches(words, entry) {
    var have = tokens(entry.en + " " + entry.id);
    return words.every(function (w) {
      return have.some(function (t) { return t.indexOf(w) === 0; });
    });
  }

  function render(found, note) {
    list.textContent = "";
    found.slice(0, LIMIT).forEach(function (e) {
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
    if (note) {
      var li = document.createElement("li");
      li.className = "note";
      li.textContent = note;
      list.appendChild(li);
    }
  }

  function part(key, number) {
    var url = root + "search/" + key + "-" + number + ".json";
    if (!parts[url]) {
      parts[url] = fetch(url).then(function (r) {
        return r.ok ? r.json() : Promise.reject(r.status);
      }).then(function (rows) {
        return rows.map(function (r) {
          return { href: r[0], en: r[1], id: r[2] || r[1], type: manifest.types[r[3]] };
        });
      });
    }
    return parts[url];
  }

  function search() {
    var ask = ++asked;
    var words = tokens(input.value);
    if (!words.length) { render([]); return; }
    var keyed = words.filter(function (w) { return Array.from(w).length >= manifest.key_length; });
    if (!keyed.length) { render([], "Type at least " + manifest.key_length + " letters."); return; }
    var shards = keyed.map(function (w) {
      var key = shardKey(w);
      return { key: key, size: (manifest.shards[key] || [0, 0]) };
    }).sort(function (a, b) { return a.size[0] - b.size[0]; });
    var best = shards[0];
    var found = [];
    function next(number) {
      if (number > best.size[1] || found.length >= LIMIT) {
        if (ask === asked) { render(found, found.length ? "" : "Nothing found."); }
        return;
      }
      part(best.key, number).then(function (entries) {
        if (ask !== asked) { return; }
        entries.forEach(function (e) { if (matches(words, e)) { found.push(e); } });
        next(number + 1);
      }).catch(function () { if (ask === asked) { render(found, "The search index is missing."); } });
    }
    next(1);
  }

  function fromPage() {
    var links = Array.prototype.slice.call(document.querySelectorAll("#all a"));
    function filter() {
      var q = input.value.trim().toLowerCase();
      render(q ? links.filter(function (a) {
        return a.textContent.toLowerCase().indexOf(q) >= 0;
      }).map(function (a) {
        return { href: a.getAttribute("href"), en: a.textContent, id: "", type: "" };
      }) : []);
    }
    input.addEventListener("input", filter);
    if (input.value) { filter(); }
  }

  // index.html?q=batik (the form submitted, or a shared link) searches at once.
  var fromUrl = new URLSearchParams(window.location.search).get("q");
  if (fromUrl && !input.value) { input.value = fromUrl; }
  if (!window.fetch) { fromPage(); return; }
  fetch(root + "search/index.json")
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (data) {
      manifest = data;
      input.addEventListener("input", search);
      if (input.value) { search(); }
    })
    .catch(fromPage);
})();
