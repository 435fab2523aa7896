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
  // Every word comes from netz's message catalogue (netz/messages/<lang>.json), which
  // /ui/messages.js puts into window.NETZ_MESSAGES before this script runs.
  const MESSAGES = window.NETZ_MESSAGES || { de: {} };
  const LANGS = Object.keys(MESSAGES);

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
    const previous = lang;
    lang = next;
    document.documentElement.lang = lang;
    try { localStorage.setItem(LANG_STORE, lang); } catch (e) { /* not kept */ }
    const url = new URL(location.href);
    if (url.searchParams.has("lang")) {
      url.searchParams.set("lang", lang);
      history.replaceState(null, "", url);
    }
    applyI18n();
    langListeners.forEach((listener) => listener(lang, previous));
  }

  /** A message of the catalogue: a key without a dot is a word of the pages ("signIn" is "page.signIn"). */
  function t(key, vars) {
    const full = key.includes(".") ? key : `page.${key}`;
    let text = MESSAGES[lang]?.[full] ?? MESSAGES.de[full] ?? key;
    for (const [name, value] of Object.entries(vars || {})) text = text.replaceAll(`{${name}}`, value);
    return text;
  }

  // Groups of netz's own labels and where the catalogue keeps them.
  const LABEL_KEYS = {
    type: (key) => `type.${key}`,
    kind: (key) => `text.kind_${key}`,
    indicator: (key) => `text.indicator_${key}`,
    band: (key) => `text.band_${key}`,
    severity: (key) => `text.severity_${key}`,
    figure: (key) => `text.${key}`,
    phrase: (key) => `text.${key}`,
  };

  /** A label of netz: L("kind", "refugee_exclusion"), L("type", "church"), L("figure", "n_actors"). */
  function L(group, key) {
    const full = LABEL_KEYS[group](key);
    return MESSAGES[lang]?.[full] ?? MESSAGES.de[full] ?? key;
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

  const locale = () => (lang.startsWith("de") ? "de-DE" : "en-GB");

  /** A number as the page's language writes it; "—" where there is no number. The one number
   * formatter of the pages, the twin of netz.messages.number, whose docstring gives the rules
   * (both write every number the same, digit for digit): German "1.234,5", English "1,234.5",
   * grouped from four digits on; the minus sign (U+2212, not a hyphen), never "−0"; `digits`
   * decimals, all of them unless `fixed` is false (then as many as needed: "2,5", "7"); halves
   * rounded away from zero on the number as written. */
  function number(value, digits = 1, { fixed = true } = {}) {
    return written(value, digits, fixed, {});
  }

  /** A share (0.4) as a percentage: German "40 %" with a no-break space (U+00A0, DIN 5008),
   * English "40%"; always `digits` decimals, halves rounded away from zero. The twin of
   * netz.messages.percent, which writes the same; "—" where there is no share. */
  function percent(value, digits = 0) {
    return written(value, digits, true, { style: "percent" });
  }

  /** number() and percent(): Intl.NumberFormat (ICU) rounds the shortest decimal of a number
   * half away from zero ("halfExpand"), as the library does. */
  function written(value, digits, fixed, style) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "—";
    return new Intl.NumberFormat(locale(), {
      ...style, maximumFractionDigits: digits, minimumFractionDigits: fixed ? digits : 0,
      useGrouping: "always", roundingMode: "halfExpand", signDisplay: "negative",
    }).format(value).replace("-", "\u2212");
  }

  /** A day ("2026-12-18", as a date field's value) written out in the page's language: German
   * "Freitag, 18. Dezember 2026", English "Friday 18 December 2026" — unmistakable where a date
   * field shows the browser's format (mm/dd/yyyy in an English browser). "" for no valid day. */
  function day(value) {
    const date = /^\d{4}-\d{2}-\d{2}$/.test(value || "") ? new Date(`${value}T00:00:00Z`) : null;
    if (!date || Number.isNaN(date.getTime())) return "";
    return new Intl.DateTimeFormat(locale(), { dateStyle: "full", timeZone: "UTC" }).format(date);
  }

  /** A text the service gives in several languages ({de: …, en: …}) in the page's language; a
   * variant the service does not write (de-simple) falls back to its base language, then German. */
  function inLang(texts) {
    return texts?.[lang] ?? texts?.[lang.split("-")[0]] ?? texts?.de;
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

  function setKey(key) {
    sessionStorage.setItem(KEY_STORE, key);
    keyChanged();
  }

  function clearKey() {
    try { sessionStorage.removeItem(KEY_STORE); } catch (e) { /* nothing kept */ }
    keyChanged();
  }

  // The sections that depend on who is signed in (the survey, the workspace, …) subscribe with
  // onKey(listener): each is told the key's role and alliances (GET /api/v1/keys/current), or null,
  // when it subscribes and again after every sign-in and sign-out on the page — no reload needed.
  const keyListeners = [];
  let keyInfo = null; // a promise of the signed-in key's {role, alliances, …} or null; asked once per key

  function askKey() {
    const key = getKey();
    // an expired or refused key counts as none (the page's own load says why)
    return key ? api("/api/v1/keys/current", key).catch(() => null) : Promise.resolve(null);
  }

  /** The key changed (signed in, signed out, expired): ask who it is and tell every subscriber. */
  function keyChanged() {
    updateChrome();
    if (!keyListeners.length) { keyInfo = null; return; } // asked when a section subscribes
    const asked = askKey();
    keyInfo = asked;
    // a later change wins: an answer for a key no longer signed in is dropped
    asked.then((info) => { if (asked === keyInfo) keyListeners.forEach((listener) => listener(info)); });
  }

  /** Call listener(key) with the signed-in key's role and alliances (null: none), now and after
   * every change of the key. */
  function onKey(listener) {
    keyListeners.push(listener);
    if (!keyInfo) keyInfo = askKey();
    const asked = keyInfo;
    asked.then((info) => { if (asked === keyInfo) listener(info); });
  }

  /** Whether a key (from onKey) has one of the roles and, if `allianceId` is given, may see that
   * alliance (a coordinator only the alliances it is given; elsewhere every call would be a 403). */
  function may(key, roles, allianceId) {
    return Boolean(key) && roles.includes(key.role) && (allianceId === undefined ||
      key.role !== "coordinator" || (key.alliances || []).includes(allianceId));
  }

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
      this.detail = detail;
    }
  }

  /** The headers of a call to the API with the signed-in key (or the one given); Accept-Language,
   * so that a problem's detail, which the pages show, comes in the page's language. A download
   * names its file's type: apiHeaders(key, "application/pdf") (a refusal is JSON all the same). */
  function apiHeaders(key = getKey(), accept = "application/json") {
    const types = accept === "application/json" ? accept : `${accept}, application/problem+json`;
    return { Authorization: `Bearer ${key}`, Accept: types, "Accept-Language": lang };
  }

  /** Why the API refused a call (a response that is not ok), as an ApiError: the problem's detail,
   * which the service words in the language apiHeaders asked for, or how long a rate limit lasts. */
  async function refusal(response) {
    if (response.status === 429) {  // a rate limit: say when to try again, in the page's language
      return new ApiError(429, t("tooMany", { seconds: response.headers.get("Retry-After") || "60" }));
    }
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
    return new ApiError(response.status, detail);
  }

  /** Call an API path (GET unless `method` says otherwise) with the signed-in key (or the one
   * given); its JSON answer, or ApiError on failure. */
  async function api(path, key = getKey(), method = "GET") {
    let response;
    try {
      response = await fetch(path, { method, headers: apiHeaders(key) });
    } catch (e) {
      throw new ApiError(0, t("unreachable"));
    }
    if (!response.ok) throw await refusal(response);
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
    return append(node, children);
  }

  /** Replace what `node` holds by `children`, taken as el() takes them (null, undefined and false
   * are left out: the DOM's replaceChildren would write them as the text "null"). */
  function fill(node, ...children) {
    node.replaceChildren();
    return append(node, children);
  }

  function append(node, children) {
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

  // -- what was typed survives a redraw ------------------------------------------------------

  const FIELDS = "input[id], select[id], textarea[id]";

  /** Whether a field holds what its drawing put there: its value or choice as drawn (the value
   * attribute, a textarea's text, the options marked selected, the checked attribute). */
  function asDrawn(field) {
    if (field.type === "checkbox" || field.type === "radio") return field.checked === field.defaultChecked;
    if (field.type === "file") return !field.files.length;
    if (field.tagName === "SELECT") {
      const drawn = [...field.options].find((option) => option.defaultSelected) || field.options[0];
      return field.value === (drawn ? drawn.value : "");
    }
    return field.value === field.defaultValue;
  }

  /** Draw a part of the page anew — `redraw()`, which replaces its fields by new ones — and keep
   * what was typed or chosen in them: a field (found again by its id) whose value differs from
   * what was drawn in it gets that value back, and its input and change events tell the page (a
   * date written out below it, a file's name). A field left as drawn takes the new drawing's value,
   * so a default text follows the language. For every section a language switch draws anew: a
   * coordinator's half-filled form is not thrown away by a look at the English page. */
  function keepTyped(root, redraw) {
    const typed = [...root.querySelectorAll(FIELDS)].filter((field) => !asDrawn(field))
      .map((field) => ({ id: field.id, checked: field.checked, value: field.value, files: field.files }));
    const result = redraw();
    for (const was of typed) {
      const field = document.getElementById(was.id);
      if (!field || !root.contains(field)) continue; // gone with the redraw
      if (field.type === "checkbox" || field.type === "radio") field.checked = was.checked;
      else if (field.type === "file") field.files = was.files;
      else if (field.tagName === "SELECT" && ![...field.options].some((option) => option.value === was.value)) continue;
      else field.value = was.value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
    return result;
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
      section.hidden = true;
      setKey(key);
      document.getElementById("main").focus(); // the page's content replaces the form
      onSignedIn(); // the page's sections that depend on the key follow through onKey
    };
  }

  function updateChrome() {
    const out = document.getElementById("sign-out");
    if (out) out.hidden = !getKey();
  }

  /** The language switch and the sign-out button of the page header. Signing out goes to the
   * start page, unless the page can stay: then `signedOut()` shows its sign-in form, and the
   * sections that depend on the key go with it (onKey). */
  function setupChrome({ signedOut } = {}) {
    const toggle = document.getElementById("lang-toggle");
    // German and its variants (Einfache Sprache) switch to English; English to German
    const other = () => (lang.startsWith("de") ? "en" : "de");
    const label = () => {
      toggle.textContent = t("switchLang");
      toggle.lang = other();
    };
    toggle.addEventListener("click", () => { setLang(other()); label(); });
    label();
    const out = document.getElementById("sign-out");
    out.addEventListener("click", () => {
      clearKey();
      if (signedOut) signedOut(); else location.href = "/";
    });
    updateChrome();
    applyI18n();
  }

  return {
    t, L, applyI18n, setupChrome, setLang, signIn, api, apiHeaders, refusal, ApiError, getKey, clearKey,
    el, fill, svg, icon, keepTyped,
    number, percent, day, inLang, partners, list,
    get lang() { return lang; },
    /** The page's language as Intl takes it (de-DE for German and its variants, else en-GB). */
    get locale() { return locale(); },
    /** Call listener(lang, previous) after every language switch; returns what ends that. */
    onLang(listener) {
      langListeners.push(listener);
      return () => { const at = langListeners.indexOf(listener); if (at >= 0) langListeners.splice(at, 1); };
    },
    onKey, may,
  };
})();
