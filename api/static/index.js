/* The start page: sign in, then the alliances this key may see, with a search box. */
"use strict";

(() => {
  const { t, el, api } = Netz;
  const state = { alliances: null };

  function matches(alliance, words) {
    const text = [alliance.name, alliance.region, alliance.land].filter(Boolean).join(" ").toLocaleLowerCase();
    return words.every((word) => text.includes(word));
  }

  function render() {
    if (!state.alliances) return;
    const query = document.getElementById("q").value.trim();
    const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    const shown = state.alliances.filter((a) => matches(a, words));
    const body = document.querySelector("#alliances tbody");
    body.replaceChildren(...shown.map((a) => el("tr", {},
      el("th", { scope: "row" }, el("a", { href: `/alliances/${a.id}` }, a.name || `#${a.id}`)),
      el("td", {}, a.region || "—"),
      el("td", {}, a.land || "—"),
      el("td", { class: "num" }, Netz.number(a.n_actors, 0)),
      el("td", { class: "num" }, Netz.number(a.n_ties, 0)),
    )));
    document.getElementById("list-count").textContent =
      t("listCount", { shown: shown.length, total: state.alliances.length });
    const empty = document.getElementById("list-empty");
    empty.hidden = shown.length > 0;
    empty.textContent = state.alliances.length === 0 ? t("noAlliances") : t("noMatch", { q: query });
    document.getElementById("alliances").hidden = shown.length === 0;
  }

  async function load() {
    const loading = document.getElementById("loading");
    loading.querySelector("span").textContent = t("loadingList");
    loading.hidden = false;
    try {
      state.alliances = await api("/api/v1/alliances");
    } catch (e) {
      loading.hidden = true;
      if (e.status === 401) {
        Netz.clearKey();
        Netz.signIn(document.getElementById("signin"), load, t("keyExpired"));
        return;
      }
      const failure = document.getElementById("failure");
      failure.textContent = e.status ? t("failed", { detail: e.detail }) : e.detail;
      failure.hidden = false;
      return;
    }
    loading.hidden = true;
    document.getElementById("list").hidden = false;
    render();
    NetzKeys.load(state.alliances); // admins only: the keys section
  }

  document.addEventListener("DOMContentLoaded", async () => {
    Netz.setupChrome();
    Netz.onLang(render);
    document.getElementById("q").addEventListener("input", render);
    if (Netz.getKey()) load();
    else Netz.signIn(document.getElementById("signin"), load);
  });
})();
