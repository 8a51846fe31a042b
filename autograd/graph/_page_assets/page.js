"use strict";
(function () {
  const D = JSON.parse(document.getElementById("chainrule-data").textContent);
  const N = D.nodes.length, F = D.forward.length, B = D.backward.length;
  const $ = (id) => document.getElementById(id);
  const forwardAt = new Array(N).fill(-1), backwardAt = new Array(N).fill(-1);
  D.forward.forEach((n, k) => { forwardAt[n] = k; });
  D.backward.forEach((n, k) => { backwardAt[n] = k; });
  const uses = D.nodes.map(() => []);
  D.nodes.forEach((node, p) => node.operands.forEach((x) => { if (x[0] === "node") uses[x[1]].push(p); }));
  const state = { pos: 0, epoch: 0, view: 0, follow: null, pinned: null, playing: null, zoom: 1.5 };

  // each drawing: its elements by dot's titles, and each node's box and number texts
  const views = D.views.map((v, i) => {
    const root = document.querySelector('.view[data-view="' + i + '"]');
    const svg = root.querySelector("svg");
    const byTitle = new Map(), edges = new Map();
    root.querySelectorAll("g.node").forEach((g) => byTitle.set(g.querySelector("title").textContent, g));
    root.querySelectorAll("g.edge").forEach((g) => {
      const t = g.querySelector("title").textContent;
      if (!edges.has(t)) edges.set(t, []);
      edges.get(t).push(g);
    });
    const own = new Map(Object.entries(v.own)); // box title -> the node whose numbers it shows
    const texts = new Map();
    own.forEach((n, box) => {
      const g = byTitle.get(box);
      if (!g) return;
      const cells = {};
      g.querySelectorAll("text").forEach((t) => {
        const s = t.textContent;
        if (s.startsWith("data ")) cells.data = t;
        if (s.startsWith("grad ")) cells.grad = t;
      });
      texts.set(n, cells);
    });
    const width = svg.viewBox.baseVal.width, height = svg.viewBox.baseVal.height;
    return { root, svg, byTitle, edges, own, texts, width, height, boxes: v.boxes, name: v.name };
  });
  const nodeOfBox = (view, g) => view.own.get(g.querySelector("title").textContent);

  function el(view, n) { return view.byTitle.get(view.boxes[n]); }
  function opEl(view, n) { return view.byTitle.get("n" + n + "op") || el(view, n); }
  function edgeEls(view, title) {
    if (view.edges.has(title)) return view.edges.get(title);
    return [];
  }
  const E = () => D.epochs[state.epoch];
  const name = (n) => E().text[n].name;

  function clearClasses(view) {
    view.root.querySelectorAll(".forward-done, .backward-done, .current, .on-path, .flow, .selected").forEach(
      (g) => g.classList.remove("forward-done", "backward-done", "current", "on-path", "flow", "selected"));
    view.root.querySelectorAll("[data-forward-step], [data-backward-step]").forEach((g) => {
      g.removeAttribute("data-forward-step"); g.removeAttribute("data-backward-step");
    });
  }

  // the edges a step goes through: into an op when forward, out of the node when backward
  function flowEdges(n, forward) {
    const titles = [];
    if (forward) {
      D.nodes[n].operands.forEach((x) => { if (x[0] === "node") titles.push("n" + x[1] + "->n" + n + "op"); });
      titles.push("n" + n + "op->n" + n);
    } else {
      uses[n].forEach((p) => titles.push("n" + n + "->n" + p + "op"));
    }
    return titles;
  }

  function render() {
    const ep = E(), view = views[state.view];
    views.forEach((v, i) => { v.root.hidden = i !== state.view; });
    clearClasses(view);
    const fwd = Math.min(state.pos, F), bwd = Math.max(0, state.pos - F);
    for (let k = 0; k < fwd; k++) {
      const g = el(view, D.forward[k]);
      g.classList.add("forward-done");
      if (!g.hasAttribute("data-forward-step")) g.setAttribute("data-forward-step", String(k + 1));
    }
    for (let k = 0; k < bwd; k++) {
      const g = el(view, D.backward[k]);
      g.classList.add("backward-done");
      if (!g.hasAttribute("data-backward-step")) g.setAttribute("data-backward-step", String(k + 1));
    }
    view.texts.forEach((cells, n) => {
      const leaf = D.nodes[n].operands.length === 0;
      const dataKnown = leaf || forwardAt[n] < fwd;
      const gradKnown = backwardAt[n] < bwd;
      if (cells.data) setText(cells.data, "data " + (dataKnown ? ep.text[n].data : "?"), dataKnown);
      if (cells.grad) setText(cells.grad, "grad " + (gradKnown ? ep.text[n].grad : "?"), gradKnown);
    });
    let title = "", text = "";
    if (state.pos === 0) {
      title = "Ready: " + F + " forward steps, then " + B + " backward steps";
      text = "Step (\u2192) computes one node's data; after the forward pass, each step gives one node its gradient, in the order " + (D.order === "course" ? "of the course's walk-through" : "backward() visits them") + ".";
    } else {
      const forward = state.pos <= F;
      const n = forward ? D.forward[state.pos - 1] : D.backward[state.pos - F - 1];
      (forward ? [opEl(view, n), el(view, n)] : [el(view, n)]).forEach((g) => g && g.classList.add("current"));
      flowEdges(n, forward).forEach((t) => edgeEls(view, t).forEach((g) => g.classList.add("flow")));
      if (forward) {
        title = "Forward step " + state.pos + " of " + F + ": " + name(n);
        text = ep.text[n].formula;
      } else {
        title = "Backward step " + (state.pos - F) + " of " + B + ": " + name(n);
        const through = uses[n].map((p) => name(p));
        text = (through.length ? "through " + through.join(", ") + ":\n" : "") + ep.text[n].uses;
      }
    }
    $("step-title").textContent = title;
    $("step-text").textContent = text;
    $("status").textContent = state.pos <= F ? "forward " + Math.min(state.pos, F) + "/" + F : "backward " + (state.pos - F) + "/" + B;
    renderFollow(view);
    if (state.pinned !== null) { showNode(state.pinned); const g = el(view, state.pinned); if (g) g.classList.add("selected"); }
    renderEpoch();
  }

  function setText(t, s, known) {
    t.textContent = s;
    t.classList.toggle("unknown", !known);
  }

  function renderFollow(view) {
    const box = $("follow-box");
    if (state.follow === null) { box.hidden = true; return; }
    const f = D.follow[state.follow];
    f.on_path.forEach((n) => { const g = el(view, n); if (g) g.classList.add("on-path"); });
    if (state.view === views.length - 1) {
      f.edges.forEach((t) => edgeEls(view, t).forEach((g) => g.classList.add("on-path")));
    } else { // grouped boxes: an edge between two boxes on the path
      const lit = new Set(f.on_path.map((n) => view.boxes[n]));
      view.edges.forEach((gs, t) => {
        const ends = t.split("->").map((s) => s.replace(/op$/, ""));
        if (lit.has(ends[0]) && lit.has(ends[1])) gs.forEach((g) => g.classList.add("on-path"));
      });
    }
    box.hidden = false;
    $("follow-title").textContent = "Following " + name(f.node) + ": " + f.paths + " path" + (f.paths === 1 ? "" : "s") + " from " + name(D.root);
    $("follow-text").textContent = E().follow[state.follow].join("\n");
  }

  function showNode(n) {
    const t = E().text[n], node = D.nodes[n];
    $("node-title").textContent = t.name + (node.operands.length ? "  (op " + node.op + ")" : "  (a leaf)") + "  #" + n;
    const lines = [];
    lines.push(t.formula);
    if (t.op) lines.push("op " + t.op);
    lines.push("data " + t.data + "    grad " + t.grad);
    if (t.local.length) lines.push("local derivatives:\n  " + t.local.join("\n  "));
    lines.push("gradient, the sum over its " + uses[n].length + " use" + (uses[n].length === 1 ? "" : "s") + ":\n" + t.uses);
    if (backwardAt[n] >= Math.max(0, state.pos - F)) lines.push("(the stepping has not reached this gradient yet)");
    const div = $("node-text");
    div.className = "formula";
    div.textContent = lines.join("\n");
  }

  function renderEpoch() {
    if (D.epochs.length < 2) return;
    $("epoch-text").textContent = "epoch " + state.epoch + " of " + (D.epochs.length - 1) + ": " + name(D.root) + " = " + E().text[D.root].data;
    const dot = $("curve").querySelector("circle");
    if (dot) { const p = curvePoint(state.epoch); dot.setAttribute("cx", p[0]); dot.setAttribute("cy", p[1]); }
  }

  let curvePoint = () => [0, 0];
  function drawCurve() {
    const losses = D.epochs.map((e) => e.loss), svg = $("curve");
    const w = 320, h = 70, pad = 6;
    const lo = Math.min(...losses), hi = Math.max(...losses), span = hi - lo || 1;
    curvePoint = (k) => [pad + (w - 2 * pad) * k / (losses.length - 1), h - pad - (h - 2 * pad) * (losses[k] - lo) / span];
    const ns = "http://www.w3.org/2000/svg";
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", losses.map((_, k) => curvePoint(k).join(",")).join(" "));
    line.setAttribute("fill", "none"); line.setAttribute("stroke", "#1f77b4"); line.setAttribute("stroke-width", "2");
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("r", "4"); dot.setAttribute("fill", "#d62728");
    svg.append(line, dot);
  }

  function go(pos) {
    state.pos = Math.max(0, Math.min(F + B, pos));
    render();
    const view = views[state.view];
    if (state.pos > 0) {
      const n = state.pos <= F ? D.forward[state.pos - 1] : D.backward[state.pos - F - 1];
      const g = el(view, n), box = $("graph");
      if (g) { // into view inside the drawing's pane only (scrollIntoView would move the page too)
        const r = g.getBoundingClientRect(), c = box.getBoundingClientRect();
        if (r.top < c.top || r.bottom > c.bottom) box.scrollTop += (r.top + r.bottom) / 2 - (c.top + c.bottom) / 2;
        if (r.left < c.left || r.right > c.right) box.scrollLeft += (r.left + r.right) / 2 - (c.left + c.right) / 2;
      }
    }
    if (state.pos === F + B) pause();
  }
  function pause() {
    if (state.playing !== null) clearTimeout(state.playing);
    state.playing = null;
    $("play").textContent = "\u25B6 Play";
  }
  function play() {
    if (state.playing !== null) { pause(); return; }
    if (state.pos === F + B) go(0);
    $("play").textContent = "\u2016 Pause";
    const tick = () => { go(state.pos + 1); if (state.pos < F + B) state.playing = setTimeout(tick, Number($("speed").value)); };
    state.playing = setTimeout(tick, 0);
  }
  function speedText() { $("speed-text").textContent = (Number($("speed").value) / 1000).toFixed(1) + " s a step"; }
  function zoom(z) {
    state.zoom = Math.max(0.3, Math.min(4, z));
    views.forEach((v) => {
      v.svg.setAttribute("width", String(v.width * state.zoom));
      v.svg.setAttribute("height", String(v.height * state.zoom));
    });
  }

  $("step").addEventListener("click", () => { pause(); go(state.pos + 1); });
  $("back").addEventListener("click", () => { pause(); go(state.pos - 1); });
  $("start").addEventListener("click", () => { pause(); go(0); });
  $("to-backward").addEventListener("click", () => { pause(); go(F); });
  $("play").addEventListener("click", play);
  $("speed").addEventListener("input", speedText);
  $("zoom-in").addEventListener("click", () => zoom(state.zoom * 1.25));
  $("zoom-out").addEventListener("click", () => zoom(state.zoom / 1.25));
  document.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === "ArrowRight") { pause(); go(state.pos + 1); }
    else if (e.key === "ArrowLeft") { pause(); go(state.pos - 1); }
    else if (e.key === " ") play();
    else if (e.key === "Home") { pause(); go(0); }
    else if (e.key === "End") { pause(); go(F + B); }
    else return;
    e.preventDefault();
  });

  const select = $("follow");
  D.follow.forEach((f, i) => {
    const o = document.createElement("option");
    o.value = String(i); o.textContent = D.epochs[0].text[f.node].name;
    select.append(o);
  });
  const followable = new Map(D.follow.map((f, i) => [f.node, i]));
  function follow(i) { state.follow = i; select.value = i === null ? "" : String(i); render(); }
  select.addEventListener("change", () => follow(select.value === "" ? null : Number(select.value)));

  views.forEach((view) => {
    view.byTitle.forEach((g, title) => {
      const n = view.own.get(title.replace(/op$/, ""));
      if (n === undefined) return;
      g.addEventListener("mouseenter", () => showNode(n));
      g.addEventListener("mouseleave", () => { if (state.pinned !== null) showNode(state.pinned); });
      g.addEventListener("click", (e) => {
        e.stopPropagation();
        state.pinned = n;
        if (followable.has(n)) follow(followable.get(n)); else render();
      });
    });
    view.svg.addEventListener("click", () => { state.pinned = null; follow(null); });
  });

  if (views.length > 1) {
    const button = $("view");
    button.hidden = false;
    const label = () => { button.textContent = "Show: " + views[(state.view + 1) % views.length].name; };
    button.addEventListener("click", () => { state.view = (state.view + 1) % views.length; label(); render(); });
    label();
  }
  if (D.epochs.length > 1) {
    $("epochs").hidden = false;
    const slider = $("epoch");
    slider.max = String(D.epochs.length - 1);
    slider.addEventListener("input", () => { state.epoch = Number(slider.value); render(); });
    drawCurve();
  }
  speedText();
  zoom(state.zoom);
  render();
  document.body.setAttribute("data-ready", "true");
})();
