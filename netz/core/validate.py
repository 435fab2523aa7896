"""Validation and normalisation of actor and tie tables.

Every reader ends here: whatever the format, actors and ties arrive as two
DataFrames with canonical column names (``id``, ``name``, ``type``, … and
``source``, ``target``, ``weight``, ``kind``, ``wave``, …) whose index is the row
number the user sees in their file. This module checks them all at once,
collects *every* problem (so a coordinator fixes the file in one go rather than
one error per run) and returns clean, typed frames — or raises one
:class:`~netz.core.errors.InputError`. Nothing here mutates its input.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netz.core.errors import InputError, Problem
from netz.core.limits import (
    DEFAULT_LIMITS,
    MAX_ID_CHARS,
    MAX_KIND_CHARS,
    MAX_NAME_CHARS,
    MAX_WAVE_CHARS,
    Limits,
)
from netz.core.vocabulary import ACTOR_TYPES, UnknownTypeError, canonical_type, closest, fold, suggest_type

__all__ = [
    "ACTOR_COLUMNS",
    "TIE_COLUMNS",
    "Validated",
    "infer_column",
    "parse_numbers",
    "validate_tables",
]

#: Canonical actor columns, in output order. Only ``id`` and ``type`` are required.
ACTOR_COLUMNS: tuple[str, ...] = ("id", "name", "type")
#: Canonical tie columns, in output order. Only ``source`` and ``target`` are required.
TIE_COLUMNS: tuple[str, ...] = ("source", "target", "weight", "kind", "wave")

# Control characters (a vertical tab from a spreadsheet's line break, say) are invisible in a
# spreadsheet and cannot be written to XML or .xlsx at all; they become spaces. Tab and newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that show nothing: zero-width space, non-joiner, joiner, word joiner, byte-order
# mark, soft hyphen. In an id they make "hk" and "h\u200bk" two actors nobody can tell apart.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Letters of other scripts that look like Latin ones (Cyrillic, Greek), for warning about ids
# such as "hk" and "һk" (Cyrillic shha) that look the same but are not.
_LOOK_ALIKE = str.maketrans(
    "аеорсухіјѕһкмнтвАЕОРСУХІЈЅНКМТВαοκνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijshkmhtbAEOPCYXIJSHKMTBaokvptuxABEZHIKMNOPTYX",
)
_DECIMAL_COMMA = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+")
_INTEGER = re.compile(r"[+-]?(0|[1-9]\d*)")
# Numbers as attribute values: no leading zeros, so codes such as "007" stay text.
_NUMBER = re.compile(
    r"[+-]?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|[+-]?(0|[1-9]\d{0,2}(\.\d{3})+|[1-9]\d*),\d+"
)


@dataclass(frozen=True)
class Validated:
    """Clean tables plus what was noticed on the way."""

    actors: pd.DataFrame
    ties: pd.DataFrame
    weighted: bool
    warnings: tuple[Problem, ...] = field(default=())


def validate_tables(
    actors: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    directed: bool,
    lenient: bool = False,
    actors_file: str = "actors",
    ties_file: str = "ties",
    limits: Limits = DEFAULT_LIMITS,
    untyped_is_other: bool = True,
    refuse_metric_columns: bool = False,
) -> Validated:
    """Check and normalise actor and tie tables; raise :class:`InputError` listing all problems.

    Ids are compared as a reader sees them: in Unicode's composed form (NFC) and without
    invisible characters, so ids that differ only there are duplicates; ids that only look
    alike (a Cyrillic "һ" for a Latin "h") get a warning. ``limits`` bounds the numbers of
    actors, ties and columns (checked first) and the length of every cell; ids, names, kinds
    and waves have fixed maximum lengths (:mod:`netz.core.limits`).

    Duplicate ties — a row with the same source, target, ``kind`` and ``wave`` as
    an earlier one — are an error, because a spreadsheet that lists one
    cooperation twice usually has a typo in it. With ``lenient=True`` the later
    rows are dropped with a warning instead, and unknown actor types become
    ``other`` with a warning. An empty type is no error: the actor counts as ``other``,
    with a warning, and the health scorecard says how many have no type — unless
    ``untyped_is_other`` is false (graph files, whose nodes must carry a type: a node without
    one is often an edge's end that was never declared). Read as
    undirected, A→B and B→A (same kind and wave) are no duplicates but two observations
    of one tie: they become one row whose weight is their sum, the rule of :mod:`netz.core.graph`.

    An actor column named like a metric netz computes (``degree``, ``brokerage.total``, …:
    :func:`netz.core.metrics.is_metric_name`) is left out with a warning: it holds the values of an
    earlier export with metrics, which netz computes anew, so that an exported file can be read
    again, and an attribute never stands where a metric stands (in a report, the actor list, an
    export). With ``refuse_metric_columns`` it is an error instead (the service's JSON
    requests, which name attributes one by one).
    """
    _check_size(actors, actors_file, limits, "max_actors", "actors")
    _check_size(ties, ties_file, limits, "max_ties", "ties")
    problems: list[Problem] = []
    warnings: list[Problem] = []
    clean_actors = _validate_actors(actors, actors_file, lenient, untyped_is_other, limits, problems,
                                    warnings, refuse_metric_columns)
    clean_ties, weighted = _validate_ties(
        ties, set(clean_actors["id"]), ties_file, actors_file, directed, lenient, limits, problems,
        warnings,
    )
    if problems:
        # In the order of the files, then of the rows, as the coordinator goes through them.
        files = list(dict.fromkeys(p.file for p in problems))
        raise InputError(sorted(problems, key=lambda p: (files.index(p.file),
                                                         p.row if isinstance(p.row, int) else 0)))
    return Validated(clean_actors, clean_ties, weighted, tuple(warnings))


def _check_size(frame: pd.DataFrame, file: str, limits: Limits, name: str, what: str) -> None:
    """Refuse too many rows or columns before any work is done on them."""
    if len(frame) > getattr(limits, name):
        raise limits.exceeded(name, len(frame), what, file=file)
    if frame.shape[1] > limits.max_columns:
        raise limits.exceeded("max_columns", frame.shape[1], "columns", file=file)


def _check_length(
    values: pd.Series, longest: int, what: str, file: str, column: str, problems: list[Problem]
) -> None:
    """One problem for each text cell longer than ``longest`` characters; ``what`` names the
    cell in the message key (``input.too_long.id``, ``….name``, ``….cell`` …)."""
    lengths = values.map(lambda value: len(value) if isinstance(value, str) else 0)
    for row, length in lengths[lengths > longest].items():
        problems.append(Problem(f"input.too_long.{what}", file, _row(row), column,
                                {"length": f"{length:,}", "longest": f"{longest:,}"}))


def _require(frame: pd.DataFrame, required: Iterable[str], file: str) -> None:
    missing = [column for column in required if column not in frame.columns]
    if missing:
        found = ", ".join(f"'{c}'" for c in frame.columns) or "none"
        raise InputError.single(
            "input.missing_column", file=file, row=_header_row(frame), column=missing[0],
            missing=", ".join(repr(m) for m in missing), found=found,
        )


def _header_row(frame: pd.DataFrame) -> int | None:
    """Row 1, the header of a table; None for graph files (rows labelled "node 3"), which have none."""
    return 1 if len(frame) == 0 or isinstance(frame.index[0], int | np.integer) else None


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped strings, with missing values as the empty string."""
    return series.map(_cell_text, na_action=None).astype(object)


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", str(value))).strip()


def _ids(series: pd.Series) -> pd.Series:
    """Ids as text without invisible characters (see :data:`_INVISIBLE`)."""
    return _text(series).str.replace(_INVISIBLE, "", regex=True).str.strip().astype(object)


def _validate_actors(
    actors: pd.DataFrame, file: str, lenient: bool, untyped_is_other: bool, limits: Limits,
    problems: list[Problem], warnings: list[Problem], refuse_metric_columns: bool,
) -> pd.DataFrame:
    _require(actors, ("id", "type"), file)
    ids = _ids(actors["id"])
    _check_length(ids, MAX_ID_CHARS, "id", file, "id", problems)
    for row in ids.index[ids == ""]:
        problems.append(Problem("input.empty_id", file, _row(row), "id"))
    duplicated = ids.duplicated(keep="first") & (ids != "")
    if duplicated.any():
        first_row = {value: row for row, value in ids[~ids.duplicated(keep="first")].items()}
        as_written = _text(actors["id"]).to_dict()
        for row, value in ids[duplicated].items():
            hidden = as_written[row] != as_written[first_row[value]]
            problems.append(Problem("input.duplicate_id_hidden" if hidden else "input.duplicate_id",
                                    file, _row(row), "id", {"id": value, "first": _row(first_row[value])}))
    warnings.extend(_look_alike_ids(ids[ids != ""].drop_duplicates(), file))
    types = _text(actors["type"]).map(lambda label: _canonical_or_none(label))
    for row in types.index[types.isna()]:
        label = _cell_text(actors["type"].loc[row])
        if not label:  # a partner whose type nobody knew: counted, and the scorecard says so
            if untyped_is_other:
                warnings.append(Problem("input.empty_type", file, _row(row), "type"))
            else:
                problems.append(Problem("input.empty_type_refused", file, _row(row), "type",
                                        {"accepted": ", ".join(ACTOR_TYPES)}))
            continue
        suggestion = suggest_type(label)
        code = "input.unknown_type" + ("_suggest" if suggestion else "") + ("_lenient" if lenient else "")
        (warnings if lenient else problems).append(Problem(
            code, file, _row(row), "type",
            {"label": label, "suggestion": suggestion or "", "accepted": ", ".join(ACTOR_TYPES)},
        ))
    types = types.fillna("other")
    names = _text(actors["name"]) if "name" in actors.columns else ids
    _check_length(names, MAX_NAME_CHARS, "name", file, "name", problems)
    names = names.where(names != "", ids)
    clean = pd.DataFrame({"id": ids, "name": names, "type": types}, index=actors.index)
    # Here, not at the top: netz.core.metrics needs netz.core.graph, which needs the model, which needs this.
    from netz.core.metrics import is_metric_name

    for column in actors.columns:
        if column in ACTOR_COLUMNS:
            continue
        if is_metric_name(column):
            if refuse_metric_columns:
                problems.append(Problem("input.metric_column_refused", file, _first_value_row(actors[column]),
                                        str(column)))
            else:
                warnings.append(Problem("input.metric_column", file, _header_row(actors), str(column)))
            continue
        clean[column] = infer_column(actors[column])
        _check_length(clean[column], limits.max_cell_chars, "cell", file, str(column), problems)
    return clean.reset_index(drop=True)


def _first_value_row(column: pd.Series) -> int | str | None:
    """The row of the column's first cell that holds a value (the actor that names it)."""
    present = column.index[_text(column) != ""]
    return _row(present[0]) if len(present) else None


def _look_alike_ids(ids: pd.Series, file: str) -> list[Problem]:
    """Warnings for ids that differ but look the same (Latin and Cyrillic or Greek letters)."""
    first: dict[str, tuple[object, str]] = {}
    found = []
    for row, value in ids.items():
        shape = value.translate(_LOOK_ALIKE)
        if shape in first:
            other_row, other = first[shape]
            found.append(Problem("input.look_alike", file, _row(row), "id",
                                 {"id": value, "other": other, "other_row": _row(other_row)}))
        else:
            first[shape] = (row, value)
    return found


def _canonical_or_none(label: str) -> str | None:
    try:
        return canonical_type(label) if label else None
    except UnknownTypeError:
        return None


def _validate_ties(
    ties: pd.DataFrame,
    actor_ids: set[str],
    file: str,
    actors_file: str,
    directed: bool,
    lenient: bool,
    limits: Limits,
    problems: list[Problem],
    warnings: list[Problem],
) -> tuple[pd.DataFrame, bool]:
    _require(ties, ("source", "target"), file)
    ends = {}
    for column in ("source", "target"):
        values = _ids(ties[column])
        ends[column] = values
        _check_length(values, MAX_ID_CHARS, column, file, column, problems)
        for row in values.index[values == ""]:
            problems.append(Problem("input.empty_end", file, _row(row), column, {"column": column}))
        unknown = (values != "") & ~values.isin(actor_ids)
        similar = _similar_ids(actor_ids) if unknown.any() else {}
        for row, value in values[unknown].items():
            suggestion = closest(value, similar)
            problems.append(Problem(
                "input.unknown_actor_suggest" if suggestion else "input.unknown_actor", file, _row(row),
                column, {"actor": value, "file": actors_file, "suggestion": suggestion or ""},
            ))
    source, target = ends["source"], ends["target"]
    for row, value in source[(source == target) & (source != "")].items():
        problems.append(Problem("input.self_loop", file, _row(row), "target", {"actor": value}))
    weighted = "weight" in ties.columns
    if weighted:
        weight = _validate_weights(ties["weight"], file, problems)
    else:
        weight = pd.Series(1.0, index=ties.index)
    clean = pd.DataFrame(
        {
            "source": source,
            "target": target,
            "weight": weight,
            "kind": _optional_text(ties, "kind"),
            "wave": _optional_text(ties, "wave"),
        },
        index=ties.index,
    )
    _check_length(clean["kind"], MAX_KIND_CHARS, "kind", file, "kind", problems)
    _check_length(clean["wave"], MAX_WAVE_CHARS, "wave", file, "wave", problems)
    for column in ties.columns:
        if column not in TIE_COLUMNS:
            clean[column] = infer_column(ties[column])
            _check_length(clean[column], limits.max_cell_chars, "cell", file, str(column), problems)
    clean = _handle_duplicates(clean, file, directed, lenient, problems, warnings)
    return clean.reset_index(drop=True), weighted


def _similar_ids(actor_ids: set[str]) -> dict[str, str]:
    """Actor ids by their folded form, to suggest 'hk' for 'HK ' or 'Jürgen' for 'Juergen'
    (and, by :func:`~netz.core.vocabulary.closest`, 'stadt' for 'stdat')."""
    similar: dict[str, str] = {}
    for actor_id in sorted(actor_ids):
        similar.setdefault(fold(actor_id), actor_id)
    similar.pop("", None)
    return similar


def _validate_weights(raw: pd.Series, file: str, problems: list[Problem]) -> pd.Series:
    text = _text(raw)
    numbers, unparsable = parse_numbers(text)
    bad = unparsable | ~(numbers > 0) | ~np.isfinite(numbers)
    for row in text.index[bad.to_numpy()]:
        shown = text.loc[row]
        problems.append(Problem("input.weight_empty" if shown == "" else "input.weight_bad",
                                file, _row(row), "weight", {"value": shown}))
    return numbers


def _optional_text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return _missing(frame.index)
    values = _text(frame[column])
    return values.where(values != "", None)


def _handle_duplicates(
    ties: pd.DataFrame,
    file: str,
    directed: bool,
    lenient: bool,
    problems: list[Problem],
    warnings: list[Problem],
) -> pd.DataFrame:
    """Report rows repeating an earlier row's source, target, kind and wave; merge A→B with B→A.

    A row repeating another in the same direction is a duplicate (an error; dropped with a
    warning when lenient), directed or not. Read as undirected, A→B and B→A are two
    observations of one tie (the survey answers of A and of B): they become one row, the
    first one, with the weights added — the sum :mod:`netz.core.graph` forms for several rows of
    one pair, so reading a directed table with ``directed=False`` gives the graph
    ``to_igraph(alliance, directed=False)`` gives for the directed alliance.
    """
    key = pd.DataFrame({"a": ties["source"], "b": ties["target"], "kind": ties["kind"].fillna(""),
                        "wave": ties["wave"].fillna("")})
    duplicated = key.duplicated(keep="first").to_numpy()
    if duplicated.any():
        first_rows = key[~duplicated].reset_index().set_index(["a", "b", "kind", "wave"])["index"]
        arrow = "→" if directed else "–"
        for row, (a, b, kind, wave) in key[duplicated].iterrows():
            params = {"tie": f"{a} {arrow} {b}", "first": _row(first_rows.loc[(a, b, kind, wave)])}
            if lenient:
                warnings.append(Problem("input.duplicate_tie_ignored", file, _row(row), "target", params))
            else:
                problems.append(Problem("input.duplicate_tie", file, _row(row), "target", params))
        ties = ties[~duplicated]
    return ties if directed else _merge_reciprocal(ties)


def _merge_reciprocal(ties: pd.DataFrame) -> pd.DataFrame:
    """One row for A→B and B→A of the same kind and wave: the first, with the weights added."""
    swap = ties["source"] > ties["target"]
    pair = pd.DataFrame({
        "a": ties["source"].where(~swap, ties["target"]), "b": ties["target"].where(~swap, ties["source"]),
        "kind": ties["kind"].fillna(""), "wave": ties["wave"].fillna(""),
    })
    later = pair.duplicated(keep="first").to_numpy()
    if not later.any():
        return ties
    group = pair.groupby(list(pair.columns), sort=False).ngroup().to_numpy()
    total = np.bincount(group, weights=ties["weight"].to_numpy(float))  # two rows: a plain sum
    merged = ties[~later].copy()
    merged["weight"] = total[group[~later]]
    return merged


def _missing(index: pd.Index) -> pd.Series:
    # pd.Series(None, dtype=object) would hold NaN, and Tie.kind would come out as nan.
    return pd.Series([None] * len(index), index=index, dtype=object)


def _row(label: object) -> int | str:
    """The row to cite: a spreadsheet row number, or a label such as "node 3" for graph files."""
    return label if isinstance(label, str) else int(label)  # type: ignore[call-overload]


def parse_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written the German or the English way.

    Returns the values (NaN where unparsable) and a mask of non-empty cells that
    are not numbers. ``"2,5"`` and ``"1.234,5"`` use a decimal comma; ``"2.5"``
    and ``"1e3"`` are read as written.

    >>> values, bad = parse_numbers(pd.Series(["2,5", "1.234,5", "3", "x", ""]))
    >>> values.tolist()[:3], bad.tolist()
    ([2.5, 1234.5, 3.0], [False, False, False, True, False])
    """
    text = text.astype(str).str.strip()
    german = text.str.fullmatch(_DECIMAL_COMMA.pattern)
    normalised = text.where(~german, text.str.replace(".", "", regex=False).str.replace(",", "."))
    ok = normalised.str.fullmatch(r"[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+|inf|nan)", case=False)
    values = pd.to_numeric(normalised.where(ok), errors="coerce").astype(float)
    return values, (~ok) & (text != "")


def infer_column(raw: pd.Series) -> pd.Series:
    """Type an attribute column from its text: integers, numbers, or strings; blanks are missing.

    A column becomes numeric only if every non-blank cell reads as a number, and
    integer only if every cell is written as an integer without leading zeros
    (so ids like ``"007"`` stay text).

    >>> infer_column(pd.Series(["3", "", "12"])).tolist()
    [3, None, 12]
    >>> infer_column(pd.Series(["1,5", "2"])).tolist()
    [1.5, 2.0]
    >>> infer_column(pd.Series(["007", "8"])).tolist()
    ['007', '8']
    """
    text = _text(raw)
    present = text != ""
    if not present.any():
        return _missing(raw.index)
    if text[present].str.fullmatch(_INTEGER.pattern).all():
        return pd.Series([int(v) if v else None for v in text], index=raw.index, dtype=object)
    if text[present].str.fullmatch(_NUMBER.pattern).all():
        numbers, _ = parse_numbers(text)
        return pd.Series(
            [float(n) if p else None for n, p in zip(numbers, present, strict=True)],
            index=raw.index, dtype=object,
        )
    return pd.Series([v if v else None for v in text], index=raw.index, dtype=object)
