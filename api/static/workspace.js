/* The coordinator's workspace: data in and out through the pages.
 *
 * On the start page: upload a file as a new alliance, after a preview; a file whose alliance
 * name exists already is not stored twice silently — the page offers to replace that alliance.
 * On an alliance's page: upload a file as its next revision (replace its data, or add a wave)
 * after a preview of what changes; edit actors and ties; undo the last change; download the
 * alliance with its metrics.
 *
 * Every write sends the ETag of the data shown (If-Match). When someone else changed the alliance
 * meanwhile (another window), the page says so in plain words, shows the current data and keeps
 * the change that was not stored, to be stored again with one press.
 *
 * The key's role comes from Netz.onKey (GET /api/v1/keys/current), again after every sign-in and
 * sign-out on the page: sections a role may not use are not shown, and their endpoints are never called.
 */
"use strict";

(() => {
  const { t, L, el, getKey } = Netz;
  const TYPES = ["initiative", "church", "welfare", "municipality", "refugee", "association", "education",
    "employment", "public", "other"];
  const ACCEPT = ".xlsx,.zip,.graphml,.gexf,.json";
  const ROWS_SHOWN = 50; // rows of the actor and tie lists shown at once; the filter finds the rest
  const EDITORS = ["admin", "coordinator"];
  const READERS = ["admin", "coordinator", "researcher"];

  const $ = (id) => document.getElementById(id);
  const tr = (key) => ({ "data-i18n": key }); // a text that follows the language switch
  const CONTROLS = "button, a[href], summary, input, select, textarea, [tabindex]";

  /** Where a control is, so that it can be found again after its part of the page was drawn anew
   * (after every save): its id, or the nearest element with an id and its place among the controls there. */
  function placeOf(node) {
    if (!node || node === document.body) return null;
    if (node.id) return { id: node.id };
    const part = node.parentElement && node.parentElement.closest("[id]");
    return part ? { part: part.id, at: [...part.querySelectorAll(CONTROLS)].indexOf(node), tag: node.tagName } : null;
  }

  /** The control at a place from placeOf, as the page is now (null: gone). */
  function atPlace(place) {
    if (!place) return null;
    if (place.id) return $(place.id);
    const node = $(place.part)?.querySelectorAll(CONTROLS)[place.at];
    return node && node.tagName === place.tag ? node : null;
  }

  // -- the API, with ETags ----------------------------------------------------------------------

  /** One API call: {data, etag}, or an ApiError with the problem's `problems` (file errors). */
  async function call(method, path, { json, file, ifMatch } = {}) {
    // in the page's language: a file's problems and warnings are worded by the service
    const headers = Netz.apiHeaders();
    let body;
    if (json) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    }
    if (file) {
      body = new FormData();
      body.append("file", file);
    }
    if (ifMatch) headers["If-Match"] = ifMatch;
    let response;
    try {
      response = await fetch(path, { method, headers, body });
    } catch (e) {
      throw new Netz.ApiError(0, t("unreachable"));
    }
    let data = null;
    try { data = await response.json(); } catch (e) { /* no JSON body */ }
    if (!response.ok) {
      const error = new Netz.ApiError(response.status, (data && data.detail) || response.statusText);
      error.problems = (data && data.problems) || [];
      throw error;
    }
    return { data, etag: response.headers.get("ETag") };
  }

  /** What went wrong, in plain words; the problems of a file each on a line of their own. */
  function explain(error) {
    if (error.status === 412) return [t("wsConflict")];
    if (error.status === 422 && error.problems && error.problems.length) {
      return [t("wsFileProblems"), ...error.problems.map((p) => [p.file, p.row && t("wsRow", { row: p.row }),
        p.column && t("wsColumn", { column: p.column }), p.message].filter(Boolean).join(" · "))];
    }
    if (error.status === 415) return [t("wsWrongFile")];
    if (error.status === 0) return [error.detail];
    return [t("failed", { detail: error.detail })];
  }

  function showError(node, error) {
    const lines = explain(error);
    Netz.fill(node, el("span", {}, lines[0]),
      lines.length > 1 ? el("ul", {}, lines.slice(1).map((line) => el("li", {}, line))) : null);
  }

  // -- a preview of what an upload changes ------------------------------------------------------

  const typeLabel = (type) => L("type", type);
  const MORE = 8; // names listed per kind of change before "and N more"

  function names(items, show) {
    const shown = items.slice(0, MORE).map(show);
    return items.length > MORE ? `${shown.join(", ")} ${t("andMore", { n: items.length - MORE })}` : shown.join(", ");
  }

  /** The changes as a list a person reads: what comes, what goes, what is renamed or retyped. */
  function changeList(changes) {
    const items = [];
    const add = (list, key, show) => {
      if (list.length) items.push(el("li", {}, el("strong", {}, t(key, { n: list.length })), " ", names(list, show)));
    };
    const actor = (a) => a.name;
    const tie = (x) => `${x.source_name || x.source} – ${x.target_name || x.target}${x.wave ? ` (${x.wave})` : ""}`;
    add(changes.actors_added, "wsActorsAdded", actor);
    add(changes.actors_removed, "wsActorsRemoved", actor);
    add(changes.actors_renamed, "wsActorsRenamed", (a) => `${a.before} → ${a.after}`);
    add(changes.actors_retyped, "wsActorsRetyped", (a) => `${a.id}: ${typeLabel(a.before)} → ${typeLabel(a.after)}`);
    add(changes.ties_added, "wsTiesAdded", tie);
    add(changes.ties_removed, "wsTiesRemoved", tie);
    if (changes.ties_reweighted) items.push(el("li", {}, t("wsTiesReweighted", { n: changes.ties_reweighted })));
    if (!items.length) items.push(el("li", {}, t("wsNoChange")));
    return el("ul", { class: "ws-changes" }, items);
  }

  function warningList(warnings) {
    return warnings && warnings.length
      ? el("details", { class: "ws-warnings" }, el("summary", {}, t("wsWarnings", { n: warnings.length })),
        el("ul", {}, warnings.map((w) => el("li", {}, w))))
      : null;
  }

  /** A file field in the page's language: the browser's own button and "no file chosen" are in
   * the browser's language (English on a German page), so the input is visually hidden but stays
   * in the tab order (Space or Enter opens the chooser), a label drawn as a button opens it by
   * mouse or touch, and the chosen file's name is shown beside it (and describes the field). */
  function fileField(id) {
    const chosen = el("span", { id: `${id}-name`, class: "file-name" });
    const show = (file) => {
      if (file) {
        delete chosen.dataset.i18n;
        chosen.textContent = file.name;
      } else {
        chosen.dataset.i18n = "wsFileNone"; // follows the language switch, as tr() does
        chosen.textContent = t("wsFileNone");
      }
    };
    show(null);
    let watched = null; // the form whose reset (after an upload) empties the field
    const input = el("input", { id, type: "file", accept: ACCEPT, class: "visually-hidden",
      "aria-labelledby": `${id}-label`, "aria-describedby": `${id}-name ${id}-help`,
      onchange: () => {
        if (input.form && input.form !== watched) {
          watched = input.form;
          watched.addEventListener("reset", () => show(null));
        }
        show(input.files[0]);
      } });
    return [el("label", { for: id, id: `${id}-label`, ...tr("wsFile") }, t("wsFile")),
      el("span", { class: "file-pick" }, input,
        el("label", { for: id, class: "file-button", "aria-hidden": "true", ...tr("wsFileChoose") }, t("wsFileChoose")),
        chosen),
      el("span", { id: `${id}-help`, class: "help", ...tr("wsFileHelp") }, t("wsFileHelp"))];
  }

  // -- the start page: a new alliance ---------------------------------------------------------

  function newAlliance(root) {
    const state = { file: null, preview: null };
    const status = el("p", { class: "status", role: "status" });
    const error = el("div", { class: "error", role: "alert" });
    const result = el("div", { class: "ws-preview" });
    const form = el("form", { class: "ws-upload", novalidate: true },
      ...fileField("ws-new-file"),
      el("p", {}, el("button", { type: "submit", class: "primary", ...tr("wsPreview") }, t("wsPreview"))));
    root.replaceChildren(el("h2", { id: "ws-new-title", ...tr("wsNewTitle") }, t("wsNewTitle")),
      el("p", { class: "intro", ...tr("wsNewIntro") }, t("wsNewIntro")), form, status, error, result);
    root.hidden = false;

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.replaceChildren();
      result.replaceChildren();
      state.file = form.querySelector("input[type=file]").files[0];
      if (!state.file) { error.textContent = t("wsNoFile"); return; }
      status.textContent = t("wsReading");
      try {
        state.preview = (await call("POST", "/api/v1/alliances/import/preview", { file: state.file })).data;
      } catch (e) {
        status.textContent = "";
        showError(error, e);
        return;
      }
      status.textContent = "";
      renderNew();
    });

    function renderNew() {
      const p = state.preview;
      const facts = el("p", {}, t("wsNewFacts", { name: p.name, actors: p.n_actors, ties: p.n_ties }));
      const buttons = el("p", { class: "ws-buttons" });
      if (p.same_name.length) {
        const existing = p.same_name[0];
        Netz.fill(result, facts, warningList(p.warnings),
          el("p", { class: "notice ws-same-name" }, t("wsSameName", { name: existing.name })), buttons);
        buttons.append(
          el("button", { type: "button", class: "primary", onclick: () => replaceExisting(existing) },
            t("wsReplaceExisting", { name: existing.name })),
          el("button", { type: "button", onclick: () => create(true) }, t("wsCreateAnyway")));
      } else {
        Netz.fill(result, facts, warningList(p.warnings), buttons);
        buttons.append(el("button", { type: "button", class: "primary", onclick: () => create(false) }, t("wsCreate")));
      }
    }

    async function create(duplicate) {
      status.textContent = t("wsSaving");
      try {
        const query = duplicate ? "?duplicate_name=true" : "";
        const { data } = await call("POST", `/api/v1/alliances/import${query}`, { file: state.file });
        if (data.warnings.length) created(data);
        else location.href = `/alliances/${data.id}`;
      } catch (e) {
        status.textContent = "";
        showError(error, e);
      }
    }

    /** Stored, but reading the file noticed something (an empty type read as "Sonstige", a column
     * left out): say so, and let the coordinator go on to the alliance when they have read it. */
    function created(data) {
      status.textContent = "";
      const heading = el("h3", { tabindex: "-1", class: "ws-created" }, t("wsCreatedWithWarnings", { name: data.name }));
      result.replaceChildren(heading, el("ul", { class: "ws-warnings" }, data.warnings.map((w) => el("li", {}, w))),
        el("p", {}, el("a", { href: `/alliances/${data.id}` }, t("wsOpenCreated", { name: data.name }))));
      heading.focus();
    }

    /** A corrected file of an alliance that exists: show what replacing its data changes. */
    async function replaceExisting(existing) {
      const url = `/api/v1/alliances/${existing.id}/revisions`;
      status.textContent = t("wsReading");
      let preview;
      try {
        preview = await call("POST", `${url}/preview`, { file: state.file });
      } catch (e) {
        status.textContent = "";
        showError(error, e);
        return;
      }
      status.textContent = "";
      const store = async () => {
        status.textContent = t("wsSaving");
        try {
          await call("POST", url, { file: state.file, ifMatch: preview.etag });
          location.href = `/alliances/${existing.id}`;
        } catch (e) {
          status.textContent = "";
          showError(error, e);
        }
      };
      result.replaceChildren(el("h3", {}, t("wsReplaceTitle", { name: existing.name })),
        changeList(preview.data.changes),
        el("p", { class: "ws-buttons" },
          el("button", { type: "button", class: "primary", onclick: store }, t("wsApply")),
          el("button", { type: "button", onclick: () => { result.replaceChildren(); } }, t("wsDiscard"))));
    }
  }

  // -- the note of what was stored --------------------------------------------------------------

  const NOTE_MS = 10_000; // how long a note of what was stored shows when nobody touches it
  const ACTIONS = "button, a[href], summary, input, select, textarea, label";

  /** The note at the foot of the window: what is being stored, then what was stored, with the undo
   * and a close button. Its text is a live region (a screen reader reads it). A note of what was
   * stored goes when closed (button or Escape), when the coordinator goes on to another action
   * anywhere on the page, or after NOTE_MS on its own — never while the pointer or the focus rests
   * on it. While a note shows, the page has room below its end (and scrolling to a field keeps it
   * above the note): the note covers no control. `undo()` is the workspace's undo. */
  function footNote(undo) {
    const text = el("p", { class: "status ws-status", role: "status" });
    const undoButton = el("button", { type: "button", class: "small", hidden: true, onclick: () => undo() });
    const closeButton = el("button", { type: "button", class: "quiet small ws-note-close", hidden: true,
      onclick: () => clear() }, el("span", { "aria-hidden": "true" }, "×"));
    const box = el("div", { class: "ws-note" }, el("div", { class: "ws-note-body" }, text, undoButton), closeButton);
    let timer = null;
    let resting = false; // the pointer or the focus is on the note
    // where the focus was before it went into the note (it goes back there, or to the control
    // drawn in its place when the undo in the note redrew the lists)
    let before = null;

    /** Room below the page's end, as high as the note, while a note shows. */
    function room() {
      const shown = box.classList.contains("shown");
      const space = shown ? `${box.offsetHeight + 32}px` : "";
      document.body.style.paddingBottom = space;
      document.documentElement.style.scrollPaddingBottom = space;
    }
    const resized = new ResizeObserver(room);
    resized.observe(box);

    function wait() {
      clearTimeout(timer);
      if (!resting && !closeButton.hidden) timer = setTimeout(clear, NOTE_MS);
    }

    /** Show a note; `done` (what was stored, not what is being stored) adds the buttons. */
    function show(message, done, undoable) {
      clearTimeout(timer);
      const inNote = box.contains(document.activeElement) ? document.activeElement : null;
      text.textContent = message;
      undoButton.textContent = t("wsNoteUndo"); // in the page's language of now
      closeButton.setAttribute("aria-label", t("wsNoteClose"));
      closeButton.title = t("wsNoteClose");
      undoButton.hidden = !(done && undoable);
      closeButton.hidden = !done;
      box.classList.toggle("shown", Boolean(message));
      room();
      // the control with the focus went (the note closed, or its buttons hide while the undo is
      // stored): the focus goes back to where it was before the note, not to the page's top
      if (inNote && (!message || inNote.hidden)) {
        const back = before && (before.node.isConnected ? before.node : atPlace(before.place));
        (back || $("ws-title")).focus();
      }
      wait();
    }

    function clear() { show("", false, false); }

    box.addEventListener("pointerenter", () => { resting = true; wait(); });
    box.addEventListener("pointerleave", () => { resting = box.contains(document.activeElement); wait(); });
    box.addEventListener("focusin", (event) => {
      const from = event.relatedTarget;
      if (from && !box.contains(from)) before = { node: from, place: placeOf(from) };
      resting = true;
      wait();
    });
    box.addEventListener("focusout", (event) => {
      resting = box.contains(event.relatedTarget) || box.matches(":hover");
      wait();
    });
    box.addEventListener("keydown", (event) => { if (event.key === "Escape" && !closeButton.hidden) clear(); });
    // Going on to another action ends a note of what was stored (not one of what is being stored);
    // in the capture phase, so that the action's own note comes after.
    const goneOn = (event) => {
      if (closeButton.hidden || box.contains(event.target)) return;
      if (event.type !== "click" || event.target.closest(ACTIONS)) clear();
    };
    const kinds = ["click", "input", "change", "submit"];
    kinds.forEach((kind) => document.addEventListener(kind, goneOn, true));

    return {
      box,
      busy: (message) => show(message, false, false),
      saved: (message, undoable) => show(message, true, undoable),
      clear,
      /** The workspace goes (signed out): the note and its listeners with it. */
      stop() {
        clear();
        resized.disconnect();
        kinds.forEach((kind) => document.removeEventListener(kind, goneOn, true));
      },
    };
  }

  // -- an alliance's page ----------------------------------------------------------------------

  function workspace(root, allianceId, role) {
    const base = `/api/v1/alliances/${allianceId}`;
    const state = {
      etag: null, alliance: null, actors: [], ties: [], undo: null, pending: null, detailsSeen: false,
      actorFilter: "", tieFilter: "", metrics: true,
      open: new Set(), // the ids of the folded lists the coordinator has opened (kept across redraws)
    };
    const alert = el("div", { class: "error ws-alert", role: "alert" });
    const undoLast = () => write({
      what: t("wsUndoWhat"),
      run: (etag) => call("POST", `${base}/undo`, { ifMatch: etag }),
    });
    const note = footNote(undoLast);

    const changed = () => document.dispatchEvent(new CustomEvent("netz:changed"));

    async function reload() {
      const ties = await call("GET", `${base}/ties`);
      const actors = [];
      let page = 1;
      let answer;
      do { // the actors' list comes in pages of at most 1,000
        answer = await call("GET", `${base}/actors?per_page=1000&page=${page}`);
        actors.push(...answer.data.actors);
        page += 1;
      } while (actors.length < answer.data.total);
      state.alliance = (await call("GET", base)).data;
      state.ties = ties.data;
      state.actors = actors.map((a) => ({ id: String(a.id), name: a.name, type: a.type }));
      state.etag = ties.etag;
      state.undo = (await call("GET", `${base}/undo`)).data;
      renderData();
    }

    /** Store one change with the ETag of the data shown. On a conflict the change is kept; a
     * change's own `refused(error)` may show why it was refused (true), else the alert says it. */
    async function write(change) {
      alert.replaceChildren();
      note.busy(t("wsSaving"));
      try {
        const answer = await change.run(state.etag);
        state.etag = answer.etag || state.etag;
        state.pending = null;
        await reload(); // first: it computes the new revision's report, which the page then reuses
        // once the lists show it; the undo in it is that of this change
        note.saved(t("wsSaved", { what: change.what }), Boolean(state.undo && state.undo.available));
        changed();
      } catch (e) {
        note.clear();
        if (e.status === 412) {
          state.pending = change;
          await reload().catch(() => {});
          renderConflict();
        } else if (!(change.refused && change.refused(e))) {
          showError(alert, e);
        }
      }
    }

    function renderConflict() {
      const change = state.pending;
      alert.replaceChildren(el("span", {}, t("wsConflict")), el("p", {}, t("wsYourChange", { what: change.what })),
        el("p", { class: "ws-buttons" },
          el("button", { type: "button", class: "primary", onclick: () => write(change) }, t("wsRetry")),
          el("button", { type: "button", onclick: () => { state.pending = null; alert.replaceChildren(); } },
            t("wsDropChange"))));
      alert.scrollIntoView({ block: "nearest" }); // the message may be far from the row that was saved
    }

    /** A long list folded under its title with how many it holds ("Akteure (25)"), so that the
     * page stays short; whether it is open survives the redrawing after each change. The title is
     * a heading inside the summary: the disclosure button says what it opens, and heading
     * navigation still finds it. */
    function folded(id, title, n, ...content) {
      const details = el("details", { class: "ws-part ws-fold", id, open: state.open.has(id) },
        el("summary", {}, el("h3", { id: `${id}-title` }, n === null ? title : t("wsFoldTitle", { title, n }))),
        ...content);
      details.addEventListener("toggle", () => {
        if (details.open) state.open.add(id); else state.open.delete(id);
      });
      return details;
    }

    // -- actors

    const actorName = (id) => (state.actors.find((a) => a.id === id) || { name: id }).name;

    function typeSelect(id, value) {
      return el("select", { id }, TYPES.map((type) => el("option", { value: type, selected: type === value }, typeLabel(type))));
    }

    function actorRows() {
      const words = state.actorFilter.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      const matching = state.actors.filter((a) => words.every((w) => `${a.name} ${a.id}`.toLocaleLowerCase().includes(w)));
      const rows = matching.slice(0, ROWS_SHOWN).map((a, i) => {
        const nameId = `ws-actor-name-${i}`;
        const typeId = `ws-actor-type-${i}`;
        const name = el("input", { id: nameId, type: "text", value: a.name, "aria-label": t("wsNameOf", { id: a.id }) });
        const type = typeSelect(typeId, a.type);
        type.setAttribute("aria-label", t("wsTypeOf", { name: a.name }));
        const save = () => write({
          what: t("wsActorChange", { name: name.value }),
          run: (etag) => call("PATCH", `${base}/actors/${encodeURIComponent(a.id)}`,
            { json: { name: name.value.trim(), type: type.value }, ifMatch: etag }),
        });
        const remove = () => write({
          what: t("wsActorRemove", { name: a.name }),
          run: (etag) => call("DELETE", `${base}/actors/${encodeURIComponent(a.id)}`, { ifMatch: etag }),
        });
        return el("tr", { dataset: { actor: a.id } },
          el("td", {}, name), el("td", {}, type),
          el("td", { class: "ws-row-buttons" },
            el("button", { type: "button", class: "small", onclick: save, "aria-label": `${t("wsSave")}: ${a.name}` }, t("wsSave")),
            el("button", { type: "button", class: "small quiet", onclick: remove, "aria-label": `${t("wsRemove")}: ${a.name}` },
              t("wsRemove"))));
      });
      return { rows, total: matching.length };
    }

    function freshId(name) {
      const stem = name.toLocaleLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "").slice(0, 30) || "akteur";
      const taken = new Set(state.actors.map((a) => a.id));
      let id = stem;
      for (let n = 2; taken.has(id); n += 1) id = `${stem}-${n}`;
      return id;
    }

    function actorSection() {
      const filter = el("input", { id: "ws-actor-filter", type: "search", autocomplete: "off", value: state.actorFilter });
      const table = el("table", { class: "ws-table", id: "ws-actors" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col", ...tr("colActor") }, t("colActor")),
          el("th", { scope: "col", ...tr("colType") }, t("colType")),
          el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, t("wsActions"))))),
        el("tbody"));
      const count = el("p", { class: "help", role: "status" });
      const fill = () => {
        const { rows, total } = actorRows();
        table.tBodies[0].replaceChildren(...rows);
        count.textContent = total > ROWS_SHOWN ? t("wsShownOf", { shown: ROWS_SHOWN, total }) : t("wsCount", { n: total });
      };
      filter.addEventListener("input", () => { state.actorFilter = filter.value; fill(); });
      fill();
      const newName = el("input", { id: "ws-new-actor-name", type: "text", autocomplete: "off" });
      const newType = typeSelect("ws-new-actor-type", "initiative");
      const add = el("form", { class: "ws-add", novalidate: true },
        el("span", { class: "ws-field" }, el("label", { for: "ws-new-actor-name" }, t("wsNewActorName")), newName),
        el("span", { class: "ws-field" }, el("label", { for: "ws-new-actor-type" }, t("colType")), newType),
        el("button", { type: "submit", class: "primary" }, t("wsAddActor")));
      add.addEventListener("submit", (event) => {
        event.preventDefault();
        const name = newName.value.trim();
        if (!name) { alert.textContent = t("wsNameMissing"); newName.focus(); return; }
        const id = freshId(name);
        write({
          what: t("wsActorAdd", { name }),
          run: (etag) => call("POST", `${base}/actors`, { json: { id, name, type: newType.value }, ifMatch: etag }),
        });
      });
      return folded("ws-actors-part", t("wsActorsTitle"), state.actors.length,
        el("label", { for: "ws-actor-filter" }, t("wsFilterActors")), filter, count,
        el("div", { class: "table-wrap" }, table),
        el("h4", {}, t("wsAddActorTitle")), add);
    }

    // -- ties

    /** The datalist's entry for an actor: its name, with its id where names repeat. */
    function partnerLabels() {
      const seen = new Map();
      state.actors.forEach((a) => seen.set(a.name, (seen.get(a.name) || 0) + 1));
      return state.actors.map((a) => ({ id: a.id, label: seen.get(a.name) > 1 ? `${a.name} (${a.id})` : a.name }));
    }

    function partnerId(text) {
      const wanted = text.trim();
      const found = partnerLabels().find((p) => p.label === wanted) || state.actors.find((a) => a.id === wanted);
      return found ? found.id : null;
    }

    /** A strength as typed ("2,5" or "2.5"): a positive number, undefined when empty, or null
     * (and a message) when it is not one. */
    function strength(input) {
      const text = input.value.trim();
      if (!text) return undefined;
      const value = Number(text.replace(",", "."));
      if (Number.isFinite(value) && value > 0) return value;
      alert.textContent = t("wsWeightInvalid", { value: text });
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return null;
    }

    /** Find a tie again after a reload (positions move when others remove ties). */
    function positionOf(tie) {
      const found = state.ties.find((x) => x.source === tie.source && x.target === tie.target &&
        (x.kind ?? null) === (tie.kind ?? null) && (x.wave ?? null) === (tie.wave ?? null));
      if (!found) throw new Netz.ApiError(404, t("wsTieGone"));
      return found.position;
    }

    function tieRows() {
      const words = state.tieFilter.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      const text = (x) => `${actorName(x.source)} ${actorName(x.target)} ${x.kind || ""} ${x.wave || ""}`.toLocaleLowerCase();
      const matching = state.ties.filter((x) => words.every((w) => text(x).includes(w)));
      const rows = matching.slice(0, ROWS_SHOWN).map((x, i) => {
        const label = `${actorName(x.source)} – ${actorName(x.target)}`;
        const given = x.weight === null || x.weight === undefined ? "" : String(x.weight);
        const weight = el("input", { type: "text", inputmode: "decimal", size: 4, id: `ws-tie-weight-${i}`,
          value: Netz.lang.startsWith("de") ? given.replace(".", ",") : given, "aria-label": t("wsWeightOf", { tie: label }) });
        const kind = el("input", { type: "text", value: x.kind ?? "", id: `ws-tie-kind-${i}`,
          "aria-label": t("wsKindOf", { tie: label }) });
        const identity = { source: x.source, target: x.target, kind: x.kind, wave: x.wave };
        const save = () => {
          const body = {};
          const w = strength(weight);
          if (w === null) return;
          if (w !== undefined && w !== x.weight) body.weight = w;
          if (kind.value.trim() !== (x.kind ?? "")) body.kind = kind.value.trim();
          write({
            what: t("wsTieChange", { tie: label }),
            run: (etag) => call("PATCH", `${base}/ties/${positionOf(identity)}`, { json: body, ifMatch: etag }),
          });
        };
        const remove = () => write({
          what: t("wsTieRemove", { tie: label }),
          run: (etag) => call("DELETE", `${base}/ties/${positionOf(identity)}`, { ifMatch: etag }),
        });
        return el("tr", { dataset: { tie: `${x.source}|${x.target}` } },
          el("td", {}, label, x.wave ? el("span", { class: "help" }, t("wsWave", { wave: x.wave })) : null),
          el("td", {}, weight), el("td", {}, kind),
          el("td", { class: "ws-row-buttons" },
            el("button", { type: "button", class: "small", onclick: save, "aria-label": `${t("wsSave")}: ${label}` }, t("wsSave")),
            el("button", { type: "button", class: "small quiet", onclick: remove, "aria-label": `${t("wsRemove")}: ${label}` },
              t("wsRemove"))));
      });
      return { rows, total: matching.length };
    }

    function tieSection() {
      const filter = el("input", { id: "ws-tie-filter", type: "search", autocomplete: "off", value: state.tieFilter });
      const table = el("table", { class: "ws-table", id: "ws-ties" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("wsPartners")),
          el("th", { scope: "col" }, t("wsWeight")), el("th", { scope: "col" }, t("wsKind")),
          el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, t("wsActions"))))),
        el("tbody"));
      const count = el("p", { class: "help", role: "status" });
      const fill = () => {
        const { rows, total } = tieRows();
        table.tBodies[0].replaceChildren(...rows);
        count.textContent = total > ROWS_SHOWN ? t("wsShownOf", { shown: ROWS_SHOWN, total }) : t("wsCount", { n: total });
      };
      filter.addEventListener("input", () => { state.tieFilter = filter.value; fill(); });
      fill();
      const list = el("datalist", { id: "ws-partners" }, partnerLabels().map((p) => el("option", { value: p.label })));
      const from = el("input", { id: "ws-tie-from", type: "text", list: "ws-partners", autocomplete: "off" });
      const to = el("input", { id: "ws-tie-to", type: "text", list: "ws-partners", autocomplete: "off" });
      const weight = el("input", { id: "ws-tie-weight", type: "text", inputmode: "decimal", size: 4 });
      const kind = el("input", { id: "ws-tie-kind", type: "text" });
      const add = el("form", { class: "ws-add", novalidate: true }, list,
        el("span", { class: "ws-field" }, el("label", { for: "ws-tie-from" }, t("wsFrom")), from),
        el("span", { class: "ws-field" }, el("label", { for: "ws-tie-to" }, t("wsTo")), to),
        el("span", { class: "ws-field" }, el("label", { for: "ws-tie-weight" }, t("wsWeight")), weight),
        el("span", { class: "ws-field" }, el("label", { for: "ws-tie-kind" }, t("wsKind")), kind),
        el("button", { type: "submit", class: "primary" }, t("wsAddTie")));
      add.addEventListener("submit", (event) => {
        event.preventDefault();
        const source = partnerId(from.value);
        const target = partnerId(to.value);
        if (!source || !target) {
          alert.textContent = t("wsPartnerUnknown", { name: !source ? from.value : to.value });
          (!source ? from : to).focus();
          return;
        }
        const body = { source, target };
        const w = strength(weight);
        if (w === null) return;
        if (w !== undefined) body.weight = w;
        if (kind.value.trim()) body.kind = kind.value.trim();
        write({
          what: t("wsTieAdd", { tie: `${actorName(source)} – ${actorName(target)}` }),
          run: (etag) => call("POST", `${base}/ties`, { json: body, ifMatch: etag }),
        });
      });
      return folded("ws-ties-part", t("wsTiesTitle"), state.ties.length,
        el("label", { for: "ws-tie-filter" }, t("wsFilterTies")), filter, count,
        el("div", { class: "table-wrap" }, table),
        el("h4", {}, t("wsAddTieTitle")), el("p", { class: "help" }, t("wsPartnerHelp")), add);
    }

    // -- the alliance's details

    /** The details a coordinator keeps up to date: [field, label key, help key or null]. */
    const DETAILS = [["name", "wsDetailName", null], ["region", "wsDetailRegion", null],
      ["land", "wsDetailLand", null], ["programme", "wsDetailProgramme", null],
      ["funding", "wsDetailFunding", "wsDetailFundingHelp"], ["founded", "wsDetailFounded", "wsDetailFoundedHelp"]];

    /** A detail as stored: the column's value, or the text kept as written ("2015/16"). */
    function detail(field) {
      const a = state.alliance;
      const value = a[field] ?? a.meta?.[field] ?? "";
      if (field === "funding" && typeof value === "number") return euros(value);
      return String(value);
    }

    /** An amount in euros in the page's language: whole euros as they are ("15.000"), cents with
     * both places ("15.000,50"). */
    const euros = (value) => Netz.number(value, Number.isInteger(value) ? 0 : 2);

    /** An amount as typed in the page's language, or in `lang` ("15.000,50" or "15,000.50"): a
     * number, or the text as it is (the service then says what is wrong with it, next to the field). */
    function amount(text, lang = Netz.lang) {
      const plain = text.replace(/[\s€]/g, "");
      const [group, decimal] = lang.startsWith("de") ? [".", ","] : [",", "."];
      const grouped = new RegExp(`^\\d{1,3}(\\${group}\\d{3})+(\\${decimal}\\d+)?$`);
      const ungrouped = new RegExp(`^\\d+(\\${decimal}\\d+)?$`);
      if (!grouped.test(plain) && !ungrouped.test(plain)) return text;
      return Number(plain.split(group).join("").replace(decimal, "."));
    }

    /** A funding typed on the page before a language switch, written as the new language writes it
     * ("15.000,50" is "15,000.50" in English): kept as typed, it would be read as another amount. */
    function rewriteFunding(previous) {
      const funding = $("ws-detail-funding");
      if (!funding || funding.value === funding.defaultValue) return;
      const value = amount(funding.value, previous);
      if (typeof value === "number") funding.value = euros(value);
    }

    function detailsSection() {
      const a = state.alliance;
      const input = (field) => {
        const id = `ws-detail-${field}`;
        const help = DETAILS.find((d) => d[0] === field)[2];
        const described = help ? `${id}-error ${id}-help` : `${id}-error`;
        if (field !== "land") {
          return el("input", { id, name: field, type: "text", value: detail(field), autocomplete: "off",
            "aria-describedby": described, inputmode: field === "funding" || field === "founded" ? "decimal" : null });
        }
        const land = detail("land");
        const lands = window.NETZ_LAENDER || [];
        return el("select", { id, name: field, "aria-describedby": described },
          el("option", { value: "" }, t("wsDetailNoLand")),
          // a Land stored before (from a file) that is none of the sixteen is shown, not lost
          land && !lands.includes(land) ? el("option", { value: land, selected: true }, land) : null,
          lands.map((name) => el("option", { value: name, selected: name === land }, name)));
      };
      const form = el("form", { class: "ws-details", id: "ws-details", novalidate: true },
        DETAILS.map(([field, label, help]) => el("p", { class: "ws-detail" },
          el("label", { for: `ws-detail-${field}` }, t(label)), input(field),
          help ? el("span", { class: "help", id: `ws-detail-${field}-help` }, t(help)) : null,
          el("span", { class: "field-error", id: `ws-detail-${field}-error` }))),
        el("p", {}, el("button", { type: "submit", class: "primary" }, t("wsDetailSave"))));
      const fieldOf = (field) => form.querySelector(`[name="${field}"]`);
      /** The service's reasons, each next to its field; the focus goes to the first. */
      const refused = (error) => {
        const mine = (error.problems || []).filter((p) => p.column && fieldOf(p.column));
        if (error.status !== 422 || !mine.length) return false;
        mine.forEach((p) => {
          fieldOf(p.column).setAttribute("aria-invalid", "true");
          $(`ws-detail-${p.column}-error`).textContent = p.message;
        });
        fieldOf(mine[0].column).focus();
        return true;
      };
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        DETAILS.forEach(([field]) => {
          fieldOf(field).removeAttribute("aria-invalid");
          $(`ws-detail-${field}-error`).textContent = "";
        });
        const value = (field) => fieldOf(field).value.trim();
        const meta = {};
        for (const [field] of DETAILS.slice(1)) {
          const text = value(field);
          meta[field] = !text ? null : field === "funding" ? amount(text)
            : field === "founded" && /^\d+$/.test(text) ? Number(text) : text;
        }
        write({
          what: t("wsDetailsWhat"),
          run: (etag) => call("PATCH", base, { json: { name: value("name"), meta }, ifMatch: etag }),
          refused,
        });
      });
      // Open at first when the place or the Land is missing: what a new alliance lacks.
      if (!state.detailsSeen && !(a.region && a.land)) state.open.add("ws-details-part");
      state.detailsSeen = true;
      return folded("ws-details-part", t("wsDetailsTitle"), null,
        el("p", { class: "intro" }, t("wsDetailsIntro")), form);
    }

    // -- undo

    function undoBar() {
      const u = state.undo;
      const button = el("button", { type: "button", id: "ws-undo", disabled: !(u && u.available) }, t("wsUndo"));
      button.addEventListener("click", undoLast);
      const action = u && u.available ? (u.action.startsWith("undo-") ? "undo" : u.action.replace(/-/g, "_")) : null;
      const text = action ? t("wsUndoLast", { action: t(`wsAction_${action}`) }) : t("wsUndoNone");
      return el("p", { class: "ws-undo" }, button, " ", el("span", { class: "help" }, text));
    }

    // -- upload a new revision

    function uploadSection() {
      const radio = (value, key) => el("span", { class: "check" },
        el("input", { type: "radio", name: "ws-mode", id: `ws-mode-${value}`, value, checked: value === "replace" }),
        el("label", { for: `ws-mode-${value}` }, t(key)));
      const wave = el("input", { id: "ws-wave", type: "text", autocomplete: "off", size: 10 });
      const form = el("form", { class: "ws-upload", novalidate: true },
        ...fileField("ws-file"),
        el("fieldset", {}, el("legend", {}, t("wsModeLegend")), radio("replace", "wsModeReplace"), radio("wave", "wsModeWave"),
          el("span", { class: "ws-field" }, el("label", { for: "ws-wave" }, t("wsWaveLabel")), wave)),
        el("p", {}, el("button", { type: "submit", class: "primary" }, t("wsPreview"))));
      const result = el("div", { class: "ws-preview", id: "ws-preview" });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        alert.replaceChildren();
        result.replaceChildren();
        const file = form.querySelector("input[type=file]").files[0];
        if (!file) { alert.textContent = t("wsNoFile"); return; }
        const chosen = form.querySelector("input[name=ws-mode]:checked").value;
        const query = new URLSearchParams({ mode: chosen });
        if (chosen === "wave" && wave.value.trim()) query.set("wave", wave.value.trim());
        note.busy(t("wsReading"));
        let preview;
        try {
          preview = await call("POST", `${base}/revisions/preview?${query}`, { file });
        } catch (e) {
          note.clear();
          showError(alert, e);
          return;
        }
        note.clear();
        const names = new Map(state.actors.map((a) => [a.id, a.name]));
        preview.data.changes.actors_added.forEach((a) => names.set(a.id, a.name));
        preview.data.changes.actors_renamed.forEach((a) => names.set(a.id, a.after));
        for (const x of [...preview.data.changes.ties_added, ...preview.data.changes.ties_removed]) {
          x.source_name = names.get(x.source);
          x.target_name = names.get(x.target);
        }
        const apply = () => write({
          what: t("wsUploadWhat", { file: file.name }),
          run: () => call("POST", `${base}/revisions?${query}`, { file, ifMatch: preview.etag })
            .then((answer) => { result.replaceChildren(); form.reset(); return answer; }),
        });
        Netz.fill(result,
          el("h4", {}, t("wsPreviewTitle", { file: file.name })),
          el("p", {}, t("wsPreviewFacts", { actors: preview.data.n_actors, ties: preview.data.n_ties })),
          changeList(preview.data.changes), warningList(preview.data.warnings),
          el("p", { class: "help" }, t("wsNotYetStored")),
          el("p", { class: "ws-buttons" },
            el("button", { type: "button", class: "primary", id: "ws-apply", onclick: apply }, t("wsApply")),
            el("button", { type: "button", onclick: () => result.replaceChildren() }, t("wsDiscard"))));
      });
      return el("section", { class: "ws-part", "aria-labelledby": "ws-upload-title" },
        el("h3", { id: "ws-upload-title" }, t("wsUploadTitle")),
        el("p", { class: "intro" }, t("wsUploadIntro")), form, result);
    }

    // -- downloads

    function downloadSection() {
      const metrics = el("input", { type: "checkbox", id: "ws-metrics", checked: state.metrics });
      metrics.addEventListener("change", () => { state.metrics = metrics.checked; });
      // the file in the page's language, and a refusal too (the service words it)
      const get = async (format, ext, type) => {
        alert.replaceChildren();
        const query = new URLSearchParams({ format, metrics: metrics.checked, lang: Netz.lang });
        let response;
        try {
          response = await fetch(`${base}/export?${query}`, { headers: Netz.apiHeaders(getKey(), type) });
        } catch (e) {
          showError(alert, new Netz.ApiError(0, t("unreachable")));
          return;
        }
        if (!response.ok) { showError(alert, await Netz.refusal(response)); return; }
        const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `buendnis-${allianceId}.${ext}` });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      };
      const button = (format, ext, key, type) =>
        el("button", { type: "button", onclick: () => get(format, ext, type), dataset: { format } }, t(key));
      return el("section", { class: "ws-part", "aria-labelledby": "ws-download-title" },
        el("h3", { id: "ws-download-title" }, t("wsDownloadTitle")),
        el("p", { class: "check" }, metrics, el("label", { for: "ws-metrics" }, t("wsWithMetrics"))),
        el("p", { class: "ws-buttons" },
          button("xlsx", "xlsx", "wsXlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
          button("csv", "zip", "wsCsv", "application/zip"),
          button("graphml", "graphml", "wsGraphml", "application/graphml+xml"),
          button("gexf", "gexf", "wsGexf", "application/gexf+xml")));
    }

    // -- the whole section

    function renderData() {
      if (stopped) return; // signed out or another key meanwhile: an answer for the one before
      const editing = EDITORS.includes(role);
      const body = root.querySelector(".ws-body");
      // the focus stays on its control (a filter typed in, the button just pressed), drawn anew:
      // it does not fall to the page's top
      const focused = body.contains(document.activeElement) ? document.activeElement : null;
      const place = placeOf(focused);
      const parts = editing ? [undoBar(), detailsSection(), actorSection(), tieSection(), uploadSection()] : [];
      if (READERS.includes(role)) parts.push(downloadSection());
      body.replaceChildren(...parts);
      const again = focused && atPlace(place);
      if (again) {
        again.focus({ preventScroll: true });
        if (again.type === "search") again.setSelectionRange(again.value.length, again.value.length);
      }
    }

    let stopped = false;
    const title = EDITORS.includes(role) ? "wsTitle" : "wsTitleRead";
    const body = el("div", { class: "ws-body" });
    root.replaceChildren(el("h2", { id: "ws-title", tabindex: "-1", ...tr(title) }, t(title)),
      el("p", { class: "intro" }, t(EDITORS.includes(role) ? "wsIntro" : "wsIntroRead")),
      note.box, alert, body);
    root.hidden = false;
    if (EDITORS.includes(role)) {
      reload().catch((e) => { if (!stopped) showError(alert, e); });
    } else {
      renderData();
    }
    const unsubscribe = Netz.onLang((_, previous) => {
      root.querySelector(".intro").textContent = t(EDITORS.includes(role) ? "wsIntro" : "wsIntroRead");
      rewriteFunding(previous);
      Netz.keepTyped(body, renderData); // what the coordinator typed or chose stays
      if (state.pending) renderConflict();
    });
    /** Signed out or another key: the section goes, and nothing of it is drawn again. */
    return () => {
      stopped = true;
      unsubscribe();
      note.stop();
      root.hidden = true;
      root.replaceChildren();
    };
  }

  // The sections follow the key signed in on the page (sign-in, sign-out, another role's key).
  document.addEventListener("DOMContentLoaded", () => {
    const onStart = $("workspace-new");
    const onAlliance = $("workspace");
    const allianceId = Number(location.pathname.split("/").filter(Boolean)[1]);
    let stop = null; // ends the alliance's workspace of the key before
    Netz.onKey((key) => {
      if (onStart) {
        if (Netz.may(key, EDITORS)) newAlliance(onStart);
        else { onStart.hidden = true; onStart.replaceChildren(); }
      }
      if (onAlliance) {
        if (stop) stop();
        stop = Number.isInteger(allianceId) && Netz.may(key, READERS, allianceId)
          ? workspace(onAlliance, allianceId, key.role) : null;
      }
    });
  });
})();
