// Search the site by label (Indonesian or English) over the index in search/ (site/search.py):
// search/index.json names a list of entry numbers for the first two characters of every label
// token; the lists of the query's tokens are fetched and intersected, then only the chunks of
// entries holding the first matches, each checked against the whole query. Tokens are
// normalised as site/search.py does (accents dropped, lower case, letters and digits).
// Without fetch (pages opened from disk) it searches the links already on the page.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("results");
  if (!input || !list) { return; }
  var root = input.getAttribute("data-root") || "";
  var LIMIT = 50;
  var manifest = null;
  var cache = {};
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

  function get(url) {
    if (!cache[url]) {
      cache[url] = fetch(root + url).then(function (r) {
        return r.ok ? r.json() : Promise.reject(r.status);
      });
    }
    return cache[url];
  }

  function postings(key) {
    if (!manifest.shards[key]) { return Promise.resolve([]); }
    return get("search/" + key + ".json").then(function (gaps) {
      var n = 0;
      return gaps.map(function (gap) { n += gap; return n; });
    });
  }

  function intersect(lists) {
    return lists.reduce(function (a, b) {
      var out = [], i = 0, j = 0;
      while (i < a.length && j < b.length) {
        if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) { i++; } else { j++; }
      }
      return out;
    });
  }

  function entry(number) {
    var chunk = Math.floor(number / manifest.chunk);
    return get("search/entries-" + (chunk + 1) + ".json").then(function (rows) {
      var r = rows[number - chunk * manifest.chunk];
      return { href: r[0], en: r[1], id: r[2] || r[1], type: manifest.types[r[3]] };
    });
  }

  function search() {
    var ask = ++asked;
    var words = tokens(input.value);
    if (!words.length) { render([]); return; }
    var keys = words.filter(function (w) { return Array.from(w).length >= manifest.key_length; })
      .map(shardKey).filter(function (k, i, all) { return all.indexOf(k) === i; });
    if (!keys.length) { render([], "Type at least " + manifest.key_length + " letters."); return; }
    Promise.all(keys.map(postings)).then(function (lists) {
      var candidates = intersect(lists);
      var found = [];
      function next(i) {
        if (ask !== asked) { return; }
        if (i >= candidates.length || found.length >= LIMIT) {
          render(found, found.length ? "" : "Nothing found.");
          return;
        }
        entry(candidates[i]).then(function (e) {
          if (matches(words, e)) { found.push(e); }
          next(i + 1);
        });
      }
      next(0);
    }).catch(function () { if (ask === asked) { render([], "The search index is missing."); } });
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
