/* The index of a reviewed batch folder: one row per report with counts, status, source and quality notes. */
"use strict";
(function () {
  var D = FZ.data();
  var el = FZ.el;
  var COLS = [["measures", "举措"], ["problems", "不足"], ["rectifications", "整改"], ["plans", "安排"],
    ["leadership_duties", "责任人"], ["metrics", "数据"]];
  var app = document.getElementById("app");
  // Count each state (ok, degraded, failed, stale …), not what the last run did (a rerun skips done reports).
  var states = {};
  D.reports.forEach(function (r) { var s = r.status || "ok"; states[s] = (states[s] || 0) + 1; });
  var tally = Object.keys(states).map(function (s) { return states[s] + " " + s; }).join(" · ");
  app.appendChild(el("div", { "class": "page" },
    el("header", null, el("h1", { text: "fazhi review · " + D.folder }),
      el("div", { "class": "sub", text: D.reports.length + " reports · " + tally + " · tool " + D.tool_version +
        (D.has_manifest ? "" : " · no manifest.jsonl (not a batch folder?)") }),
      D.explore ? el("div", { "class": "sub" }, el("a", { href: D.explore, text: "the collection at a glance (fazhi explore) →" })) : null),
    table(),
    D.notes.length ? el("ul", { "class": "muted" }, D.notes.map(function (n) { return el("li", { text: n }); })) : null,
    el("p", { "class": "muted" }, "Open a report to see its text with every evidence span highlighted; its Edit mode turns corrections into a gold file (",
      el("code", { text: "fazhi gold check" }), ", ", el("code", { text: "fazhi gold add" }), ").")));

  function table() {
    var head = el("tr", null, el("th", null, "report"), el("th", null, "region · year"), el("th", null, "status"),
      el("th", null, "source"), COLS.map(function (c) { return el("th", { "class": "num", title: c[0] }, c[1]); }),
      el("th", { "class": "num" }, "parts"), el("th", null, "quality notes"), el("th", null, "run"));
    var body = el("tbody");
    D.reports.forEach(function (r) {
      var name = r.href ? el("a", { href: r.href, text: r.title || r.input }) : el("span", { text: r.input });
      var counts = COLS.map(function (c) { return el("td", { "class": "num", text: r.counts ? String(r.counts[c[0]]) : "" }); });
      body.appendChild(el("tr", { "data-input": r.input },
        el("td", null, name, el("div", { "class": "muted", text: r.input + (r.error ? " — " + r.error : "") })),
        el("td", { text: [r.region, r.year].filter(function (x) { return x != null; }).join(" · ") }),
        el("td", null, r.status ? el("span", { "class": "status " + r.status, text: r.status }) : "—",
          r.action ? el("div", { "class": "muted small", text: "last run: " + r.action }) : null),
        el("td", null, r.source ? el("span", { "class": "status " + r.source.status, title: r.source.message, text: r.source.status }) : ""),
        counts,
        el("td", { "class": "num", title: r.parts_missing && r.parts_missing.length ? "missing: " + r.parts_missing.join(", ") : "all required parts" },
          r.parts_present != null ? r.parts_present + "/" + r.parts_required : ""),
        el("td", null, (r.quality || []).map(function (q) {
          return el("div", { title: q.message }, el("span", { "class": "kinds", text: q.kind }), q.section ? " " + q.section : "");
        })),
        el("td", { "class": "muted", text: r.backend ? r.backend + (r.model ? " · " + r.model : "") + (r.seconds != null ? " · " + r.seconds.toFixed(1) + "s" : "") : "" })));
    });
    return el("table", { "class": "grid", id: "reports" }, el("thead", null, head), body);
  }
})();
