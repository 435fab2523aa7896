/* One alliance: key figures, health scorecard, coordination gaps, network map, "what if … leaves?".
 *
 * Everything shown comes from the API with the signed-in key. A funder's key gets network-level
 * figures only (no actors, gaps as counts): the page then shows those and says why there is no map.
 * A researcher's key gets pseudonyms, which the page shows as they are.
 */
"use strict";

(() => {
  const { t, L, el, api, icon } = Netz;
  const allianceId = Number(location.pathname.split("/").filter(Boolean)[1]);
  const BAND_ORDER = { concern: 0, watch: 1, good: 2 };
  const SHARE_INDICATORS = ["connectedness", "cross_sector_integration", "dependence_on_single_actors",
    "refugee_participation", "reciprocity"];
  const SHARE_FIGURES = ["largest_component_share", "fragmentation", "density", "transitivity", "reciprocity"];
  const GAPS_SHOWN = 4;

  const state = {
    report: null, layout: null, aggregate: false, map: null,
    activeGap: null, // index into report.gaps of the gap shown on the map
    whatif: null, whatifActor: "", expanded: new Set(), open: null,
    whatifOnMap: false, // whether the map shows who leaves and who is stranded
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
      Netz.signIn($("signin"), load, t("keyExpired"));
      return true;
    }
    const failure = $("failure");
    failure.textContent = error.status === 404 ? t("notFound") : error.status === 403 ? t("forbidden")
      : error.status ? t("failed", { detail: error.detail }) : error.detail;
    failure.hidden = false;
    return true;
  }

  async function load() {
    $("failure").hidden = true;
    showLoading(t("loadingReport"));
    try {
      state.report = await api(`/api/v1/alliances/${allianceId}/report`);
      state.aggregate = state.report.gaps.some((gap) => "count" in gap) ||
        (state.report.actors.length === 0 && state.report.network.n_actors > 0);
      if (!state.aggregate) state.layout = await api(`/api/v1/alliances/${allianceId}/layout`);
    } catch (error) {
      fail(error);
      return;
    }
    showLoading("");
    $("alliance").hidden = false;
    if (state.layout) {
      state.map = new NetzMap.NetworkMap($("map"), state.layout, state.report.actors, {
        onChoose: chooseForWhatif,
        onClear: clearHighlight,
      });
      $("map-status").querySelector("button").onclick = clearHighlight;
    }
    render();
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
    renderFigures();
    renderScorecard();
    renderGaps();
    renderMap();
    renderWhatif();
    renderActors();
  }

  function renderFigures() {
    const network = state.report.network;
    const tile = (value, label, note) => el("li", { class: "figure" },
      el("span", { class: "figure-value" }, value), el("span", { class: "figure-label" }, label),
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
    item.explanation ? el("p", { class: "explain" }, item.explanation[Netz.lang]) : null,
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
    box.replaceChildren(...[...groups].map(([kind, items]) => {
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
    }));
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
    return el("table", { class: "gap-counts" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("gapKindColumn")),
        severities.map((s) => el("th", { scope: "col", class: "num" }, severityBadge(s))))),
      el("tbody", {}, kinds.map(([kind, c]) => el("tr", {}, el("th", { scope: "row" }, L("kind", kind)),
        severities.map((s) => el("td", { class: c[s] ? "num" : "num none" }, Netz.number(c[s], 0)))))));
  }

  function gapItem(gap, index) {
    const active = state.activeGap === index;
    return el("li", { class: `gap${active ? " active" : ""}`, dataset: { index, kind: gap.kind } },
      el("p", { class: "gap-head" }, severityBadge(gap.severity)),
      el("p", { class: "explanation" }, gap.explanation[Netz.lang]),
      el("p", { class: "suggestion" }, icon("idea"),
        el("span", {}, el("strong", {}, `${L("phrase", "suggestion")}: `), gap.suggestion[Netz.lang])),
      state.map && !state.map.tooBig ? el("button", {
        type: "button", class: "show-on-map", "aria-pressed": active ? "true" : "false",
        onclick: () => setActiveGap(active ? null : index),
      }, t("showOnMap")) : null);
  }

  function clearHighlight() {
    state.whatifOnMap = false;
    setActiveGap(null);
  }

  function setActiveGap(index) {
    state.activeGap = index;
    if (index !== null) state.whatifOnMap = false;
    renderGaps();
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
    state.map.draw();
    if (!state.map.tooBig) state.map.legend($("legend"));
    renderHighlight();
  }

  // -- what if … leaves? ----------------------------------------------------------------------

  function chooseForWhatif(id) {
    state.whatifActor = id;
    $("whatif-actor").value = id;
    renderChosen();
  }

  /** Under the map: the actor chosen there, and a button to work out what its leaving changes. */
  function renderChosen() {
    const chosen = $("map-chosen");
    chosen.hidden = !state.map || !state.whatifActor;
    if (chosen.hidden) return;
    chosen.querySelector("span").textContent = t("chosen", { name: names().get(state.whatifActor) || state.whatifActor });
    chosen.querySelector("button").onclick = async () => {
      await computeWhatif(state.whatifActor);
      $("whatif-result").scrollIntoView({ behavior: "smooth", block: "start" });
    };
  }

  function renderWhatif() {
    const section = $("whatif-section");
    section.hidden = state.aggregate;
    $("actors-section").hidden = state.aggregate;
    if (state.aggregate) return;
    const select = $("whatif-actor");
    const actors = [...state.report.actors].sort((a, b) => String(a.name).localeCompare(String(b.name), "de"));
    select.replaceChildren(el("option", { value: "" }, t("whatifChoose")),
      ...actors.map((a) => el("option", { value: a.id }, `${a.name} (${L("type", a.type)})`)));
    select.value = state.whatifActor;
    select.onchange = () => { state.whatifActor = select.value; renderChosen(); };
    $("whatif-form").onsubmit = (event) => {
      event.preventDefault();
      computeWhatif($("whatif-actor").value);
    };
    renderChosen();
    renderWhatifResult();
  }

  async function computeWhatif(id) {
    const error = $("whatif-error");
    error.textContent = "";
    if (!id) {
      error.textContent = t("whatifPick");
      $("whatif-actor").focus();
      return;
    }
    const buttons = [$("whatif-form").querySelector("button"), $("map-chosen").querySelector("button")];
    const progress = $("whatif-progress");
    progress.hidden = false;
    $("map-chosen").querySelector("span").textContent = t("computing");
    buttons.forEach((button) => { button.disabled = true; });
    $("whatif-result").setAttribute("aria-busy", "true");
    try {
      state.whatif = await api(`/api/v1/alliances/${allianceId}/whatif?remove=${encodeURIComponent(id)}`);
      state.activeGap = null;
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
    const who = result.removed.map(named).join(Netz.lang === "de" ? " und " : " and ");
    const question = L("phrase", "whatif_question").replace("{who}", who).replace("{n}", result.removed.length > 1 ? "n" : "");
    const rows = Object.keys(result.before).map((key) => {
      const before = figure(key, result.before[key]);
      const after = figure(key, result.after[key]);
      return el("tr", { class: before === after ? "" : "changed" },
        el("th", { scope: "row" }, L("figure", key),
          key === "fragmentation" ? el("span", { class: "help" }, L("phrase", "fragmentation_note")) : null),
        el("td", { class: "num" }, before), el("td", { class: "num" }, after));
    });
    const gapList = (gaps) => el("ul", { class: "whatif-gaps" }, gaps.map((gap) => el("li", {},
      severityBadge(gap.severity), " ", el("strong", {}, L("kind", gap.kind)), ": ", gap.explanation[Netz.lang])));
    box.replaceChildren(
      el("h3", {}, question),
      el("table", { class: "before-after" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("figure")),
          el("th", { scope: "col", class: "num" }, L("phrase", "before")),
          el("th", { scope: "col", class: "num" }, L("phrase", "after")))),
        el("tbody", {}, rows)),
      result.loses_all_ties.length
        ? el("p", { class: "stranded" }, icon("concern"),
          el("span", {}, el("strong", {}, `${L("phrase", "stranded")}: `), result.loses_all_ties.map(named).join(", ")))
        : el("p", { class: "stranded none" }, icon("good"), t("nobodyStranded")),
      el("h4", {}, `${L("phrase", "new_gaps")} (${result.new_gaps.length})`),
      result.new_gaps.length ? gapList(result.new_gaps) : el("p", {}, t("noNewGaps")),
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
    document.querySelector("#actors tbody").replaceChildren(...actors.map((a) => el("tr", {},
      el("th", { scope: "row" }, a.name), el("td", {}, L("type", a.type)),
      el("td", { class: "num" }, Netz.number(partners.get(String(a.id)) ?? a.degree, 0)))));
  }

  document.addEventListener("DOMContentLoaded", async () => {
    Netz.setupChrome();
    Netz.onLang(() => { if (state.report) render(); });
    await Netz.loadLabels();
    if (!Number.isInteger(allianceId)) { fail({ status: 404 }); return; }
    if (Netz.getKey()) load();
    else Netz.signIn($("signin"), load);
  });
})();
