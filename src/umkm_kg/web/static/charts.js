// Draws the charts of a page: every <figure class="chart"> holds its rows in data-chart
// (label, value, href; and for maps the country's ISO 3166 numeric code, world-atlas's feature
// id, and its English name, matched when it has no code). Countries too small for the 1:110m
// shapes are drawn as dots at the points of map-points.json (webjs/map_points.py).
// Vega is run with the expression interpreter, so the pages need no 'unsafe-eval' in their
// Content-Security-Policy.
(function () {
  "use strict";
  var ATLAS = "/static/vendor/world-atlas/countries-110m.json";
  var POINTS = "/static/map-points.json";
  var MATCH = [
    { type: "lookup", from: "values", key: "iso", fields: ["code"], as: ["byId"], default: null },
    { type: "lookup", from: "values", key: "name", fields: ["name"], as: ["byName"], default: null },
    { type: "formula", as: "match", expr: "datum.byId || datum.byName" }
  ];

  function barSpec(rows, valueName) {
    return {
      $schema: "https://vega.github.io/schema/vega/v6.json",
      width: 520,
      height: Math.max(60, rows.length * 24),
      padding: 5,
      data: [{ name: "table", values: rows }],
      scales: [
        { name: "y", type: "band", domain: { data: "table", field: "label" }, range: "height", padding: 0.15 },
        { name: "x", type: "linear", domain: { data: "table", field: "value" }, range: "width", nice: true, zero: true }
      ],
      axes: [
        { orient: "bottom", scale: "x", title: valueName, tickMinStep: 1 },
        { orient: "left", scale: "y", labelLimit: 220 }
      ],
      marks: [
        {
          type: "rect",
          from: { data: "table" },
          encode: {
            enter: {
              y: { scale: "y", field: "label" },
              height: { scale: "y", band: 1 },
              x: { scale: "x", value: 0 },
              x2: { scale: "x", field: "value" },
              fill: { value: "#0b5cad" },
              href: { field: "href" },
              cursor: { value: "pointer" },
              tooltip: { signal: "datum.label + ': ' + datum.value" }
            },
            hover: { fill: { value: "#f08c00" } },
            update: { fill: { value: "#0b5cad" } }
          }
        },
        {
          type: "text",
          from: { data: "table" },
          encode: {
            enter: {
              y: { scale: "y", field: "label", band: 0.5 },
              x: { scale: "x", field: "value", offset: 4 },
              baseline: { value: "middle" },
              text: { field: "value" },
              fill: { value: "#1d1d1f" }
            }
          }
        }
      ]
    };
  }

  function mapSpec(rows, valueName) {
    return {
      $schema: "https://vega.github.io/schema/vega/v6.json",
      width: 720,
      height: 380,
      padding: 5,
      projections: [{ name: "projection", type: "naturalEarth1", scale: 130, translate: [360, 200] }],
      data: [
        { name: "values", values: rows },
        {
          name: "world",
          url: ATLAS,
          format: { type: "topojson", feature: "countries" },
          transform: [
            { type: "formula", as: "name", expr: "datum.properties.name" },
            { type: "formula", as: "code", expr: "datum.id ? datum.id : 'no code'" }
          ].concat(MATCH)
        },
        {
          name: "dots",
          url: POINTS,
          format: { type: "json" },
          transform: [{ type: "formula", as: "code", expr: "datum.iso" }].concat(MATCH, [
            { type: "filter", expr: "datum.match" },
            { type: "geopoint", projection: "projection", fields: ["lon", "lat"] }
          ])
        }
      ],
      scales: [
        { name: "color", type: "linear", domain: { data: "values", field: "value" }, range: { scheme: "blues" }, zero: true }
      ],
      legends: [{ fill: "color", orient: "bottom-left", title: valueName, tickMinStep: 1 }],
      marks: [
        {
          type: "shape",
          from: { data: "world" },
          encode: {
            update: {
              fill: { signal: "datum.match ? scale('color', datum.match.value) : '#e6e8eb'" },
              stroke: { value: "#ffffff" },
              strokeWidth: { value: 0.5 },
              href: { signal: "datum.match ? datum.match.href : ''" },
              tooltip: { signal: "datum.match ? datum.match.label + ': ' + datum.match.value : datum.properties.name" }
            },
            hover: { stroke: { value: "#f08c00" }, strokeWidth: { value: 1.5 } }
          },
          transform: [{ type: "geoshape", projection: "projection" }]
        },
        {
          type: "symbol",
          from: { data: "dots" },
          encode: {
            update: {
              x: { field: "x" },
              y: { field: "y" },
              shape: { value: "circle" },
              size: { value: 70 },
              fill: { signal: "scale('color', datum.match.value)" },
              stroke: { value: "#1d1d1f" },
              strokeWidth: { value: 0.75 },
              href: { field: "match.href" },
              tooltip: { signal: "datum.match.label + ': ' + datum.match.value" },
              description: { signal: "datum.match.label + ': ' + datum.match.value" }
            },
            hover: { stroke: { value: "#f08c00" }, strokeWidth: { value: 1.5 } }
          }
        }
      ]
    };
  }

  function draw(figure) {
    var rows = JSON.parse(figure.getAttribute("data-chart") || "[]");
    var kind = figure.getAttribute("data-kind");
    var valueName = figure.getAttribute("data-value") || "";
    // A row without a code must match no shape by it (some shapes have no code either).
    rows.forEach(function (r, i) { r.key = i; if (!r.iso) r.iso = "row " + i; });
    var spec = kind === "map" ? mapSpec(rows, valueName) : barSpec(rows, valueName);
    var view = new vega.View(vega.parse(spec, null, { ast: true }), {
      expr: vega.expressionInterpreter,
      renderer: "svg",
      container: figure.querySelector(".chart-view"),
      hover: true
    });
    return view.runAsync().then(function () {
      figure.setAttribute("data-rendered", "true");
      if (kind !== "map") return;
      var drawn = {};
      view.data("world").concat(view.data("dots")).forEach(function (f) {
        if (f.match) drawn[f.match.key] = true;
      });
      var missing = rows.filter(function (r) { return !drawn[r.key]; }).map(function (r) { return r.label; });
      var note = figure.querySelector(".not-drawn");
      if (missing.length && note) {
        note.textContent = (figure.getAttribute("data-not-drawn") || "") + " " + missing.join(", ");
      }
    }).catch(function (error) {
      figure.setAttribute("data-rendered", "error");
      figure.querySelector(".chart-view").textContent = String(error);
    });
  }

  function start() {
    var figures = document.querySelectorAll("figure.chart");
    for (var i = 0; i < figures.length; i++) draw(figures[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
