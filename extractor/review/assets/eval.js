/* The eval page: score table (reports × fields), then each report's misses shown in its source text. */
"use strict";
(function () {
  var D = FZ.data();
  var L = D.log;
  var el = FZ.el;
  var KINDS = { fn: "missed (gold only)", fp: "false positive (predicted only)", wrong: "wrong value", ungrounded: "not at offsets" };
  var app = document.getElementById("app");
  var page = el("div", { "class": "page" });
  app.appendChild(page);

  var who = L.pred_dir ? "predictions in " + L.pred_dir : [L.config && L.config.backend, L.config && L.config.model].filter(Boolean).join(" ");
  page.appendChild(el("header", null, el("h1", { text: "eval " + L.suite + " · " + who }),
    el("div", { "class": "sub", text: L.created + " · tool " + L.tool_version + " · " + Object.keys(L.reports).length +
      " report(s) · suite " + D.suite_path })));

  function cls(v) { return v == null ? "" : v >= 0.9995 ? "hi" : v < 0.5 ? "lo" : "mid"; }
  function cell(fname, v) {
    if (!v) return el("td", { "class": "num muted", text: "–" });
    var key = D.primary[fname], s = v[key];
    var tip = Object.keys(v).map(function (k) { return k + " " + (typeof v[k] === "number" && v[k] % 1 ? v[k].toFixed(3) : v[k]); }).join("\n");
    var sub = v.gold != null ? "g" + v.gold + " p" + v.pred : v.total != null ? v.right + "/" + v.total : v.checked != null ? v.grounded + "/" + v.checked : "";
    return el("td", { "class": "num", title: tip, "data-field": fname },
      el("span", { "class": "score " + cls(s), text: s == null ? "–" : s.toFixed(3) }),
      sub ? el("div", { "class": "muted small", text: sub }) : null);
  }
  var rows = D.rows.filter(function (f) { return L.summary[f]; });
  var head = el("tr", null, el("th", null, "report"), rows.map(function (f) { return el("th", { "class": "num", text: f.replace("leadership_duties", "leadership") }); }),
    el("th", { "class": "num", text: "misses" }));
  var body = el("tbody");
  Object.keys(L.reports).forEach(function (id) {
    var n = countMisses(id);
    body.appendChild(el("tr", { "data-doc": id }, el("td", null, n ? el("a", { href: "#doc-" + encodeURIComponent(id), text: id }) : id),
      rows.map(function (f) { return cell(f, L.reports[id][f]); }), el("td", { "class": "num", text: String(n) })));
  });
  body.appendChild(el("tr", { "class": "mean" }, el("td", null, "suite mean"), rows.map(function (f) { return cell(f, L.summary[f]); }), el("td")));
  page.appendChild(el("table", { "class": "grid", id: "scores" }, el("thead", null, head), body));
  page.appendChild(el("p", { "class": "muted", text: "score = the field's gated score (typed F1 for item lists, metrics, causes and sections: a match counts only when what the model decides is right too; share of fields right for metadata; parts right for compliance; grounded share); headline = mean typed score, overall = span-only mean. g/p = gold/predicted items. Hover a cell for every number (span F1, category accuracy, summary key terms, attribution, …)." }));

  [["errors", "error (scored 0)"], ["skipped", "skipped"]].forEach(function (k) {
    Object.keys(L[k[0]] || {}).forEach(function (id) { page.appendChild(el("div", { "class": "banner missing", text: k[1] + " " + id + ": " + L[k[0]][id] })); });
  });

  function countMisses(id) {
    var f = L.misses[id] || {};
    return Object.keys(f).reduce(function (n, k) { return n + f[k].length; }, 0);
  }

  page.appendChild(el("h2", { text: "Misses in context" }));
  page.appendChild(el("div", { "class": "legend-inline" },
    el("span", null, el("span", { "class": "s seg x-fn", text: "gold span" }), " missed: in gold, not predicted"),
    el("span", null, el("span", { "class": "s seg x-fp", text: "predicted span" }), " false positive: predicted, not in gold"),
    el("span", null, el("span", { "class": "s seg x-wrong", text: "predicted span" }), " matched, but category / indicator differs"),
    el("span", null, el("span", { "class": "s seg x-ungrounded", text: "quote" }), " not at its offsets")));
  var ids = Object.keys(L.misses);
  if (!ids.length) page.appendChild(el("p", { "class": "muted", text: "No misses: every gold item was found and nothing extra was predicted." }));
  ids.forEach(function (id) { page.appendChild(docSection(id)); });

  function iou(a, b) {
    var inter = Math.min(a.end, b.end) - Math.max(a.start, b.start);
    return inter <= 0 ? 0 : inter / (Math.max(a.end, b.end) - Math.min(a.start, b.start));
  }

  function docSection(id) {
    var fields = L.misses[id], doc = D.docs[id] || {};
    var all = [];
    Object.keys(fields).forEach(function (f) { fields[f].forEach(function (m, i) { all.push(Object.assign({ field: f, id: f + ":" + i }, m)); }); });
    var located = all.filter(function (m) { return m.start != null; });
    var details = el("details", { "class": "doc", id: "doc-" + id, open: true });
    details.appendChild(el("summary", null, id + " — " + all.length + " miss(es)"));
    var list = el("div", { "class": "miss-list" });
    var src = el("div", { "class": "source" });
    details.appendChild(el("div", { "class": "doc-body" }, list, src));
    var byId = {};
    all.forEach(function (m) { byId[m.id] = m; });
    var text = doc.text != null ? new FZ.Text(doc.text) : null;
    var index = { byId: {} };
    if (text) {
      index = FZ.renderText(src, text, located.map(function (m) { return { id: m.id, start: m.start, end: m.end, kind: m.kind }; }),
        function (node, seg) {
          seg.spans.forEach(function (s) { node.classList.add("x-" + s.kind); });
          node.title = seg.spans.map(function (s) { var m = byId[s.id]; return KINDS[m.kind] + " · " + m.field + (m.label ? " · " + m.label : ""); }).join("\n");
        });
    } else {
      src.appendChild(el("div", { "class": "muted pad", text: doc.error || "no offsets to show in the text" }));
    }
    var rows = {};
    function pick(mid) {
      details.querySelectorAll(".sel").forEach(function (n) { n.classList.remove("sel"); });
      var segs = index.byId[mid] || [];
      segs.forEach(function (n) { n.classList.add("sel"); });
      if (rows[mid]) rows[mid].classList.add("sel");
      if (segs.length) { segs[0].scrollIntoView({ block: "center" }); FZ.flash(segs); }
    }
    src.addEventListener("click", function (e) {
      var seg = e.target.closest(".seg");
      if (seg && seg.dataset.ids) {
        var mid = seg.dataset.ids.split(" ").pop();
        details.querySelectorAll(".sel").forEach(function (n) { n.classList.remove("sel"); });
        (index.byId[mid] || []).forEach(function (n) { n.classList.add("sel"); });
        if (rows[mid]) { rows[mid].classList.add("sel"); rows[mid].scrollIntoView({ block: "nearest" }); }
      }
    });
    var firstSeg = located.length && index.byId[located[0].id] ? index.byId[located[0].id][0] : null;
    if (firstSeg) requestAnimationFrame(function () { src.scrollTop = Math.max(0, firstSeg.offsetTop - 60); });
    Object.keys(fields).forEach(function (f) {
      list.appendChild(el("h3", { text: f + " (" + fields[f].length + ")" }));
      all.filter(function (m) { return m.field === f; }).forEach(function (m) {
        var where = m.start != null ? "[" + m.start + "," + m.end + ")" : "";
        var pairs = m.kind === "fn" ? all.filter(function (o) { return o.field === f && o.kind === "fp" && o.start != null && iou(m, o) > 0; }) : [];
        var row = el("div", { "class": "miss", "data-kind": m.kind, "data-id": m.id, onclick: function () { pick(m.id); } },
          el("span", { "class": "tag " + m.kind, text: m.kind.toUpperCase() }), el("span", { "class": "lbl", text: (m.label || "") + " " + where }),
          el("span", { "class": "q", text: m.quote.replace(/\s+/g, " ") }),
          pairs.length ? el("div", { "class": "pairs" }, pairs.map(function (o) {
            return el("div", { text: f === "metrics" ? "≈ predicted at [" + o.start + "," + o.end + "): " + o.label
              : "≈ predicted [" + o.start + "," + o.end + ") overlaps, IoU " + iou(m, o).toFixed(2) + " < 0.5" });
          })) : null);
        rows[m.id] = row;
        list.appendChild(row);
      });
    });
    return details;
  }
})();
