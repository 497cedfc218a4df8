/* The review page of one report: header, highlighted text, item list, metrics table, edit mode → gold JSON.
 * Every string from the report is put into the DOM with textContent (FZ.el), never as markup. */
"use strict";
(function () {
  var D = FZ.data();
  var R = D.report;
  var el = FZ.el;
  var TEXT = new FZ.Text(D.text || "");
  var HAS_TEXT = D.text != null;
  var KIND = {
    measures: { label: "举措 Measures", short: "举措" },
    problems: { label: "不足 Problems", short: "不足" },
    rectifications: { label: "整改 Rectifications", short: "整改" },
    plans: { label: "安排 Plans", short: "安排" },
    leadership_duties: { label: "第一责任人 Leadership", short: "责任人" },
    metrics: { label: "数据 Metrics", short: "数据" }
  };
  var PARTS = { measures: "举措和成效", shortcomings: "不足和原因", leadership: "第一责任人", plans: "下一年安排", other: "其他情况" };
  var CATS = D.enums.categories;
  var M = FZ.model(D, TEXT);
  var S = M.S, status = M.status, edited = M.edited, live = M.live, byStart = M.byStart, tally = M.tally,
      save = M.save, discard = M.discard, problemKey = M.problemKey, setCause = M.setCause, rebase = M.rebase,
      goldJson = M.goldJson, LISTS = M.LISTS;

  /* ------------------------------------------------------------------ layout */
  var app = document.getElementById("app");
  var header = el("header", { "class": "top" });
  var legend = el("div", { "class": "legend", role: "toolbar", "aria-label": "kinds" });
  var sourceBox = el("div", { "class": "source", id: "source", tabindex: "-1" });
  var textPane = el("section", { "class": "text-pane" }, legend, sourceBox);
  var filterBox = el("input", { type: "search", id: "filter", placeholder: "Filter  ( / )", "aria-label": "filter" });
  var tabs = el("div", { "class": "tabs", role: "tablist" });
  var editBtn = el("button", { id: "edit-toggle", "class": "btn", type: "button", title: "Edit mode: accept, delete, correct, add → gold" });
  var dlBtn = el("button", { id: "download-gold", "class": "btn primary", type: "button" }, "Download gold");
  var toolbar = el("div", { "class": "side-toolbar" }, tabs, el("div", { "class": "side-actions" }, filterBox, editBtn, dlBtn));
  var reviewBar = el("div", { "class": "review-bar", id: "review-bar" });
  var listBox = el("div", { "class": "side-list", id: "side-list" });
  var side = el("aside", { "class": "side" }, toolbar, reviewBar, listBox);
  var selBar = el("div", { "class": "selbar", id: "selbar", hidden: true });
  app.appendChild(header);
  app.appendChild(el("main", { "class": "layout" }, textPane, side));
  app.appendChild(selBar);
  var segIndex = { byId: {} };

  /* ------------------------------------------------------------------ header */
  function renderHeader() {
    header.textContent = "";
    var m = S.metadata;
    var title = el("div", { "class": "title-row" },
      D.links && D.links.index ? el("a", { "class": "back", href: D.links.index }, "← all reports") : null,
      el("h1", { text: m.title || R.source.file }),
      el("span", { "class": "file", text: D.file + " · " + R.source.file + " · " + R.source.chars + " chars · " + R.source.encoding }));
    var metaRows = [["地区 region", m.region], ["级别 level", m.admin_level], ["年度 year", m.report_year],
      ["文号 doc no.", m.doc_number], ["发文 issuers", list(m.issuers)], ["签发人 signers", list(m.signers)],
      ["主送 recipients", list(m.recipients)], ["成文日期 issued", m.issue_date], ["印发日期 printed", m.printed_date]];
    var meta = el("dl", { "class": "meta two" }, metaRows.map(function (r) {
      return [el("dt", { text: r[0] }), el("dd", { "class": r[1] == null ? "null" : "", text: r[1] == null ? "—" : String(r[1]) })];
    }));
    var optional = D.enums.optional_parts || [];
    var comp = el("div", { "class": "compliance" }, el("div", { "class": "h", text: "Required parts" }),
      D.enums.parts.map(function (p) {
        var c = S.compliance[p] || { present: false, sections: [] };
        // An optional part (其他需要报告的情况) that is absent is not a failure: grey, not a red ✗.
        var state = c.present ? "yes" : optional.indexOf(p) >= 0 ? "optional" : "no";
        return el("span", { "class": "chip " + state,
          title: c.sections.join(", ") || (state === "optional" ? "optional part; none in this report" : "no section") },
          ({ yes: "✓ ", no: "✗ ", optional: "– " })[state] + PARTS[p] + (state === "optional" ? " (optional)" : "") +
          (c.sections.length ? " (" + c.sections.join("、") + ")" : ""));
      }));
    var notes = el("div", { "class": "notes" }, el("div", { "class": "h", text: "Quality notes (" + R.quality.length + ")" }),
      R.quality.length ? el("ul", null, R.quality.map(function (q) {
        var doc = D.enums.document_note_kinds.indexOf(q.kind) >= 0;
        return el("li", { "class": doc ? "doc" : "run" }, el("span", { "class": "kind", text: q.kind }),
          q.section ? el("span", { "class": "path", text: q.section }) : null, " " + q.message,
          q.quote ? el("q", { text: q.quote }) : null);
      })) : el("div", { "class": "muted", text: "none" }));
    var run = R.run;
    var runBox = el("div", { "class": "run" }, el("div", { "class": "h", text: "Run" }), run ? el("dl", { "class": "meta" },
      [["backend", run.backend], ["model", run.model || "—"], ["tokens in/out", run.tokens_in + " / " + run.tokens_out],
       ["calls / cache hits", run.calls + " / " + run.cache_hits], ["seconds", FZ.fmt(run.seconds, 1)],
       ["tool", run.tool_version || "—"]].map(function (r) {
        // One line each; a long model name is cut with … and shown whole on hover.
        return [el("dt", { text: r[0] }), el("dd", { "class": "one-line", title: String(r[1]), text: String(r[1]) })];
      }))
      : el("div", { "class": "muted", text: "no run record (gold file?)" }));
    var src = D.source;
    var banner = src.status === "ok" ? null : el("div", { "class": "banner " + src.status, role: "alert", text: bannerText(src) });
    header.appendChild(title);
    header.appendChild(el("div", { "class": "header-grid" }, meta, el("div", null, comp, notes), runBox));
    if (banner) header.appendChild(banner);
  }
  function bannerText(src) {
    if (src.status === "missing" || src.status === "unreadable")
      return "Source text not available: " + src.message + ". Items are listed with their quotes, but nothing can be shown in context.";
    return "Source text differs from the extracted file: " + src.message + ". Items marked ⚠ are not at their offsets in this text.";
  }
  function list(v) { return v == null ? null : v.join("、"); }
  // Offsets into the text shown; a PDF's evidence also names its page.
  function where(e) { return (e.page ? "p." + e.page + " · " : "") + e.start + "–" + e.end; }

  /* ------------------------------------------------------------------ legend and text */
  function counts() {
    var c = {};
    live().forEach(function (it) { c[it.list] = (c[it.list] || 0) + 1; });
    return c;
  }
  function renderLegend() {
    legend.textContent = "";
    var c = counts();
    LISTS.forEach(function (list) {
      legend.appendChild(el("button", { type: "button", "class": "chip k-" + list + (S.hidden[list] ? " off" : ""),
        "aria-pressed": S.hidden[list] ? "false" : "true", title: "show/hide " + KIND[list].label,
        onclick: function () { S.hidden[list] = !S.hidden[list]; renderAll(); } },
        el("i", { "class": "sw" }), KIND[list].label + " " + (c[list] || 0)));
    });
    legend.appendChild(el("span", { "class": "hint", text: "click a highlight to select its item · j/k next/prev · / filter" + (S.edit ? " · select text to add an item · a accept · x delete" : "") }));
  }
  function renderText() {
    if (!HAS_TEXT) {
      sourceBox.textContent = "";
      sourceBox.appendChild(el("div", { "class": "muted pad", text: "No source text: see the note above." }));
      return;
    }
    var spans = live().filter(function (it) { return !S.hidden[it.list]; }).map(function (it) {
      return { id: it.key, start: it.data.evidence.start, end: it.data.evidence.end, list: it.list };
    });
    segIndex = FZ.renderText(sourceBox, TEXT, spans, function (node, seg) {
      var items = seg.spans.filter(function (s) { return s.list !== "metrics"; });
      if (items.length) node.classList.add("k-" + items[0].list);
      if (items.length && items[0].start === seg.start) node.classList.add("first");  // where one item ends and the next begins
      if (items.length > 1) node.classList.add("u-" + items[items.length - 1].list);
      if (items.length > 2) node.classList.add("deep");
      if (seg.spans.some(function (s) { return s.list === "metrics"; })) node.classList.add("m");
      node.title = seg.spans.map(function (s) { return KIND[s.list].short + ": " + label(S.byKey[s.id]); }).join("\n");
    });
    markSelected(false);
  }
  function label(it) {
    var d = it.data;
    return it.list === "metrics" ? (d.name + " = " + d.value + (d.unit || "")) : d.summary;
  }

  /* ------------------------------------------------------------------ side: tabs, lists */
  function visible(list) {
    var f = S.filter.trim().toLowerCase();
    return S.items.filter(function (it) {
      if (list === "metrics" ? it.list !== "metrics" : it.list === "metrics") return false;
      if (S.hidden[it.list]) return false;
      if (!f) return true;
      var d = it.data;
      return [d.summary, d.category, d.section, d.evidence.quote, d.name, d.unit, d.indicator, d.cause, it.list]
        .some(function (x) { return x != null && String(x).toLowerCase().indexOf(f) >= 0; });
    });
  }
  function renderTabs() {
    tabs.textContent = "";
    var c = counts();
    var nItems = S.items.filter(function (it) { return it.list !== "metrics" && it.state !== "deleted"; }).length;
    [["items", "Items " + nItems], ["metrics", "Metrics " + (c.metrics || 0)], ["metadata", "Metadata" + (S.edit ? " & gold" : "")]]
      .forEach(function (t) {
        tabs.appendChild(el("button", { type: "button", role: "tab", "class": "tab" + (S.tab === t[0] ? " on" : ""),
          id: "tab-" + t[0], "aria-selected": S.tab === t[0] ? "true" : "false",
          onclick: function () { S.tab = t[0]; renderSide(); } }, t[1]));
      });
    editBtn.textContent = S.edit ? "✎ Editing" : "✎ Edit";
    editBtn.classList.toggle("on", S.edit);
    dlBtn.hidden = !S.edit;
    document.body.classList.toggle("editing", S.edit);
  }
  function renderReviewBar() {
    reviewBar.textContent = "";
    if (!S.edit) { reviewBar.hidden = true; return; }
    reviewBar.hidden = false;
    var t = tally();
    reviewBar.appendChild(el("span", { "class": "tally" },
      el("b", { text: String(t.accepted) }), " accepted · ", el("b", { text: String(t.edited) }), " edited · ",
      el("b", { text: String(t.added) }), " added · ", el("b", { text: String(t.deleted) }), " deleted · ",
      el("b", { "class": t.pending ? "warn" : "", text: String(t.pending) }), " to review"));
    if (S.restoredAt) reviewBar.appendChild(el("span", { "class": "restored" }, "restored from " + S.restoredAt.slice(0, 16).replace("T", " ") + " ",
      el("button", { type: "button", "class": "link", onclick: discard }, "discard")));
  }
  function renderSide() {
    renderTabs();
    renderReviewBar();
    listBox.textContent = "";
    if (S.tab === "items") renderItems();
    else if (S.tab === "metrics") renderMetrics();
    else renderMetadata();
    markSelected(false);
  }

  function stateButtons(it) {
    return el("span", { "class": "acts" },
      el("button", { type: "button", "class": "ico accept", title: "accept (a)", "aria-label": "accept",
        onclick: function (e) { e.stopPropagation(); accept(it); } }, "✓"),
      el("button", { type: "button", "class": "ico delete", title: it.state === "deleted" ? "restore (x)" : "delete (x)",
        "aria-label": it.state === "deleted" ? "restore" : "delete",
        onclick: function (e) { e.stopPropagation(); toggleDelete(it); } }, it.state === "deleted" ? "↺" : "✕"));
  }
  function select_(options, value, onchange, cls, allowNull) {
    var s = el("select", { "class": cls || "", onchange: function () { onchange(s.value === "" ? null : s.value); },
      onclick: function (e) { e.stopPropagation(); } },
      allowNull ? el("option", { value: "", text: "— none —" }) : null,
      options.map(function (o) { var v = Array.isArray(o) ? o[0] : o; return el("option", { value: v, text: Array.isArray(o) ? o[1] : o }); }));
    s.value = value == null ? "" : value;
    return s;
  }
  function input(value, onchange, attrs) {
    var a = Object.assign({ type: "text", value: value == null ? "" : value }, attrs || {});
    var i = el("input", a);
    i.addEventListener("change", function () { onchange(i.value); });
    i.addEventListener("click", function (e) { e.stopPropagation(); });
    return i;
  }
  function catOptions() {
    return CATS.map(function (c) { return [c, c + (D.category_labels[c] ? " · " + D.category_labels[c] : "")]; });
  }
  function renderItems() {
    var items = visible("items").sort(byStart);
    if (!items.length) { listBox.appendChild(el("div", { "class": "muted pad", text: "No items match." })); return; }
    items.forEach(function (it) {
      var d = it.data, st = status(it);
      var warn = it.grounded === false ? el("span", { "class": "warn", title: "the quote is not at these offsets in this text" }, "⚠ not at offsets") : null;
      var row = el("div", { "class": "item k-" + it.list + " st-" + st, "data-key": it.key, tabindex: "-1",
        onclick: function () { select(it.key, true, false); } },
        el("div", { "class": "row1" }, el("span", { "class": "badge k-" + it.list, text: KIND[it.list].short }),
          d.category ? el("span", { "class": "cat", text: d.category }) : null,
          d.section ? el("span", { "class": "path", text: d.section }) : null,
          el("span", { "class": "off", text: where(d.evidence) }), warn,
          st !== "pending" ? el("span", { "class": "st", text: st }) : null,
          S.edit ? stateButtons(it) : null),
        el("div", { "class": "summary", text: d.summary }),
        el("div", { "class": "quote", text: d.evidence.quote.replace(/\s+/g, " ") }),
        d.cause ? el("div", { "class": "cause" }, el("span", { "class": "muted", text: "原因 " }), d.cause) : null);
      if (S.edit && it.state !== "deleted" && it.key === S.selected) row.appendChild(editor(it));
      listBox.appendChild(row);
    });
  }
  function editor(it) {
    var d = it.data;
    var box = el("div", { "class": "editor" });
    if (d.category !== undefined)
      box.appendChild(el("label", null, "category ", select_(catOptions(), d.category, function (v) { d.category = v; changed(it); }, "cat-select")));
    box.appendChild(el("label", null, "summary ", input(d.summary, function (v) { d.summary = v.trim(); changed(it); }, { "class": "summary-input", maxlength: 120 })));
    if (it.list === "problems")
      box.appendChild(el("label", null, "cause ", input(d.cause, function (v) { setCause(it, v.trim()); changed(it); }, { "class": "cause-input" })));
    if (it.list === "rectifications") {
      var probs = S.items.filter(function (p) { return p.list === "problems" && p.state !== "deleted"; }).sort(byStart);
      box.appendChild(el("label", null, "fixes problem ", select_(probs.map(function (p) { return [p.key, p.data.summary.slice(0, 30)]; }),
        problemKey(d.problem), function (v) { d.problem = v == null ? null : v; changed(it); }, "problem-select", true)));
    }
    return box;
  }
  /* metrics table */
  var MCOLS = [["name", "name 名称"], ["value", "value"], ["unit", "unit"], ["value_base", "value_base"], ["approx", "approx"],
    ["indicator", "indicator"], ["start", "offsets"]];
  function renderMetrics() {
    var rows = visible("metrics");
    var k = S.sort.key, dir = S.sort.dir;
    rows.sort(function (a, b) {
      var x = k === "start" ? a.data.evidence.start : a.data[k], y = k === "start" ? b.data.evidence.start : b.data[k];
      if (x == null && y == null) return 0;
      if (x == null) return 1;
      if (y == null) return -1;
      return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh")) * dir;
    });
    var table = el("table", { "class": "metrics", id: "metrics-table" },
      el("thead", null, el("tr", null, MCOLS.map(function (c) {
        var on = S.sort.key === c[0];
        return el("th", { "class": "sortable" + (on ? " on" : ""), "data-col": c[0], "aria-sort": on ? (dir > 0 ? "ascending" : "descending") : "none",
          onclick: function () { S.sort = { key: c[0], dir: on ? -dir : 1 }; renderSide(); } }, c[1] + (on ? (dir > 0 ? " ▲" : " ▼") : ""));
      }), S.edit ? el("th", null, "") : null)));
    var body = el("tbody");
    rows.forEach(function (it) {
      var d = it.data, st = status(it);
      var tr = el("tr", { "class": "item k-metrics st-" + st, "data-key": it.key, onclick: function () { select(it.key, true, false); } });
      if (S.edit && it.state !== "deleted") {
        tr.appendChild(el("td", null, input(d.name, function (v) { d.name = v.trim(); changed(it); }, { "class": "m-name" })));
        tr.appendChild(el("td", null, input(d.value, function (v) { d.value = Number(v); rebase(d); changed(it); }, { type: "number", step: "any", "class": "m-value" })));
        tr.appendChild(el("td", null, input(d.unit, function (v) { d.unit = v.trim() || null; rebase(d); changed(it); }, { "class": "m-unit" })));
        tr.appendChild(el("td", { "class": "num", text: FZ.fmt(d.value_base) + (d.base_unit ? " " + d.base_unit : "") }));
        var cb = el("input", { type: "checkbox", "class": "m-approx", onclick: function (e) { e.stopPropagation(); } });
        cb.checked = !!d.approx;
        cb.addEventListener("change", function () { d.approx = cb.checked; changed(it); });
        tr.appendChild(el("td", null, cb));
        tr.appendChild(el("td", null, select_(D.enums.indicators, d.indicator, function (v) { d.indicator = v; changed(it); }, "m-indicator", true)));
      } else {
        tr.appendChild(el("td", { text: d.name }));
        tr.appendChild(el("td", { "class": "num", text: FZ.fmt(d.value) }));
        tr.appendChild(el("td", { text: d.unit || "" }));
        tr.appendChild(el("td", { "class": "num", text: FZ.fmt(d.value_base) + (d.base_unit ? " " + d.base_unit : "") }));
        tr.appendChild(el("td", { text: d.approx ? "≈" : "" }));
        tr.appendChild(el("td", { "class": "ind", text: d.indicator || "" }));
      }
      tr.appendChild(el("td", { "class": "off" }, where(d.evidence), it.grounded === false ? " ⚠" : ""));
      if (S.edit) tr.appendChild(el("td", null, stateButtons(it)));
      body.appendChild(tr);
    });
    table.appendChild(body);
    listBox.appendChild(rows.length ? table : el("div", { "class": "muted pad", text: "No metrics match." }));
  }
  /* metadata (and, in edit mode, compliance and the labeling note) */
  function renderMetadata() {
    var m = S.metadata;
    var form = el("div", { "class": "form" });
    D.enums.metadata_fields.forEach(function (f) {
      var v = m[f], isList = Array.isArray(v) || ["issuers", "signers", "recipients"].indexOf(f) >= 0;
      var shown = isList ? (v || []).join("、") : v;
      var ctl;
      if (!S.edit) ctl = el("span", { "class": v == null ? "null" : "", text: v == null ? "—" : String(shown) });
      else if (f === "admin_level") ctl = select_(D.enums.admin_levels, v, function (x) { m[f] = x; metaChanged(); }, "", true);
      else ctl = input(shown, function (x) {
        x = x.trim();
        if (isList) { var parts = x.split(/[、,，;；\n]+/).map(function (p) { return p.trim(); }).filter(Boolean); m[f] = parts.length ? parts : null; }
        else if (f === "report_year") m[f] = x ? parseInt(x, 10) : null;
        else m[f] = x || null;
        metaChanged();
      }, { name: f, type: f === "report_year" ? "number" : /date/.test(f) ? "date" : "text", placeholder: isList ? "一项一个，用、分隔" : "" });
      form.appendChild(el("label", { "class": "field" }, el("span", { "class": "k", text: f }), ctl));
    });
    listBox.appendChild(el("h3", { text: "Metadata" }));
    listBox.appendChild(form);
    if (!S.edit) return;
    listBox.appendChild(el("h3", { text: "Required parts" }));
    var comp = el("div", { "class": "form" });
    D.enums.parts.forEach(function (p) {
      var c = S.compliance[p];
      var cb = el("input", { type: "checkbox", name: "present-" + p });
      cb.checked = c.present;
      cb.addEventListener("change", function () { c.present = cb.checked; metaChanged(); });
      comp.appendChild(el("label", { "class": "field" }, el("span", { "class": "k", text: p + " " + PARTS[p] }), cb,
        input(c.sections.join("、"), function (x) { c.sections = x.split(/[、,，\s]+/).filter(Boolean); metaChanged(); }, { placeholder: "sections, e.g. 一" })));
    });
    listBox.appendChild(comp);
    listBox.appendChild(el("h3", { text: "Labeling note (_labeling)" }));
    var ta = el("textarea", { id: "labeling-note", rows: 5, placeholder: "Who checked this and how ambiguous items were decided. The counts are added on download." });
    ta.value = S.note;
    ta.addEventListener("change", function () { S.note = ta.value; save(); });
    listBox.appendChild(ta);
    listBox.appendChild(el("p", { "class": "muted" }, "Then: ", el("code", { text: "fazhi gold check FILE" }), " and ",
      el("code", { text: "fazhi gold add FILE --suite NAME" }), " — see the README."));
  }
  function metaChanged() { save(); renderHeader(); renderReviewBar(); }

  /* ------------------------------------------------------------------ selection and navigation */
  function select(key, scrollText, scrollList) {
    var before = S.selected;
    S.selected = key;
    var it = S.byKey[key];
    if (it && it.list === "metrics" && S.tab !== "metrics") S.tab = "metrics";
    else if (it && it.list !== "metrics" && S.tab !== "items") S.tab = "items";
    else if (!(S.edit && S.tab === "items" && before !== key)) { markSelected(true, scrollText, scrollList); return; }
    var top = listBox.scrollTop;
    renderSide();  // a tab switch, or the editor moves to the selected item
    listBox.scrollTop = top;
    markSelected(true, scrollText, scrollList);
  }
  function markSelected(doFlash, scrollText, scrollList) {
    document.querySelectorAll(".seg.sel").forEach(function (n) { n.classList.remove("sel"); });
    document.querySelectorAll(".item.sel").forEach(function (n) { n.classList.remove("sel"); });
    if (!S.selected) return;
    var segs = segIndex.byId[S.selected] || [];
    segs.forEach(function (n) { n.classList.add("sel"); });
    var row = listBox.querySelector('[data-key="' + cssEscape(S.selected) + '"]');
    if (row) {
      row.classList.add("sel");
      if (scrollList) row.scrollIntoView({ block: "nearest" });
    }
    if (scrollText && segs.length) segs[0].scrollIntoView({ block: "center" });
    if (doFlash) FZ.flash(segs);
  }
  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/"/g, '\\"'); }
  function step(dir) {
    var rows = Array.prototype.map.call(listBox.querySelectorAll("[data-key]"), function (n) { return n.dataset.key; });
    if (!rows.length) return;
    var i = rows.indexOf(S.selected);
    i = i < 0 ? (dir > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + dir));
    select(rows[i], true, true);
  }
  sourceBox.addEventListener("click", function (e) {
    var seg = e.target.closest && e.target.closest(".seg");
    if (!seg || !seg.dataset.ids) return;
    var sel = window.getSelection();
    if (sel && !sel.isCollapsed) return;  // the user is selecting text, not clicking
    var ids = seg.dataset.ids.split(" ").sort(function (a, b) { return span(a) - span(b); });  // innermost first
    var at = ids.indexOf(S.selected);
    select(ids[at < 0 ? 0 : (at + 1) % ids.length], false, true);  // a second click on nested spans cycles outward
  });
  function span(key) { var e = S.byKey[key].data.evidence; return e.end - e.start; }

  /* ------------------------------------------------------------------ editing */
  function changed(it) {
    if (it.state === "pending") it.state = "accepted";  // a correction is a review
    save(); renderLegend(); renderReviewBar();
    var row = listBox.querySelector('[data-key="' + cssEscape(it.key) + '"]');
    if (row) { row.className = row.className.replace(/\bst-\S+/, "st-" + status(it)); }
  }
  function accept(it) { if (it.state === "deleted") return; it.state = "accepted"; save(); renderSide(); }
  function toggleDelete(it) {
    if (it.state === "deleted") it.state = it.added || edited(it) ? "accepted" : "pending";
    else it.state = "deleted";
    save(); renderLegend(); renderText(); renderSide();
  }
  editBtn.addEventListener("click", function () { S.edit = !S.edit; renderAll(); });
  dlBtn.addEventListener("click", download);

  function createItem(list, a, b) {
    var it = M.newItem(list, a, b);
    save();
    window.getSelection().removeAllRanges();
    hideSelBar();
    S.tab = list === "metrics" ? "metrics" : "items";
    S.filter = ""; filterBox.value = "";
    renderAll();
    select(it.key, false, true);
    var first = listBox.querySelector('[data-key="' + cssEscape(it.key) + '"] input');
    if (first) first.focus();
    return it;
  }
  function hideSelBar() { selBar.hidden = true; }
  function showSelBar(range) {
    selBar.textContent = "";
    selBar.appendChild(el("span", { "class": "muted", text: "Add [" + range.start + "," + range.end + ") as " }));
    LISTS.forEach(function (list) {
      selBar.appendChild(el("button", { type: "button", "class": "chip k-" + list, "data-list": list,
        onmousedown: function (e) { e.preventDefault(); },
        onclick: function () { createItem(list, range.start, range.end); } }, el("i", { "class": "sw" }), KIND[list].short));
    });
    var rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    selBar.hidden = false;
    selBar.style.top = Math.max(8, rect.top - selBar.offsetHeight - 8) + "px";
    selBar.style.left = Math.max(8, Math.min(window.innerWidth - selBar.offsetWidth - 8, rect.left)) + "px";
  }
  document.addEventListener("mouseup", function (e) {
    if (!S.edit || !HAS_TEXT || selBar.contains(e.target)) return;
    setTimeout(function () {
      var r = FZ.selectionOffsets(sourceBox, TEXT);
      if (r) showSelBar(r); else hideSelBar();
    }, 0);
  });
  sourceBox.addEventListener("scroll", hideSelBar);

  function download() {
    var text = JSON.stringify(goldJson(), null, 1) + "\n";
    var a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "application/json" })),
      download: R.source.file.replace(/\.[^.]*$/, "") + ".gold.json" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    S.dirty = false;
  }
  window.addEventListener("beforeunload", function (e) { if (S.dirty) { e.preventDefault(); e.returnValue = ""; } });

  /* ------------------------------------------------------------------ keyboard */
  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
    if (e.key === "Escape") { if (typing) e.target.blur(); hideSelBar(); return; }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "/") { e.preventDefault(); filterBox.focus(); filterBox.select(); }
    else if (e.key === "j") { e.preventDefault(); step(1); }
    else if (e.key === "k") { e.preventDefault(); step(-1); }
    else if (S.edit && S.selected && e.key === "a") { accept(S.byKey[S.selected]); step(1); }
    else if (S.edit && S.selected && e.key === "x") { toggleDelete(S.byKey[S.selected]); }
  });
  filterBox.addEventListener("input", function () { S.filter = filterBox.value; renderSide(); });

  /* ------------------------------------------------------------------ go */
  function renderAll() { renderHeader(); renderLegend(); renderText(); renderSide(); }
  M.restore();
  renderAll();
  /* `page.html#span=START-END` (links from explore.html): select the item whose evidence is that span. */
  function openHash() {
    var m = /^#span=(\d+)-(\d+)$/.exec(location.hash);
    if (!m) return;
    var a = +m[1], b = +m[2];
    var hits = S.items.filter(function (it) { var e = it.data.evidence; return e && e.start === a && e.end === b; });
    if (hits.length) select(hits[0].key, true, true);
  }
  openHash();
  window.addEventListener("hashchange", openHash);
  window.fazhiReview = { goldJson: goldJson, state: S, renderMs: performance.now() };  // for tests and the console
})();
