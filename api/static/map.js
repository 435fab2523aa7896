/* The network map: drawn from the positions of /layout and the names, types and figures of /report.
 *
 * Circles are actors (colour: type, size: number of partners, dashed outline: no partner at all),
 * lines are ties. Circles are SVG elements (each one a button for the keyboard and screen readers);
 * ties are SVG lines up to CANVAS_TIES of them and drawn on a canvas beneath beyond that, so that
 * zooming and moving a map of thousands of actors stays smooth.
 *
 * What a coordinator can do with it, by pointer, touch and keyboard alike:
 * - read the names of the best-connected actors (betweenness, then partners) where they fit
 *   without overlapping, at any zoom; every name in full on hover and focus, and in the profile;
 * - open an actor's profile ("Steckbrief": click, tap, Enter) — type, partners, figures and the
 *   gaps it is part of — which also highlights its ego network (the actor, its partners and the
 *   ties among them);
 * - find an actor by name (the search box), hide and show kinds of actors (the legend's buttons),
 *   arrange the map by sector (/layout?group_by=type), and save the view as PNG or SVG;
 * - zoom and move: the buttons above the map, Ctrl + mouse wheel or a pinch at the pointer,
 *   dragging (one finger once zoomed in on a touch screen), the keys + − 0 and Shift + arrows.
 * Zooming spreads the actors apart while circles, lines and names keep their size on screen.
 * While a wheel, drag or pinch goes on, the picture drawn last is only moved and scaled (one CSS
 * transform, done by the compositor: no circle, line or name is drawn again); once the gesture
 * ends or the view rests, the view is drawn once, names placed anew for what is then in view.
 * The arrow keys move between actors in the order of their names; the view follows.
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
  /** Up to this many actors every name is tried (circles kept free); larger maps name the most central. */
  const ALL_NAMES_UP_TO = 40;
  /** A large map writes at most one name per this many square pixels of the view. */
  const NAME_AREA = 9000;
  /** More ties than this are drawn on a canvas (thousands of SVG lines make moving the map slow). */
  const CANVAS_TIES = 600;
  /** Font size of the names on the map, in pixels (the map is drawn at its real size). */
  const LABEL_SIZE = 12;
  /** Names longer than this are shortened (the profile and the tooltip show them in full). */
  const LABEL_CHARS = 30;
  /** How far the map can be zoomed in (1 = the whole map), and one step of the buttons and keys. */
  const MAX_ZOOM = 12;
  const ZOOM_STEP = 1.5;
  /** One step of the move buttons and Shift + arrow keys: this share of the visible map. */
  const PAN_STEP = 0.25;
  /** Names are placed again this long after the last zoom or move (not in every frame). */
  const NAMES_AFTER_MS = 120;
  /** A wheel has no end: the view is drawn anew once no wheel event came for this long. */
  const SETTLE_MS = 150;
  /** The profile lists this many partners (the rest are counted). */
  const CARD_PARTNERS = 12;
  const TIE_COLOR = "#7d8794";
  const TIE_DARK = "#1b1f24";
  const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';

  /** Labels for names: shortened ones only where that leaves no two labels alike. */
  function labelTexts(nodes) {
    const short = (name) => (name.length > LABEL_CHARS ? `${name.slice(0, LABEL_CHARS - 1).trimEnd()}…` : name);
    const count = new Map();
    nodes.forEach((node) => count.set(short(node.name), (count.get(short(node.name)) || 0) + 1));
    nodes.forEach((node) => {
      const text = short(node.name);
      node.label = count.get(text) > 1 ? node.name : text;
    });
  }

  /** Whether two views (zoom s, move tx, ty) are the same; a view not yet drawn (null) is none. */
  function sameView(a, b) {
    return Boolean(a && b) && a.s === b.s && a.tx === b.tx && a.ty === b.ty;
  }

  /** Boxes on a grid of cells, to ask quickly whether a new box overlaps one placed before. */
  class BoxGrid {
    constructor(cell = 64) { this.cell = cell; this.cells = new Map(); }
    keys(box) {
      const c = this.cell;
      const out = [];
      for (let i = Math.floor(box.x0 / c); i <= Math.floor(box.x1 / c); i++) {
        for (let j = Math.floor(box.y0 / c); j <= Math.floor(box.y1 / c); j++) out.push(`${i},${j}`);
      }
      return out;
    }
    overlaps(box) {
      return this.keys(box).some((key) => (this.cells.get(key) || []).some((o) =>
        box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1));
    }
    add(box) {
      this.keys(box).forEach((key) => {
        if (!this.cells.has(key)) this.cells.set(key, []);
        this.cells.get(key).push(box);
      });
    }
  }

  function download(blob, filename) {
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  function slug(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/ß/g, "ss").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "netz";
  }

  class NetworkMap {
    /**
     * @param container    the element the map is drawn into
     * @param layout       the answer of /layout (actors with x, y, partners; ties; groups)
     * @param actors       the report's actors (id, name, type, figures)
     * @param onChoose     called with an actor id to take it into "what if" (or out again)
     * @param onClear      called when the person clears the highlight (Escape)
     * @param gaps         the report's gaps (an actor's profile lists those it is part of)
     * @param title        the alliance's name (in saved pictures and their file names)
     * @param fetchLayout  (groupBy or null) => a layout: for "arrange by sector"
     */
    constructor(container, layout, actors, { onChoose, onClear, gaps, title, fetchLayout } = {}) {
      this.container = container;
      this.onChoose = onChoose || (() => {});
      this.onClear = onClear || (() => {});
      this.gaps = gaps || [];
      this.title = title || "";
      this.fetchLayout = fetchLayout;
      this.actors = new Map(actors.map((a) => [String(a.id), a]));
      this.hiddenTypes = new Set();
      this.highlighted = null;
      this.selected = null; // the actor whose profile is open (its ego network is highlighted)
      this.chosen = new Set();
      this.query = "";
      this.width = 0;
      this.view = { s: 1, tx: 0, ty: 0 };
      this.setLayout(layout);
      this.current = this.order[0]?.id;
      this.resize = new ResizeObserver(() => {
        const width = Math.round(this.container.clientWidth);
        if (width && Math.abs(width - this.width) > 24) this.draw();
      });
      this.resize.observe(container);
    }

    /** Take new positions (the same actors and ties, or another wave's). */
    setLayout(layout) {
      this.layout = layout;
      this.nodes = layout.actors.map((a) => {
        const actor = this.actors.get(String(a.id)) || {};
        const type = TYPES.includes(actor.type) ? actor.type : "other";
        return {
          id: String(a.id), x: a.x, y: a.y, partners: a.partners, name: actor.name || String(a.id), type,
          centrality: Number.isFinite(actor.betweenness) ? actor.betweenness : 0,
        };
      });
      labelTexts(this.nodes);
      this.byId = new Map(this.nodes.map((n) => [n.id, n]));
      this.ties = layout.ties.map((tie) => ({ source: String(tie.source), target: String(tie.target), weight: tie.weight }));
      this.neighbours = new Map(this.nodes.map((n) => [n.id, new Set()]));
      for (const tie of this.ties) {
        this.neighbours.get(tie.source)?.add(tie.target);
        this.neighbours.get(tie.target)?.add(tie.source);
      }
      this.order = [...this.nodes].sort((a, b) => a.name.localeCompare(b.name, "de"));
      // The most central first: whose name the map writes when not all fit.
      this.byImportance = [...this.nodes].sort((a, b) => b.centrality - a.centrality || b.partners - a.partners ||
        a.name.localeCompare(b.name, "de"));
      this.canvasTies = this.ties.length > CANVAS_TIES;
    }

    get tooBig() { return this.nodes.length > MAX_ACTORS; }

    /** Stop following the container's size (before the map is replaced by another). */
    destroy() {
      this.resize.disconnect();
      cancelAnimationFrame(this.framePending);
      clearTimeout(this.settleTimer);
      clearTimeout(this.hintTimer);
      clearTimeout(this.namesTimer);
    }

    visible(node) { return !this.hiddenTypes.has(node.type); }

    /** Draw (again): after a resize, a change of language or of the layout. */
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
      const cell = W / Math.sqrt(n * aspect);
      const r0 = Math.min(Math.max(cell * 0.085, 3.5), 13);
      const pad = r0 * 2.2 + (n <= ALL_NAMES_UP_TO ? 18 : 6);
      const padBottom = pad + (n <= ALL_NAMES_UP_TO ? 16 : 0);
      const px = (x) => pad + x * (W - 2 * pad);
      const py = (y) => pad + y * (H - pad - padBottom);
      this.px = px;
      this.py = py;
      this.W = W;
      this.H = H;
      this.nodes.forEach((node) => { node.at = [px(node.x), py(node.y)]; });
      // Actors without partners are drawn no smaller than those with one: they must stay visible.
      this.radius = (node) => r0 * (node.partners ? 0.75 + 0.35 * Math.sqrt(node.partners) : 1.1);
      // Lines: thinner in large maps; thicker for stronger cooperation when strengths differ.
      const weights = this.ties.map((tie) => tie.weight || 1);
      const maxWeight = Math.max(1, ...weights);
      const varies = weights.some((w) => w !== weights[0]);
      this.lineBase = Math.min(Math.max(r0 / 7, 0.7), 1.4);
      const lineWidth = (w) => (varies ? this.lineBase * (0.6 + 1.6 * Math.sqrt(w / maxWeight)) : this.lineBase * 1.2);

      const tiesLayer = svg("g", { class: "ties" });
      this.tieElements = [];
      if (!this.canvasTies) {
        this.tieElements = this.ties.map((tie) => {
          const [x1, y1] = this.byId.get(tie.source).at;
          const [x2, y2] = this.byId.get(tie.target).at;
          const line = svg("line", {
            class: "tie", x1: x1.toFixed(1), y1: y1.toFixed(1), x2: x2.toFixed(1), y2: y2.toFixed(1),
            "stroke-width": lineWidth(tie.weight || 1).toFixed(2), "vector-effect": "non-scaling-stroke",
          });
          tiesLayer.append(line);
          return { tie, line };
        });
      }
      const nodesLayer = svg("g", { class: "nodes" });
      this.nodeElements = new Map();
      for (const node of this.nodes) {
        const group = svg("g", {
          class: `node${node.partners === 0 ? " isolated" : ""}`, "data-id": node.id, "data-type": node.type,
          tabindex: node.id === this.current ? 0 : -1, role: "button",
          "aria-pressed": this.chosen.has(node.id) ? "true" : "false",
          "aria-label": t("nodeLabel", { name: node.name, type: L("type", node.type), partners: Netz.partners(node.partners) }),
        }, svg("circle", { r: this.radius(node).toFixed(1), fill: COLORS[node.type] }));
        // Placed once; zooming changes one property of the map (--back), not thousands of actors.
        group.style.transform = `translate(${node.at[0].toFixed(1)}px, ${node.at[1].toFixed(1)}px) scale(var(--back, 1))`;
        nodesLayer.append(group);
        this.nodeElements.set(node.id, group);
      }
      this.listenToNodes(nodesLayer);
      this.world = svg("g", { class: "world" }, tiesLayer, nodesLayer);
      this.namesLayer = svg("g", { class: "names", "aria-hidden": "true" });
      this.groupsLayer = svg("g", { class: "group-names", "aria-hidden": "true" });
      this.groupTexts = null;
      this.svg = svg("svg", {
        class: `network${this.ties.length > 150 ? " many-ties" : ""}${this.canvasTies ? " on-canvas" : ""}`,
        viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "group",
        "aria-label": t("mapLabel", { actors: this.nodes.length, ties: this.ties.length }),
      }, svg("rect", { class: "backdrop", x: 0, y: 0, width: W, height: H }), this.world, this.groupsLayer,
      this.namesLayer);
      this.svg.addEventListener("keydown", (event) => this.key(event));
      this.canvas = null;
      if (this.canvasTies) {
        const ratio = window.devicePixelRatio || 1;
        this.canvas = el("canvas", { class: "ties-canvas", width: Math.round(W * ratio), height: Math.round(H * ratio),
          "aria-hidden": "true" });
        this.canvas.style.width = `${W}px`;
        this.canvas.style.height = `${H}px`;
        this.ratio = ratio;
      }
      this.tip = el("div", { class: "tip", hidden: true, "aria-hidden": "true" });
      this.hint = el("p", { class: "map-hint", hidden: true }, t("wheelHint"));
      this.card = el("aside", { class: "map-card", hidden: true });
      this.card.addEventListener("keydown", (event) => {
        if (event.key === "Escape") { event.preventDefault(); this.closeCard(); }
      });
      // The drawing (lines and circles) moves as one during a gesture; the stage around it stays,
      // takes the gestures' events and says where the drawing is on screen.
      this.moving = el("div", { class: "map-moving" }, this.canvas, this.svg);
      this.stage = el("div", { class: "map-stage" }, this.moving);
      this.frame = el("div", { class: "map-frame" }, this.stage, this.tip, this.hint, this.card);
      this.shown = el("p", { class: "map-shown", role: "status" });
      this.container.replaceChildren(this.finder(), this.tools(), this.frame, this.shown);
      this.listenForZoomAndPan();
      this.drawnView = null;
      // After a resize the view keeps its zoom and centre.
      const ratio = before ? W / before : 1;
      this.setView(this.view.s, this.view.tx * ratio, this.view.ty * ratio, { force: true });
      this.applyFilter();
      if (this.selected && this.byId.has(this.selected)) this.renderCard(); else this.selected = null;
      this.applyHighlight();
    }

    /** Hover, focus and click of the actors: one listener each for all of them. */
    listenToNodes(layer) {
      const nodeOf = (event) => event.target.closest?.(".node")?.dataset.id;
      layer.addEventListener("mouseover", (event) => { const id = nodeOf(event); if (id) this.hover(id); });
      layer.addEventListener("mouseout", (event) => { if (nodeOf(event)) this.unhover(); });
      layer.addEventListener("focusin", (event) => {
        const id = nodeOf(event);
        if (!id) return;
        this.current = id;
        this.reveal(id);
        this.hover(id);
      });
      layer.addEventListener("focusout", () => this.unhover());
      layer.addEventListener("click", (event) => {
        const id = nodeOf(event);
        if (!id || this.dragged) return; // the end of a drag, not a click
        this.focus(id);
        this.select(id);
      });
    }

    // -- search, tools, legend ----------------------------------------------------------------------

    /** The search box: matching actors as buttons; choosing one opens its profile. */
    finder() {
      const id = `map-search-${Math.random().toString(36).slice(2, 8)}`;
      this.results = el("ul", { class: "map-results", id: `${id}-results` });
      this.search = el("input", { type: "search", id, autocomplete: "off", "aria-controls": `${id}-results`,
        value: this.query });
      this.search.addEventListener("input", () => { this.query = this.search.value; this.renderResults(); });
      this.search.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          this.results.querySelector("button")?.click();
        } else if (event.key === "ArrowDown") {
          event.preventDefault();
          this.results.querySelector("button")?.focus();
        }
      });
      this.renderResults();
      return el("div", { class: "map-find", role: "search" },
        el("label", { for: id }, t("map_search")), this.search, this.results);
    }

    renderResults() {
      const words = this.query.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
      if (!words.length) { this.results.replaceChildren(); return; }
      const found = this.order.filter((node) => words.every((word) =>
        `${node.name} ${L("type", node.type)}`.toLocaleLowerCase().includes(word)));
      const shown = found.slice(0, 8);
      this.results.replaceChildren(
        ...shown.map((node) => el("li", {}, el("button", {
          type: "button", class: "quiet small", dataset: { id: node.id },
          onclick: () => { this.hiddenTypes.delete(node.type); this.applyFilter(); this.renderLegend(); this.select(node.id, { zoom: true }); },
          onkeydown: (event) => this.resultKey(event),
        }, node.name, el("span", { class: "result-type" }, ` – ${L("type", node.type)}`)))),
        found.length > shown.length ? el("li", { class: "help" }, t("map_search_more", { n: found.length - shown.length })) : null,
        found.length ? null : el("li", { class: "help" }, t("map_search_none", { q: this.query.trim() })));
    }

    resultKey(event) {
      const buttons = [...this.results.querySelectorAll("button")];
      const at = buttons.indexOf(event.target);
      if (event.key === "ArrowDown" && at < buttons.length - 1) { event.preventDefault(); buttons[at + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? buttons[at - 1] : this.search).focus(); }
    }

    /** The buttons above the map: zoom, move, arrange by sector, save, and the zoom level. */
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
      const grouped = Boolean(this.layout.groups);
      const group = this.fetchLayout ? el("button", {
        type: "button", class: "quiet small map-group", "aria-pressed": grouped ? "true" : "false",
        onclick: (event) => this.arrange(event.currentTarget, !grouped),
      }, t("map_group")) : null;
      // The visible word ("PNG") begins the accessible name (WCAG 2.5.3).
      const save = (format) => el("button", {
        type: "button", class: `quiet small map-save-${format}`, "aria-label": t(`map_export_${format}`),
        title: t(`map_export_${format}`), onclick: () => this.save(format),
      }, format.toUpperCase());
      return el("div", { class: "map-tools", role: "group", "aria-label": t("mapTools") },
        el("span", { class: "tool-group" }, this.toolButtons),
        el("span", { class: "tool-group" }, this.panButtons),
        el("span", { class: "tool-group" }, group, save("png"), save("svg")),
        this.zoomLevel);
    }

    /** Arrange the map by sector (or not): new positions from /layout, everything else kept. */
    async arrange(button, grouped) {
      button.disabled = true;
      this.shown.textContent = t("map_group_loading");
      let layout;
      try {
        layout = await this.fetchLayout(grouped ? "type" : null);
      } catch (error) {
        this.shown.textContent = error.detail || String(error);
        button.disabled = false;
        return;
      }
      this.setLayout(layout);
      this.view = { s: 1, tx: 0, ty: 0 };
      this.draw();
      this.container.querySelector(".map-group")?.focus();
    }

    /** The legend: a button per type present (hides or shows it), what size and outline mean. */
    legend(target) {
      this.legendTarget = target;
      this.renderLegend();
    }

    renderLegend() {
      const target = this.legendTarget;
      if (!target) return;
      const counts = new Map();
      this.nodes.forEach((node) => counts.set(node.type, (counts.get(node.type) || 0) + 1));
      const swatch = (type, dashed) => svg("svg", { viewBox: "0 0 20 20", width: 18, height: 18, "aria-hidden": "true" },
        svg("circle", { cx: 10, cy: 10, r: 7, fill: type ? COLORS[type] : "#ffffff", class: dashed ? "dashed" : "" }));
      const toggle = (type) => {
        if (this.hiddenTypes.has(type)) this.hiddenTypes.delete(type); else this.hiddenTypes.add(type);
        this.applyFilter();
        this.renderLegend();
        target.querySelector(`button[data-type="${type}"]`)?.focus();
      };
      target.replaceChildren(
        el("h3", { class: "visually-hidden" }, t("legendTitle")),
        el("p", { class: "help legend-help" }, t("map_legend_help")),
        el("ul", { class: "legend-types" }, TYPES.filter((type) => counts.has(type)).map((type) =>
          el("li", {}, el("button", {
            type: "button", class: "legend-type", dataset: { type }, "aria-pressed": this.hiddenTypes.has(type) ? "false" : "true",
            onclick: () => toggle(type),
          }, swatch(type), `${L("type", type)} (${counts.get(type)})`))),
        this.hiddenTypes.size ? el("li", {}, el("button", {
          type: "button", class: "quiet small legend-all",
          onclick: () => { this.hiddenTypes.clear(); this.applyFilter(); this.renderLegend(); },
        }, t("map_legend_all"))) : null),
        el("ul", { class: "legend-notes" },
          el("li", {}, svg("svg", { viewBox: "0 0 40 20", width: 34, height: 18, "aria-hidden": "true" },
            svg("circle", { cx: 8, cy: 12, r: 4, class: "size" }), svg("circle", { cx: 27, cy: 10, r: 8, class: "size" })),
          t("legendSize")),
          el("li", {}, swatch(null, true), t("legendIsolated"))),
      );
    }

    /** Show only the actors of the types not hidden (and the ties among them). */
    applyFilter() {
      if (!this.nodeElements) return;
      let shown = 0;
      this.nodes.forEach((node) => {
        const visible = this.visible(node);
        shown += visible ? 1 : 0;
        this.nodeElements.get(node.id).classList.toggle("filtered", !visible);
      });
      this.tieElements.forEach(({ tie, line }) => {
        line.classList.toggle("filtered", !(this.visible(this.byId.get(tie.source)) && this.visible(this.byId.get(tie.target))));
      });
      if (this.selected && !this.visible(this.byId.get(this.selected))) this.closeCard();
      if (this.shown) this.shown.textContent = shown < this.nodes.length ? t("map_shown", { shown, n: this.nodes.length }) : "";
      this.drawCanvas();
      this.writeNames();
    }

    // -- zoom and pan -----------------------------------------------------------------------------

    /** The point of the drawing (in its own pixels, as the view was drawn last) under a point of the screen. */
    drawingPoint(clientX, clientY) {
      const box = this.stage.getBoundingClientRect();
      return [(clientX - box.left) * (this.W / box.width), (clientY - box.top) * (this.H / box.height)];
    }

    listenForZoomAndPan() {
      // Ctrl + wheel (a trackpad pinch sends the same) zooms at the pointer; the wheel alone keeps
      // scrolling the page, with a hint how to zoom, so that nobody is caught inside the map.
      // Listened to on the stage, which stays where it is while the drawing moves within it.
      this.stage.addEventListener("wheel", (event) => {
        if (!(event.ctrlKey || event.metaKey)) {
          this.showHint();
          return;
        }
        event.preventDefault();
        const [x, y] = this.drawingPoint(event.clientX, event.clientY);
        this.zoomBy(Math.exp(-event.deltaY * 0.004), x, y, { now: false });
      }, { passive: false });
      // Dragging moves the view; two fingers zoom and move it (the buttons do both without either).
      const touches = new Map();
      let start = null;
      let pinch = null;
      const pinchState = () => {
        const [a, b] = [...touches.values()];
        const [x, y] = this.drawingPoint((a.x + b.x) / 2, (a.y + b.y) / 2);
        return { distance: Math.hypot(a.x - b.x, a.y - b.y) || 1, x, y };
      };
      this.stage.addEventListener("pointerdown", (event) => {
        if (event.pointerType === "touch") {
          touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
          if (touches.size === 2) {
            start = null;
            pinch = { ...pinchState(), view: { ...this.view } };
            return;
          }
          if (this.view.s <= 1) return; // the whole map: one finger scrolls the page
        } else if (event.button !== 0) return;
        start = { x: event.clientX, y: event.clientY, tx: this.view.tx, ty: this.view.ty, id: event.pointerId };
        this.dragged = false;
      });
      this.stage.addEventListener("pointermove", (event) => {
        if (touches.has(event.pointerId)) touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
        if (pinch && touches.size === 2) {
          const now = pinchState();
          const { s, tx, ty } = pinch.view;
          const next = Math.min(Math.max(s * (now.distance / pinch.distance), 1), MAX_ZOOM);
          // The drawing's point under the fingers' first midpoint goes to their midpoint now.
          this.setView(next, now.x - (pinch.x - tx) * (next / s), now.y - (pinch.y - ty) * (next / s), { now: false });
          this.dragged = true;
          return;
        }
        if (!start || event.pointerId !== start.id) return;
        const box = this.stage.getBoundingClientRect();
        const dx = (event.clientX - start.x) * (this.W / box.width);
        const dy = (event.clientY - start.y) * (this.H / box.height);
        if (!this.dragged && Math.hypot(dx, dy) < 4) return;
        if (!this.dragged) {
          this.dragged = true;
          this.stage.setPointerCapture(start.id);
          this.svg.classList.add("dragging");
          this.unhover();
        }
        this.setView(this.view.s, start.tx + dx, start.ty + dy, { now: false });
      });
      const end = (event) => {
        touches.delete(event.pointerId);
        if (touches.size < 2) pinch = null;
        if (!start && !this.dragged) return;
        start = null;
        this.svg.classList.remove("dragging");
        this.render(); // the last move is shown now, not in a frame still to come
        // The click that ends a drag must not open a profile; later clicks do.
        if (this.dragged) setTimeout(() => { this.dragged = false; }, 0);
      };
      this.stage.addEventListener("pointerup", end);
      this.stage.addEventListener("pointercancel", end);
    }

    showHint() {
      this.hint.hidden = false;
      clearTimeout(this.hintTimer);
      this.hintTimer = setTimeout(() => { this.hint.hidden = true; }, 2500);
    }

    /** Zoom by this factor, keeping the point (x, y) of the drawing where it is (default: centre). */
    zoomBy(factor, x = this.W / 2, y = this.H / 2, options = {}) {
      const { s, tx, ty } = this.view;
      const next = Math.min(Math.max(s * factor, 1), MAX_ZOOM);
      this.setView(next, x - (x - tx) * (next / s), y - (y - ty) * (next / s), options);
    }

    pan(dx, dy) {
      this.setView(this.view.s, this.view.tx + dx, this.view.ty + dy);
    }

    /**
     * Show the drawing zoomed by s and moved by (tx, ty), kept inside the map: drawn at once
     * (buttons, keys), or, during a gesture (wheel, drag, pinch: many events), the picture drawn
     * last moved there in the next animation frame, and drawn anew when the gesture ends (drag,
     * pinch: `render()` then) or the view rests (the wheel: SETTLE_MS without an event).
     */
    setView(s, tx, ty, { force = false, now = true } = {}) {
      s = Math.min(Math.max(s, 1), MAX_ZOOM);
      tx = Math.min(0, Math.max(this.W * (1 - s), tx));
      ty = Math.min(0, Math.max(this.H * (1 - s), ty));
      this.view = { s, tx, ty };
      if (force) this.drawnScale = null;
      if (!this.world) return;
      if (now || !this.drawnView) { this.render(); return; }
      clearTimeout(this.settleTimer);
      this.settleTimer = setTimeout(() => this.render(), SETTLE_MS);
      if (this.framePending) return;
      this.framePending = requestAnimationFrame(() => this.preview());
    }

    /**
     * During a gesture: the picture drawn last (at `drawnView`) moved and scaled to the view now,
     * by one CSS transform of the drawing (the compositor's work; nothing inside is touched).
     */
    preview() {
      this.framePending = null;
      const from = this.drawnView;
      const { s, tx, ty } = this.view;
      const k = s / from.s;
      const unit = this.stage.clientWidth / this.W || 1; // CSS pixels per pixel of the drawing
      this.moving.style.transform = `translate(${((tx - from.tx * k) * unit).toFixed(2)}px, ` +
        `${((ty - from.ty * k) * unit).toFixed(2)}px) scale(${k.toFixed(5)})`;
      this.zoomLevel.textContent = t("zoomLevel", { share: Netz.percent(s) });
      if (!this.tip.hidden) this.unhover();
      if (this.hint) this.hint.hidden = true;
    }

    /** Put the view on screen. Positions scale, circles and names do not, lines keep their width. */
    render() {
      if (this.framePending) cancelAnimationFrame(this.framePending);
      this.framePending = null;
      clearTimeout(this.settleTimer);
      this.moving.style.transform = "";
      const { s, tx, ty } = this.view;
      this.drawnView = { s, tx, ty };
      this.world.setAttribute("transform", `translate(${tx.toFixed(2)},${ty.toFixed(2)}) scale(${s.toFixed(4)})`);
      if (this.drawnScale !== s) {
        this.drawnScale = s;
        this.svg.style.setProperty("--back", (1 / s).toFixed(5));
      }
      this.drawCanvas();
      this.placeGroupNames();
      // Names: moved along with the drawing now, placed anew once the view rests.
      if (this.namesView) {
        if (this.namesView.s === s) {
          this.namesLayer.setAttribute("transform", `translate(${(tx - this.namesView.tx).toFixed(1)},${(ty - this.namesView.ty).toFixed(1)})`);
        } else {
          this.namesLayer.setAttribute("visibility", "hidden");
        }
      }
      clearTimeout(this.namesTimer);
      if (!sameView(this.namesView, this.view)) {
        this.namesTimer = setTimeout(() => this.writeNames(), this.namesView ? NAMES_AFTER_MS : 0);
      }
      this.svg.classList.toggle("zoomed", s > 1);
      this.zoomLevel.textContent = t("zoomLevel", { share: Netz.percent(s) });
      const disable = (button, off) => button.setAttribute("aria-disabled", off ? "true" : "false");
      disable(this.toolButtons[0], s >= MAX_ZOOM);
      disable(this.toolButtons[1], s <= 1);
      disable(this.toolButtons[2], s <= 1);
      this.panButtons.forEach((button) => disable(button, s <= 1));
      if (!this.tip.hidden) this.unhover();
      if (this.hint) this.hint.hidden = true; // zooming or moving: the hint has done its work
    }

    /**
     * The ties on the canvas (a large map): faded, plain, and highlighted ones on top. Like
     * everything inside the moving drawing, for the view drawn last (a gesture moves the picture).
     */
    drawCanvas() {
      if (!this.canvas) return;
      const context = this.canvas.getContext("2d");
      const { s, tx, ty } = this.drawnView || this.view;
      const r = this.ratio;
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, this.canvas.width, this.canvas.height);
      context.setTransform(r * s, 0, 0, r * s, r * tx, r * ty);
      context.lineCap = "round";
      const marked = this.markedIds();
      const hover = this.hovered;
      const plain = new Path2D();
      const strong = new Path2D();
      for (const tie of this.ties) {
        const a = this.byId.get(tie.source);
        const b = this.byId.get(tie.target);
        if (!this.visible(a) || !this.visible(b)) continue;
        const hl = (marked && marked.has(a.id) && marked.has(b.id)) || (hover && (hover === a.id || hover === b.id));
        const path = hl ? strong : plain;
        path.moveTo(a.at[0], a.at[1]);
        path.lineTo(b.at[0], b.at[1]);
      }
      context.strokeStyle = TIE_COLOR;
      context.globalAlpha = marked ? 0.15 : 0.55;
      context.lineWidth = this.lineBase / s;
      context.stroke(plain);
      context.strokeStyle = TIE_DARK;
      context.globalAlpha = 1;
      context.lineWidth = (this.lineBase * 1.6) / s;
      context.stroke(strong);
    }

    /**
     * Names of the groups when the map is arranged by sector, above their blocks: broken into
     * lines as wide as the block (a long sector name never runs into the next block's).
     */
    placeGroupNames() {
      const groups = this.layout.groups || [];
      const lineHeight = 14;
      if (!this.groupTexts || this.groupTexts.length !== groups.length) {
        const measure = this.measurer();
        this.groupTexts = groups.map((group) => {
          const name = this.layout.group_by === "type" ? L("type", group.key || "other") : group.key || "—";
          const room = Math.max(group.width * (this.px(1) - this.px(0)), 60);
          const lines = [];
          for (const word of `${name} (${group.n})`.split(/\s+/)) {
            const line = lines.length ? `${lines.at(-1)} ${word}` : word;
            if (lines.length && measure.measureText(line).width * 1.1 <= room) lines[lines.length - 1] = line;
            else lines.push(word);
          }
          const text = svg("text", { "data-key": group.key }, lines.map((line, i) =>
            svg("tspan", { x: 0, dy: i ? lineHeight : 0 }, document.createTextNode(line))));
          text.box = [Math.max(...lines.map((line) => measure.measureText(line).width * 1.1)), lines.length * lineHeight];
          return text;
        });
        this.groupsLayer.replaceChildren(...this.groupTexts);
      }
      this.groupBoxes = groups.map((group, i) => {
        const [width, height] = this.groupTexts[i].box;
        const x = Math.max(Math.min(this.px(group.x) * this.view.s + this.view.tx, this.W - width - 4), 4);
        const y = this.py(group.y) * this.view.s + this.view.ty + 12;
        this.groupTexts[i].setAttribute("transform", `translate(${x.toFixed(1)},${y.toFixed(1)})`);
        return { x0: x - 2, y0: y - 12, x1: x + width + 2, y1: y - 12 + height + 2 };
      });
    }

    /** A canvas context that measures text in the map's font. */
    measurer() {
      if (!this.measure) {
        this.measure = document.createElement("canvas").getContext("2d");
        this.measure.font = `${LABEL_SIZE}px ${getComputedStyle(this.container).fontFamily}`;
      }
      return this.measure;
    }

    /**
     * The names of the actors in view where they fit without overlapping one another, the most
     * central first; a small map keeps its circles free too. Names are in screen pixels, for the
     * view drawn last (during a gesture they move with the picture).
     */
    writeNames() {
      if (!this.namesLayer) return;
      clearTimeout(this.namesTimer);
      const { s, tx, ty } = this.drawnView || this.view;
      const W = this.W;
      const H = this.H;
      const at = (node) => [node.at[0] * s + tx, node.at[1] * s + ty];
      const small = this.nodes.length <= ALL_NAMES_UP_TO;
      const budget = small ? Infinity : Math.max(8, Math.round((W * H) / NAME_AREA));
      const grid = new BoxGrid();
      const marked = this.markedIds();
      const candidates = this.byImportance.filter((node) => {
        if (!this.visible(node)) return false;
        const [x, y] = at(node);
        return x >= 0 && x <= W && y >= 0 && y <= H;
      });
      // Highlighted actors (a profile's partners, a gap's actors) are named first.
      if (marked) candidates.sort((a, b) => Number(marked.has(b.id)) - Number(marked.has(a.id)));
      const circle = (node) => {
        const r = this.radius(node);
        const [x, y] = at(node);
        return { x0: x - r, y0: y - r, x1: x + r, y1: y + r };
      };
      if (small) candidates.forEach((node) => grid.add(circle(node)));
      (this.groupBoxes || []).forEach((box) => grid.add(box));
      this.measurer();
      const texts = [];
      for (const node of candidates) {
        if (texts.length >= budget) break;
        node.labelWidth ??= this.measure.measureText(node.label).width + 6;
        const width = node.labelWidth * (marked?.has(node.id) ? 1.12 : 1); // bold when highlighted
        const r = this.radius(node);
        const [x, y] = at(node);
        const h = LABEL_SIZE + 5;
        const spots = [
          ["middle", 0, r + LABEL_SIZE + 1, [x - width / 2, y + r + 2, x + width / 2, y + r + 2 + h]],
          ["middle", 0, -r - 5, [x - width / 2, y - r - 4 - h, x + width / 2, y - r - 4]],
          ["start", r + 4, 4, [x + r + 3, y - h / 2, x + r + 3 + width, y + h / 2]],
          ["end", -r - 4, 4, [x - r - 3 - width, y - h / 2, x - r - 3, y + h / 2]],
          ["start", r * 0.7, r + LABEL_SIZE, [x + r * 0.7 - 1, y + r + 1, x + r * 0.7 + width, y + r + 1 + h]],
          ["end", -r * 0.7, r + LABEL_SIZE, [x - r * 0.7 - width, y + r + 1, x - r * 0.7 + 1, y + r + 1 + h]],
          ["start", r * 0.7, -r - 4, [x + r * 0.7 - 1, y - r - 3 - h, x + r * 0.7 + width, y - r - 3]],
          ["end", -r * 0.7, -r - 4, [x - r * 0.7 - width, y - r - 3 - h, x - r * 0.7 + 1, y - r - 3]],
        ];
        if (!small && grid.overlaps(circle(node))) continue; // its circle lies under another's name
        for (const [anchor, dx, dy, [x0, y0, x1, y1]] of spots) {
          const box = { x0, y0, x1, y1 };
          if (x0 < 0 || y0 < 0 || x1 > W || y1 > H || grid.overlaps(box)) continue;
          grid.add(box);
          if (!small) grid.add(circle(node));
          texts.push(svg("text", {
            x: (x + dx).toFixed(1), y: (y + dy).toFixed(1), "text-anchor": anchor, "data-id": node.id,
            class: marked?.has(node.id) ? "hl" : null,
          }, document.createTextNode(node.label)));
          break;
        }
      }
      this.namesLayer.replaceChildren(...texts);
      this.namesLayer.removeAttribute("transform");
      this.namesLayer.removeAttribute("visibility");
      this.namesView = { s, tx, ty };
    }

    /** Where an actor is on the screen's drawing now (after zoom and pan). */
    shownAt(id) {
      const [x, y] = this.byId.get(id).at;
      return [x * this.view.s + this.view.tx, y * this.view.s + this.view.ty];
    }

    /** Move the view (not the zoom) so that this actor is well inside it. */
    reveal(id) {
      if (this.view.s <= 1 || !this.W) return;
      const [x, y] = this.shownAt(id);
      const margin = 0.1;
      const inside = x > this.W * margin && x < this.W * (1 - margin) && y > this.H * margin && y < this.H * (1 - margin);
      if (!inside) this.pan(this.W / 2 - x, this.H / 2 - y);
    }

    /** Make sure all these actors are in view: centre on them, and zoom out as far as needed. */
    fit(ids) {
      const points = ids.map((id) => this.byId.get(String(id))?.at).filter(Boolean);
      if (!points.length || this.view.s <= 1 || !this.W) return;
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
      const order = this.order.filter((node) => this.visible(node));
      if (!order.length) return;
      const at = order.findIndex((node) => node.id === this.current);
      let next = null;
      if (["ArrowRight", "ArrowDown"].includes(event.key)) next = (at + 1) % order.length;
      else if (["ArrowLeft", "ArrowUp"].includes(event.key)) next = (at - 1 + order.length) % order.length;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = order.length - 1;
      else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        if (this.current) this.select(this.current);
        return;
      } else if (event.key === "Escape") {
        if (this.selected) { this.closeCard(); return; }
        this.clear();
        this.onClear();
        return;
      } else return;
      event.preventDefault();
      this.focus(order[next].id);
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
      this.hovered = id;
      for (const { tie, line } of this.tieElements) {
        line.classList.toggle("hover", tie.source === id || tie.target === id);
      }
      this.drawCanvas();
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
      if (!this.hovered) return;
      this.nodeElements.get(this.hovered)?.classList.remove("hover");
      this.hovered = null;
      this.tieElements.forEach(({ line }) => line.classList.remove("hover"));
      this.drawCanvas();
      this.tip.hidden = true;
    }

    // -- an actor's profile and its ego network ----------------------------------------------------

    /** Open an actor's profile and highlight its ego network (zoom: also bring it into view, closer). */
    select(id, { zoom = false } = {}) {
      this.selected = id;
      if (zoom) {
        if (this.view.s < 3) this.zoomBy(3 / this.view.s);
        const [x, y] = this.shownAt(id);
        this.pan(this.W / 2 - x, this.H / 2 - y);
        this.focus(id);
      }
      this.unhover();
      this.renderCard();
      this.applyHighlight();
      this.writeNames();
    }

    closeCard() {
      const was = this.selected;
      this.selected = null;
      this.card.hidden = true;
      this.applyHighlight();
      this.writeNames();
      if (was && this.card.contains(document.activeElement)) this.focus(was);
    }

    renderCard() {
      const node = this.byId.get(this.selected);
      const actor = this.actors.get(node.id) || {};
      const partners = [...this.neighbours.get(node.id)].map((id) => this.byId.get(id))
        .sort((a, b) => a.name.localeCompare(b.name, "de"));
      const gaps = this.gaps.filter((gap) => (gap.actors || []).map(String).includes(node.id));
      const figure = (label, value) => (value === null ? null : [el("dt", {}, label), el("dd", {}, value)]);
      const titleId = `map-card-title-${node.id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
      this.card.setAttribute("aria-labelledby", titleId);
      this.card.setAttribute("aria-label", t("map_card", { name: node.name }));
      this.card.dataset.id = node.id;
      this.card.replaceChildren(
        el("div", { class: "card-head" },
          el("h3", { id: titleId }, node.name),
          el("button", { type: "button", class: "quiet small card-close", "aria-label": t("map_card_close"),
            title: t("map_card_close"), onclick: () => this.closeCard() }, el("span", { "aria-hidden": "true" }, "×"))),
        el("p", { class: "card-type" }, svg("svg", { viewBox: "0 0 20 20", width: 16, height: 16, "aria-hidden": "true" },
          svg("circle", { cx: 10, cy: 10, r: 7, fill: COLORS[node.type] })), L("type", node.type)),
        el("button", {
          type: "button", class: "small card-choose", "aria-pressed": this.chosen.has(node.id) ? "true" : "false",
          onclick: () => this.onChoose(node.id),
        }, t("map_card_choose")),
        el("h4", {}, t("map_card_partners", { n: partners.length })),
        partners.length ? el("ul", { class: "card-partners" },
          partners.slice(0, CARD_PARTNERS).map((partner) => el("li", {}, el("button", {
            type: "button", class: "link", dataset: { id: partner.id },
            onclick: () => { this.hiddenTypes.delete(partner.type); this.applyFilter(); this.renderLegend(); this.select(partner.id); this.focusCard(); },
          }, partner.name))),
          partners.length > CARD_PARTNERS ? el("li", { class: "help" }, t("map_card_more", { n: partners.length - CARD_PARTNERS })) : null)
          : el("p", { class: "help" }, t("map_card_no_partners")),
        el("h4", {}, t("map_card_figures")),
        el("dl", { class: "card-figures" },
          figure(L("phrase", "partners"), Netz.number(node.partners, 0)),
          figure(t("map_card_betweenness"), Number.isFinite(actor.betweenness_norm) ? Netz.percent(actor.betweenness_norm) : null),
          figure(t("map_card_closeness"), Number.isFinite(actor.closeness) ? Netz.number(actor.closeness, 2) : null),
          figure(t("map_card_constraint"), Number.isFinite(actor.constraint) ? Netz.number(actor.constraint, 2) : null),
          figure(t("map_card_brokerage"), Number.isFinite(actor.brokerage?.total) ? Netz.number(actor.brokerage.total, 0) : null)),
        el("h4", {}, t("map_card_gaps", { n: gaps.length })),
        gaps.length ? el("ul", { class: "card-gaps" }, gaps.map((gap) => el("li", { dataset: { kind: gap.kind } },
          el("strong", {}, `${L("kind", gap.kind)} (${L("severity", gap.severity)})`), " ",
          Netz.inLang(gap.explanation) || ""))) : el("p", { class: "help" }, t("map_card_no_gaps")),
      );
      // Beside the map's actor, not over it: on the side away from it.
      this.card.classList.toggle("left", this.shownAt(node.id)[0] > this.W / 2);
      this.card.hidden = false;
    }

    focusCard() { this.card.querySelector("h3")?.setAttribute("tabindex", "-1"); this.card.querySelector("h3")?.focus(); }

    /** The actors highlighted now: the profile's ego network, else what the page asked for. */
    markedIds() {
      if (this.selected) return new Set([this.selected, ...this.neighbours.get(this.selected)]);
      return this.highlighted ? this.highlighted.ids : null;
    }

    // -- highlights asked for by the page ----------------------------------------------------------

    /** Emphasise these actors and the ties among them; `removed` are drawn as leaving. */
    highlight(ids, { removed = [] } = {}) {
      this.highlighted = { ids: new Set([...ids, ...removed].map(String)), removed: new Set(removed.map(String)) };
      if (this.selected) { this.selected = null; if (this.card) this.card.hidden = true; }
      this.applyHighlight();
      this.fit([...this.highlighted.ids]);
      this.writeNames();
    }

    /** Mark the actors chosen for "What if … leaves?" (a ring, and aria-pressed for screen readers). */
    setChosen(ids) {
      this.chosen = new Set([...ids].map(String));
      this.nodeElements?.forEach((group, id) => {
        group.classList.toggle("chosen", this.chosen.has(id));
        group.setAttribute("aria-pressed", this.chosen.has(id) ? "true" : "false");
      });
      const choose = this.card?.querySelector(".card-choose");
      if (choose) choose.setAttribute("aria-pressed", this.chosen.has(this.selected) ? "true" : "false");
    }

    clear() {
      this.highlighted = null;
      this.applyHighlight();
      this.writeNames();
    }

    applyHighlight() {
      if (!this.svg) return;
      const marked = this.markedIds();
      const removed = this.selected ? new Set() : this.highlighted?.removed || new Set();
      this.svg.classList.toggle("has-highlight", Boolean(marked));
      this.nodeElements.forEach((group, id) => {
        group.classList.toggle("hl", Boolean(marked && marked.has(id)));
        group.classList.toggle("removed", removed.has(id));
        group.classList.toggle("chosen", this.chosen.has(id));
        group.classList.toggle("selected", id === this.selected);
      });
      for (const { tie, line } of this.tieElements) {
        line.classList.toggle("hl", Boolean(marked && marked.has(tie.source) && marked.has(tie.target)));
      }
      this.drawCanvas();
    }

    // -- saving the view -----------------------------------------------------------------------------

    /** The view as a standalone SVG document: what is on screen, with its styles written out. */
    snapshot() {
      // Names are placed a moment after the view changes: a view saved at once gets its own names
      // now, not those of the view before (placed for another zoom, they would sit off their circles).
      if (!sameView(this.drawnView, this.view)) this.render();
      if (!sameView(this.namesView, this.view)) this.writeNames();
      const { s, tx, ty } = this.view;
      const W = this.W;
      const H = this.H;
      const at = (node) => [node.at[0] * s + tx, node.at[1] * s + ty];
      const inView = ([x, y], m = 20) => x >= -m && x <= W + m && y >= -m && y <= H + m;
      const marked = this.markedIds();
      let plain = "";
      let strong = "";
      for (const tie of this.ties) {
        const a = this.byId.get(tie.source);
        const b = this.byId.get(tie.target);
        if (!this.visible(a) || !this.visible(b)) continue;
        const [p, q] = [at(a), at(b)];
        if (!inView(p, W) && !inView(q, W)) continue;
        const d = `M${p[0].toFixed(1)} ${p[1].toFixed(1)}L${q[0].toFixed(1)} ${q[1].toFixed(1)}`;
        if (marked && marked.has(a.id) && marked.has(b.id)) strong += d; else plain += d;
      }
      const title = t("map_export_title", { name: this.title });
      const out = svg("svg", { xmlns: "http://www.w3.org/2000/svg", width: W, height: H, viewBox: `0 0 ${W} ${H}`,
        "font-family": FONT, "font-size": LABEL_SIZE },
      svg("title", {}, document.createTextNode(title)),
      svg("rect", { x: 0, y: 0, width: W, height: H, fill: "#ffffff" }),
      svg("path", { d: plain || "M0 0", fill: "none", stroke: TIE_COLOR, "stroke-opacity": marked ? 0.15 : 0.55,
        "stroke-width": this.lineBase, "stroke-linecap": "round" }),
      svg("path", { d: strong || "M0 0", fill: "none", stroke: TIE_DARK, "stroke-width": this.lineBase * 1.6,
        "stroke-linecap": "round" }));
      const circles = svg("g", { stroke: "#2b3440", "stroke-width": 1.2 });
      for (const node of this.nodes) {
        const p = at(node);
        if (!this.visible(node) || !inView(p)) continue;
        const faded = marked && !marked.has(node.id);
        circles.append(svg("circle", {
          cx: p[0].toFixed(1), cy: p[1].toFixed(1), r: this.radius(node).toFixed(1), fill: COLORS[node.type],
          "fill-opacity": faded ? 0.22 : null, "stroke-opacity": faded ? 0.22 : null,
          "stroke-dasharray": node.partners === 0 ? "3 2.5" : null,
          "stroke-width": marked?.has(node.id) || node.id === this.selected ? 3 : null,
        }, svg("title", {}, document.createTextNode(node.name))));
      }
      out.append(circles);
      const texts = svg("g", { fill: "#1b1f24", stroke: "#ffffff", "stroke-width": 3.5, "stroke-linejoin": "round",
        "paint-order": "stroke" });
      for (const text of [...this.groupsLayer.children, ...this.namesLayer.children]) {
        const copy = text.cloneNode(true);
        copy.removeAttribute("class");
        copy.removeAttribute("data-id");
        copy.removeAttribute("data-key");
        if (this.groupsLayer.contains(text)) { copy.setAttribute("font-weight", "700"); copy.setAttribute("font-size", "13"); }
        texts.append(copy);
      }
      out.append(texts);
      return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}\n`;
    }

    /** Save the view as SVG, or as PNG at twice the screen's pixels (drawn from the same SVG). */
    async save(format) {
      const text = this.snapshot();
      const name = `netzwerkkarte-${slug(this.title)}`;
      const blob = new Blob([text], { type: "image/svg+xml" });
      if (format === "svg") { download(blob, `${name}.svg`); return; }
      // A data: address: the pages' Content-Security-Policy lets images come from there only.
      const image = new Image();
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
      await image.decode();
      const scale = 2;
      const canvas = el("canvas", { width: this.W * scale, height: this.H * scale });
      canvas.getContext("2d").drawImage(image, 0, 0, this.W * scale, this.H * scale);
      const png = await new Promise((done) => canvas.toBlob(done, "image/png"));
      download(png, `${name}.png`);
    }
  }

  return { NetworkMap, COLORS };
})();
