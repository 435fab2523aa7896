/* The survey section of the alliance page (coordinators and admins): start a survey (with the
 * alliance's own consent text, ratings of value and trust on or off), hand out the personal links (list, CSV,
 * PDF letters with QR codes), watch the response, extend, close the survey as the alliance's new
 * wave: the page above then shows the new wave's report, and this section what changed (with the
 * caveats of a low response, which while the survey runs are only a warning next to closing). */
"use strict";

(() => {
  const { t, el } = Netz;
  const allianceId = Number(location.pathname.split("/").filter(Boolean)[1]);
  const body = () => document.getElementById("survey-admin-body");

  async function send(method, path, json, extra = {}) {
    const response = await fetch(path, {
      method, headers: { ...Netz.apiHeaders(), ...(json ? { "Content-Type": "application/json" } : {}), ...extra },
      body: json ? JSON.stringify(json) : undefined,
    });
    if (!response.ok) throw await Netz.refusal(response);
    return response;
  }

  async function etag() {
    return (await send("GET", `/api/v1/alliances/${allianceId}`)).headers.get("ETag");
  }

  function problem(error) {
    body().prepend(el("p", { class: "notice", role: "alert" }, error.message || String(error)));
  }

  async function download(path, filename) {
    const blob = await (await send("GET", path)).blob();
    const url = URL.createObjectURL(blob);
    el("a", { href: url, download: filename }).click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** The page's language for files made on the server (letters): German or English. */
  const fileLang = () => (Netz.lang.startsWith("de") ? "de" : "en");

  /** The catalogue's consent text in any language (a coordinator who kept it sends none: each
   * respondent then reads it in their own language). */
  const defaultConsents = () => Object.values(window.NETZ_MESSAGES).map((m) => m["page.survey_consent_text"]);

  /** The folded lists the coordinator has opened (kept when the section is drawn again). */
  const opened = new Set();

  function remember(event) {
    const details = event.currentTarget;
    if (details.open) opened.add(details.id); else opened.delete(details.id);
  }

  /** A list folded under its title with how many it holds ("Noch keine Antwort (12)"). */
  function folded(id, title, n, ...content) {
    return el("details", { class: "fold", id, open: opened.has(id), ontoggle: remember },
      el("summary", {}, el("h4", {}, t("wsFoldTitle", { title, n }))), ...content);
  }

  /** A field of the survey's forms: its label above it, a help text (if any) between, as in the
   * workspace's forms. */
  function field(id, label, input, help = null) {
    return el("div", { class: "survey-field" }, el("label", { for: id }, t(label)),
      help ? el("p", { class: "help", id: `${id}-help` }, t(help)) : null, input);
  }

  /** A date field with the chosen day written out below it in the page's language (the field
   * itself shows the browser's format, mm/dd/yyyy in an English browser even on the German page);
   * the field is described by it, and a change is said to screen readers. */
  function dateField(id, label, value) {
    const said = el("p", { class: "help date-said", id: `${id}-said`, "aria-live": "polite" }, Netz.day(value));
    const input = el("input", { id, type: "date", required: true, value, "aria-describedby": said.id,
      oninput: () => { said.textContent = Netz.day(input.value); } });
    const shown = field(id, label, input);
    shown.append(said);
    return shown;
  }

  /** A checkbox with its label beside it (and a help text below). */
  function check(id, label, checked, help = null) {
    return el("div", { class: "survey-check" },
      el("p", { class: "check" },
        el("input", { type: "checkbox", id, checked, "aria-describedby": help ? `${id}-help` : null }),
        el("label", { for: id }, t(label))),
      help ? el("p", { class: "help", id: `${id}-help` }, t(help)) : null);
  }

  function startForm() {
    const inAMonth = new Date(Date.now() + 28 * 864e5).toISOString().slice(0, 10);
    const form = el("form", { id: "survey-start", class: "survey-form" },
      el("div", { class: "survey-row" },
        field("survey-wave", "survey_admin_wave", el("input", { id: "survey-wave", type: "text", required: true,
          autocomplete: "off", value: String(new Date().getFullYear()) })),
        dateField("survey-closes", "survey_admin_closes", inAMonth)),
      field("survey-rule", "survey_admin_rule", el("select", { id: "survey-rule" },
        ["union", "confirmed"].map((rule) => el("option", { value: rule }, t(`survey_admin_rule_${rule}`))))),
      check("survey-reconstruct", "survey_admin_reconstruct", false),
      check("survey-ratings", "survey_admin_ratings", true, "survey_admin_ratings_help"),
      field("survey-consent", "survey_admin_consent",
        el("textarea", { id: "survey-consent", rows: 9, maxlength: 5000, "aria-describedby": "survey-consent-help" },
          t("survey_consent_text")), "survey_admin_consent_help"),
      el("p", { class: "survey-submit" }, el("button", { type: "submit", class: "primary" }, t("survey_admin_start"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const consent = document.getElementById("survey-consent").value.trim();
      try {
        await send("POST", `/api/v1/alliances/${allianceId}/surveys`, {
          wave: document.getElementById("survey-wave").value.trim(),
          closes_at: `${document.getElementById("survey-closes").value}T23:59:59Z`,
          rule: document.getElementById("survey-rule").value,
          reconstruct: document.getElementById("survey-reconstruct").checked,
          ratings: document.getElementById("survey-ratings").checked,
          consent: !consent || defaultConsents().includes(consent) ? null : consent,
        }, { "If-Match": await etag() });
        await render();
      } catch (error) { problem(error); }
    });
    return form;
  }

  /** The figures fragile at this response rate, in words (none from 80 % on). */
  function caveats(list, rate) {
    if (!list.length) return null;
    return el("div", { class: "notice", id: "survey-caveats" }, el("p", {}, t("survey_admin_caveats", { rate: Netz.percent(rate) })),
      el("ul", {}, list.map((c) => el("li", {}, t(c.message)))));
  }

  /** Findings of the wave diff as a titled list (their explanations, the first five). */
  function findings(key, list) {
    if (!list?.length) return null;
    const shown = list.slice(0, 5).map((gap) => el("li", {}, Netz.inLang(gap.explanation)));
    if (list.length > 5) shown.push(el("li", {}, t("andMore", { n: list.length - 5 })));
    return el("li", { dataset: { change: key } }, t(`survey_admin_${key}`, { n: list.length }), el("ul", {}, shown));
  }

  /** What closing did: the new wave, who answered (with the caveats), and what changed since the
   * wave before, in words; the report above now shows the new wave. */
  function closedSummary(result) {
    const rate = Netz.percent(result.response_rate);
    const diff = result.diff;
    const changes = diff ? [
      el("li", { dataset: { change: "ties_gained" } }, t("survey_admin_ties_gained", { n: diff.ties_gained.length })),
      el("li", { dataset: { change: "ties_lost" } }, t("survey_admin_ties_lost", { n: diff.ties_lost.length })),
      // earlier ties between two who did not answer: not known, never counted as lost
      diff.ties_unknown?.length
        ? el("li", { dataset: { change: "ties_unknown" } }, t("survey_admin_ties_unknown", { n: diff.ties_unknown.length }))
        : null,
      findings("gaps_new", diff.gaps_new),
      findings("gaps_resolved", diff.gaps_resolved),
      findings("gaps_changed", diff.gaps_changed),
    ].filter(Boolean) : [];
    if (diff && !diff.gaps_new.length && !diff.gaps_resolved.length && !diff.gaps_changed.length) {
      changes.push(el("li", {}, t("survey_admin_gaps_same")));
    }
    return [
      el("div", { id: "survey-closed", class: "notice good", role: "status", tabindex: -1 },
        el("p", {}, t("survey_admin_closed", { wave: result.wave, ties: result.n_ties })),
        el("p", { id: "survey-closed-rate" }, t("survey_admin_rate", { answered: result.answered, asked: result.asked, rate })),
        el("p", {}, el("a", { href: "#health-title" }, t("survey_admin_see_report", { wave: result.wave })))),
      caveats(result.caveats, result.response_rate),
      el("h3", { id: "survey-diff-title" }, diff ? t("survey_admin_diff_title", { previous: result.previous_wave })
        : t("survey_admin_first_wave")),
      diff && result.answered < result.asked ? el("p", { class: "help" }, t("survey_admin_diff_missing")) : null,
      diff ? el("ul", { id: "survey-diff", class: "survey-diff" }, changes) : null,
    ];
  }

  async function openSurvey(survey) {
    const links = await (await send("GET", `/api/v1/surveys/${survey.id}/links`)).json();
    const rate = t("survey_admin_rate", { answered: survey.answered, asked: survey.roster_size, rate: Netz.percent(survey.response_rate) });
    const reminder = survey.reminder[Netz.lang.startsWith("de") ? "de" : "en"];
    // Few answers matter when the survey is closed (the wave's figures then stay uncertain), not
    // while it runs: the warning is said next to closing and in the question before it.
    const low = survey.caveats.length
      ? t("survey_admin_close_low", { answered: survey.answered, asked: survey.roster_size, rate: Netz.percent(survey.response_rate) })
      : null;
    const close = el("button", { type: "button", id: "survey-close",
      "aria-describedby": low ? "survey-close-help survey-close-low" : "survey-close-help" }, t("survey_admin_close"));
    close.addEventListener("click", async () => {
      if (!window.confirm([t("survey_admin_close_confirm"), low].filter(Boolean).join("\n\n"))) return;
      try {
        const result = await (await send("POST", `/api/v1/alliances/${allianceId}/surveys/${survey.id}/close`, null,
          { "If-Match": await etag() })).json();
        body().replaceChildren(...closedSummary(result).filter(Boolean));
        document.getElementById("survey-closed").focus();
        // alliance.js shows the new wave's report, gaps and health above
        document.dispatchEvent(new CustomEvent("netz:wave-added", { detail: { wave: result.wave } }));
      } catch (error) { problem(error); }
    });
    const extend = el("form", { id: "survey-extend", class: "survey-form survey-row" },
      dateField("survey-extend-date", "survey_admin_extend", survey.closes_at.slice(0, 10)),
      el("p", { class: "survey-submit" }, el("button", { type: "submit" }, t("survey_admin_save"))));
    extend.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await send("PATCH", `/api/v1/surveys/${survey.id}`, { closes_at: `${document.getElementById("survey-extend-date").value}T23:59:59Z` });
        await render();
      } catch (error) { problem(error); }
    });
    const asked = [t(survey.settings.ratings === false ? "survey_admin_ratings_off" : "survey_admin_ratings_on"),
      t(survey.settings.consent ? "survey_admin_consent_own" : "survey_admin_consent_default")];
    return [
      el("h3", {}, survey.wave),
      el("p", { id: "survey-rate", role: "status" }, rate),
      el("p", { class: "help", id: "survey-settings" }, asked.join(" ")),
      folded("survey-by-type", t("survey_admin_by_type"), survey.by_type.length,
        el("ul", { class: "plain" }, survey.by_type.map((row) => el("li", {}, `${Netz.L("type", row.type)}: ${row.answered}/${row.asked}`)))),
      el("h4", {}, t("wsFoldTitle", { title: t("survey_admin_not_answered"), n: survey.not_answered.length })),
      el("p", {}, survey.not_answered.map((a) => a.name).join(", ") || "—"),
      el("label", { for: "survey-reminder" }, t("survey_admin_reminder")),
      el("textarea", { id: "survey-reminder", rows: 4, cols: 60, readonly: true }, reminder),
      survey.missing_partners?.length ? folded("survey-missing", t("survey_admin_missing"), survey.missing_partners.length,
        el("ul", { class: "plain" }, survey.missing_partners.map((m) => el("li", {}, m.text)))) : null,
      folded("survey-links-part", t("survey_admin_links"), links.length,
        el("ul", { class: "plain links", id: "survey-links" }, links.map((link) => el("li", {},
          el("strong", {}, link.name), " ", el("span", {}, link.link), " ",
          el("button", { type: "button", class: "quiet", onclick: async () => {
            try { await send("POST", `/api/v1/surveys/${survey.id}/links/${encodeURIComponent(link.actor)}`); await render(); }
            catch (error) { problem(error); }
          } }, t("survey_admin_reissue")))))),
      el("div", { class: "survey-actions" },
        el("button", { type: "button", class: "quiet", onclick: () => download(`/api/v1/surveys/${survey.id}/links?format=csv`,
          `survey-${survey.id}-links.csv`).catch(problem) }, t("survey_admin_csv")),
        el("button", { type: "button", class: "quiet", id: "survey-letters", onclick: () => download(
          `/api/v1/surveys/${survey.id}/letters.pdf?lang=${fileLang()}`, `${t("survey_admin_letters_file")}-${survey.id}.pdf`)
          .catch(problem) }, t("survey_admin_letters"))),
      extend,
      el("h4", {}, t("survey_admin_close")),
      el("p", { class: "help", id: "survey-close-help" }, t("survey_admin_close_help", { wave: survey.wave })),
      low ? el("p", { class: "notice", id: "survey-close-low" }, low) : null,
      close,
    ];
  }

  let generation = 0; // counts sign-ins and sign-outs: an answer for the key before is not shown

  /** Draw the section from the survey's state; `keep` (a language switch): what the coordinator
   * typed or chose in its forms stays (Netz.keepTyped), an unchanged consent text follows the
   * language. */
  async function render({ keep = false } = {}) {
    const mine = generation;
    const surveys = await (await send("GET", `/api/v1/alliances/${allianceId}/surveys`)).json();
    const open = surveys.find((s) => s.state === "open");
    const full = open ? await (await send("GET", `/api/v1/surveys/${open.id}`)).json() : null;
    const last = surveys.find((s) => s.state === "closed");
    const before = last ? t("survey_admin_last", { wave: last.wave, answered: last.answered, asked: last.roster_size,
      rate: Netz.percent(last.response_rate) }) : t("survey_admin_none");
    const parts = full ? await openSurvey(full) : [el("p", { id: "survey-last" }, before), startForm()];
    if (mine !== generation) return;
    const draw = () => body().replaceChildren(...parts.flat().filter(Boolean));
    if (keep) Netz.keepTyped(body(), draw); else draw();
    Netz.applyI18n(document.getElementById("survey-admin"));
  }

  /** Shown to admins and to the alliance's coordinators, after every sign-in on the page; gone
   * after signing out or with another role's key. */
  async function setup(key) {
    generation += 1;
    const section = document.getElementById("survey-admin");
    const shown = Number.isInteger(allianceId) && Netz.may(key, ["admin", "coordinator"], allianceId);
    section.hidden = !shown;
    body().replaceChildren();
    if (!shown) return;
    try {
      await render();
    } catch (error) { problem(error); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    Netz.onKey(setup);
    Netz.onLang(() => { if (!document.getElementById("survey-admin").hidden) render({ keep: true }).catch(problem); });
  });
})();
