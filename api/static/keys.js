/* The start page's "Schlüssel" section, for admin keys: every key with its role, alliances and
 * dates; revoke a key (press twice), give a coordinator key an alliance or take one away.
 * Other keys get 403 from /api/v1/keys and never see the section.
 */
"use strict";

const NetzKeys = (() => {
  const { el, api } = Netz;
  const WORDS = {
    de: {
      title: "Schlüssel",
      intro: "Alle Zugangsschlüssel des Dienstes. Gezeigt wird nur der Anfang jedes Schlüssels, nie " +
        "der Schlüssel selbst. Ein widerrufener Schlüssel wird innerhalb einer Sekunde abgelehnt.",
      prefix: "Kennung", role: "Rolle", label: "Bezeichnung", alliances: "Bündnisse",
      lastUsed: "Zuletzt benutzt", expires: "Läuft ab", state: "Status", actions: "Aktionen",
      admin: "Verwaltung", coordinator: "Koordination", researcher: "Forschung", funder: "Förderung",
      active: "gültig", revoked: "widerrufen", expired: "abgelaufen",
      orphaned: "ohne Bündnis (alle gelöscht)",
      none: "—", all: "alle",
      revoke: "Widerrufen", confirm: "Wirklich widerrufen?",
      revokeLabel: "Schlüssel {prefix} widerrufen",
      confirmHint: "Zum Widerrufen von Schlüssel {prefix} noch einmal drücken.",
      revoked_done: "Schlüssel {prefix} ist widerrufen.",
      give: "Bündnis geben", choose: "Bündnis für Schlüssel {prefix}",
      given: "Schlüssel {prefix} hat jetzt Zugang zu „{name}“.",
      take: "entziehen", takeLabel: "„{name}“ dem Schlüssel {prefix} entziehen",
      taken: "Schlüssel {prefix} hat keinen Zugang mehr zu „{name}“.",
      failed: "Das hat nicht geklappt: {detail}",
    },
    en: {
      title: "Keys",
      intro: "Every access key of the service. Only the start of each key is shown, never the key " +
        "itself. A revoked key is refused within a second.",
      prefix: "Id", role: "Role", label: "Label", alliances: "Alliances",
      lastUsed: "Last used", expires: "Expires", state: "Status", actions: "Actions",
      admin: "Admin", coordinator: "Coordination", researcher: "Research", funder: "Funding",
      active: "valid", revoked: "revoked", expired: "expired",
      orphaned: "no alliance (all deleted)",
      none: "—", all: "all",
      revoke: "Revoke", confirm: "Really revoke?",
      revokeLabel: "Revoke key {prefix}",
      confirmHint: "Press again to revoke key {prefix}.",
      revoked_done: "Key {prefix} is revoked.",
      give: "Give alliance", choose: "Alliance for key {prefix}",
      given: "Key {prefix} now has access to “{name}”.",
      take: "take away", takeLabel: "Take “{name}” away from key {prefix}",
      taken: "Key {prefix} no longer has access to “{name}”.",
      failed: "That did not work: {detail}",
    },
  };
  const state = { keys: null, alliances: [], message: "" };

  function w(word, vars) {
    let text = WORDS[Netz.lang][word] ?? WORDS.de[word] ?? word;
    for (const [name, value] of Object.entries(vars || {})) text = text.replaceAll(`{${name}}`, value);
    return text;
  }

  function allianceName(id) {
    const found = state.alliances.find((a) => a.id === id);
    return found ? (found.name || `#${id}`) : `#${id}`;
  }

  function when(value) {
    if (!value) return w("none");
    const locale = Netz.lang === "de" ? "de-DE" : "en-GB";
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
  }

  async function act(path, method, message) {
    try {
      await api(path, undefined, method);
      state.message = message;
    } catch (e) {
      state.message = e.status ? w("failed", { detail: e.detail }) : e.detail;
    }
    await refresh();
    document.getElementById("keys-status").focus(); // the buttons were replaced: say what happened
  }

  function revokeButton(key) {
    const button = el("button", { type: "button", class: "small quiet", "aria-label": w("revokeLabel", key) },
      w("revoke"));
    button.addEventListener("click", () => {
      if (button.dataset.armed) {
        act(`/api/v1/keys/${key.id}/revoke`, "POST", w("revoked_done", key));
        return;
      }
      button.dataset.armed = "1";
      button.textContent = w("confirm");
      document.getElementById("keys-status").textContent = w("confirmHint", key);
    });
    return button;
  }

  function grantControls(key) {
    const missing = state.alliances.filter((a) => !key.alliances.includes(a.id));
    if (!missing.length) return [];
    const id = `grant-${key.id}`;
    const select = el("select", { id }, missing.map((a) => el("option", { value: a.id, title: a.name || null }, a.name || `#${a.id}`)));
    const give = el("button", { type: "button", class: "small" }, w("give"));
    give.addEventListener("click", () => {
      const chosen = Number(select.value);
      act(`/api/v1/keys/${key.id}/alliances/${chosen}`, "PUT",
        w("given", { prefix: key.prefix, name: allianceName(chosen) }));
    });
    return [el("label", { for: id, class: "visually-hidden" }, w("choose", key)), select, " ", give];
  }

  function alliancesCell(key) {
    if (key.role !== "coordinator") return w("all");
    if (!key.alliances.length) return w("none");
    return el("ul", { class: "plain" }, key.alliances.map((id) => {
      const name = allianceName(id);
      const take = el("button", { type: "button", class: "small quiet",
        "aria-label": w("takeLabel", { prefix: key.prefix, name }) }, w("take"));
      take.addEventListener("click", () => act(`/api/v1/keys/${key.id}/alliances/${id}`, "DELETE",
        w("taken", { prefix: key.prefix, name })));
      return el("li", {}, name, " ", key.status === "revoked" ? null : take);
    }));
  }

  function render() {
    if (!state.keys) return;
    document.getElementById("keys-title").textContent = w("title");
    document.getElementById("keys-intro").textContent = w("intro");
    document.getElementById("keys-status").textContent = state.message;
    const head = document.querySelector("#key-table thead tr");
    head.replaceChildren(...["prefix", "role", "label", "alliances", "lastUsed", "expires", "state", "actions"]
      .map((word) => el("th", { scope: "col" }, w(word))));
    const body = document.querySelector("#key-table tbody");
    body.replaceChildren(...state.keys.map((key) => el("tr", { dataset: { key: key.prefix } },
      el("th", { scope: "row" }, el("code", {}, key.prefix)),
      el("td", {}, w(key.role)),
      el("td", {}, key.label || w("none")),
      el("td", {}, alliancesCell(key)),
      el("td", {}, when(key.last_used)),
      el("td", {}, when(key.expires)),
      el("td", { class: `key-${key.status}` }, w(key.status)),
      el("td", { class: "key-actions" }, key.status === "revoked" ? w("none")
        : [revokeButton(key), ...(key.role === "coordinator" ? [" ", ...grantControls(key)] : [])]),
    )));
    document.getElementById("keys").hidden = false;
  }

  async function refresh() {
    try {
      const current = await api("/api/v1/keys/current");
      if (current.role !== "admin") return; // the section is for admins only
      state.keys = await api("/api/v1/keys");
    } catch (e) {
      if (e.status === 401) return; // signed out meanwhile
      state.message = e.status ? w("failed", { detail: e.detail }) : e.detail;
    }
    render();
  }

  Netz.onLang(render);

  return {
    /** Show the section if the signed-in key is an admin's; `alliances` names the alliance ids. */
    load(alliances) {
      state.alliances = alliances || [];
      return refresh();
    },
  };
})();
