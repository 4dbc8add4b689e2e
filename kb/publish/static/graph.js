/* kb citation graph view: hover, zoom/pan, colour toggle, filters.
 * Works offline: reads the JSON in #kb-graph-data and the SVG drawn by
 * kb/graph.py; all text is set with textContent (never innerHTML). */
(function () {
  "use strict";
  var dataEl = document.getElementById("kb-graph-data");
  var svg = document.getElementById("kb-graph");
  if (!dataEl || !svg) { return; }
  var data = JSON.parse(dataEl.textContent);
  var nodes = data.nodes;
  var viewport = document.getElementById("kb-viewport");
  var labelLayer = document.getElementById("kb-labels");
  var tip = document.getElementById("kb-tip");
  var status = document.getElementById("kb-status");

  // shapes and their drawn geometry (centre, radius / half side)
  var shapes = new Array(nodes.length), geom = new Array(nodes.length);
  Array.prototype.forEach.call(document.querySelectorAll("#kb-nodes [data-i]"), function (el) {
    var i = +el.getAttribute("data-i");
    shapes[i] = el;
    if (el.tagName.toLowerCase() === "circle") {
      geom[i] = { x: +el.getAttribute("cx"), y: +el.getAttribute("cy"), r: +el.getAttribute("r") };
    } else {
      var h = +el.getAttribute("width") / 2;
      geom[i] = { x: +el.getAttribute("x") + h, y: +el.getAttribute("y") + h, r: h, rect: true };
    }
  });
  var labels = Array.prototype.map.call(document.querySelectorAll("#kb-labels text"), function (el) {
    return { el: el, i: +el.getAttribute("data-i"), z: +el.getAttribute("data-z") };
  });
  var lines = document.querySelectorAll("#kb-edges line");
  var adjacent = nodes.map(function () { return []; });
  data.edges.forEach(function (e, k) { adjacent[e[0]].push(k); adjacent[e[1]].push(k); });

  var catColour = {};
  data.categories.forEach(function (c) { catColour[c[0]] = c[2]; });
  var state = { zoom: 1, tx: 0, ty: 0, mode: "community", hidden: {}, min: 0, query: "" };
  var visible = new Array(nodes.length).fill(true);
  var matches = new Array(nodes.length).fill(false);
  var haystack = nodes.map(function (n) {
    return [n.label, n.title, n.authors, n.key, n.container, n.year].join(" ").toLowerCase();
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  /* ---- colours and legend ---- */
  function colourOf(n) {
    if (state.mode === "category") { return catColour[n.category] || data.other; }
    return n.community < data.palette.length ? data.palette[n.community] : data.other;
  }
  function recolour() {
    nodes.forEach(function (n, i) { if (shapes[i]) { shapes[i].setAttribute("fill", colourOf(n)); } });
    buildLegend();
  }
  function buildLegend() {
    var box = document.getElementById("kb-legend");
    box.textContent = "";
    var counts = {};
    nodes.forEach(function (n) { counts[n.category] = (counts[n.category] || 0) + 1; });
    data.categories.forEach(function (c) {
      var label = el("label");
      var cb = el("input");
      cb.type = "checkbox";
      cb.checked = !state.hidden[c[0]];
      cb.addEventListener("change", function () { state.hidden[c[0]] = !cb.checked; refilter(); });
      label.appendChild(cb);
      var sw = el("span", "kb-swatch");
      sw.style.background = c[2];
      if (state.mode !== "category") { sw.style.visibility = "hidden"; }
      label.appendChild(sw);
      label.appendChild(document.createTextNode(c[1] + " "));
      label.appendChild(el("span", "kb-count", "(" + (counts[c[0]] || 0) + ")"));
      box.appendChild(label);
    });
    if (state.mode === "community") {
      var strip = el("div", null);
      strip.id = "kb-communities";
      strip.appendChild(document.createTextNode("communities, largest first: "));
      var n = Math.min(data.communities, data.palette.length);
      for (var k = 0; k < n; k++) {
        var sw = el("span", "kb-swatch");
        sw.style.background = data.palette[k];
        sw.title = "community " + (k + 1);
        strip.appendChild(sw);
      }
      if (data.communities > n) { strip.appendChild(document.createTextNode(" grey: the rest")); }
      box.appendChild(strip);
    }
  }

  /* ---- filters ---- */
  function refilter() {
    var words = state.query.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0, found = 0;
    nodes.forEach(function (n, i) {
      var ok = !state.hidden[n.category] && (n.kind === "document" || n.citations >= state.min);
      visible[i] = ok;
      matches[i] = ok && words.length > 0 && words.every(function (w) { return haystack[i].indexOf(w) >= 0; });
      if (ok) { shown++; }
      if (matches[i]) { found++; }
      var s = shapes[i];
      if (!s) { return; }
      s.style.display = ok ? "" : "none";
      s.classList.toggle("kb-match", matches[i]);
      s.classList.toggle("kb-dim", words.length > 0 && !matches[i]);
    });
    data.edges.forEach(function (e, k) {
      var ok = visible[e[0]] && visible[e[1]];
      lines[k].style.display = ok ? "" : "none";
      lines[k].classList.toggle("kb-dim", words.length > 0 && !matches[e[0]] && !matches[e[1]]);
    });
    state.words = words.length;
    status.textContent = shown + " of " + nodes.length + " nodes shown" +
      (words.length ? "; " + found + " match" : "");
    relabel();
  }

  /* ---- zoom and pan ---- */
  function unitsPerPixel() {
    var vb = svg.viewBox.baseVal, r = svg.getBoundingClientRect();
    if (!r.width || !r.height) { return data.upp; }
    return Math.max(vb.width / r.width, vb.height / r.height);
  }
  function relabel() {
    var upp = unitsPerPixel() / state.zoom;
    var level = data.upp / upp;          // zoom in the units the labels were placed for
    labels.forEach(function (l) {
      var show = visible[l.i] && (l.z <= level * 1.001 || matches[l.i]);
      l.el.style.display = show ? "" : "none";
      l.el.classList.toggle("kb-dim", state.words > 0 && !matches[l.i]);
    });
  }
  // nodes grow only with the square root of the zoom, so zooming in separates them
  var drawnScale = 1;
  function resize() {
    var f = 1 / Math.sqrt(Math.max(1, state.zoom));
    if (Math.abs(f - drawnScale) < 1e-3) { return; }
    drawnScale = f;
    geom.forEach(function (g, i) {
      if (!g) { return; }
      var r = g.r * f;
      if (g.rect) {
        shapes[i].setAttribute("x", (g.x - r).toFixed(1));
        shapes[i].setAttribute("y", (g.y - r).toFixed(1));
        shapes[i].setAttribute("width", (2 * r).toFixed(1));
        shapes[i].setAttribute("height", (2 * r).toFixed(1));
      } else {
        shapes[i].setAttribute("r", r.toFixed(2));
      }
    });
    labels.forEach(function (l) {
      var g = geom[l.i];
      if (g) { l.el.setAttribute("y", (g.y - g.r * f).toFixed(1)); }
    });
  }
  function apply() {
    viewport.setAttribute("transform",
      "translate(" + state.tx + " " + state.ty + ") scale(" + state.zoom + ")");
    resize();
    var upp = unitsPerPixel() / state.zoom;
    labelLayer.setAttribute("font-size", (12 * upp).toFixed(3));
    labelLayer.style.strokeWidth = (3 * upp).toFixed(3);
    relabel();
  }
  function svgPoint(evt) {
    var p = svg.createSVGPoint();
    p.x = evt.clientX; p.y = evt.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function zoomAt(p, factor) {
    var z = Math.max(0.3, Math.min(80, state.zoom * factor));
    var wx = (p.x - state.tx) / state.zoom, wy = (p.y - state.ty) / state.zoom;
    state.zoom = z;
    state.tx = p.x - wx * z;
    state.ty = p.y - wy * z;
    apply();
  }
  function centre() {
    var vb = svg.viewBox.baseVal;
    return { x: vb.x + vb.width / 2, y: vb.y + vb.height / 2 };
  }
  svg.addEventListener("wheel", function (evt) {
    evt.preventDefault();
    zoomAt(svgPoint(evt), Math.exp(-evt.deltaY * (evt.deltaMode ? 0.05 : 0.0015)));
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (evt) {
    drag = { x: evt.clientX, y: evt.clientY, tx: state.tx, ty: state.ty, target: evt.target };
    svg.classList.add("kb-dragging");
  });
  window.addEventListener("pointermove", function (evt) {
    if (!drag) { return; }
    var u = unitsPerPixel();
    state.tx = drag.tx + (evt.clientX - drag.x) * u;
    state.ty = drag.ty + (evt.clientY - drag.y) * u;
    apply();
  });
  window.addEventListener("pointerup", function (evt) {
    // a click (no drag) on a work opens its page when the view has one
    if (drag && data.work_url && Math.abs(evt.clientX - drag.x) + Math.abs(evt.clientY - drag.y) < 4 &&
        drag.target.hasAttribute && drag.target.hasAttribute("data-i")) {
      var n = nodes[+drag.target.getAttribute("data-i")];
      if (n.kind === "work" && n.key) {
        window.location.href = data.work_url.replace("{key}", encodeURIComponent(n.key));
      }
    }
    drag = null;
    svg.classList.remove("kb-dragging");
  });
  function reset() { state.zoom = 1; state.tx = 0; state.ty = 0; apply(); }
  document.getElementById("kb-reset").addEventListener("click", reset);
  document.addEventListener("keydown", function (evt) {
    if (evt.target && evt.target.tagName === "INPUT") { return; }
    if (evt.key === "+" || evt.key === "=") { zoomAt(centre(), 1.4); }
    else if (evt.key === "-") { zoomAt(centre(), 1 / 1.4); }
    else if (evt.key === "0") { reset(); }
  });
  window.addEventListener("resize", apply);

  /* ---- hover ---- */
  var hot = [];
  function clearHot() {
    hot.forEach(function (x) { x.classList.remove("kb-hot"); x.classList.remove("kb-hover"); });
    hot = [];
  }
  function showTip(i, evt) {
    var n = nodes[i];
    tip.textContent = "";
    tip.appendChild(el("span", "kb-tip-title", n.title || n.label));
    if (n.authors) { tip.appendChild(el("span", "kb-tip-meta", n.authors)); }
    var bits = [];
    if (n.year) { bits.push(String(n.year)); }
    if (n.container) { bits.push(n.container); }
    if (bits.length) { tip.appendChild(el("span", "kb-tip-meta", bits.join(" \u00b7 "))); }
    var catName = n.category;
    data.categories.forEach(function (c) { if (c[0] === n.category) { catName = c[1]; } });
    tip.appendChild(el("span", "kb-tip-meta",
      (n.kind === "document" ? "document " : "key ") + n.key + " \u00b7 " + catName + " \u00b7 " +
      (n.kind === "document" ? "cites " + n.citations + " works" :
        "cited by " + n.citations + " document" + (n.citations === 1 ? "" : "s"))));
    tip.hidden = false;
    moveTip(evt);
  }
  function moveTip(evt) {
    var x = evt.clientX + 14, y = evt.clientY + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) { x = evt.clientX - w - 10; }
    if (y + h > window.innerHeight - 4) { y = evt.clientY - h - 10; }
    tip.style.left = Math.max(2, x) + "px";
    tip.style.top = Math.max(2, y) + "px";
  }
  var nodeLayer = document.getElementById("kb-nodes");
  nodeLayer.addEventListener("mouseover", function (evt) {
    var t = evt.target;
    if (!t.hasAttribute || !t.hasAttribute("data-i")) { return; }
    var i = +t.getAttribute("data-i");
    clearHot();
    t.classList.add("kb-hover");
    hot.push(t);
    adjacent[i].forEach(function (k) { lines[k].classList.add("kb-hot"); hot.push(lines[k]); });
    showTip(i, evt);
  });
  nodeLayer.addEventListener("mousemove", function (evt) { if (!tip.hidden) { moveTip(evt); } });
  nodeLayer.addEventListener("mouseout", function () { tip.hidden = true; clearHot(); });

  /* ---- controls ---- */
  Array.prototype.forEach.call(document.querySelectorAll("input[name=kb-colour]"), function (r) {
    r.addEventListener("change", function () { if (r.checked) { state.mode = r.value; recolour(); } });
  });
  var min = document.getElementById("kb-min"), minOut = document.getElementById("kb-min-out");
  min.addEventListener("input", function () {
    state.min = +min.value;
    minOut.textContent = min.value;
    refilter();
  });
  document.getElementById("kb-search").addEventListener("input", function (evt) {
    state.query = evt.target.value;
    refilter();
  });

  // ?colour=category&q=words&min=3&zoom=2 preset the controls (links, screenshots)
  var params = new URLSearchParams(window.location.search);
  if (params.get("colour") === "category") {
    state.mode = "category";
    document.querySelector("input[name=kb-colour][value=category]").checked = true;
  }
  if (params.get("q")) {
    state.query = params.get("q");
    document.getElementById("kb-search").value = state.query;
  }
  if (params.get("min")) {
    min.value = params.get("min");
    state.min = +min.value;
    minOut.textContent = min.value;
  }
  recolour();
  refilter();
  apply();
  if (+params.get("zoom") > 0) { zoomAt(centre(), +params.get("zoom")); }
}());
