/* Shared by every review page: safe DOM building, text split at span boundaries, selection → offsets.
 *
 * Offsets in a Report count Unicode code points of the original text (Python's str indices); JS strings
 * count UTF-16 units. Everything here works in code points, so a report with characters outside the BMP
 * (rare hanzi such as 𠮷) still highlights and selects the right characters.
 */
"use strict";
var FZ = (function () {
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] == null || attrs[k] === false) continue;
        if (k === "class") node.className = attrs[k];
        else if (k === "text") node.textContent = attrs[k];
        else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
        else node.setAttribute(k, attrs[k] === true ? "" : String(attrs[k]));
      }
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child == null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }

  function data(id) {
    return JSON.parse(document.getElementById(id || "fazhi-data").textContent);
  }

  /* The text as code points, with slicing by code point offsets. */
  function Text(text) {
    this.raw = text || "";
    this.cps = Array.from(this.raw);
    this.length = this.cps.length;
    this.simple = this.cps.length === this.raw.length;
  }
  Text.prototype.slice = function (a, b) {
    return this.simple ? this.raw.slice(a, b) : this.cps.slice(a, b).join("");
  };

  /* Split [0, n) at every span boundary: [{start, end, spans: [span…]}] where spans cover the segment,
   * longest first (the outermost item is drawn as the background, inner ones as underlines/boxes). */
  function segments(n, spans) {
    var cuts = [0, n];
    var valid = spans.filter(function (s) { return s.start >= 0 && s.end <= n && s.end > s.start; });
    valid.forEach(function (s) { cuts.push(s.start, s.end); });
    cuts = Array.from(new Set(cuts)).sort(function (a, b) { return a - b; });
    var byStart = {};
    valid.forEach(function (s) { (byStart[s.start] = byStart[s.start] || []).push(s); });
    var active = [];
    var out = [];
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      active = active.filter(function (s) { return s.end > a; });
      if (byStart[a]) active = active.concat(byStart[a]);
      var cover = active.slice().sort(function (x, y) { return (y.end - y.start) - (x.end - x.start) || x.start - y.start; });
      out.push({ start: a, end: b, spans: cover });
    }
    return out;
  }

  /* Render `text` (a Text) into `container` as one <span class="seg" data-start data-end> per segment.
   * decorate(segEl, segment) adds classes. Returns {byId: id -> [segEl…]}. */
  function renderText(container, text, spans, decorate) {
    container.textContent = "";
    var byId = {};
    var frag = document.createDocumentFragment();
    segments(text.length, spans).forEach(function (seg) {
      var node = el("span", { "class": "seg", "data-start": seg.start, "data-end": seg.end }, text.slice(seg.start, seg.end));
      if (seg.spans.length) {
        node.dataset.ids = seg.spans.map(function (s) { return s.id; }).join(" ");
        seg.spans.forEach(function (s) { (byId[s.id] = byId[s.id] || []).push(node); });
        if (decorate) decorate(node, seg);
      }
      frag.appendChild(node);
    });
    container.appendChild(frag);
    return { byId: byId };
  }

  function cpLength(s) { return Array.from(s).length; }

  /* A DOM position inside a rendered text → code point offset in the original text. */
  function pointOffset(container, node, offset, text) {
    if (node.nodeType === 3) {
      var seg = node.parentElement && node.parentElement.closest(".seg");
      if (!seg || !container.contains(seg)) return null;
      return Number(seg.dataset.start) + cpLength(node.data.slice(0, offset));
    }
    var el_ = node.nodeType === 1 ? node : null;
    if (!el_) return null;
    var seg2 = el_.closest(".seg");
    if (seg2 && container.contains(seg2)) return offset === 0 ? Number(seg2.dataset.start) : Number(seg2.dataset.end);
    if (el_ === container || container.contains(el_)) {
      var kids = el_.childNodes;
      if (offset < kids.length) {
        var k = kids[offset].nodeType === 1 ? kids[offset].closest(".seg") || kids[offset].querySelector(".seg") : null;
        if (k) return Number(k.dataset.start);
      }
      var segs = el_.querySelectorAll(".seg");
      return segs.length ? Number(segs[segs.length - 1].dataset.end) : 0;
    }
    return null;
  }

  /* The current selection inside `container` as {start, end} code point offsets, trimmed of whitespace. */
  function selectionOffsets(container, text) {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) return null;
    var a = pointOffset(container, range.startContainer, range.startOffset, text);
    var b = pointOffset(container, range.endContainer, range.endOffset, text);
    if (a == null || b == null) return null;
    if (b < a) { var t = a; a = b; b = t; }
    while (a < b && /\s/.test(text.cps[a])) a++;
    while (b > a && /\s/.test(text.cps[b - 1])) b--;
    return b > a ? { start: a, end: b } : null;
  }

  function fmt(x, digits) {
    if (x == null) return "–";
    if (typeof x !== "number") return String(x);
    return digits == null ? String(x) : x.toFixed(digits);
  }

  function flash(nodes) {
    nodes.forEach(function (n) { n.classList.remove("flash"); void n.offsetWidth; n.classList.add("flash"); });
  }

  return { el: el, data: data, Text: Text, segments: segments, renderText: renderText,
           selectionOffsets: selectionOffsets, fmt: fmt, flash: flash };
})();
