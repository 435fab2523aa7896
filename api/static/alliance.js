/* One alliance: key figures, health scorecard, coordination gaps, network map, who holds the
 * network together, "what if … leave?".
 *
 * Everything shown comes from the API with the signed-in key. A funder's key gets network-level
 * figures only (no actors, gaps as counts): the page then shows those and says why there is no map.
 * A researcher's key gets pseudonyms, which the page shows as they are.
 *
 * An alliance surveyed in several waves gets buttons to choose the wave (the latest at first; the
 * address keeps the choice as ?wave=…); report, map, key players and what-if then all describe
 * that wave, as the API's ?wave= does.
 */
"use strict";

(() => {
  const { t, L, el, svg, api, icon } = Netz;
  const allianceId = Number(location.pathname.split("/").filter(Boolean)[1]);
  const BAND_ORDER = { concern: 0, watch: 1, good: 2 };
  const SHARE_INDICATORS = ["connectedness", "cross_sector_integration", "dependence_on_single_actors",
    "refugee_participation", "reciprocity", "data_quality", "trust", "value"];
  const SHARE_FIGURES = ["largest_component_share", "fragmentation", "density", "transitivity", "reciprocity"];
  const GAPS_SHOWN = 4;

  const KEY_PLAYERS = 3;

  const state = {
    report: null, layout: null, aggregate: false, map: null,
    wave: new URLSearchParams(location.search).get("wave"), // null: the latest
    activeGap: null, // index into report.gaps of the gap shown on the map
    whatif: null, chosen: new Set(), filter: "", expanded: new Set(), open: null,
    allGapsOpen: false, // whether the full list of gaps below the three most important steps is open
    whatifOnMap: false, // whether the map shows who leaves and who is stranded
    keyPlayers: null, keyOnMap: false, // the key players, and whether the map shows them
    change: null, // what changed since the wave before the one shown
    loads: 0, // counts loads, so that an answer for a wave no longer shown is ignored
    waveRequests: 0, // counts wave choices, so that only the last one is shown
  };

  const $ = (id) => document.getElementById(id);
  const names = () => new Map(state.report.actors.map((a) => [String(a.id), a.name || String(a.id)]));

  // -- loading --------------------------------------------------------------------------------

  function showLoading(text) {
    const loading = $("loading");
    loading.querySelector("span").textContent = text;
    loading.hidden = !text;
  }

  function fail(error) {
    showLoading("");
    if (error.status === 401) {
      Netz.clearKey();
      signedOut(t("keyExpired"));
      return true;
    }
    const failure = $("failure");
    failure.textContent = error.status === 404 ? t("notFound") : error.status === 403 ? t("forbidden")
      : error.status ? t("failed", { detail: error.detail }) : error.detail;
    failure.hidden = false;
    return true;
  }

  /** Signed out (or the key expired): nothing of the alliance stays on the page, which asks for a
   * key again; the sections that depend on the key go by themselves (Netz.onKey). */
  function signedOut(message) {
    state.loads += 1; // answers still on their way are for the key before
    state.waveRequests += 1;
    if (state.map) state.map.destroy();
    Object.assign(state, { report: null, layout: null, map: null, whatif: null, keyPlayers: null, change: null });
    state.chosen.clear();
    showLoading("");
    ["alliance", "failure", "wave-note", "wave-loading"].forEach((id) => { $(id).hidden = true; });
    Netz.signIn($("signin"), load, message);
  }

  /** "?wave=…&" for API calls about the wave shown ("" for the latest). */
  const waveQuery = (joiner = "?") => (state.wave ? `${joiner}wave=${encodeURIComponent(state.wave)}` : "");

  async function fetchWave() {
    const report = await api(`/api/v1/alliances/${allianceId}/report${waveQuery()}`);
    const aggregate = report.gaps.some((gap) => "count" in gap) ||
      (report.actors.length === 0 && report.network.n_actors > 0);
    const layout = aggregate ? null : await api(`/api/v1/alliances/${allianceId}/layout${waveQuery()}`);
    return { report, aggregate, layout };
  }

  async function load() {
    $("failure").hidden = true;
    showLoading(t("loadingReport"));
    let loaded;
    try {
      try {
        loaded = await fetchWave();
      } catch (error) {
        // An address with a wave the alliance does not have: show the latest, and say so.
        if (error.status !== 422 || !state.wave) throw error;
        const missing = state.wave;
        setWave(null);
        loaded = await fetchWave();
        $("wave-note").textContent = t("waveMissing", { wave: missing });
        $("wave-note").hidden = false;
      }
    } catch (error) {
      if (Netz.getKey()) fail(error);
      return;
    }
    if (!Netz.getKey()) return; // signed out meanwhile
    showLoading("");
    $("alliance").hidden = false;
    $("map-status").querySelector("button").onclick = clearHighlight;
    show(loaded);
  }

  /** Keep the wave shown in the address (so a reload or a shared link shows it again). */
  function setWave(wave) {
    state.wave = wave;
    const url = new URL(location.href);
    if (wave) url.searchParams.set("wave", wave); else url.searchParams.delete("wave");
    history.replaceState(null, "", url);
  }

  /** Show a report (and map) just loaded: everything that belonged to the one before is reset. */
  function show({ report, aggregate, layout }) {
    state.loads += 1;
    state.report = report;
    state.aggregate = aggregate;
    state.layout = layout;
    state.activeGap = null;
    state.whatif = null;
    state.whatifOnMap = false;
    state.keyPlayers = null;
    state.keyOnMap = false;
    state.open = null;
    state.allGapsOpen = false;
    state.expanded = new Set();
    const present = new Set(report.actors.map((a) => String(a.id)));
    state.chosen = new Set([...state.chosen].filter((id) => present.has(id)));
    if (state.map) state.map.destroy();
    state.map = null;
    if (layout) {
      state.map = new NetzMap.NetworkMap($("map"), layout, report.actors, {
        onChoose: toggleChosen,
        onClear: clearHighlight,
        gaps: report.gaps,
        title: report.alliance.name,
        fetchLayout: (groupBy) => api(`/api/v1/alliances/${allianceId}/layout${waveQuery()}` +
          (groupBy ? `${state.wave ? "&" : "?"}group_by=${encodeURIComponent(groupBy)}` : "")),
      });
      state.map.setChosen(state.chosen);
    }
    render();
    loadKeyPlayers();
    loadWaveChange();
  }

  async function chooseWave(wave, { focus = true } = {}) {
    const previous = state.wave;
    const request = ++state.waveRequests; // a quicker second click wins, whatever answers first
    setWave(wave);
    $("wave-note").hidden = true;
    const loading = $("wave-loading");
    loading.querySelector("span").textContent = t("waveLoading", { wave: wave === "all" ? t("waveAll") : wave || latestWave() });
    loading.hidden = false;
    $("alliance").setAttribute("aria-busy", "true");
    let loaded;
    try {
      loaded = await fetchWave();
    } catch (error) {
      if (request !== state.waveRequests) return;
      setWave(previous);
      if (error.status === 401) { fail(error); return; }
      $("wave-note").textContent = error.status ? t("failed", { detail: error.detail }) : error.detail;
      $("wave-note").hidden = false;
      return;
    } finally {
      if (request === state.waveRequests) {
        loading.hidden = true;
        $("alliance").removeAttribute("aria-busy");
      }
    }
    if (request !== state.waveRequests) return;
    show(loaded);
    if (focus) $("wave-buttons").querySelector("[aria-pressed=true]")?.focus();
  }

  // A survey closed on this page (survey-admin.js) is a new wave: show its report. The focus
  // stays where the coordinator is, on what closing did.
  document.addEventListener("netz:wave-added", (event) => chooseWave(event.detail.wave, { focus: false }));

  const latestWave = () => state.report.alliance.waves.at(-1);

  /** The wave before the one shown (none for the first wave and for all waves together). */
  function previousWave() {
    const { waves, wave } = state.report.alliance;
    const at = waves.indexOf(wave);
    return at > 0 ? waves[at - 1] : null;
  }

  /** What changed since the wave before: who joined or left, ties gained and lost (/waves/diff). */
  async function loadWaveChange() {
    state.change = null;
    renderWaveChange();
    const from = previousWave();
    if (!from) return;
    const load = state.loads;
    try {
      const change = await api(`/api/v1/alliances/${allianceId}/waves/diff?from=${encodeURIComponent(from)}` +
        `&to=${encodeURIComponent(state.report.alliance.wave)}`);
      if (load !== state.loads) return;
      state.change = change;
    } catch (e) {
      if (load !== state.loads) return;
      if (e.status === 401) { fail(e); return; }
      return; // the change is extra information: the page works without it
    }
    renderWaveChange();
  }

  function renderWaveChange() {
    const box = $("wave-change");
    const change = state.change;
    box.hidden = !change;
    if (!change) return;
    $("wave-change-title").textContent = t("waveChange", { wave: change.from });
    // Funders get counts; the others lists of actors (named) and of ties.
    const count = (value) => (Array.isArray(value) ? value.length : value);
    const named = (ids) => {
      const shown = ids.slice(0, 5).map((id) => change.names?.[id] || names().get(String(id)) || id);
      if (ids.length > 5) shown.push(t("andMore", { n: ids.length - 5 }));
      return ` (${Netz.list(shown)})`;
    };
    const item = (key, value, kind) => el("li", { class: `change-${kind}`, dataset: { change: key } },
      el("span", { class: "change-sign", "aria-hidden": "true" }, kind === "gain" ? "+" : "−"),
      el("span", {}, el("strong", {}, `${L("phrase", key)}: `), Netz.number(count(value), 0),
        Array.isArray(value) && value.length && key !== "ties_gained" && key !== "ties_lost" ? named(value) : ""));
    box.querySelector("ul").replaceChildren(...[
      "actors_joined" in change ? item("joined", change.actors_joined, "gain") : null,
      "actors_left" in change ? item("left", change.actors_left, "loss") : null,
      item("ties_gained", change.ties_gained, "gain"),
      item("ties_lost", change.ties_lost, "loss"),
      // pairs of a survey wave whose state nobody could report (neither side answered): not lost
      count(change.ties_unknown) ? el("li", { class: "change-unknown", dataset: { change: "ties_unknown" } },
        el("span", { class: "change-sign", "aria-hidden": "true" }, "?"),
        el("span", {}, t("survey_admin_ties_unknown", { n: Netz.number(count(change.ties_unknown), 0) }))) : null,
    ].filter(Boolean));
  }

  // -- rendering ------------------------------------------------------------------------------

  function render() {
    const { report } = state;
    const alliance = report.alliance;
    document.title = `${alliance.name || `#${allianceId}`} – netz`;
    $("alliance-name").textContent = alliance.name || `#${allianceId}`;
    $("alliance-place").textContent = [alliance.region, alliance.land, alliance.programme].filter(Boolean).join(" · ");
    const note = $("view-note");
    note.hidden = !(state.aggregate || state.layout?.view === "pseudonymised");
    note.textContent = state.aggregate ? t("funderNote") : t("pseudonyms");
    renderWaves();
    renderWaveChange();
    renderFigures();
    renderScorecard();
    renderGaps();
    renderMap();
    renderKeyPlayers();
    renderWhatif();
    renderActors();
    // For the page's other parts (handout.js: the PDF button, not for funders).
    document.dispatchEvent(new CustomEvent("netz:shown", { detail: { aggregate: state.aggregate } }));
  }

  /** One button per wave (the latest marked), and one for all waves together. */
  function renderWaves() {
    const { waves, wave } = state.report.alliance;
    $("waves").hidden = !waves.length;
    if (!waves.length) return;
    const latest = waves.at(-1);
    const shown = wave ?? latest;
    const button = (value, label) => el("button", {
      type: "button", class: "wave", "aria-pressed": value === shown ? "true" : "false", dataset: { wave: value },
      onclick: () => { if (value !== shown) chooseWave(value === latest ? null : value); },
    }, label);
    $("wave-buttons").replaceChildren(
      ...waves.map((w) => button(w, w === latest ? t("waveLatest", { wave: w }) : w)),
      button("all", t("waveAll")));
    $("wave-shown").textContent = shown === "all" ? t("waveShownAll") : t("waveShown", { wave: shown });
  }

  function renderFigures() {
    const network = state.report.network;
    const tile = (value, label, note) => el("li", { class: "figure" },
      el("span", { class: "figure-value" }, value), el("span", { class: "figure-label" }, label),
      // A pause for screen readers between the label and its note ("4 separate parts – the …").
      note ? el("span", { class: "visually-hidden" }, " – ") : null,
      note ? el("span", { class: "figure-note" }, note) : null);
    $("figures").replaceChildren(
      tile(Netz.number(network.n_actors, 0), L("figure", "n_actors")),
      tile(Netz.number(network.n_ties, 0), L("figure", "n_ties")),
      tile(Netz.number(network.mean_degree, 1), L("figure", "mean_degree")),
      tile(Netz.number(network.components, 0), L("figure", "components"),
        L("phrase", network.components <= 1 ? "components_one" : "components_many")),
    );
  }

  function indicatorValue(item) {
    if (SHARE_INDICATORS.includes(item.indicator)) return Netz.percent(item.value);
    return Netz.number(item.value, 1);
  }

  function renderScorecard() {
    const health = [...state.report.health].sort((a, b) => BAND_ORDER[a.band] - BAND_ORDER[b.band]);
    $("health-title").textContent = L("phrase", "health");
    const count = (band) => health.filter((item) => item.band === band).length;
    $("band-summary").textContent = t("bandSummary", { concern: count("concern"), watch: count("watch"), good: count("good") });
    $("scorecard").replaceChildren(...health.map((item) => el("li", {
      class: `card band-${item.band}`, dataset: { indicator: item.indicator, band: item.band },
    },
    el("p", { class: "band" }, icon(item.band), el("span", {}, L("band", item.band))),
    el("h3", {}, L("indicator", item.indicator)),
    el("p", { class: "value" }, indicatorValue(item)),
    // What the finding says (it may name actors); a funder's card says what the indicator
    // measures and whether high is good instead.
    (item.explanation || item.description)
      ? el("p", { class: "explain" }, Netz.inLang(item.explanation || item.description)) : null,
    )));
  }

  function severityBadge(severity) {
    return el("span", { class: `severity severity-${severity}` }, icon(severity),
      el("span", { class: "visually-hidden" }, `${t("severity")}: `), L("severity", severity));
  }

  function renderGaps() {
    const gaps = state.report.gaps;
    $("gaps-title").textContent = `${L("phrase", "gaps")} (${state.aggregate
      ? gaps.reduce((sum, gap) => sum + gap.count, 0) : gaps.length})`;
    const box = $("gaps");
    if (gaps.length === 0) {
      box.replaceChildren(el("p", { class: "notice good" }, icon("good"), L("phrase", "no_gaps")));
      return;
    }
    $("gaps-intro").textContent = state.aggregate ? t("funderGaps") : t("gapsIntro");
    if (state.aggregate) {
      box.replaceChildren(fundersGapTable(gaps));
      return;
    }
    // Groups by kind, in the order of each kind's most urgent gap (the API sorts gaps by urgency).
    const groups = new Map();
    gaps.forEach((gap, index) => {
      if (!groups.has(gap.kind)) groups.set(gap.kind, []);
      groups.get(gap.kind).push(index);
    });
    if (state.open === null) state.open = new Set([gaps[0].kind]); // at first, the most urgent kind
    const lists = [...groups].map(([kind, items]) => {
      const expanded = state.expanded.has(kind);
      const shown = expanded ? items : items.slice(0, GAPS_SHOWN);
      const details = el("details", { class: "gap-group", dataset: { kind }, open: state.open.has(kind) },
        el("summary", {}, severityBadge(gaps[items[0]].severity),
          el("span", { class: "gap-kind" }, L("kind", kind)),
          el("span", { class: "gap-count" }, items.length === 1 ? t("gapCountOne") : t("gapCount", { n: items.length }))),
        el("ol", { class: "gap-list" }, shown.map((index) => gapItem(gaps[index], index))),
        shown.length < items.length ? el("button", {
          type: "button", class: "quiet small",
          onclick: () => { state.expanded.add(kind); renderGaps(); },
        }, t("showMore", { n: items.length - shown.length })) : null);
      details.addEventListener("toggle", () => {
        if (details.open) state.open.add(kind); else state.open.delete(kind);
      });
      return details;
    });
    const steps = state.report.top_steps || [];
    if (!steps.length) { box.replaceChildren(...lists); return; }
    // The three most important steps first; every gap folded below them.
    const all = el("details", { class: "all-gaps", open: state.allGapsOpen },
      el("summary", {}, t("allGaps", { n: gaps.length })), ...lists);
    all.addEventListener("toggle", () => { state.allGapsOpen = all.open; });
    box.replaceChildren(NetzSteps.render(steps, { severityBadge, onShow: showFinding }), all);
  }

  /** Open the full list at the gap a step answers, show it on the map and move focus to it. */
  function showFinding(id) {
    const index = state.report.gaps.findIndex((gap) => gap.id === id);
    if (index < 0) return;
    const gap = state.report.gaps[index];
    state.allGapsOpen = true;
    state.open.add(gap.kind);
    state.expanded.add(gap.kind);
    if (state.map && !state.map.tooBig) {
      state.activeGap = index;
      state.whatifOnMap = false;
      state.keyOnMap = false;
      renderKeyButtons();
      renderHighlight();
    }
    renderGaps();
    const item = $("gaps").querySelector(`li.gap[data-index="${index}"]`);
    item.tabIndex = -1;
    item.focus({ preventScroll: true });
    item.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  /** For funders: how many gaps of each kind and urgency, the most urgent kinds first. */
  function fundersGapTable(gaps) {
    const severities = ["high", "medium", "low"];
    const counts = new Map();
    for (const gap of gaps) {
      if (!counts.has(gap.kind)) counts.set(gap.kind, { high: 0, medium: 0, low: 0 });
      counts.get(gap.kind)[gap.severity] += gap.count;
    }
    const rank = (c) => severities.map((s) => -c[s]);
    const kinds = [...counts].sort(([, a], [, b]) => {
      const [x, y] = [rank(a), rank(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    });
    // in a frame that scrolls sideways on a narrow screen, as the other tables
    return el("div", { class: "table-wrap gap-counts-wrap" }, el("table", { class: "gap-counts" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("gapKindColumn")),
        severities.map((s) => el("th", { scope: "col", class: "num" }, severityBadge(s))))),
      el("tbody", {}, kinds.map(([kind, c]) => el("tr", {}, el("th", { scope: "row" }, L("kind", kind)),
        severities.map((s) => el("td", { class: c[s] ? "num" : "num none" }, Netz.number(c[s], 0))))))));
  }

  function gapItem(gap, index) {
    const active = state.activeGap === index;
    return el("li", { class: `gap${active ? " active" : ""}`, dataset: { index, kind: gap.kind } },
      el("p", { class: "gap-head" }, severityBadge(gap.severity)),
      el("p", { class: "explanation" }, Netz.inLang(gap.explanation)),
      el("p", { class: "suggestion" }, icon("idea"),
        el("span", {}, el("strong", {}, `${L("phrase", "suggestion")}: `), Netz.inLang(gap.suggestion))),
      state.map && !state.map.tooBig ? el("button", {
        type: "button", class: "show-on-map", "aria-pressed": active ? "true" : "false",
        onclick: () => setActiveGap(active ? null : index),
      }, t("showOnMap")) : null);
  }

  function clearHighlight() {
    state.whatifOnMap = false;
    state.keyOnMap = false;
    setActiveGap(null);
  }

  function setActiveGap(index) {
    state.activeGap = index;
    if (index !== null) {
      state.whatifOnMap = false;
      state.keyOnMap = false;
    }
    renderGaps();
    renderKeyButtons();
    renderHighlight();
    if (index !== null && !matchMedia("(min-width: 64em)").matches) {
      $("map-title").scrollIntoView({ behavior: "smooth", block: "start" });
    }
  }

  function renderHighlight() {
    const status = $("map-status");
    if (!state.map) return;
    const gap = state.activeGap !== null ? state.report.gaps[state.activeGap] : null;
    if (gap) {
      state.map.highlight(gap.actors);
      const who = gap.actors.length <= 3 ? gap.actors.map((id) => names().get(String(id)) || id).join(", ")
        : t("highlightedActors", { n: gap.actors.length });
      status.querySelector("span").textContent = t("highlighted", { what: `${L("kind", gap.kind)} – ${who}` });
      status.hidden = false;
    } else if (state.keyOnMap && state.keyPlayers?.length) {
      state.map.highlight(state.keyPlayers.map((player) => player.id));
      status.querySelector("span").textContent = t("keyShown");
      status.hidden = false;
    } else if (state.whatif && state.whatifOnMap) {
      state.map.highlight(state.whatif.loses_all_ties, { removed: state.whatif.removed });
      status.querySelector("span").textContent = t("whatifShown");
      status.hidden = false;
    } else {
      state.map.clear();
      status.hidden = true;
    }
  }

  function renderMap() {
    // Without a map (a funder's key) the gaps take the whole width; the note at the top says why.
    $("map-section").hidden = !state.map;
    $("columns").classList.toggle("single", !state.map);
    if (!state.map) return;
    // Touch screens get help for fingers (no mouse, no keyboard).
    $("map-intro").textContent = matchMedia("(pointer: coarse)").matches ? t("map_help_touch") : t("mapIntro");
    state.map.draw();
    if (!state.map.tooBig) state.map.legend($("legend"));
    renderHighlight();
  }

  // -- who holds the network together? -------------------------------------------------------

  /** The key players (netz.analysis.whatif.key_players, Borgatti's KPP-Neg, greedy) of the wave shown. */
  async function loadKeyPlayers() {
    if (state.aggregate || state.report.actors.length < 3) { renderKeyPlayers(); return; }
    const load = state.loads;
    $("kp-progress").hidden = false;
    $("kp-error").textContent = "";
    try {
      const result = await api(`/api/v1/alliances/${allianceId}/whatif?key_players=${KEY_PLAYERS}${waveQuery("&")}`);
      if (load !== state.loads) return; // another wave is shown by now
      state.keyPlayers = result.key_players;
    } catch (e) {
      if (load !== state.loads) return;
      if (e.status === 401) { fail(e); return; }
      $("kp-error").textContent = e.status ? t("failed", { detail: e.detail }) : e.detail;
    } finally {
      if (load === state.loads) $("kp-progress").hidden = true;
    }
    renderKeyPlayers();
  }

  function renderKeyPlayers() {
    $("kp-section").hidden = state.aggregate || state.report.actors.length < 3;
    const players = state.keyPlayers;
    const list = $("kp-players");
    if (!players) {
      list.replaceChildren();
      $("kp-now").textContent = "";
      $("kp-actions").hidden = true;
      return;
    }
    const now = state.report.network.fragmentation ?? 0;
    const matters = players.length && players[0].fragmentation_after > now + 1e-9;
    $("kp-now").textContent = matters ? t("keyNow", { share: Netz.percent(now) }) : t("keyNone");
    $("kp-actions").hidden = !matters;
    if (!matters) { list.replaceChildren(); return; }
    const types = new Map(state.report.actors.map((a) => [String(a.id), a.type]));
    list.replaceChildren(...players.map((player) => {
      const above = player.rank > 1 ? L("phrase", "key_player_above") : "";
      const line = L("phrase", "key_player_line").replace("{share}", Netz.percent(player.fragmentation_after))
        .replace("{above}", above);
      return el("li", { class: "key-player", dataset: { id: player.id } },
        el("span", { class: "key-rank", "aria-hidden": "true" }, String(player.rank)),
        el("div", { class: "key-body" },
          el("p", { class: "key-name" }, el("strong", {}, player.name || player.id), " ",
            el("span", { class: "key-type" }, L("type", types.get(String(player.id)) || "other"))),
          shareBar(now, player.fragmentation_after),
          el("p", { class: "key-line" }, `${line.charAt(0).toUpperCase()}${line.slice(1)}.`)),
        el("button", {
          type: "button", class: "quiet small key-pick", "aria-pressed": state.chosen.has(String(player.id)) ? "true" : "false",
          // The name says whom (the visible word comes first, as WCAG 2.5.3 asks).
          "aria-label": `${t("keyPick")}: ${player.name || player.id}`,
          onclick: () => toggleChosen(String(player.id)),
        }, t("keyPick")));
    }));
    renderKeyButtons();
  }

  /** A picture of the share of pairs that cannot reach each other: now (grey) and then (red). */
  function shareBar(now, after) {
    const width = (share) => (100 * Math.min(Math.max(share || 0, 0), 1)).toFixed(1);
    return svg("svg", { class: "share-bar", viewBox: "0 0 100 8", preserveAspectRatio: "none", role: "img",
      "aria-label": t("keyBar", { now: Netz.percent(now), after: Netz.percent(after) }) },
    svg("rect", { class: "track", x: 0, y: 0, width: 100, height: 8, rx: 2 }),
    svg("rect", { class: "after", x: 0, y: 0, width: width(after), height: 8, rx: 2 }),
    svg("rect", { class: "now", x: 0, y: 0, width: width(now), height: 8, rx: 2 }));
  }

  function renderKeyButtons() {
    const players = state.keyPlayers || [];
    const show = $("kp-show");
    show.setAttribute("aria-pressed", state.keyOnMap ? "true" : "false");
    show.hidden = !state.map || state.map.tooBig;
    show.onclick = () => {
      state.keyOnMap = !state.keyOnMap;
      if (state.keyOnMap) { state.activeGap = null; state.whatifOnMap = false; renderGaps(); }
      renderKeyButtons();
      renderHighlight();
    };
    const run = $("kp-whatif");
    run.textContent = t("keyWhatif", { n: players.length });
    run.onclick = async () => {
      state.chosen = new Set(players.map((player) => String(player.id)));
      renderChosen();
      await computeWhatif([...state.chosen]);
      $("whatif-result").scrollIntoView({ behavior: "smooth", block: "start" });
    };
    $("kp-players").querySelectorAll(".key-pick").forEach((button) => {
      const id = button.closest("li").dataset.id;
      button.setAttribute("aria-pressed", state.chosen.has(id) ? "true" : "false");
    });
  }

  // -- what if … leave? -----------------------------------------------------------------------

  const joinNames = (ids, named = (id) => names().get(String(id)) || id) => Netz.list(ids.map(named));

  /** Take an actor into the choice for "what if", or out of it again (the map, the list, key players). */
  function toggleChosen(id) {
    id = String(id);
    if (state.chosen.has(id)) state.chosen.delete(id); else state.chosen.add(id);
    renderChosen();
  }

  /** Everything that shows the choice: the ticks of the list, the map, the key players, the summaries. */
  function renderChosen() {
    const chosen = [...state.chosen];
    state.map?.setChosen(state.chosen);
    $("whatif-choices").querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = state.chosen.has(box.value); });
    $("whatif-summary").textContent = chosen.length
      ? t("whatifChosen", { n: chosen.length, names: joinNames(chosen) }) : t("whatifNone");
    $("whatif-clear").hidden = !chosen.length;
    renderKeyButtons();
    const below = $("map-chosen");
    below.hidden = !state.map || !chosen.length;
    if (below.hidden) return;
    below.querySelector("span").textContent = chosen.length === 1
      ? t("chosen", { name: joinNames(chosen) }) : t("chosenMany", { names: joinNames(chosen) });
    below.querySelector("button.run").onclick = async () => {
      await computeWhatif(chosen);
      $("whatif-result").scrollIntoView({ behavior: "smooth", block: "start" });
    };
    below.querySelector("button.clear").onclick = clearChosen;
  }

  function clearChosen() {
    state.chosen.clear();
    renderChosen();
  }

  function renderWhatif() {
    const section = $("whatif-section");
    section.hidden = state.aggregate;
    $("actors-section").hidden = state.aggregate;
    if (state.aggregate) return;
    const actors = [...state.report.actors].sort((a, b) => String(a.name).localeCompare(String(b.name), "de"));
    $("whatif-choices").replaceChildren(...actors.map((a, i) => el("li", { dataset: { search: `${a.name} ${L("type", a.type)}`.toLocaleLowerCase() } },
      // Named by the actor's name; its type is the description (read after a pause, not as part of the name).
      el("input", { type: "checkbox", id: `choice-${i}`, value: String(a.id),
        "aria-labelledby": `choice-${i}-name`, "aria-describedby": `choice-${i}-type`,
        onchange: (event) => { if (event.target.checked !== state.chosen.has(String(a.id))) toggleChosen(a.id); } }),
      el("label", { for: `choice-${i}` }, el("span", { id: `choice-${i}-name` }, a.name), " ",
        el("span", { class: "choice-type", id: `choice-${i}-type` }, L("type", a.type))))));
    const filter = $("whatif-filter");
    filter.value = state.filter;
    filter.oninput = () => { state.filter = filter.value; filterChoices(); };
    filterChoices();
    $("whatif-clear").onclick = clearChosen;
    $("whatif-form").onsubmit = (event) => {
      event.preventDefault();
      computeWhatif([...state.chosen]);
    };
    renderChosen();
    renderWhatifResult();
  }

  /** Show the actors whose name or type has every word typed (the chosen ones stay in the list). */
  function filterChoices() {
    const query = state.filter.trim();
    const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    $("whatif-choices").querySelectorAll("li").forEach((item) => {
      const id = item.querySelector("input").value;
      item.hidden = !(state.chosen.has(id) || words.every((word) => item.dataset.search.includes(word)));
      shown += item.hidden ? 0 : 1;
    });
    const none = $("whatif-nomatch");
    none.hidden = shown > 0;
    none.textContent = t("whatifNoMatch", { q: query });
  }

  async function computeWhatif(ids) {
    const error = $("whatif-error");
    error.textContent = "";
    if (!ids.length) {
      error.textContent = t("whatifPick");
      $("whatif-filter").focus();
      return;
    }
    const buttons = [$("whatif-form").querySelector("button[type=submit]"), $("map-chosen").querySelector("button.run"),
      $("kp-whatif")];
    const progress = $("whatif-progress");
    progress.hidden = false;
    $("map-chosen").querySelector("span").textContent = t("computing");
    buttons.forEach((button) => { button.disabled = true; });
    $("whatif-result").setAttribute("aria-busy", "true");
    const load = state.loads;
    try {
      const remove = ids.map(encodeURIComponent).join(",");
      const result = await api(`/api/v1/alliances/${allianceId}/whatif?remove=${remove}${waveQuery("&")}`);
      if (load !== state.loads) return;
      state.whatif = result;
      state.activeGap = null;
      state.keyOnMap = false;
      state.whatifOnMap = true;
    } catch (e) {
      if (e.status === 401) { fail(e); return; }
      error.textContent = e.status ? t("failed", { detail: e.detail }) : e.detail;
      return;
    } finally {
      progress.hidden = true;
      buttons.forEach((button) => { button.disabled = false; });
      renderChosen();
      $("whatif-result").removeAttribute("aria-busy");
    }
    renderGaps();
    renderWhatifResult();
    renderHighlight();
  }

  function figure(key, value) {
    if (SHARE_FIGURES.includes(key)) return Netz.percent(value);
    return Netz.number(value, key === "average_path_length" ? 1 : 0);
  }

  function renderWhatifResult() {
    const box = $("whatif-result");
    const result = state.whatif;
    if (!result) { box.replaceChildren(); return; }
    const named = (id) => result.names?.[id] || names().get(String(id)) || id;
    const who = joinNames(result.removed, named);
    const question = L("phrase", "whatif_question").replace("{who}", who).replace("{n}", result.removed.length > 1 ? "n" : "");
    const rows = Object.keys(result.before).map((key) => {
      const before = figure(key, result.before[key]);
      const after = figure(key, result.after[key]);
      return el("tr", { class: before === after ? "" : "changed" },
        el("th", { scope: "row" }, L("figure", key),
          key === "fragmentation" ? el("span", { class: "help" }, L("phrase", "fragmentation_note")) : null),
        el("td", { class: "num" }, before), el("td", { class: "num" }, after));
    });
    // A gap that stays but changes says how urgent it was before ("vorher: MITTEL").
    const was = (gap) => (gap.before && gap.before.severity !== gap.severity
      ? ` (${L("phrase", "was")}: ${L("severity", gap.before.severity)})` : "");
    const gapList = (gaps) => el("ul", { class: "whatif-gaps" }, gaps.map((gap) => el("li", { dataset: { finding: gap.id } },
      severityBadge(gap.severity), was(gap), " ", el("strong", {}, L("kind", gap.kind)), ": ", Netz.inLang(gap.explanation))));
    const warnings = result.warnings || [];
    const changed = result.changed_gaps || [];
    box.replaceChildren(
      el("h3", {}, question),
      // What the removal itself means comes before the figures, which could read as good news.
      ...warnings.map((warning) => el("p", { class: `whatif-warning severity-${warning.severity}`, role: "note",
        dataset: { warning: warning.kind } }, icon("concern"),
      el("span", {}, el("strong", {}, `${L("phrase", "whatif_warnings")}: `), Netz.inLang(warning.explanation)))),
      el("table", { class: "before-after" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("figure")),
          el("th", { scope: "col", class: "num" }, L("phrase", "before")),
          el("th", { scope: "col", class: "num" }, L("phrase", "after")))),
        el("tbody", {}, rows)),
      result.loses_all_ties.length
        ? el("p", { class: "stranded" }, icon("concern"),
          el("span", {}, el("strong", {}, `${L("phrase", "stranded")}: `), joinNames(result.loses_all_ties, named)))
        : el("p", { class: "stranded none" }, icon("good"), t("nobodyStranded")),
      el("h4", {}, `${L("phrase", "new_gaps")} (${result.new_gaps.length})`),
      result.new_gaps.length ? gapList(result.new_gaps) : el("p", {}, t("noNewGaps")),
      ...(changed.length ? [el("h4", {}, `${L("phrase", "changed_gaps")} (${changed.length})`), gapList(changed)] : []),
      ...(result.resolved_gaps?.length ? [
        el("h4", {}, `${L("phrase", "resolved_by_removal")} (${result.resolved_gaps.length})`),
        gapList(result.resolved_gaps)] : []),
    );
  }

  // -- the actors as a list (the map's text alternative) ---------------------------------------

  function renderActors() {
    if (state.aggregate) return;
    const partners = new Map((state.layout?.actors || []).map((a) => [String(a.id), a.partners]));
    const actors = [...state.report.actors].sort((a, b) => String(a.name).localeCompare(String(b.name), "de"));
    $("actors-title").textContent = t("wsFoldTitle", { title: t("actorListTitle"), n: actors.length });
    document.querySelector("#actors tbody").replaceChildren(...actors.map((a) => el("tr", {},
      el("th", { scope: "row" }, a.name), el("td", {}, L("type", a.type)),
      el("td", { class: "num" }, Netz.number(partners.get(String(a.id)) ?? a.degree, 0)))));
  }

  document.addEventListener("DOMContentLoaded", async () => {
    Netz.setupChrome({ signedOut: () => signedOut() });
    Netz.onLang(() => { if (state.report) render(); });
    if (!Number.isInteger(allianceId)) { fail({ status: 404 }); return; }
    if (Netz.getKey()) load();
    else signedOut();
    // An edit in the workspace (workspace.js): the figures again, quietly (no loading line that
    // would push the page down while the coordinator works below).
    document.addEventListener("netz:changed", async () => {
      try { show(await fetchWave()); } catch (error) { fail(error); }
    });
  });
})();
