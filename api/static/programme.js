/* The programme overview (/programme): every alliance the key may see, who needs support and why,
 * and charts of one alliance against the cohort. Words from the catalogue; charts are the
 * service's SVG with their text alternative and a table below. No actor is ever named here. */
"use strict";

(() => {
  const { t, L, el, api, getKey } = Netz;
  const $ = (id) => document.getElementById(id);
  const COLUMNS = ["name", "region", "land", "n_actors", "funding", "latest_wave", "band", "high_gaps", "response_rate"];
  const NUMERIC = new Set(["n_actors", "funding", "high_gaps", "response_rate"]);
  const BAND_RANK = { good: 0, watch: 1, concern: 2 };
  let data = null;
  let sortBy = { column: "name", up: true };
  let filters = {};

  function query(extra = {}) {
    const params = new URLSearchParams({ lang: Netz.lang, ...extra });
    for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
    return params.toString();
  }

  /** A call that may be answered 202 with a job: poll the job, showing its progress, until done. */
  async function withJob(path) {
    let body = await api(path);
    const loading = $("loading");
    while (body && body.state && body.id && body.kind) {
      if (body.state === "failed") throw new Netz.ApiError(500, body.error);
      if (body.state === "done") { body = body.result; break; }
      loading.hidden = false;
      loading.querySelector("progress").max = body.total || 1;
      loading.querySelector("progress").value = body.done;
      loading.querySelector("span").textContent = t("programmeWorking", { done: body.done, total: body.total });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      body = await api(`/api/v1/jobs/${body.id}`);
    }
    loading.hidden = true;
    return body;
  }

  function option(value, label, chosen) {
    return el("option", { value, selected: value === chosen }, label);
  }

  function fillFilters() {
    const fill = (select, values, label) => {
      select.replaceChildren(option("", t("programmeAll"), filters[select.name] || ""),
        ...values.map((v) => option(v, label(v), filters[select.name] || "")));
    };
    fill($("f-land"), data.lands, (v) => v);
    fill($("f-programme"), data.programmes, (v) => v);
    fill($("f-size"), ["small", "medium", "large"], (v) => t(`programme.size_${v}`));
    fill($("f-band"), ["good", "watch", "concern"], (v) => L("band", v));
  }

  /** An alliance's name as a link to its page: every key that sees it here may open that page
   * (a funder's shows the scorecard, the figures and the gaps, not who the actors are). */
  function allianceLink(row) {
    return el("a", { href: `/alliances/${encodeURIComponent(row.id)}` }, row.name);
  }

  function cell(row, column) {
    const value = row[column];
    if (column === "band") {
      // The overall (worst) band, and each indicator that is not good, in words.
      const notGood = Object.entries(row.bands).filter(([, band]) => band !== "good");
      return el("td", { class: `band-word band-${value}` }, Netz.icon(value), " ", L("band", value),
        notGood.length ? el("ul", { class: "bands" }, ...notGood.map(([indicator, band]) =>
          el("li", {}, `${L("indicator", indicator)}: ${L("band", band)}`))) : null);
    }
    if (column === "response_rate") return el("td", { class: "num" }, Netz.percent(value));
    if (column === "name") return el("th", { scope: "row" }, allianceLink(row));
    if (NUMERIC.has(column)) return el("td", { class: "num" }, Netz.number(value, 0));
    return el("td", {}, value ?? "—");
  }

  function sortValue(row, column) {
    if (column === "band") return BAND_RANK[row.band];
    return row[column] ?? (NUMERIC.has(column) ? -1 : "");
  }

  function renderTable() {
    const head = $("overview").querySelector("thead tr");
    head.replaceChildren(...COLUMNS.map((column) => {
      const label = t(`programme.col_${column}`);
      const sorted = sortBy.column === column;
      const button = el("button", { type: "button", class: "sort", "aria-label": t("programmeSort", { column: label }),
        onclick: () => { sortBy = { column, up: sorted ? !sortBy.up : true }; renderTable(); } }, label);
      return el("th", { scope: "col", class: NUMERIC.has(column) ? "num" : null,
        "aria-sort": sorted ? (sortBy.up ? "ascending" : "descending") : null }, button);
    }));
    const rows = [...data.alliances].sort((a, b) => {
      const x = sortValue(a, sortBy.column);
      const y = sortValue(b, sortBy.column);
      const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), Netz.lang);
      return sortBy.up ? order : -order;
    });
    $("overview").querySelector("tbody").replaceChildren(...rows.map((row) => el("tr",
      { dataset: { id: row.id }, class: row.support.length ? "needs-support" : null },
      ...COLUMNS.map((column) => cell(row, column)))));
    $("programme-count").textContent = data.count === 1 ? t("programmeCountOne") : t("programmeCount", { n: data.count });
  }

  function renderSupport() {
    $("support-title").textContent = t("programme.support_title");
    const flagged = data.alliances.filter((row) => row.support.length);
    $("support").replaceChildren(...(flagged.length ? flagged.map((row) => el("li", { dataset: { id: row.id } },
      el("strong", {}, allianceLink(row)), ": ", row.reasons.join(" "))) : [el("li", {}, t("programme.support_none"))]));
  }

  function renderChooser() {
    $("charts-title").textContent = t("programme.charts_title");
    const select = $("chart-alliance");
    const chosen = select.value || String(data.alliances[0]?.id ?? "");
    select.replaceChildren(...data.alliances.map((row) => option(String(row.id), row.name, chosen)));
    select.onchange = () => loadCharts(select.value);
    if (chosen) loadCharts(chosen);
  }

  function svgNode(text) {
    const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
    return document.importNode(parsed.documentElement, true);
  }

  function chartFigure(chart) {
    return el("figure", { class: "chart", id: chart.id },
      el("h3", {}, chart.title),
      chart.svg ? svgNode(chart.svg) : null,
      el("figcaption", {}, el("p", { class: "chart-text" }, chart.text), el("p", { class: "help" }, chart.explanation)),
      chart.table.rows.length ? el("div", { class: "table-wrap" }, el("table", {},
        el("caption", {}, t("programmeTable")),
        el("thead", {}, el("tr", {}, ...chart.table.columns.map((c) => el("th", { scope: "col" }, c)))),
        el("tbody", {}, ...chart.table.rows.map((r) => el("tr", {}, ...r.map((v) => el("td", {}, v))))))) : null);
  }

  /**
   * The charts that may be shown; those held back (too few alliances to compare without making one
   * recognisable) folded into one list with their reasons, not a wall of empty cards.
   */
  async function loadCharts(id) {
    const body = await withJob(`/api/v1/programme/charts/${encodeURIComponent(id)}?lang=${Netz.lang}`);
    const shown = body.charts.filter((chart) => !chart.suppressed);
    const held = body.charts.filter((chart) => chart.suppressed);
    const reasons = el("ul", {}, ...held.map((chart) => el("li", {}, el("strong", {}, chart.title), ": ", chart.text)));
    const summary = shown.length
      ? t(held.length === 1 ? "chartsHiddenOne" : "chartsHidden", { n: held.length })
      : t("chartsWhy", { n: held.length });
    $("charts").replaceChildren(
      ...(shown.length ? [] : [el("p", { class: "notice charts-none" }, t("chartsNone"))]),
      ...shown.map(chartFigure),
      ...(held.length ? [el("details", { class: "charts-held" }, el("summary", {}, summary), reasons)] : []));
  }

  /** What went wrong, in the page's words around the service's (worded in the page's language). */
  function fail(detail) {
    $("failure").hidden = false;
    $("failure").textContent = t("failed", { detail });
  }

  /** A file of the overview (`type` its media type), in the page's language and with its filters;
   * the summaries it needs are computed first (a job) when the service answers 202. */
  async function download(event, path, name, type) {
    event.preventDefault();
    $("failure").hidden = true;
    let response;
    try {
      response = await fetch(`${path}?${query()}`, { headers: Netz.apiHeaders(getKey(), type) });
      if (response.status === 202) { await withJob(`/api/v1/programme?${query()}`); return download(event, path, name, type); }
      if (!response.ok) throw await Netz.refusal(response);
    } catch (e) {
      fail(e instanceof Netz.ApiError ? e.detail : t("unreachable"));
      return undefined;
    }
    const link = el("a", { href: URL.createObjectURL(await response.blob()), download: name });
    document.body.append(link);
    link.click();
    link.remove();
    return undefined;
  }

  async function load() {
    $("failure").hidden = true;
    try {
      data = await withJob(`/api/v1/programme?${query()}`);
    } catch (e) {
      if (e.status === 401) { Netz.clearKey(); Netz.signIn($("signin"), load); return; }
      fail(e.detail);
      return;
    }
    $("programme").hidden = false;
    // a filter chosen but not yet applied stays chosen (a language switch loads the overview anew)
    Netz.keepTyped($("filters"), fillFilters);
    renderTable();
    renderSupport();
    renderChooser();
  }

  Netz.setupChrome();
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    filters = Object.fromEntries(new FormData(event.target).entries());
    load();
  });
  $("dl-xlsx").addEventListener("click", (event) => download(event, "/api/v1/programme/overview.xlsx",
    "programmuebersicht.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
  $("dl-pdf").addEventListener("click", (event) => download(event, "/api/v1/programme/report.pdf",
    "programmbericht.pdf", "application/pdf"));
  Netz.onLang(() => { if (data) load(); });
  if (getKey()) load(); else Netz.signIn($("signin"), load);
})();
