/* The review page's data, without the DOM: the items and their review state, unsaved work kept in local
 * storage, the edits that need the text (a cause's span, a metric's base value, a new item's defaults),
 * and the gold JSON those become (evals/gold/CONVENTIONS.md). report.js renders it. */
"use strict";
FZ.model = function (D, TEXT) {
  var R = D.report;
  var LISTS = ["measures", "problems", "rectifications", "plans", "leadership_duties", "metrics"];
  var LEAD_MARKER = new RegExp(D.grammar.lead_marker);  // from extractor/text/grammar.py, never typed here
  var STORE = "fazhi-review:" + R.source.sha256 + ":" + D.report_sha;
  function clone(x) { return JSON.parse(JSON.stringify(x)); }

  /* ------------------------------------------------------------------ items and their state */
  var S = {
    items: [], byKey: {}, metadata: clone(R.metadata), compliance: clone(R.compliance), note: "",
    edit: false, tab: "items", filter: "", selected: null, hidden: {}, sort: { key: "start", dir: 1 },
    added: 0, dirty: false, restoredAt: null
  };
  function addItem(it) { S.items.push(it); S.byKey[it.key] = it; return it; }
  LISTS.forEach(function (list) {
    (R[list] || []).forEach(function (item, i) {
      addItem({ key: list + ":" + i, list: list, data: clone(item), orig: JSON.stringify(item), state: "pending",
                added: false, grounded: D.grounded[list] ? D.grounded[list][i] : null });
    });
  });
  function edited(it) { return !it.added && JSON.stringify(it.data) !== it.orig; }
  function status(it) {
    if (it.state === "deleted") return "deleted";
    if (it.added) return "added";
    if (edited(it)) return "edited";
    return it.state;  // pending | accepted
  }
  function live() { return S.items.filter(function (it) { return it.state !== "deleted"; }); }
  function byStart(a, b) { return a.data.evidence.start - b.data.evidence.start || a.data.evidence.end - b.data.evidence.end; }
  function tally() {
    var t = { accepted: 0, edited: 0, added: 0, deleted: 0, pending: 0 };
    S.items.forEach(function (it) { t[status(it)]++; });
    return t;
  }

  /* ------------------------------------------------------------------ unsaved review work */
  function save() {
    S.dirty = true;
    try {
      localStorage.setItem(STORE, JSON.stringify({
        time: new Date().toISOString(), metadata: S.metadata, compliance: S.compliance, note: S.note,
        items: S.items.filter(function (it) { return it.added || it.state !== "pending" || edited(it); })
          .map(function (it) { return { key: it.key, list: it.list, data: it.data, state: it.state, added: it.added }; })
      }));
    } catch (e) { /* storage may be unavailable for file:// pages; editing still works */ }
  }
  function restore() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { saved = null; }
    if (!saved) return;
    S.metadata = saved.metadata; S.compliance = saved.compliance; S.note = saved.note || "";
    saved.items.forEach(function (s) {
      var it = S.byKey[s.key];
      if (!it && s.added) { it = addItem({ key: s.key, list: s.list, added: true, orig: "", grounded: true }); S.added++; }
      if (it) { it.data = s.data; it.state = s.state; }
    });
    S.restoredAt = saved.time; S.edit = true;
  }
  function discard() {
    try { localStorage.removeItem(STORE); } catch (e) { /* ignore */ }
    location.reload();
  }

  /* ------------------------------------------------------------------ edits that need the text */
  function problemKey(p) {
    if (p == null) return null;
    return typeof p === "number" ? "problems:" + p : p;  // originals hold an index, edits a key
  }
  function setCause(it, text) {
    var d = it.data;
    if (!text) { d.cause = null; d.cause_evidence = null; return; }
    d.cause = text;
    d.cause_evidence = null;
    if (D.text == null) return;
    var inside = TEXT.slice(d.evidence.start, d.evidence.end);
    var at = inside.indexOf(text);
    if (at >= 0) {  // the cause is quoted from the item: give it its span
      var s = d.evidence.start + Array.from(inside.slice(0, at)).length;
      d.cause_evidence = { quote: text, start: s, end: s + Array.from(text).length, alignment: "span" };
    }
  }
  function clean(x) { return Number(x.toPrecision(12)); }
  /* value_base and base_unit from value and unit, by the extractor's own multiplier and ratio tables */
  function rebase(d) {
    var unit = d.unit || "", v = Number(d.value);
    if (D.units.ratio[unit]) { d.value_base = clean(v / D.units.ratio[unit]); d.base_unit = "ratio"; return; }
    var mult = 1, rest = unit;
    Object.keys(D.units.multipliers).sort(function (a, b) { return b.length - a.length; }).some(function (m) {
      if (unit.indexOf(m) === 0 && unit.length > m.length) { mult = D.units.multipliers[m]; rest = unit.slice(m.length); return true; }
      return false;
    });
    if (rest.length > 1 && rest[0] === "个") rest = rest.slice(1);  // 个工作日 → 工作日, as CONVENTIONS.md says
    d.value_base = clean(v * mult);
    d.base_unit = rest || null;
  }
  function sectionAt(pos) {
    var best = null;
    (R.sections || []).forEach(function (s) { if (s.evidence.start <= pos && (!best || s.evidence.start >= best.evidence.start)) best = s; });
    return best ? best.path : null;
  }
  function leadClause(q) {
    var s = q.replace(LEAD_MARKER, "");
    return s.split(/[，。；;：:\n]/)[0].trim().slice(0, 60);
  }
  function quantityIn(a, b) {
    var inside = D.quantities.filter(function (q) { return q.start >= a && q.end <= b; });
    if (inside.length) return inside[0];
    return D.quantities.filter(function (q) { return q.start < b && q.end > a; })[0] || null;
  }
  /* A new item for the selected text [a, b): quote = that exact slice of the original text. */
  function newItem(list, a, b) {
    var quote = TEXT.slice(a, b);
    var ev = { quote: quote, start: a, end: b, alignment: "span" };
    var d;
    if (list === "metrics") {
      var q = quantityIn(a, b) || {};  // the quantity extraction found there, if any
      d = { name: q.name || "", value: q.value != null ? q.value : Number((quote.match(/\d+(?:\.\d+)?/) || ["0"])[0]),
            unit: q.unit != null ? q.unit : null, approx: !!q.approx, value_base: 0, base_unit: null,
            indicator: q.indicator || null, evidence: ev };
      if (q.value_base != null) { d.value_base = q.value_base; d.base_unit = q.base_unit; } else rebase(d);
    } else {
      d = { summary: leadClause(quote), section: sectionAt(a), evidence: ev };
      if (list === "measures" || list === "plans") d.category = "other";
      if (list === "problems") { d.cause = null; d.cause_evidence = null; }
      if (list === "rectifications") d.problem = null;
    }
    return addItem({ key: list + ":n" + (++S.added), list: list, data: d, orig: "", state: "accepted", added: true, grounded: true });
  }

  /* ------------------------------------------------------------------ gold */
  function goldJson() {
    var out = {}, t = tally(), lists = {}, problemIndex = {};
    LISTS.forEach(function (list) {
      lists[list] = S.items.filter(function (it) { return it.list === list && it.state !== "deleted"; }).sort(byStart);
    });
    lists.problems.forEach(function (it, i) { problemIndex[it.key] = i; });
    var who = R.run ? (R.run.backend + (R.run.model ? " " + R.run.model : "")) : "an earlier gold file";
    var same = JSON.stringify(S.metadata) === JSON.stringify(R.metadata) && JSON.stringify(S.compliance) === JSON.stringify(R.compliance);
    var auto = "Reviewed in fazhi review " + D.tool_version + " on " + new Date().toISOString().slice(0, 10) +
      " from " + who + " output " + D.file + ": " + t.accepted + " items accepted, " + t.edited + " edited, " + t.added +
      " added, " + t.deleted + " deleted, " + t.pending + " not reviewed (kept as extracted). Metadata and compliance " +
      (same ? "as extracted." : "corrected by hand.");
    out._labeling = (S.note.trim() ? S.note.trim() + "\n\n" : "") + auto;
    out.source = R.source;
    out.metadata = S.metadata;
    out.sections = R.sections;
    ["leadership_duties", "measures", "metrics", "problems", "rectifications", "plans"].forEach(function (list) {
      out[list] = lists[list].map(function (it) {
        var d = clone(it.data);
        if (list === "rectifications") {  // an index into the problems as they are now
          var k = problemKey(d.problem);
          d.problem = k != null && problemIndex[k] != null ? problemIndex[k] : null;
        }
        return d;
      });
    });
    out.compliance = S.compliance;
    out.quality = R.quality.filter(function (q) { return D.enums.document_note_kinds.indexOf(q.kind) >= 0; });
    out.run = null;
    return out;
  }

  return { S: S, LISTS: LISTS, edited: edited, status: status, live: live, byStart: byStart, tally: tally,
           save: save, restore: restore, discard: discard, problemKey: problemKey, setCause: setCause,
           rebase: rebase, newItem: newItem, goldJson: goldJson };
};
