/* The collection page: filters that every view follows; indicator values across reports; one issuer over years;
 * the compliance matrix. Charts are Vega-Lite specs rendered by vega-embed (vendored, inlined) with the SVG
 * renderer and Vega's expression interpreter (no eval, so the page's CSP forbids it). Strings from reports reach
 * the DOM only through FZ.el (textContent) and Vega's text marks and tooltips (vega-tooltip escapes HTML). */
"use strict";
(function () {
  var D = FZ.data();
  var el = FZ.el;
  var R = D.reports, KEYS = D.indicators, CATS = D.categories, PARTS = D.parts;
  var PART_LABEL = { measures: "举措成效", shortcomings: "不足原因", leadership: "第一责任人", plans: "下年安排", other: "其他" };
  var LEVELS = ["province", "city", "county", "department", "other"];
  // defaultStyle/disableDefaultStyle: the library injects no <style> element (the CSP admits only this page's own;
  // the tooltip's style is in explore.css).
  var EMBED = { actions: false, renderer: "svg", ast: true, expr: vega.expressionInterpreter, defaultStyle: false,
                tooltip: { theme: "light", disableDefaultStyle: true } };
  var F = { level: "", region: "", year: "", sort: "value-desc" };
  var started = performance.now();
  var marks = [];  // [what, ms since navigation start]: where the first render's time goes (bench/explore_scale.py)
  function mark(what) { marks.push([what, Math.round(performance.now())]); }
  mark("data parsed");

  /* ------------------------------------------------------------------ data, once */
  R.forEach(function (r, i) {
    r.i = i;
    r.label = (r.region || r.title || r.file) + (r.year != null ? " " + r.year : "");
  });
  var seenLabel = {};
  R.forEach(function (r) {  // the x axis needs one distinct label per report
    var n = seenLabel[r.label] = (seenLabel[r.label] || 0) + 1;
    if (n > 1) r.label += " (" + n + ")";
  });
  var byKey = KEYS.map(function () { return []; });
  D.values.forEach(function (v) { byKey[v[1]].push(v); });
  var catLabel = function (c) { return CATS[c] + (D.category_labels[CATS[c]] ? " " + D.category_labels[CATS[c]] : ""); };
  var years = uniq(R.map(function (r) { return r.year; })).sort();
  var levels = uniq(R.map(function (r) { return r.level; }));

  function uniq(xs) {
    var seen = {}, out = [];
    xs.forEach(function (x) { if (x != null && !seen[x]) { seen[x] = 1; out.push(x); } });
    return out;
  }
  function shown(r) {
    if (F.level && r.level !== F.level) return false;
    if (F.year && String(r.year) !== F.year) return false;
    if (F.region) {
      var q = F.region.toLowerCase();
      return [r.region, r.title, r.file].concat(r.issuers || []).some(function (x) {
        return x != null && String(x).toLowerCase().indexOf(q) >= 0;
      });
    }
    return true;
  }
  function fmt(base) { return base === "ratio" ? ".1%" : ",.4~f"; }
  function unitTitle(key, base) {
    return base === "ratio" ? "rate" : D.money.indexOf(key) >= 0 ? "元" : base || "count";
  }
  function valueRow(v) {
    var r = R[v[0]];
    return { label: r.label, region: r.region || "", year: r.year, level: r.level || "other", file: r.file,
      indicator: KEYS[v[1]], value: v[2], unit: v[3] || "", quote: v[5] || v[4], number: v[4], start: v[6], end: v[7],
      name: v[8] || "", page: r.page };
  }

  /* ------------------------------------------------------------------ layout */
  var app = document.getElementById("app");
  var root = el("div", { "class": "xp" });
  app.appendChild(root);
  var nOk = R.filter(function (r) { return r.output; }).length;
  var statusCounts = {};
  R.forEach(function (r) { var s = r.status || "—"; statusCounts[s] = (statusCounts[s] || 0) + 1; });
  root.appendChild(el("header", null,
    el("h1", { text: "fazhi explore · " + D.folder }),
    D.index ? el("a", { href: D.index, id: "index-link", text: "all review pages" }) : null,
    el("div", { "class": "sub muted", text: nOk + " reports with output · " + Object.keys(statusCounts).map(function (s) {
      return statusCounts[s] + " " + s; }).join(" · ") + " · tool " + D.tool_version +
      (D.has_manifest ? "" : " · no manifest.jsonl (statuses unknown)") }),
    D.notes.length ? el("ul", { "class": "muted", id: "notes" }, D.notes.map(function (n) { return el("li", { text: n }); })) : null,
    el("div", { "class": "muted", id: "message", role: "status" })));

  var levelSel = select("f-level", [["", "all levels"]].concat(levels.map(function (l) { return [l, l]; })));
  var yearSel = select("f-year", [["", "all years"]].concat(years.map(function (y) { return [String(y), String(y)]; })));
  var regionBox = el("input", { type: "search", id: "f-region", placeholder: "region, issuer or title", "aria-label": "region" });
  var sortSel = select("f-sort", [["value-desc", "value ↓"], ["value-asc", "value ↑"], ["region", "region"], ["year", "year"]]);
  var shownBox = el("span", { "class": "shown muted", id: "shown" });
  root.appendChild(el("div", { "class": "filters", role: "toolbar" },
    el("label", null, "level", levelSel), el("label", null, "region", regionBox), el("label", null, "year", yearSel),
    el("label", null, "sort charts", sortSel), shownBox));

  var indBox = el("div", { "class": "cards", id: "indicator-cards" });
  root.appendChild(el("section", { "class": "view", id: "view-indicators" },
    el("div", { "class": "view-head" }, el("h2", { text: "Indicators across reports" }),
      el("span", { "class": "muted", text: "hover a bar for its quote · click to open the report at the span" }),
      csvButton("csv-indicators", "indicators", indicatorCsv)),
    indBox));

  var regionSel = el("select", { id: "region-pick", "aria-label": "issuer" });
  var regionBoxes = el("div", { id: "region-charts" });
  root.appendChild(el("section", { "class": "view", id: "view-region" },
    el("div", { "class": "view-head" }, el("h2", { text: "One issuer over the years" }), regionSel,
      csvButton("csv-region", "issuer-years", regionCsv)),
    regionBoxes));

  var matrixBox = el("div", { id: "matrix-box" });
  root.appendChild(el("section", { "class": "view", id: "view-matrix" },
    el("div", { "class": "view-head" }, el("h2", { text: "Compliance: the five required parts" }),
      el("span", { "class": "muted", text: "✓ part present (its sections on hover) · ✗ missing · quality notes per report" }),
      csvButton("csv-matrix", "compliance", matrixCsv)),
    matrixBox));

  function select(id, options) {
    return el("select", { id: id }, options.map(function (o) { return el("option", { value: o[0], text: o[1] }); }));
  }
  function csvButton(id, name, rows) {
    return el("button", { "class": "btn", type: "button", id: id, onclick: function () { download(name, rows()); } },
      "Download this view as CSV");
  }
  function download(name, rows) {
    var text = "\ufeff" + rows.map(function (row) {
      return row.map(function (v) {
        var s = v == null ? "" : String(v);
        return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
      }).join(",");
    }).join("\r\n") + "\r\n";
    var a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })), download: "explore-" + name + ".csv" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function say(text) { document.getElementById("message").textContent = text; }
  function openSpan(d) {
    if (!d || d.start == null) return;
    if (!d.page) { say("No review page for " + d.file + " next to this page: run `fazhi review` on the batch folder."); return; }
    location.href = d.page + "#span=" + d.start + "-" + d.end;
  }

  /* ------------------------------------------------------------------ charts */
  var views = {};  // id -> vega View, for tests and to free them on re-render
  function embed(box, spec, id) {
    if (views[id]) { views[id].finalize(); delete views[id]; }
    return vegaEmbed(box, spec, EMBED).then(function (res) {
      views[id] = res.view;
      res.view.addEventListener("click", function (ev, item) { openSpan(item && item.datum); });
      box.dataset.rendered = String(res.view.data("source_0") ? res.view.data("source_0").length : 0);
      return res.view;
    });
  }

  // Widths are measured once per drawing and passed as numbers: Vega's width "container" reads the container's
  // computed style on every chart, and each read lays out the whole page (with a 1,000-row matrix: ~0.1 s a chart).
  var cardWidth = 560;
  function measure(node) { var w = node.clientWidth; return w > 100 ? w : cardWidth; }
  function indicatorSpec(key, rows, base) {
    // The order as a field: an explicit sort array becomes an indexof() over every label per datum.
    rows.slice().sort(sorter()).forEach(function (d, i) { d.rank = i; });
    var many = rows.length > 40;
    return {
      width: cardWidth, height: 190, autosize: { type: "fit-x", contains: "padding" },
      data: { values: rows },
      mark: { type: "bar", cursor: "pointer" },
      encoding: {
        x: { field: "label", type: "nominal", sort: { field: "rank", op: "min" },
          axis: many ? { labels: false, ticks: false, title: rows.length + " reports" } : { title: null, labelAngle: -40, labelLimit: 110 } },
        y: { field: "value", type: "quantitative", title: unitTitle(key, base), axis: { format: base === "ratio" ? ".0%" : "~s" } },
        color: { field: "level", type: "nominal", title: "level", scale: { domain: LEVELS } },
        tooltip: [{ field: "label", title: "report" }, { field: "value", title: key, format: fmt(base) },
          { field: "name", title: "metric" }, { field: "quote", title: "quote" }]
      }
    };
  }
  function sorter() {
    return {
      "value-desc": function (a, b) { return b.value - a.value; },
      "value-asc": function (a, b) { return a.value - b.value; },
      "region": function (a, b) { return a.region < b.region ? -1 : a.region > b.region ? 1 : (a.year || 0) - (b.year || 0); },
      "year": function (a, b) { return (a.year || 0) - (b.year || 0) || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0); }
    }[F.sort];
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) drawCard(e.target); });
  }, { rootMargin: "300px" }) : null;

  function shownValues(k) {
    return byKey[k].filter(function (v) { return shown(R[v[0]]); }).map(valueRow);
  }
  function renderIndicators() {
    Object.keys(views).forEach(function (id) { if (id.indexOf("ind-") === 0) { views[id].finalize(); delete views[id]; } });
    if (observer) observer.disconnect();
    indBox.textContent = "";
    var cards = [];
    KEYS.forEach(function (key, k) {
      var rows = shownValues(k);
      if (!rows.length) return;
      var chart = el("div", { "class": "chart", id: "chart-" + key });
      var card = el("div", { "class": "card", id: "ind-" + key, "data-key": key, "data-n": rows.length },
        el("h3", { text: key }), el("div", { "class": "sub", text: rows.length + " report(s) · unit " + unitTitle(key, rows[0].unit) }), chart);
      card._rows = rows;
      indBox.appendChild(card);
      cards.push(card);
    });
    if (!cards.length) indBox.appendChild(el("div", { "class": "empty", text: "No report in this view states an indicator." }));
    else cardWidth = measure(cards[0].querySelector(".chart"));
    // The first row is drawn now; the rest when they come near the viewport, watched only once the first row
    // is done so that they do not compete with it.
    return Promise.all(cards.slice(0, 2).map(drawCard)).then(function () {
      cards.slice(2).forEach(function (c) { if (observer) observer.observe(c); else drawCard(c); });
    });
  }
  function drawCard(card) {
    if (card._drawn) return card._drawn;
    if (observer) observer.unobserve(card);
    var key = card.dataset.key, rows = card._rows;
    card._drawn = embed(card.querySelector(".chart"), indicatorSpec(key, rows, rows[0].unit), "ind-" + key);
    return card._drawn;
  }
  function indicatorCsv() {
    var rows = [["file", "region", "admin_level", "report_year", "indicator", "value_base", "base_unit", "metric", "quote", "context", "start", "end"]];
    D.values.forEach(function (v) {
      var r = R[v[0]];
      if (shown(r)) rows.push([r.file, r.region, r.level, r.year, KEYS[v[1]], v[2], v[3], v[8], v[4], v[5], v[6], v[7]]);
    });
    return rows;
  }

  /* ------------------------------------------------------------------ one issuer over the years */
  function groups() {
    var g = {};
    R.forEach(function (r) {
      if (!r.output || !r.region || r.year == null || !shown(r)) return;
      var key = r.region + " · " + (r.level || "other");
      (g[key] = g[key] || []).push(r);
    });
    return Object.keys(g).filter(function (k) { return uniq(g[k].map(function (r) { return r.year; })).length > 1; })
      .sort(function (a, b) { return g[b].length - g[a].length || (a < b ? -1 : 1); })
      .map(function (k) { return { key: k, reports: g[k].sort(function (a, b) { return a.year - b.year; }) }; });
  }
  var regionGroups = [];
  function renderRegionPicker() {
    var before = regionSel.value;
    regionGroups = groups();
    regionSel.textContent = "";
    regionGroups.forEach(function (g) {
      regionSel.appendChild(el("option", { value: g.key, text: g.key + " (" + uniq(g.reports.map(function (r) { return r.year; })).join(", ") + ")" }));
    });
    if (regionGroups.some(function (g) { return g.key === before; })) regionSel.value = before;
    regionSel.hidden = !regionGroups.length;
    return renderRegion();
  }
  function currentGroup() {
    return regionGroups.filter(function (g) { return g.key === regionSel.value; })[0] || regionGroups[0];
  }
  function regionData(g) {
    var ids = {}, lines = [], bars = [], versus = [];
    g.reports.forEach(function (r) { ids[r.i] = r; });
    D.values.forEach(function (v) { if (ids[v[0]]) lines.push(valueRow(v)); });
    D.measures.forEach(function (m) {
      var r = ids[m[0]];
      if (r) {
        bars.push({ year: r.year, category: catLabel(m[1]), n: m[2] });
        versus.push({ year: r.year, category: catLabel(m[1]), n: m[2], kind: "measures reported for the year" });
      }
    });
    D.plans.forEach(function (p) {  // plans in the report on year Y are for Y + 1
      var r = ids[p[0]];
      if (r) versus.push({ year: r.year + 1, category: catLabel(p[1]), n: p[2], kind: "plans made the year before" });
    });
    var reported = {};
    g.reports.forEach(function (r) { reported[r.year] = 1; });
    versus = versus.filter(function (d) { return reported[d.year]; });
    return { lines: lines, bars: bars, versus: versus };
  }
  function renderRegion() {
    ["reg-lines", "reg-bars", "reg-versus"].forEach(function (id) { if (views[id]) { views[id].finalize(); delete views[id]; } });
    regionBoxes.textContent = "";
    var g = currentGroup();
    if (!g) {
      regionBoxes.appendChild(el("div", { "class": "empty", text: "No issuer has reports for more than one year in this view." }));
      return Promise.resolve();
    }
    var d = regionData(g);
    var lines = el("div", { "class": "chart", id: "chart-region-lines" });
    var bars = el("div", { "class": "chart", id: "chart-region-bars" });
    var versus = el("div", { "class": "chart", id: "chart-region-versus" });
    regionBoxes.appendChild(el("h3", { text: "Indicators by year" }));
    regionBoxes.appendChild(d.lines.length ? lines : el("div", { "class": "empty", text: "No indicator stated in these reports." }));
    regionBoxes.appendChild(el("div", { "class": "row-region" },
      el("div", null, el("h3", { text: "Measures per category" }), bars),
      el("div", null, el("h3", { text: "Last year's plans beside this year's measures" }), versus)));
    var tip = [{ field: "label", title: "report" }, { field: "indicator" }, { field: "value", title: "value", format: ",.4~f" },
      { field: "quote", title: "quote" }];
    var jobs = [];
    if (d.lines.length) jobs.push(embed(lines, {
      data: { values: d.lines },
      facet: { field: "indicator", type: "nominal", title: null },
      columns: 4, resolve: { scale: { y: "independent" } },
      spec: { width: 250, height: 110, mark: { type: "line", point: { size: 60, cursor: "pointer" } },
        encoding: { x: { field: "year", type: "ordinal", title: null }, y: { field: "value", type: "quantitative", title: null, axis: { format: "~s" } },
          tooltip: tip } }
    }, "reg-lines"));
    jobs.push(embed(bars, {
      width: measure(bars), height: 220, autosize: { type: "fit-x", contains: "padding" }, data: { values: d.bars },
      mark: "bar", encoding: { x: { field: "year", type: "ordinal", title: null }, y: { aggregate: "sum", field: "n", title: "measures" },
        color: { field: "category", type: "nominal", title: null }, tooltip: [{ field: "year" }, { field: "category" }, { field: "n", title: "measures" }] }
    }, "reg-bars"));
    jobs.push(embed(versus, {
      data: { values: d.versus }, width: { step: versusStep(versus, d.versus) }, height: 180,
      mark: "bar", encoding: { column: { field: "year", type: "ordinal", title: null },
        x: { field: "category", type: "nominal", title: null, axis: { labels: false, ticks: false } },
        xOffset: { field: "kind", type: "nominal" }, y: { aggregate: "sum", field: "n", title: "items" },
        color: { field: "kind", type: "nominal", title: null, legend: { orient: "bottom" } },
        tooltip: [{ field: "year" }, { field: "kind" }, { field: "category" }, { field: "n", title: "items" }] }
    }, "reg-versus"));
    return Promise.all(jobs);
  }
  function versusStep(box, rows) {  // one column per year, a bar per category and kind, within the box
    var cols = uniq(rows.map(function (x) { return x.year; })).length || 1;
    var cats = uniq(rows.map(function (x) { return x.category; })).length || 1;
    // With xOffset, Vega-Lite's step is the width of one offset band: two kinds per category.
    return Math.max(2, Math.min(12, Math.floor((measure(box) - 80 - 50 * cols) / (cols * cats * 2))));
  }
  regionSel.addEventListener("change", renderRegion);
  function regionCsv() {
    var g = currentGroup(), rows = [["issuer", "kind", "year", "indicator_or_category", "value", "base_unit", "quote", "file"]];
    if (!g) return rows;
    var d = regionData(g);
    d.lines.forEach(function (x) { rows.push([g.key, "indicator", x.year, x.indicator, x.value, x.unit, x.quote, x.file]); });
    d.versus.forEach(function (x) { rows.push([g.key, x.kind, x.year, x.category, x.n, "items", "", ""]); });
    return rows;
  }

  /* ------------------------------------------------------------------ compliance matrix */
  var matrixSort = { key: "region", dir: 1 };
  var MATRIX_ROWS = 200, matrixLimit = MATRIX_ROWS;  // a long table is laid out only when asked for (CSV has all)
  function matrixRows() {
    var rows = R.filter(function (r) { return r.output ? shown(r) : !F.level && !F.year && shown(r); });
    var k = matrixSort.key, dir = matrixSort.dir;
    var val = function (r) {
      if (k === "missing") return r.parts ? r.parts.filter(function (p) { return !p; }).length : 9;
      if (k === "notes") return r.quality.length;
      var v = r[k];
      return v == null ? "" : v;
    };
    return rows.sort(function (a, b) { var x = val(a), y = val(b); return (x < y ? -1 : x > y ? 1 : a.i - b.i) * dir; });
  }
  function renderMatrix() {
    matrixBox.textContent = "";
    var cols = [["title", "report"], ["region", "region"], ["level", "level"], ["year", "year"], ["status", "status"]];
    var head = el("tr", null, cols.map(function (c) { return th(c[0], c[1]); }),
      PARTS.map(function (p) { return el("th", { title: p, "class": "part" }, PART_LABEL[p] || p); }),
      th("missing", "missing"), th("notes", "quality notes"));
    var body = el("tbody");
    var rows = matrixRows(), more = rows.length - matrixLimit;
    rows.slice(0, matrixLimit).forEach(function (r) {
      var name = r.page ? el("a", { href: r.page, text: r.title || r.file }) : el("span", { text: r.title || r.file });
      var parts = PARTS.map(function (p, j) {
        if (!r.parts) return el("td", { "class": "part" }, "—");
        var yes = r.parts[j];
        return el("td", { "class": "part " + (yes ? "yes" : "no"), "data-part": p,
          title: p + (yes ? ": " + (r.sections[j].join("、") || "present") : ": missing") }, yes ? "✓" : "✗");
      });
      var missing = r.parts ? r.parts.filter(function (p) { return !p; }).length : null;
      body.appendChild(el("tr", { "data-file": r.file },
        el("td", null, name, el("div", { "class": "muted", text: r.file + (r.error ? " — " + r.error : "") })),
        el("td", { text: r.region || "" }), el("td", { text: r.level || "" }), el("td", { text: r.year != null ? String(r.year) : "" }),
        el("td", null, r.status ? el("span", { "class": "status " + r.status, text: r.status }) : ""),
        parts, el("td", { "class": "num", text: missing == null ? "" : String(missing) }),
        el("td", null, r.quality.map(function (q) {
          return el("span", { "class": "kinds " + q[0], title: q[2] || "" }, q[0] + (q[1] ? " " + q[1] : ""));
        }))));
    });
    matrixBox.appendChild(el("table", { "class": "matrix", id: "matrix" }, el("thead", null, head), body));
    if (more > 0) matrixBox.appendChild(el("button", { "class": "btn", type: "button", id: "matrix-more",
      onclick: function () { matrixLimit = Infinity; renderMatrix(); } }, "Show the other " + more + " reports"));
    function th(key, label) {
      var on = matrixSort.key === key;
      return el("th", { "data-sort": key, onclick: function () {
        matrixSort = { key: key, dir: on ? -matrixSort.dir : 1 }; renderMatrix();
      } }, label + (on ? (matrixSort.dir > 0 ? " ▲" : " ▼") : ""));
    }
  }
  function matrixCsv() {
    var rows = [["file", "title", "region", "admin_level", "report_year", "status"].concat(PARTS.map(function (p) { return "has_" + p; }), ["quality_notes"])];
    matrixRows().forEach(function (r) {
      rows.push([r.file, r.title, r.region, r.level, r.year, r.status].concat(
        PARTS.map(function (p, j) { return r.parts ? (r.parts[j] ? 1 : 0) : ""; }),
        [r.quality.map(function (q) { return q[0] + (q[1] ? " " + q[1] : ""); }).join("; ")]));
    });
    return rows;
  }

  /* ------------------------------------------------------------------ filters → every view */
  var generation = 0;  // a filter changed while views were drawing: only the latest drawing may say it is done
  function renderAll() {
    var gen = ++generation;
    var n = R.filter(function (r) { return r.output && shown(r); }).length;
    shownBox.textContent = n + " of " + nOk + " reports in view";
    // What is on screen first is drawn first; the compliance matrix and the issuer view (below the fold) follow.
    return renderIndicators().then(function () {
      mark("first indicator charts");
      if (gen !== generation) return;
      done();
      return renderRegionPicker();
    }).then(function () {
      if (gen !== generation) return;
      mark("issuer charts");
      renderMatrix();
      mark("matrix");
      settle();
    });
  }
  function refilter() {
    matrixLimit = MATRIX_ROWS;
    F.level = levelSel.value; F.year = yearSel.value; F.region = regionBox.value.trim(); F.sort = sortSel.value;
    window.fazhiExplore.ready = window.fazhiExplore.settled = false;
    renderAll().catch(failed);
  }
  [levelSel, yearSel, sortSel].forEach(function (s) { s.addEventListener("change", refilter); });
  var typing = null;
  regionBox.addEventListener("input", function () { clearTimeout(typing); typing = setTimeout(refilter, 200); });

  function done() {
    window.fazhiExplore.ready = true;
    if (window.fazhiExplore.readyMs == null) window.fazhiExplore.readyMs = performance.now();
  }
  function settle() {
    window.fazhiExplore.settled = true;
    if (window.fazhiExplore.settledMs == null) window.fazhiExplore.settledMs = performance.now();
  }
  function failed(err) { say("A chart could not be drawn: " + (err && err.message ? err.message : err)); done(); settle(); }

  // ready: filters, matrix and the first indicator charts drawn and clickable; settled: every view drawn.
  window.fazhiExplore = { views: views, filters: F, ready: false, settled: false, readyMs: null, settledMs: null,
    scriptMs: started, marks: marks };
  renderAll().catch(failed);
})();
