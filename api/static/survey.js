/* The respondent's questionnaire (/survey/TOKEN): consent first, then the roster with a search box;
 * for each partner ticked: kinds of cooperation, how often and, optionally, value and trust ratings.
 * Every change is saved at once (PUT of that partner's whole answer: saving twice changes nothing),
 * so the respondent can leave and come back until the survey closes. No key: the link's token is
 * the credential. Words from the catalogue (German, English, Einfache Sprache); the page's
 * direction (right-to-left languages) from the catalogue's page.survey_dir. */
"use strict";

(() => {
  const { t, el } = Netz;
  const token = decodeURIComponent(location.pathname.split("/").pop());
  const base = `/api/v1/respond/${encodeURIComponent(token)}`;
  let data = null;

  async function call(path, method = "GET", body = undefined) {
    const response = await fetch(base + path, {
      method, headers: { Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) {
      const error = new Error(String(response.status));
      error.status = response.status;
      error.reason = response.headers.get("X-Netz-Reason");
      throw error;
    }
    return response.json();
  }

  function showState(key) {
    const state = document.getElementById("survey-state");
    state.textContent = t(key);
    state.hidden = false;
    document.getElementById("survey-consent").hidden = true;
    document.getElementById("survey-form").hidden = true;
  }

  function failed(error) {
    if (error.status === 404) showState("survey_link_unknown");
    else if (error.status === 410) showState(`survey_link_${error.reason || "expired"}`);
    else if (error.status === 429) showState("survey_too_many");
    else saved("survey_not_saved");
  }

  function saved(key) { document.getElementById("save-state").textContent = t(key); }

  // -- languages ------------------------------------------------------------------------------

  function languages() {
    const nav = document.getElementById("survey-langs");
    nav.replaceChildren(...Object.keys(window.NETZ_MESSAGES).map((lang) => el("button", {
      type: "button", class: "quiet", lang, "aria-pressed": String(lang === Netz.lang),
      onclick: () => { Netz.setLang(lang); direction(); languages(); render(); },
    }, window.NETZ_MESSAGES[lang]["page.survey_lang_name"] || lang)));
  }

  function direction() { document.documentElement.dir = t("survey_dir") === "rtl" ? "rtl" : "ltr"; }

  // -- the questionnaire ----------------------------------------------------------------------

  function answerOf(partner) { return data.answers.find((a) => a.partner === partner); }

  function partnerFields(actor, answer) {
    const id = (name) => `${name}-${actor.id}`;
    const change = () => save(actor.id);
    const kinds = el("fieldset", { class: "kinds" }, el("legend", {}, t("survey_kind")),
      data.survey.kinds.map((kind) => el("label", { class: "inline" },
        el("input", { type: "checkbox", name: id("kind"), value: kind, checked: answer.kind.includes(kind), onchange: change }),
        " ", t(`survey.kind.${kind}`))));
    const frequency = el("fieldset", { class: "frequency" }, el("legend", {}, t("survey_frequency")),
      data.survey.frequencies.map((step) => el("label", { class: "inline" },
        el("input", { type: "radio", name: id("frequency"), value: step, checked: answer.frequency === step, onchange: change }),
        " ", t(`survey.frequency.${step}`))));
    const parts = [kinds, frequency];
    if (data.survey.ratings) {
      const items = [...data.survey.value_items, ...data.survey.trust_items];
      const rating = (item) => el("div", { class: "rating" },
        el("label", { for: id(item) }, t(`survey.item.${item}`)),
        el("select", { id: id(item), name: item, onchange: change },
          el("option", { value: "" }, "–"),
          [1, 2, 3, 4].map((step) => el("option", { value: step, selected: answer[item] === step }, t(`survey.step.${step}`)))));
      // two questions in plain words: what the partner brings, and how much it is trusted
      const group = (name, list) => el("fieldset", { class: `rating-group rating-${name}` },
        el("legend", {}, t(`survey_ratings_${name}`)), list.map(rating));
      parts.push(el("details", { class: "ratings", open: items.some((i) => answer[i]) },
        el("summary", {}, t("survey_ratings")),
        el("p", { class: "help" }, t("survey_ratings_help")),
        group("value", data.survey.value_items), group("trust", data.survey.trust_items)));
    }
    return el("div", { class: "partner-fields", id: id("fields") }, parts);
  }

  function rosterItem(actor) {
    const answer = answerOf(actor.id);
    const box = el("input", {
      type: "checkbox", id: `named-${actor.id}`, checked: Boolean(answer), "aria-controls": `fields-${actor.id}`,
      onchange: (event) => (event.target.checked ? save(actor.id, true) : unname(actor.id)),
    });
    return el("li", { dataset: { search: `${actor.name} ${Netz.L("type", actor.type)}`.toLowerCase(), actor: actor.id } },
      el("div", { class: "named" }, box, el("label", { for: box.id }, actor.name,
        el("span", { class: "choice-type" }, Netz.L("type", actor.type)))),
      answer ? partnerFields(actor, answer) : null);
  }

  function collect(partner) {
    const item = document.querySelector(`li[data-actor="${CSS.escape(partner)}"]`);
    const answer = { kind: [...item.querySelectorAll("input[type=checkbox][value]:checked")].map((n) => n.value) };
    const step = item.querySelector("input[type=radio]:checked");
    answer.frequency = step ? Number(step.value) : null;
    item.querySelectorAll("select").forEach((node) => { answer[node.name] = node.value ? Number(node.value) : null; });
    return answer;
  }

  async function save(partner, fresh = false) {
    const answer = fresh ? { kind: [] } : collect(partner);
    saved("survey_saving");
    try {
      await call(`/answers/${encodeURIComponent(partner)}`, "PUT", answer);
      const known = answerOf(partner);
      const full = { partner, frequency: null, ...answer };
      if (known) Object.assign(known, full); else data.answers.push(full);
      if (fresh) renderItem(partner, true);
      saved("survey_saved");
    } catch (error) { failed(error); }
  }

  async function unname(partner) {
    saved("survey_saving");
    try {
      await call(`/answers/${encodeURIComponent(partner)}`, "DELETE");
      data.answers = data.answers.filter((a) => a.partner !== partner);
      renderItem(partner, false);
      saved("survey_saved");
    } catch (error) { failed(error); }
  }

  function renderItem(partner, focusFields) {
    const old = document.querySelector(`li[data-actor="${CSS.escape(partner)}"]`);
    const fresh = rosterItem(data.roster.find((a) => a.id === partner));
    fresh.hidden = old.hidden;
    old.replaceWith(fresh);
    const box = fresh.querySelector(`#named-${CSS.escape(partner)}`);
    box.focus();
    if (focusFields) fresh.querySelector(".partner-fields")?.scrollIntoView({ block: "nearest" });
  }

  function filter() {
    const words = document.getElementById("roster-search").value.trim().toLowerCase();
    document.querySelectorAll("#roster li").forEach((item) => { item.hidden = !item.dataset.search.includes(words); });
  }

  function render() {
    if (!data) return;
    Netz.applyI18n();
    document.getElementById("survey-who").textContent = t("survey_who", {
      name: data.actor.name, date: new Date(data.survey.closes_at).toLocaleDateString(Netz.locale) });
    const consent = !data.consented;
    document.getElementById("survey-consent").hidden = !consent;
    document.getElementById("survey-form").hidden = consent;
    document.getElementById("consent-text").textContent = data.survey.consent || t("survey_consent_text");
    if (data.withdrawn && consent) saved("survey_withdrawn");
    document.getElementById("roster").replaceChildren(...data.roster.map(rosterItem));
    document.getElementById("missing").value = data.missing || "";
    document.getElementById("submitted").hidden = !data.submitted;
    filter();
  }

  async function load() {
    try { data = await call(""); render(); } catch (error) { failed(error); }
  }

  function setup() {
    direction();
    languages();
    document.getElementById("roster-search").addEventListener("input", filter);
    document.getElementById("consent-yes").addEventListener("click", async () => {
      try { data = await call("/consent", "POST"); render(); document.getElementById("question-title").focus(); } catch (error) { failed(error); }
    });
    document.getElementById("question-title").tabIndex = -1;
    document.getElementById("missing").addEventListener("change", async (event) => {
      saved("survey_saving");
      try { await call("/missing", "PUT", { text: event.target.value }); saved("survey_saved"); } catch (error) { failed(error); }
    });
    document.getElementById("submit").addEventListener("click", async () => {
      try {
        await call("/submit", "POST");
        data.submitted = true;
        const thanks = document.getElementById("submitted");
        thanks.hidden = false;
        thanks.focus();
      } catch (error) { failed(error); }
    });
    document.getElementById("submitted").tabIndex = -1;
    document.getElementById("withdraw").addEventListener("click", async () => {
      if (!window.confirm(t("survey_withdraw_confirm"))) return;
      try { await call("", "DELETE"); await load(); } catch (error) { failed(error); }
    });
    load();
  }

  setup();
})();
