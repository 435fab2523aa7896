/* netz pages: what every page shares — language, the signed-in key, calls to the API, small helpers.
 *
 * The key is kept in sessionStorage (gone when the browser window closes) and sent as
 * "Authorization: Bearer KEY"; it never appears in an address. The language is German unless
 * ?lang=en or an earlier choice (localStorage) says English.
 */
"use strict";

const Netz = (() => {
  const KEY_STORE = "netz.key";
  const LANG_STORE = "netz.lang";
  const LANGS = ["de", "en"];

  // Words of the pages themselves; the words of the analysis (gap kinds, indicators, figures,
  // actor types) come from the service (/ui/labels.json), as netz says them everywhere.
  const UI = {
    de: {
      skip: "Zum Inhalt springen",
      tagline: "Kooperationsnetzwerke lokaler Bündnisse",
      switchLang: "English",
      signOut: "Abmelden",
      signInTitle: "Anmelden",
      signInIntro: "Fügen Sie Ihren Zugangsschlüssel ein. Sie bekommen ihn von der Person, die netz " +
        "für Ihr Bündnis eingerichtet hat.",
      keyLabel: "Zugangsschlüssel",
      keyHelp: "Der Schlüssel bleibt nur in diesem Browserfenster gespeichert, bis Sie es schließen.",
      showKey: "Schlüssel anzeigen",
      signIn: "Anmelden",
      checking: "Schlüssel wird geprüft …",
      keyEmpty: "Bitte fügen Sie zuerst Ihren Zugangsschlüssel ein.",
      keyRejected: "Dieser Schlüssel wird nicht angenommen. Bitte prüfen Sie, ob Sie ihn vollständig " +
        "eingefügt haben, oder fragen Sie nach einem neuen.",
      keyExpired: "Ihre Anmeldung gilt nicht mehr. Bitte fügen Sie Ihren Zugangsschlüssel erneut ein.",
      unreachable: "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
      failed: "Das hat nicht geklappt: {detail}",
      tooMany: "Zu viele Anfragen in kurzer Zeit. Bitte versuchen Sie es in {seconds} Sekunden noch einmal.",
      alliancesTitle: "Ihre Bündnisse",
      search: "Bündnis suchen",
      searchHelp: "Name, Ort oder Bundesland",
      colName: "Bündnis",
      colRegion: "Ort / Region",
      colLand: "Bundesland",
      colActors: "Akteure",
      colTies: "Kooperationen",
      listCount: "{shown} von {total} Bündnissen",
      noMatch: "Kein Bündnis passt zu „{q}“.",
      noAlliances: "Mit diesem Schlüssel sind keine Bündnisse sichtbar.",
      loadingList: "Bündnisse werden geladen …",
      back: "Alle Bündnisse",
      loadingReport: "Das Netzwerk wird ausgewertet …",
      notFound: "Dieses Bündnis gibt es nicht (mehr).",
      forbidden: "Mit Ihrem Schlüssel haben Sie keinen Zugang zu diesem Bündnis.",
      figuresTitle: "Das Bündnis in Zahlen",
      healthIntro: "Fünf Kennzeichen eines gut zusammenarbeitenden Bündnisses. Farbe und Zeichen " +
        "zeigen, wo es gut läuft und wo Sie genauer hinschauen sollten.",
      bandSummary: "{concern} bedenklich · {watch} beobachten · {good} gut",
      gapsIntro: "Wo im Netzwerk Verbindungen fehlen – die wichtigsten zuerst, jeweils mit einem " +
        "Vorschlag, was Sie tun können.",
      gapCount: "{n} Lücken",
      gapCountOne: "1 Lücke",
      showOnMap: "Auf der Karte zeigen",
      showMore: "{n} weitere anzeigen",
      severity: "Dringlichkeit",
      mapTitle: "Netzwerkkarte",
      mapIntro: "Jeder Kreis ist ein Akteur, jede Linie eine Kooperation. Fahren Sie mit der Maus " +
        "über einen Kreis, oder gehen Sie mit der Tab-Taste in die Karte und wechseln Sie mit den " +
        "Pfeiltasten. Mit + und − über der Karte vergrößern Sie sie; mit gedrückter Maustaste oder " +
        "den Pfeil-Knöpfen verschieben Sie den Ausschnitt.",
      mapLabel: "Netzwerkkarte: {actors} Akteure, {ties} Kooperationen. Pfeiltasten wechseln den " +
        "Akteur; die Eingabetaste wählt ihn für „Was wäre, wenn …?“ aus oder wieder ab. Plus und " +
        "Minus vergrößern und verkleinern, Umschalttaste mit Pfeiltasten verschiebt den Ausschnitt.",
      mapTools: "Karte vergrößern und verschieben",
      zoomIn: "Karte vergrößern",
      zoomOut: "Karte verkleinern",
      zoomReset: "Ganze Karte zeigen",
      panLeft: "Weiter links schauen",
      panRight: "Weiter rechts schauen",
      panUp: "Weiter oben schauen",
      panDown: "Weiter unten schauen",
      zoomLevel: "Vergrößerung {n} %",
      wheelHint: "Zum Vergrößern die Strg-Taste gedrückt halten und das Mausrad drehen – oder die " +
        "Knöpfe + und − über der Karte benutzen.",
      legendTitle: "Legende",
      legendSize: "Größe: Anzahl der Partner",
      legendIsolated: "Gestrichelter Rand: ohne jede Kooperation",
      nodeLabel: "{name}, {type}, {partners}",
      partnersOne: "1 Partner",
      partnersMany: "{n} Partner",
      partnersNone: "keine Partner",
      highlighted: "Hervorgehoben: {what}",
      highlightedActors: "{n} Akteure",
      clearHighlight: "Alle wieder zeigen",
      actorListTitle: "Alle Akteure als Liste",
      colActor: "Akteur",
      colType: "Art",
      colPartners: "Partner",
      tooBig: "Mit {n} Akteuren ist das Netzwerk zu groß für eine übersichtliche Karte. Die Liste " +
        "der Akteure unten zeigt alle.",
      pseudonyms: "Forschungszugang: Statt der Namen sehen Sie Pseudonyme (z. B. A-1f2e3d4c5b6a7980).",
      funderNote: "Mit einem Schlüssel für Förderer zeigt netz nur Zahlen für das ganze Netzwerk – " +
        "keine Karte und keine Namen einzelner Organisationen. So bleiben deren Angaben geschützt.",
      funderGaps: "Wie viele Lücken es gibt, nach Art und Dringlichkeit. Welche Organisationen sie " +
        "betreffen und was zu tun ist, sieht die Koordination des Bündnisses.",
      gapKindColumn: "Art der Lücke",
      whatifTitle: "Was wäre, wenn … ausscheidet?",
      whatifIntro: "Wählen Sie einen oder mehrere Partner aus – in der Liste oder mit einem Klick " +
        "auf der Karte. netz rechnet aus, was sich am Netzwerk ändert, wenn sie nicht mehr dabei sind.",
      whatifActor: "Wer scheidet aus? Sie können mehrere wählen.",
      whatifFilter: "Liste filtern (Name oder Art)",
      whatifNoMatch: "Kein Akteur passt zu „{q}“.",
      whatifNone: "Noch niemand ausgewählt.",
      whatifChosen: "Ausgewählt ({n}): {names}",
      whatifClear: "Auswahl leeren",
      whatifRun: "Durchrechnen",
      chosen: "Was wäre, wenn {name} ausscheidet?",
      chosenMany: "Was wäre, wenn {names} ausscheiden?",
      whatifPick: "Bitte wählen Sie zuerst mindestens einen Akteur aus.",
      keyTitle: "Wer hält das Netzwerk zusammen?",
      keyIntro: "Diese Akteure verbinden die anderen miteinander. Fielen sie weg, zerfiele das " +
        "Netzwerk am stärksten. Sie verdienen besondere Aufmerksamkeit – und Entlastung, damit " +
        "nicht alles an ihnen hängt.",
      keyNow: "Heute können {share} aller Paare von Akteuren einander über keine Kette von " +
        "Kooperationen erreichen.",
      keyNone: "Das Netzwerk hängt an keinem einzelnen Akteur: Fällt einer weg, bleiben die " +
        "anderen so verbunden wie vorher.",
      keyPick: "Auswählen",
      keyWhatif: "Was wäre, wenn diese {n} ausscheiden? Durchrechnen",
      keyShown: "Auf der Karte hervorgehoben: wer das Netzwerk zusammenhält.",
      keyBar: "Anteil der Paare, die einander nicht erreichen: heute {now}, danach {after}",
      computing: "Wird berechnet …",
      figure: "Kennzahl",
      nobodyStranded: "Niemand verliert dadurch alle Kooperationen.",
      noNewGaps: "Es entstehen keine neuen Lücken.",
      whatifShown: "Auf der Karte hervorgehoben: wer ausscheidet und wer dann ohne Partner ist.",
      noscript: "Diese Seite braucht JavaScript. Bitte schalten Sie es ein.",
      waveTitle: "Erhebungswelle",
      waveAll: "Alle Wellen zusammen",
      waveLatest: "{wave} (neueste)",
      waveShown: "Sie sehen das Netzwerk, wie es in der Welle {wave} war.",
      waveShownAll: "Sie sehen alle Kooperationen aus allen Wellen zusammen.",
      waveLoading: "Die Welle {wave} wird ausgewertet …",
      waveMissing: "Eine Welle „{wave}“ gibt es nicht. Sie sehen die neueste Welle.",
      waveChange: "Was sich seit der Welle {wave} verändert hat",
      andMore: "und {n} weitere",
    },
    en: {
      skip: "Skip to content",
      tagline: "Cooperation networks of local alliances",
      switchLang: "Deutsch",
      signOut: "Sign out",
      signInTitle: "Sign in",
      signInIntro: "Paste your access key. You get it from the person who set up netz for your " +
        "alliance.",
      keyLabel: "Access key",
      keyHelp: "The key is kept only in this browser window until you close it.",
      showKey: "Show key",
      signIn: "Sign in",
      checking: "Checking the key …",
      keyEmpty: "Please paste your access key first.",
      keyRejected: "This key is not accepted. Please check that you pasted all of it, or ask for a " +
        "new one.",
      keyExpired: "Your sign-in is no longer valid. Please paste your access key again.",
      unreachable: "The service cannot be reached right now. Please try again in a moment.",
      failed: "That did not work: {detail}",
      tooMany: "Too many requests in a short time. Please try again in {seconds} seconds.",
      alliancesTitle: "Your alliances",
      search: "Search alliances",
      searchHelp: "Name, place or federal state",
      colName: "Alliance",
      colRegion: "Place / region",
      colLand: "Federal state",
      colActors: "Actors",
      colTies: "Ties",
      listCount: "{shown} of {total} alliances",
      noMatch: "No alliance matches '{q}'.",
      noAlliances: "No alliances are visible with this key.",
      loadingList: "Loading alliances …",
      back: "All alliances",
      loadingReport: "Analysing the network …",
      notFound: "This alliance does not exist (any more).",
      forbidden: "Your key does not give access to this alliance.",
      figuresTitle: "The alliance in figures",
      healthIntro: "Five signs of an alliance that works well together. Colour and symbol show " +
        "where things go well and where to look more closely.",
      bandSummary: "{concern} concern · {watch} watch · {good} good",
      gapsIntro: "Where links are missing in the network – the most important first, each with a " +
        "suggestion of what you can do.",
      gapCount: "{n} gaps",
      gapCountOne: "1 gap",
      showOnMap: "Show on the map",
      showMore: "Show {n} more",
      severity: "Urgency",
      mapTitle: "Network map",
      mapIntro: "Each circle is an actor, each line a cooperation. Move the mouse over a circle, or " +
        "tab into the map and move with the arrow keys. The + and − buttons above the map zoom in " +
        "and out; drag with the mouse or use the arrow buttons to move the view.",
      mapLabel: "Network map: {actors} actors, {ties} ties. Arrow keys move between actors; Enter " +
        "chooses one for 'What if … leaves?' or takes it out again. Plus and minus zoom in and out, " +
        "Shift with the arrow keys moves the view.",
      mapTools: "Zoom and move the map",
      zoomIn: "Zoom in",
      zoomOut: "Zoom out",
      zoomReset: "Show the whole map",
      panLeft: "Look further left",
      panRight: "Look further right",
      panUp: "Look further up",
      panDown: "Look further down",
      zoomLevel: "Zoom {n} %",
      wheelHint: "To zoom, hold the Ctrl key and turn the mouse wheel – or use the + and − buttons " +
        "above the map.",
      legendTitle: "Legend",
      legendSize: "Size: number of partners",
      legendIsolated: "Dashed outline: no cooperation at all",
      nodeLabel: "{name}, {type}, {partners}",
      partnersOne: "1 partner",
      partnersMany: "{n} partners",
      partnersNone: "no partners",
      highlighted: "Highlighted: {what}",
      highlightedActors: "{n} actors",
      clearHighlight: "Show all again",
      actorListTitle: "All actors as a list",
      colActor: "Actor",
      colType: "Type",
      colPartners: "Partners",
      tooBig: "With {n} actors the network is too large for a readable map. The list of actors " +
        "below shows all of them.",
      pseudonyms: "Research access: you see pseudonyms instead of names (e.g. A-1f2e3d4c5b6a7980).",
      funderNote: "With a funder's key netz shows figures for the whole network only – no map and " +
        "no names of single organisations. This protects their information.",
      funderGaps: "How many gaps there are, by kind and urgency. Which organisations they concern " +
        "and what to do is seen by the alliance's coordination.",
      gapKindColumn: "Kind of gap",
      whatifTitle: "What if … leaves?",
      whatifIntro: "Choose one or more partners – in the list or with a click on the map. netz " +
        "works out what changes in the network if they are no longer there.",
      whatifActor: "Who leaves? You can choose several.",
      whatifFilter: "Filter the list (name or type)",
      whatifNoMatch: "No actor matches '{q}'.",
      whatifNone: "Nobody chosen yet.",
      whatifChosen: "Chosen ({n}): {names}",
      whatifClear: "Clear the choice",
      whatifRun: "Work it out",
      chosen: "What if {name} leaves?",
      chosenMany: "What if {names} leave?",
      whatifPick: "Please choose at least one actor first.",
      keyTitle: "Who holds the network together?",
      keyIntro: "These actors connect the others. If they left, the network would fall apart the " +
        "most. They deserve particular attention – and relief, so that not everything depends on " +
        "them.",
      keyNow: "Today {share} of all pairs of actors cannot reach each other through any chain of " +
        "cooperations.",
      keyNone: "The network does not depend on any single actor: if one leaves, the others stay as " +
        "connected as before.",
      keyPick: "Choose",
      keyWhatif: "What if these {n} leave? Work it out",
      keyShown: "Highlighted on the map: who holds the network together.",
      keyBar: "Share of pairs that cannot reach each other: today {now}, then {after}",
      computing: "Working it out …",
      figure: "Figure",
      nobodyStranded: "Nobody loses all their ties.",
      noNewGaps: "No new gaps appear.",
      whatifShown: "Highlighted on the map: who leaves and who is then left without partners.",
      noscript: "This page needs JavaScript. Please turn it on.",
      waveTitle: "Survey wave",
      waveAll: "All waves together",
      waveLatest: "{wave} (latest)",
      waveShown: "You see the network as it was in wave {wave}.",
      waveShownAll: "You see all cooperations of all waves together.",
      waveLoading: "Analysing wave {wave} …",
      waveMissing: "There is no wave '{wave}'. You see the latest wave.",
      waveChange: "What changed since wave {wave}",
      andMore: "and {n} more",
    },
  };

  // -- language -------------------------------------------------------------------------------

  function initialLang() {
    const asked = new URLSearchParams(location.search).get("lang");
    if (LANGS.includes(asked)) {
      try { localStorage.setItem(LANG_STORE, asked); } catch (e) { /* private mode: not kept */ }
      return asked;
    }
    let kept = null;
    try { kept = localStorage.getItem(LANG_STORE); } catch (e) { /* not available */ }
    return LANGS.includes(kept) ? kept : "de";
  }

  let lang = initialLang();
  document.documentElement.lang = lang;
  const langListeners = [];

  function setLang(next) {
    lang = next;
    document.documentElement.lang = lang;
    try { localStorage.setItem(LANG_STORE, lang); } catch (e) { /* not kept */ }
    const url = new URL(location.href);
    if (url.searchParams.has("lang")) {
      url.searchParams.set("lang", lang);
      history.replaceState(null, "", url);
    }
    applyI18n();
    langListeners.forEach((listener) => listener(lang));
  }

  function t(key, vars) {
    let text = UI[lang][key] ?? UI.de[key] ?? key;
    for (const [name, value] of Object.entries(vars || {})) text = text.replaceAll(`{${name}}`, value);
    return text;
  }

  let labels = null;

  async function loadLabels() {
    if (!labels) {
      const response = await fetch("/ui/labels.json");
      labels = await response.json();
    }
    return labels;
  }

  /** A label of netz: L("kind", "refugee_exclusion"), L("type", "church"), L("figure", "n_actors"). */
  function L(group, key) {
    return labels?.[lang]?.[group]?.[key] ?? key;
  }

  function applyI18n(root = document) {
    root.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
    root.querySelectorAll("[data-i18n-label]").forEach((node) => {
      node.setAttribute("aria-label", t(node.dataset.i18nLabel));
    });
    const title = document.querySelector("meta[name=netz-title]");
    if (title) document.title = `${t(title.content)} – netz`;
  }

  // -- numbers --------------------------------------------------------------------------------

  const locale = () => (lang === "de" ? "de-DE" : "en-GB");

  function number(value, digits = 1) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "—";
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
  }

  function percent(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "—";
    return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 0 }).format(value);
  }

  /** "A, B und C" / "A, B and C". */
  function list(items) {
    return new Intl.ListFormat(locale(), { style: "long", type: "conjunction" }).format(items.map(String));
  }

  function partners(n) {
    if (n === 0) return t("partnersNone");
    return n === 1 ? t("partnersOne") : t("partnersMany", { n });
  }

  // -- the key and the API --------------------------------------------------------------------

  function getKey() {
    try { return sessionStorage.getItem(KEY_STORE); } catch (e) { return null; }
  }

  function setKey(key) { sessionStorage.setItem(KEY_STORE, key); }

  function clearKey() {
    try { sessionStorage.removeItem(KEY_STORE); } catch (e) { /* nothing kept */ }
  }

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
      this.detail = detail;
    }
  }

  /** Call an API path (GET unless `method` says otherwise) with the signed-in key (or the one
   * given); its JSON answer, or ApiError on failure. */
  async function api(path, key = getKey(), method = "GET") {
    let response;
    try {
      response = await fetch(path, { method, headers: { Authorization: `Bearer ${key}`, Accept: "application/json" } });
    } catch (e) {
      throw new ApiError(0, t("unreachable"));
    }
    if (response.status === 429) {  // a rate limit: say when to try again, in the page's language
      throw new ApiError(429, t("tooMany", { seconds: response.headers.get("Retry-After") || "60" }));
    }
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new ApiError(response.status, detail);
    }
    return response.json();
  }

  // -- DOM ------------------------------------------------------------------------------------

  /** el("p", {class: "x"}, "text", child) — text is always text, never markup. */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "dataset") Object.assign(node.dataset, value);
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";

  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
    }
    children.flat().forEach((child) => child && node.append(child));
    return node;
  }

  /** The small band and severity symbols (shape as well as colour). */
  function icon(name) {
    const shapes = {
      good: [svg("circle", { cx: 12, cy: 12, r: 10 }), svg("path", { d: "M7 12.5l3.2 3.2L17 9", class: "mark" })],
      watch: [svg("path", { d: "M12 2.5L22 20.5H2z" }), svg("path", { d: "M12 9v5.5M12 17.2v.3", class: "mark" })],
      concern: [svg("path", { d: "M8 2h8l6 6v8l-6 6H8l-6-6V8z" }),
        svg("path", { d: "M8.5 8.5l7 7M15.5 8.5l-7 7", class: "mark" })],
      high: [svg("path", { d: "M12 2.5L22 20.5H2z" }), svg("path", { d: "M12 9v5.5M12 17.2v.3", class: "mark" })],
      medium: [svg("circle", { cx: 12, cy: 12, r: 9 }), svg("path", { d: "M12 7v6M12 16v.3", class: "mark" })],
      low: [svg("circle", { cx: 12, cy: 12, r: 6 })],
      idea: [svg("path", { d: "M9 18h6M10 21h4M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3z" })],
    };
    return svg("svg", { class: `icon icon-${name}`, viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false" },
      shapes[name] || []);
  }

  // -- sign-in and the page chrome ------------------------------------------------------------

  /**
   * Show the sign-in form in `section`; after a key is accepted, call onSignedIn().
   * A key is checked with a call the API answers for every role (the list of alliances).
   */
  function signIn(section, onSignedIn, message) {
    section.hidden = false;
    const form = section.querySelector("form");
    const input = form.querySelector("input[name=key]");
    const error = section.querySelector(".error");
    const status = section.querySelector(".status");
    const show = form.querySelector("input[name=show]");
    error.textContent = message || "";
    show.onchange = () => { input.type = show.checked ? "text" : "password"; };
    input.focus();
    form.onsubmit = async (event) => {
      event.preventDefault();
      const key = input.value.trim();
      error.textContent = "";
      if (!key) {
        error.textContent = t("keyEmpty");
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      status.textContent = t("checking");
      try {
        await api("/api/v1/alliances", key);
      } catch (e) {
        status.textContent = "";
        error.textContent = e.status === 401 ? t("keyRejected") : (e.status ? t("failed", { detail: e.detail }) : e.detail);
        input.setAttribute("aria-invalid", "true");
        input.select();
        return;
      }
      status.textContent = "";
      input.value = "";
      input.removeAttribute("aria-invalid");
      setKey(key);
      section.hidden = true;
      updateChrome();
      document.getElementById("main").focus(); // the page's content replaces the form
      onSignedIn();
    };
  }

  function updateChrome() {
    const out = document.getElementById("sign-out");
    if (out) out.hidden = !getKey();
  }

  /** The language switch and the sign-out button of the page header. */
  function setupChrome() {
    const toggle = document.getElementById("lang-toggle");
    const label = () => {
      toggle.textContent = t("switchLang");
      toggle.lang = lang === "de" ? "en" : "de";
    };
    toggle.addEventListener("click", () => { setLang(lang === "de" ? "en" : "de"); label(); });
    label();
    const out = document.getElementById("sign-out");
    out.addEventListener("click", () => { clearKey(); location.href = "/"; });
    updateChrome();
    applyI18n();
  }

  return {
    t, L, loadLabels, applyI18n, setupChrome, signIn, api, ApiError, getKey, clearKey, el, svg, icon,
    number, percent, partners, list,
    get lang() { return lang; },
    onLang(listener) { langListeners.push(listener); },
  };
})();
