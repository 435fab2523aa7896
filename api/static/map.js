/* The network map: an SVG drawn from the positions of /layout and the names and types of /report.
 *
 * Circles are actors (colour: type, size: number of partners, dashed outline: no partner at all),
 * lines are ties. Pointer and keyboard both work: the map is one tab stop; the arrow keys move
 * between actors (in the order of their names), Enter or Space chooses one (or takes it out of
 * the choice again), Escape clears a highlight. Hovering or focusing an actor shows its name,
 * type and partners, and its ties.
 *
 * Zoom and pan, for large maps: the buttons above the map (zoom in, zoom out, whole map, and
 * four buttons that move the view, so that nothing needs dragging), Ctrl + mouse wheel or a
 * trackpad pinch at the pointer, dragging with the mouse, and the keys + and − (0: whole map),
 * Shift + arrow keys (move the view). Zooming spreads the actors apart while circles, lines and
 * names keep their size on screen, so crowded parts become readable; a large map, drawn without
 * names, writes the names of the actors in view once zoomed in far enough. The view follows the
 * keyboard: an actor moved to with the arrow keys is brought into view.
 */
"use strict";

const NetzMap = (() => {
  const { t, L, el, svg } = Netz;

  /** Colours by actor type (Okabe–Ito based, told apart by colour-blind people too). */
  const COLORS = {
    initiative: "#E69F00",
    church: "#56B4E9",
    welfare: "#009E73",
    municipality: "#0072B2",
    refugee: "#D55E00",
    association: "#CC79A7",
    education: "#F0E442",
    employment: "#8C6D3F",
    public: "#7F7F7F",
    other: "#C7C7C7",
  };
  const TYPES = Object.keys(COLORS);
  /** Above this many actors no map is drawn (the list shows them all). */
  const MAX_ACTORS = 3000;
  /** Up to this many actors, names are written on the map; larger maps get them when zoomed in. */
  const NAMED_UP_TO = 40;
  /** From this zoom on, a large map writes the names of the actors in view (where they fit). */
  const NAMES_FROM_ZOOM = 2;
  /** Font size of the names on the map, in pixels (the map is drawn at its real size). */
  const LABEL_SIZE = 12;
  /** How far the map can be zoomed in (1 = the whole map), and one step of the buttons and keys. */
  const MAX_ZOOM = 12;
  const ZOOM_STEP = 1.5;
  /** One step of the move buttons and Shift + arrow keys: this share of the visible map. */
  const PAN_STEP = 0.25;

  function shortName(name) {
    return name.length > 24 ? `${name.slice(0, 22).trimEnd()}…` : name;
  }

  class NetworkMap {
    /**
     * @param container  the element the map is drawn into
     * @param layout     the answer of /layout (actors with x, y, partners; ties)
     * @param actors     the report's actors (id, name, type)
     * @param onChoose   called with an actor id when one is chosen (click, Enter, Space)
     * @param onClear    called when the person clears the highlight (Escape)
     */
    constructor(container, layout, actors, { onChoose, onClear } = {}) {
      this.container = container;
      this.layout = layout;
      this.onChoose = onChoose || (() => {});
      this.onClear = onClear || (() => {});
      const byId = new Map(actors.map((a) => [String(a.id), a]));
      this.nodes = layout.actors.map((a) => {
        const actor = byId.get(String(a.id)) || {};
        const type = TYPES.includes(actor.type) ? actor.type : "other";
        return { id: String(a.id), x: a.x, y: a.y, partners: a.partners, name: actor.name || String(a.id), type };
      });
      this.byId = new Map(this.nodes.map((n) => [n.id, n]));
      this.ties = layout.ties.map((tie) => ({ source: String(tie.source), target: String(tie.target), weight: tie.weight }));
      this.order = [...this.nodes].sort((a, b) => a.name.localeCompare(b.name, "de"));
      this.highlighted = null;
      this.chosen = new Set();
      this.current = this.order[0]?.id;
      this.width = 0;
      this.view = { s: 1, tx: 0, ty: 0 };
      this.resize = new ResizeObserver(() => {
        const width = Math.round(this.container.clientWidth);
        if (width && Math.abs(width - this.width) > 24) this.draw();
      });
      this.resize.observe(container);
    }

    get tooBig() { return this.nodes.length > MAX_ACTORS; }

    /** Stop following the container's size (before the map is replaced by another). */
    destroy() {
      this.resize.disconnect();
      clearTimeout(this.hintTimer);
    }

    /** Draw (again): after a resize or a change of language. */
    draw() {
      const before = this.width;
      this.width = Math.round(this.container.clientWidth) || 640;
      if (this.tooBig) {
        this.container.replaceChildren(el("p", { class: "notice" }, t("tooBig", { n: this.nodes.length })));
        return;
      }
      const n = Math.max(this.nodes.length, 1);
      const aspect = Math.min(Math.max(this.layout.aspect || 1.5, 0.8), 2.4);
      const W = this.width;
      const H = Math.round(Math.min(W / aspect, Math.max(420, W * 1.05)));
      const named = this.nodes.length <= NAMED_UP_TO;
      const cell = W / Math.sqrt(n * aspect);
      const r0 = Math.min(Math.max(cell * 0.085, 3.5), 13);
      const pad = r0 * 2.2 + (named ? 18 : 4);
      const padBottom = pad + (named ? 16 : 0);
      const px = (x) => pad + x * (W - 2 * pad);
      const py = (y) => pad + y * (H - pad - padBottom);
      this.W = W;
      this.H = H;
      this.at = new Map(this.nodes.map((node) => [node.id, [px(node.x), py(node.y)]]));
      // Actors without partners are drawn no smaller than those with one: they must stay visible.
      this.radius = (node) => r0 * (node.partners ? 0.75 + 0.35 * Math.sqrt(node.partners) : 1.1);
      // Lines: thinner in large maps; thicker for stronger cooperation when strengths differ.
      const weights = this.ties.map((tie) => tie.weight || 1);
      const maxWeight = Math.max(1, ...weights);
      const varies = weights.some((w) => w !== weights[0]);
      const base = Math.min(Math.max(r0 / 7, 0.7), 1.4);
      const lineWidth = (w) => (varies ? base * (0.6 + 1.6 * Math.sqrt(w / maxWeight)) : base * 1.2);

      const tiesLayer = svg("g", { class: "ties" });
      this.tieElements = this.ties.map((tie) => {
        const a = this.byId.get(tie.source);
        const b = this.byId.get(tie.target);
        const line = svg("line", {
          class: "tie", x1: px(a.x), y1: py(a.y), x2: px(b.x), y2: py(b.y),
          "stroke-width": lineWidth(tie.weight || 1).toFixed(2), "vector-effect": "non-scaling-stroke",
        });
        tiesLayer.append(line);
        return { tie, line };
      });
      this.named = named;
      const labels = named ? this.placeLabels(this.nodes, (node) => [px(node.x), py(node.y)], W, H) : new Map();
      const nodesLayer = svg("g", { class: "nodes" });
      this.nodeElements = new Map();
      for (const node of this.nodes) {
        const r = this.radius(node);
        const group = svg("g", {
          class: `node${node.partners === 0 ? " isolated" : ""}`, "data-id": node.id, "data-type": node.type,
          transform: `translate(${px(node.x).toFixed(1)},${py(node.y).toFixed(1)})`,
          tabindex: node.id === this.current ? 0 : -1, role: "button",
          "aria-pressed": this.chosen.has(node.id) ? "true" : "false",
          "aria-label": t("nodeLabel", { name: node.name, type: L("type", node.type), partners: Netz.partners(node.partners) }),
        }, svg("circle", { r: r.toFixed(1), fill: COLORS[node.type] }));
        const label = labels.get(node.id);
        if (label) {
          group.append(svg("text", { x: label.dx, y: label.dy, "text-anchor": label.anchor, "aria-hidden": "true" },
            document.createTextNode(label.text)));
        }
        group.addEventListener("mouseenter", () => this.hover(node.id));
        group.addEventListener("mouseleave", () => this.unhover());
        group.addEventListener("focus", () => { this.current = node.id; this.reveal(node.id); this.hover(node.id); });
        group.addEventListener("blur", () => this.unhover());
        group.addEventListener("click", () => {
          if (this.dragged) return; // the end of a drag, not a click
          this.focus(node.id);
          this.onChoose(node.id);
        });
        nodesLayer.append(group);
        this.nodeElements.set(node.id, group);
      }
      this.world = svg("g", { class: "world" }, tiesLayer, nodesLayer);
      this.zoomNames = svg("g", { class: "zoom-names", "aria-hidden": "true" });
      this.svg = svg("svg", {
        class: `network${this.ties.length > 150 ? " many-ties" : ""}`, viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "group",
        "aria-label": t("mapLabel", { actors: this.nodes.length, ties: this.ties.length }),
      }, svg("rect", { class: "backdrop", x: 0, y: 0, width: W, height: H }), this.world, this.zoomNames);
      this.svg.addEventListener("keydown", (event) => this.key(event));
      this.listenForZoomAndPan();
      this.tip = el("div", { class: "tip", hidden: true, "aria-hidden": "true" });
      this.hint = el("p", { class: "map-hint", hidden: true }, t("wheelHint"));
      this.frame = el("div", { class: "map-frame" }, this.svg, this.tip, this.hint);
      this.container.replaceChildren(this.tools(), this.frame);
      // After a resize the view keeps its zoom and centre.
      const ratio = before ? W / before : 1;
      this.setView(this.view.s, this.view.tx * ratio, this.view.ty * ratio, { force: true });
      this.applyHighlight();
    }

    // -- zoom and pan -----------------------------------------------------------------------------

    /** The buttons above the map: zoom in, zoom out, whole map, move the view, and the zoom level. */
    tools() {
      const button = (action, symbol, label, onclick) => el("button", {
        type: "button", class: `quiet small map-${action}`, "aria-label": t(label), title: t(label),
        dataset: { action }, onclick,
      }, el("span", { "aria-hidden": "true" }, symbol));
      const pan = (dx, dy) => () => this.pan(dx * PAN_STEP * this.W, dy * PAN_STEP * this.H);
      this.zoomLevel = el("span", { class: "zoom-level" });
      this.toolButtons = [
        button("zoom-in", "+", "zoomIn", () => this.zoomBy(ZOOM_STEP)),
        button("zoom-out", "−", "zoomOut", () => this.zoomBy(1 / ZOOM_STEP)),
        button("zoom-reset", "⤢", "zoomReset", () => this.setView(1, 0, 0)),
      ];
      this.panButtons = [
        button("pan-left", "←", "panLeft", pan(1, 0)),
        button("pan-up", "↑", "panUp", pan(0, 1)),
        button("pan-down", "↓", "panDown", pan(0, -1)),
        button("pan-right", "→", "panRight", pan(-1, 0)),
      ];
      return el("div", { class: "map-tools", role: "group", "aria-label": t("mapTools") },
        el("span", { class: "tool-group" }, this.toolButtons),
        el("span", { class: "tool-group" }, this.panButtons),
        this.zoomLevel);
    }

    /** The point of the drawing (in its own pixels) under a point of the screen. */
    drawingPoint(clientX, clientY) {
      const box = this.svg.getBoundingClientRect();
      return [(clientX - box.left) * (this.W / box.width), (clientY - box.top) * (this.H / box.height)];
    }

    listenForZoomAndPan() {
      // Ctrl + wheel (a trackpad pinch sends the same) zooms at the pointer; the wheel alone keeps
      // scrolling the page, with a hint how to zoom, so that nobody is caught inside the map.
      this.svg.addEventListener("wheel", (event) => {
        if (!(event.ctrlKey || event.metaKey)) {
          this.showHint();
          return;
        }
        event.preventDefault();
        const [x, y] = this.drawingPoint(event.clientX, event.clientY);
        this.zoomBy(Math.exp(-event.deltaY * 0.004), x, y);
      }, { passive: false });
      // Dragging moves the view (the move buttons do the same without dragging).
      let start = null;
      this.svg.addEventListener("pointerdown", (event) => {
        if (event.button !== 0 || event.pointerType === "touch") return;
        start = { x: event.clientX, y: event.clientY, tx: this.view.tx, ty: this.view.ty, id: event.pointerId };
        this.dragged = false;
      });
      this.svg.addEventListener("pointermove", (event) => {
        if (!start || event.pointerId !== start.id) return;
        const box = this.svg.getBoundingClientRect();
        const dx = (event.clientX - start.x) * (this.W / box.width);
        const dy = (event.clientY - start.y) * (this.H / box.height);
        if (!this.dragged && Math.hypot(dx, dy) < 4) return;
        if (!this.dragged) {
          this.dragged = true;
          this.svg.setPointerCapture(start.id);
          this.svg.classList.add("dragging");
          this.unhover();
        }
        this.setView(this.view.s, start.tx + dx, start.ty + dy);
      });
      const end = () => {
        if (!start) return;
        start = null;
        this.svg.classList.remove("dragging");
        // The click that ends a drag must not choose an actor; later clicks do.
        if (this.dragged) setTimeout(() => { this.dragged = false; }, 0);
      };
      this.svg.addEventListener("pointerup", end);
      this.svg.addEventListener("pointercancel", end);
    }

    showHint() {
      this.hint.hidden = false;
      clearTimeout(this.hintTimer);
      this.hintTimer = setTimeout(() => { this.hint.hidden = true; }, 2500);
    }

    /** Zoom by this factor, keeping the point (x, y) of the drawing where it is (default: centre). */
    zoomBy(factor, x = this.W / 2, y = this.H / 2) {
      const { s, tx, ty } = this.view;
      const next = Math.min(Math.max(s * factor, 1), MAX_ZOOM);
      this.setView(next, x - (x - tx) * (next / s), y - (y - ty) * (next / s));
    }

    pan(dx, dy) {
      this.setView(this.view.s, this.view.tx + dx, this.view.ty + dy);
    }

    /**
     * Show the drawing zoomed by s and moved by (tx, ty), kept inside the map. Positions scale,
     * circles and names do not (each node is scaled back), and lines keep their width.
     */
    setView(s, tx, ty, { force = false } = {}) {
      s = Math.min(Math.max(s, 1), MAX_ZOOM);
      tx = Math.min(0, Math.max(this.W * (1 - s), tx));
      ty = Math.min(0, Math.max(this.H * (1 - s), ty));
      const rescale = force || s !== this.view.s;
      this.view = { s, tx, ty };
      if (!this.world) return;
      this.world.setAttribute("transform", `translate(${tx.toFixed(2)},${ty.toFixed(2)}) scale(${s.toFixed(4)})`);
      if (rescale) {
        const back = (1 / s).toFixed(5);
        this.nodeElements.forEach((group, id) => {
          const [x, y] = this.at.get(id);
          group.setAttribute("transform", `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${back})`);
        });
      }
      this.svg.classList.toggle("zoomed", s > 1);
      this.zoomLevel.textContent = t("zoomLevel", { n: Math.round(s * 100) });
      const disable = (button, off) => button.setAttribute("aria-disabled", off ? "true" : "false");
      disable(this.toolButtons[0], s >= MAX_ZOOM);
      disable(this.toolButtons[1], s <= 1);
      disable(this.toolButtons[2], s <= 1);
      this.panButtons.forEach((button) => disable(button, s <= 1));
      if (!this.tip.hidden) this.unhover();
      if (this.hint) this.hint.hidden = true; // zooming or moving: the hint has done its work
      if (!this.named && !this.namesPending) {
        this.namesPending = true;
        requestAnimationFrame(() => { this.namesPending = false; this.writeNames(); });
      }
    }

    /** A large map zoomed in: the names of the actors in view, where they fit (none below the zoom). */
    writeNames() {
      if (!this.zoomNames) return;
      if (this.view.s < NAMES_FROM_ZOOM) { this.zoomNames.replaceChildren(); return; }
      const visible = this.nodes.filter((node) => {
        const [x, y] = this.shownAt(node.id);
        return x >= 0 && x <= this.W && y >= 0 && y <= this.H;
      });
      const placed = this.placeLabels(visible, (node) => this.shownAt(node.id), this.W, this.H);
      this.zoomNames.replaceChildren(...[...placed].map(([id, label]) => {
        const [x, y] = this.shownAt(id);
        return svg("text", { x: (x + Number(label.dx)).toFixed(1), y: (y + Number(label.dy)).toFixed(1),
          "text-anchor": label.anchor, "data-id": id }, document.createTextNode(label.text));
      }));
    }

    /** Where an actor is on the screen's drawing now (after zoom and pan). */
    shownAt(id) {
      const [x, y] = this.at.get(id);
      return [x * this.view.s + this.view.tx, y * this.view.s + this.view.ty];
    }

    /** Move the view (not the zoom) so that this actor is well inside it. */
    reveal(id) {
      if (this.view.s <= 1 || !this.at) return;
      const [x, y] = this.shownAt(id);
      const margin = 0.1;
      const inside = x > this.W * margin && x < this.W * (1 - margin) && y > this.H * margin && y < this.H * (1 - margin);
      if (!inside) this.pan(this.W / 2 - x, this.H / 2 - y);
    }

    /** Make sure all these actors are in view: centre on them, and zoom out as far as needed. */
    fit(ids) {
      const points = ids.map((id) => this.at?.get(String(id))).filter(Boolean);
      if (!points.length || this.view.s <= 1) return;
      const margin = 0.08;
      const visible = points.every(([x0, y0]) => {
        const x = x0 * this.view.s + this.view.tx;
        const y = y0 * this.view.s + this.view.ty;
        return x > this.W * margin && x < this.W * (1 - margin) && y > this.H * margin && y < this.H * (1 - margin);
      });
      if (visible) return;
      const xs = points.map((p) => p[0]);
      const ys = points.map((p) => p[1]);
      const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      const room = 1 - 2 * margin;
      const s = Math.min(this.view.s, (this.W * room) / Math.max(x1 - x0, 1), (this.H * room) / Math.max(y1 - y0, 1));
      const cx = (x0 + x1) / 2;
      const cy = (y0 + y1) / 2;
      this.setView(s, this.W / 2 - cx * Math.max(s, 1), this.H / 2 - cy * Math.max(s, 1));
    }

    /**
     * Where each name goes: below, above, right or left of its circle, whichever is free first
     * (best-connected actors first); a name that fits nowhere is left out (hover shows it).
     */
    placeLabels(nodes, at, W, H) {
      const context = document.createElement("canvas").getContext("2d");
      context.font = `${LABEL_SIZE}px ${getComputedStyle(this.container).fontFamily}`;
      const boxes = nodes.map((node) => {
        const r = this.radius(node);
        const [x, y] = at(node);
        return { x0: x - r, y0: y - r, x1: x + r, y1: y + r };
      });
      const overlaps = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
      const placed = new Map();
      const byImportance = [...nodes].sort((a, b) => b.partners - a.partners || a.name.localeCompare(b.name));
      for (const node of byImportance) {
        const text = shortName(node.name);
        const width = context.measureText(text).width + 4;
        const r = this.radius(node);
        const [x, y] = at(node);
        const h = LABEL_SIZE + 2;
        const candidates = [
          { anchor: "middle", dx: 0, dy: r + LABEL_SIZE + 1, box: [x - width / 2, y + r + 2, x + width / 2, y + r + 2 + h] },
          { anchor: "middle", dx: 0, dy: -r - 5, box: [x - width / 2, y - r - 4 - h, x + width / 2, y - r - 4] },
          { anchor: "start", dx: r + 4, dy: 4, box: [x + r + 3, y - h / 2, x + r + 3 + width, y + h / 2] },
          { anchor: "end", dx: -r - 4, dy: 4, box: [x - r - 3 - width, y - h / 2, x - r - 3, y + h / 2] },
          { anchor: "start", dx: r * 0.7, dy: r + LABEL_SIZE, box: [x + r * 0.7 - 1, y + r + 1, x + r * 0.7 + width, y + r + 1 + h] },
          { anchor: "end", dx: -r * 0.7, dy: r + LABEL_SIZE, box: [x - r * 0.7 - width, y + r + 1, x - r * 0.7 + 1, y + r + 1 + h] },
          { anchor: "start", dx: r * 0.7, dy: -r - 4, box: [x + r * 0.7 - 1, y - r - 3 - h, x + r * 0.7 + width, y - r - 3] },
          { anchor: "end", dx: -r * 0.7, dy: -r - 4, box: [x - r * 0.7 - width, y - r - 3 - h, x - r * 0.7 + 1, y - r - 3] },
        ];
        for (const candidate of candidates) {
          const [x0, y0, x1, y1] = candidate.box;
          const box = { x0, y0, x1, y1 };
          if (x0 < 0 || y0 < 0 || x1 > W || y1 > H) continue;
          if (boxes.some((other) => overlaps(box, other))) continue;
          boxes.push(box);
          placed.set(node.id, { text, anchor: candidate.anchor, dx: candidate.dx.toFixed(1), dy: candidate.dy.toFixed(1) });
          break;
        }
      }
      return placed;
    }

    key(event) {
      const arrows = { ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      if (event.shiftKey && arrows[event.key]) {
        event.preventDefault();
        const [dx, dy] = arrows[event.key];
        this.pan(dx * PAN_STEP * this.W, dy * PAN_STEP * this.H);
        return;
      }
      if (["+", "=", "-", "_", "0"].includes(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        const [x, y] = this.current ? this.shownAt(this.current) : [this.W / 2, this.H / 2];
        if (event.key === "0") this.setView(1, 0, 0);
        else this.zoomBy(["+", "="].includes(event.key) ? ZOOM_STEP : 1 / ZOOM_STEP, x, y);
        if (this.current) this.reveal(this.current);
        return;
      }
      const at = this.order.findIndex((node) => node.id === this.current);
      let next = null;
      if (["ArrowRight", "ArrowDown"].includes(event.key)) next = (at + 1) % this.order.length;
      else if (["ArrowLeft", "ArrowUp"].includes(event.key)) next = (at - 1 + this.order.length) % this.order.length;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = this.order.length - 1;
      else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        this.onChoose(this.current);
        return;
      } else if (event.key === "Escape") {
        this.clear();
        this.onClear();
        return;
      } else return;
      event.preventDefault();
      this.focus(this.order[next].id);
    }

    /** Move the map's one tab stop to this actor and focus it. */
    focus(id) {
      const previous = this.nodeElements.get(this.current);
      if (previous) previous.setAttribute("tabindex", "-1");
      this.current = id;
      const group = this.nodeElements.get(id);
      group.setAttribute("tabindex", "0");
      group.focus();
    }

    hover(id) {
      const node = this.byId.get(id);
      const group = this.nodeElements.get(id);
      group.classList.add("hover");
      for (const { tie, line } of this.tieElements) {
        line.classList.toggle("hover", tie.source === id || tie.target === id);
      }
      this.tip.replaceChildren(el("strong", {}, node.name), el("span", {}, L("type", node.type)),
        el("span", {}, Netz.partners(node.partners)));
      this.tip.hidden = false;
      const box = group.querySelector("circle").getBoundingClientRect();
      const frame = this.frame.getBoundingClientRect();
      const tipBox = this.tip.getBoundingClientRect();
      let left = box.left - frame.left + box.width / 2 - tipBox.width / 2;
      left = Math.max(4, Math.min(left, frame.width - tipBox.width - 4));
      let top = box.top - frame.top - tipBox.height - 8;
      if (top < 4) top = box.bottom - frame.top + 8;
      this.tip.style.left = `${left}px`;
      this.tip.style.top = `${top}px`;
    }

    unhover() {
      this.nodeElements.forEach((group) => group.classList.remove("hover"));
      this.tieElements.forEach(({ line }) => line.classList.remove("hover"));
      this.tip.hidden = true;
    }

    /** Emphasise these actors and the ties among them; `removed` are drawn as leaving. */
    highlight(ids, { removed = [] } = {}) {
      this.highlighted = { ids: new Set([...ids, ...removed].map(String)), removed: new Set(removed.map(String)) };
      this.applyHighlight();
      this.fit([...this.highlighted.ids]);
    }

    /** Mark the actors chosen for "What if … leaves?" (a ring, and aria-pressed for screen readers). */
    setChosen(ids) {
      this.chosen = new Set([...ids].map(String));
      this.nodeElements?.forEach((group, id) => {
        group.classList.toggle("chosen", this.chosen.has(id));
        group.setAttribute("aria-pressed", this.chosen.has(id) ? "true" : "false");
      });
    }

    clear() {
      this.highlighted = null;
      this.applyHighlight();
    }

    applyHighlight() {
      if (!this.svg) return;
      const h = this.highlighted;
      this.svg.classList.toggle("has-highlight", Boolean(h));
      this.nodeElements.forEach((group, id) => {
        group.classList.toggle("hl", Boolean(h && h.ids.has(id)));
        group.classList.toggle("removed", Boolean(h && h.removed.has(id)));
        group.classList.toggle("chosen", this.chosen.has(id));
      });
      for (const { tie, line } of this.tieElements) {
        line.classList.toggle("hl", Boolean(h && h.ids.has(tie.source) && h.ids.has(tie.target)));
      }
    }

    /** The legend: the types present, with how many actors each, and what size and outline mean. */
    legend(target) {
      const counts = new Map();
      this.nodes.forEach((node) => counts.set(node.type, (counts.get(node.type) || 0) + 1));
      const swatch = (type, dashed) => svg("svg", { viewBox: "0 0 20 20", width: 18, height: 18, "aria-hidden": "true" },
        svg("circle", { cx: 10, cy: 10, r: 7, fill: type ? COLORS[type] : "#ffffff", class: dashed ? "dashed" : "" }));
      target.replaceChildren(
        el("h3", { class: "visually-hidden" }, t("legendTitle")),
        el("ul", { class: "legend-types" }, TYPES.filter((type) => counts.has(type)).map((type) =>
          el("li", {}, swatch(type), `${L("type", type)} (${counts.get(type)})`))),
        el("ul", { class: "legend-notes" },
          el("li", {}, svg("svg", { viewBox: "0 0 40 20", width: 34, height: 18, "aria-hidden": "true" },
            svg("circle", { cx: 8, cy: 12, r: 4, class: "size" }), svg("circle", { cx: 27, cy: 10, r: 8, class: "size" })),
          t("legendSize")),
          el("li", {}, swatch(null, true), t("legendIsolated"))),
      );
    }
  }

  return { NetworkMap, COLORS };
})();
