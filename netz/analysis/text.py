"""Reports as plain text for people, in German (default) or English.

The text avoids jargon: it says "Kooperationen" and "getrennte Teile", and
explains a figure where a coordinator would otherwise have to look it up.
"""

from __future__ import annotations

from typing import Any

from netz.messages import LANGUAGES, catalogue, message, number, percent

__all__ = ["LANGUAGES", "kind_label", "network_figure", "render_diff", "render_gaps", "render_health",
           "render_report", "render_whatif", "say"]

#: Whole-network figures that are shares, shown as percentages.
_SHARES = ("density", "largest_component_share", "fragmentation", "transitivity", "reciprocity")


def say(key: str, lang: str = "de") -> str:
    """A phrase of the text reports (``text.<key>`` of the message catalogue) in ``lang``."""
    return message(f"text.{key}", lang)


def render_report(report: dict[str, Any], *, lang: str = "de") -> str:
    """A short readable summary of a report made by :func:`netz.analysis.report.report`."""
    alliance, network = report["alliance"], report["network"]
    lines = [f"{say('title', lang)}: {alliance.get('name') or say('unnamed', lang)}"]
    place = ", ".join(str(alliance[k]) for k in ("region", "land") if alliance.get(k))
    if place:
        lines.append(place)
    lines.append(say("directed" if alliance["directed"] else "undirected", lang))
    if alliance.get("wave"):
        lines.append(f"{say('wave', lang)}: {alliance['wave']} ({', '.join(alliance['waves'])})")
    lines.append("")
    lines.append(f"{say('actors', lang)}: {network['n_actors']}")
    lines.append(f"{say('ties', lang)}: {network['n_ties']}")
    density = network.get("density")
    shown = say("undefined", lang) if density is None else percent(density, lang, 1)
    lines.append(f"{say('density', lang)}: {shown} — {say('density_note', lang)}")
    parts = network.get("components", 0)
    note = say("components_none" if not network["n_actors"] else
               "components_one" if parts <= 1 else "components_many", lang)
    lines.append(f"{say('components', lang)}: {parts} — {note}")
    lines.append("")
    lines.append(f"{say('by_type', lang)}:")
    for actor_type, count in network["actors_by_type"].items():
        if count:
            label = message(f"type.{actor_type}", lang)
            lines.append(f"  {label}: {count}")
    if "actors_by_group" in network:
        lines.append(f"{say('by_group', lang)} ({alliance['group_by']}):")
        lines.extend(f"  {group}: {count}" for group, count in network["actors_by_group"].items())
    key_actors = sorted((a for a in report["actors"] if (a.get("betweenness") or 0) > 0),
                        key=lambda a: -a["betweenness"])[:5]
    if key_actors:
        lines += ["", f"{say('key_actors', lang)}:"]
        lines += [f"  {a['name']} — {a['degree']} {say('partners', lang)}" for a in key_actors]
    if report.get("health"):
        lines += ["", render_health(report["health"], lang=lang).rstrip()]
    if report.get("top_steps"):
        lines += ["", f"{say('top_steps', lang)}:"]
        lines += [f"  {step['rank']}. {step['text'][lang]}" for step in report["top_steps"]]
    if "gaps" in report:
        lines += ["", render_gaps(report["gaps"], lang=lang, per_kind=3).rstrip()]
    return "\n".join(lines) + "\n"


def render_health(indicators: list[dict[str, Any]], *, lang: str = "de") -> str:
    """The scorecard: one line per indicator with its band, then its explanation."""
    marks = {"good": "●", "watch": "◐", "concern": "○"}
    lines = [f"{say('health', lang)}:"]
    for item in indicators:
        band = say(f"band_{item['band']}", lang)
        lines.append(f"  {marks[item['band']]} {say('indicator_' + item['indicator'], lang)}: {band}")
        lines.append(f"      {item['explanation'][lang]}")
    return "\n".join(lines) + "\n"


def render_gaps(gaps: list[dict[str, Any]], *, lang: str = "de", per_kind: int | None = None) -> str:
    """Gaps by severity, each with its plain label, explanation and suggestion.

    ``per_kind`` limits how many gaps of one kind are shown; the rest are counted.
    """
    lines = [f"{say('gaps', lang)} ({len(gaps)}):"]
    if not gaps:
        return lines[0] + "\n  " + say("no_gaps", lang) + "\n"
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for gap in gaps:
        count = shown.get(gap["kind"], 0)
        if per_kind is not None and count >= per_kind:
            hidden[gap["kind"]] = hidden.get(gap["kind"], 0) + 1
            continue
        shown[gap["kind"]] = count + 1
        lines.append(f"  [{say('severity_' + gap['severity'], lang)}] {kind_label(gap['kind'], lang)}")
        lines.append(f"      {gap['explanation'][lang]}")
        lines.append(f"      → {gap['suggestion'][lang]}")
    for kind, count in hidden.items():
        lines.append(f"  … {count} {say('more_gaps', lang)} ({_quoted(kind_label(kind, lang), lang)})")
    return "\n".join(lines) + "\n"


def kind_label(kind: str, lang: str = "de") -> str:
    """A gap kind in plain words (the code itself if netz has no label for it)."""
    return say("kind_" + kind, lang) if f"text.kind_{kind}" in catalogue(lang) else kind


def render_whatif(result: dict[str, Any], *, lang: str = "de") -> str:
    """Before and after the removal of actors, in plain words."""
    names = result.get("names", {})
    lines: list[str] = []
    if result.get("removed"):
        removed = result["removed"]
        who = _listed([names.get(a, a) for a in removed], lang)
        lines += [say("whatif_question", lang).format(who=who, n="n" if len(removed) > 1 else ""), ""]
        for key, before in result["before"].items():
            after = result["after"][key]
            line = (f"  {say(key, lang)}: {network_figure(key, before, lang)} → "
                    f"{network_figure(key, after, lang)}")
            if key == "fragmentation":
                line += f" ({say('fragmentation_note', lang)})"
            lines.append(line)
    if result.get("warnings"):
        lines += ["", f"{say('whatif_warnings', lang)}:"]
        lines += [f"  [{say('severity_' + warning['severity'], lang)}] {warning['explanation'][lang]}"
                  for warning in result["warnings"]]
    if result.get("loses_all_ties"):
        stranded = ", ".join(names.get(a, a) for a in result["loses_all_ties"])
        lines.append(f"{say('stranded', lang)}: {stranded}")
    for key, label in (("new_gaps", "new_gaps"), ("changed_gaps", "changed_gaps"),
                       ("resolved_gaps", "resolved_by_removal")):
        if result.get(key):
            lines += ["", f"{say(label, lang)}:"]
            lines += [_gap_line(g, lang) for g in result[key]]
    if result.get("key_players"):
        lines += ["", f"{say('key_players', lang)}:"]
        for player in result["key_players"]:
            share = percent(player["fragmentation_after"], lang, 1)
            above = say("key_player_above", lang) if player["rank"] > 1 else ""
            lines.append(f"  {player['rank']}. {player.get('name') or player['id']} — "
                         + say("key_player_line", lang).format(share=share, above=above))
    return "\n".join(lines) + "\n"


def render_diff(diff: dict[str, Any], *, lang: str = "de", max_ties: int = 10) -> str:
    """What changed between two waves; at most ``max_ties`` ties are named per list."""
    names = diff.get("names", {})
    lines = [f"{say('diff_title', lang)} {diff['from']} → {diff['to']}", ""]
    for key, label in (("actors_joined", "joined"), ("actors_left", "left")):
        if diff[key]:
            lines.append(f"{say(label, lang)}: {', '.join(names.get(a, a) for a in diff[key])}")
    arrow = " → " if diff.get("directed") else " – "
    for key in ("ties_gained", "ties_lost"):
        ties = diff[key]
        shown = ", ".join(arrow.join(names.get(a, a) for a in pair) for pair in ties[:max_ties])
        more = f" (+{len(ties) - max_ties})" if len(ties) > max_ties else ""
        lines.append(f"{say(key, lang)} ({len(ties)}){': ' + shown + more if ties else ''}")
    lines.append("")
    for key, change in diff["network"].items():
        if change["from"] is not None or change["to"] is not None:
            lines.append(f"  {say(key, lang)}: {network_figure(key, change['from'], lang)} → "
                         f"{network_figure(key, change['to'], lang)}")
    for key, label in (("gaps_new", "new_gaps"), ("gaps_resolved", "resolved_gaps")):
        if diff[key]:
            lines += ["", f"{say(label, lang)}:"]
            lines += [_gap_line(g, lang) for g in diff[key]]
    return "\n".join(lines) + "\n"


def _gap_line(gap: dict[str, Any], lang: str) -> str:
    """A gap in one line; a changed gap also says its severity before (``before``)."""
    label = kind_label(gap["kind"], lang)
    was = ""
    if "before" in gap and gap["before"]["severity"] != gap["severity"]:
        was = f" ({say('was', lang)}: {say('severity_' + gap['before']['severity'], lang)})"
    return f"  [{say('severity_' + gap['severity'], lang)}]{was} {label}: {gap['explanation'][lang]}"


def _listed(items: list[str], lang: str) -> str:
    """'A', 'A und B', 'A, B und C' (English: 'and')."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" und " if lang == "de" else " and ") + items[-1]


def _quoted(text: str, lang: str) -> str:
    return f"„{text}“" if lang == "de" else f"'{text}'"


def network_figure(key: str, value: Any, lang: str) -> str:
    """A whole-network figure: shares as percentages, other numbers as they are."""
    if key in _SHARES and isinstance(value, int | float) and not isinstance(value, bool):
        return percent(float(value), lang, 1)
    return _fmt(value, lang)


def _fmt(value: Any, lang: str) -> str:
    """A figure of a before-and-after line: counts whole, other numbers with two decimals, both
    sides alike ("2,72 → 2,80")."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return number(value, lang, 2)
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value, lang, 0)
    return str(value)
