/* The start page's keys section, for admin keys (its words from the catalogue, page.keys_*):
 * every key with its role, alliances and dates; revoke a key (press twice), give a coordinator key an alliance or take one away.
 * Other keys get 403 from /api/v1/keys and never see the section.
 */
"use strict";

const NetzKeys = (() => {
  const { t, el, api } = Netz;
  const state = { keys: null, alliances: [], message: "" };

  function allianceName(id) {
    const found = state.alliances.find((a) => a.id === id);
    return found ? (found.name || `#${id}`) : `#${id}`;
  }

  function when(value) {
    if (!value) return "—";
    return new Intl.DateTimeFormat(Netz.locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
  }

  async function act(path, method, message) {
    try {
      await api(path, undefined, method);
      state.message = message;
    } catch (e) {
      state.message = e.status ? t("failed", { detail: e.detail }) : e.detail;
    }
    await refresh();
    document.getElementById("keys-status").focus(); // the buttons were replaced: say what happened
  }

  function revokeButton(key) {
    const button = el("button", { type: "button", class: "small quiet", "aria-label": t("keys_revoke_label", key) },
      t("keys_revoke"));
    button.addEventListener("click", () => {
      if (button.dataset.armed) {
        act(`/api/v1/keys/${key.id}/revoke`, "POST", t("keys_revoked", key));
        return;
      }
      button.dataset.armed = "1";
      button.textContent = t("keys_revoke_confirm");
      document.getElementById("keys-status").textContent = t("keys_revoke_hint", key);
    });
    return button;
  }

  function grantControls(key) {
    const missing = state.alliances.filter((a) => !key.alliances.includes(a.id));
    if (!missing.length) return [];
    const id = `grant-${key.id}`;
    const select = el("select", { id }, missing.map((a) => el("option", { value: a.id, title: a.name || null }, a.name || `#${a.id}`)));
    const give = el("button", { type: "button", class: "small" }, t("keys_give"));
    give.addEventListener("click", () => {
      const chosen = Number(select.value);
      act(`/api/v1/keys/${key.id}/alliances/${chosen}`, "PUT",
        t("keys_given", { prefix: key.prefix, name: allianceName(chosen) }));
    });
    return [el("label", { for: id, class: "visually-hidden" }, t("keys_give_label", key)), select, " ", give];
  }

  function alliancesCell(key) {
    if (key.role !== "coordinator") return t("keys_all");
    if (!key.alliances.length) return "—";
    return el("ul", { class: "plain" }, key.alliances.map((id) => {
      const name = allianceName(id);
      const take = el("button", { type: "button", class: "small quiet",
        "aria-label": t("keys_take_label", { prefix: key.prefix, name }) }, t("keys_take"));
      take.addEventListener("click", () => act(`/api/v1/keys/${key.id}/alliances/${id}`, "DELETE",
        t("keys_taken", { prefix: key.prefix, name })));
      return el("li", {}, name, " ", key.status === "revoked" ? null : take);
    }));
  }

  function render() {
    if (!state.keys) return;
    document.getElementById("keys-title").textContent = t("keys_title");
    document.getElementById("keys-intro").textContent = t("keys_intro");
    document.getElementById("keys-status").textContent = state.message;
    const head = document.querySelector("#key-table thead tr");
    head.replaceChildren(...["prefix", "role", "label", "alliances", "last_used", "expires", "status", "actions"]
      .map((column) => el("th", { scope: "col" }, t(`keys_col_${column}`))));
    const body = document.querySelector("#key-table tbody");
    body.replaceChildren(...state.keys.map((key) => el("tr", { dataset: { key: key.prefix } },
      el("th", { scope: "row" }, el("code", {}, key.prefix)),
      el("td", {}, t(`keys_role_${key.role}`)),
      el("td", {}, key.label || "—"),
      el("td", {}, alliancesCell(key)),
      el("td", {}, when(key.last_used)),
      el("td", {}, when(key.expires)),
      el("td", { class: `key-${key.status}` }, t(`keys_status_${key.status}`)),
      el("td", { class: "key-actions" }, key.status === "revoked" ? "—"
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
      state.message = e.status ? t("failed", { detail: e.detail }) : e.detail;
    }
    render();
  }

  // a choice made in a row (an alliance to give) stays when the table is drawn in the other language
  Netz.onLang(() => Netz.keepTyped(document.getElementById("keys"), render));

  return {
    /** Show the section if the signed-in key is an admin's; `alliances` names the alliance ids. */
    load(alliances) {
      state.alliances = alliances || [];
      return refresh();
    },
  };
})();
