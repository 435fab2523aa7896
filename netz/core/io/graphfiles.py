"""Graph file formats: GraphML, GEXF and JSON node-link.

Each node needs a ``type`` attribute; ``name`` (or ``label``) is the actor's
name. Edge attributes ``weight``, ``kind`` and ``wave`` are understood; any
other node or edge attribute is kept as an attribute. Graph-level attributes
are the alliance's metadata.

XML is parsed only after :mod:`defusedxml` has checked it: a document with a
DTD — where external entities and entity-expansion bombs live — is refused.
Writers keep every tie row (kinds, waves) as its own edge, in the order of the
rows and with its source and target as given; readers keep the order and the
ends of the edges as the document has them. So reading what was written gives
the same alliance back, within what the formats can carry:

- A number column whose values are all whole (2.0, 15.0) reads back as
  integers. Readers turn a whole number into integer text on purpose: igraph and
  R write every number as a double, and there a "45" is a count.
- An attribute without any value is not written, and an alliance without ties
  reads back as unweighted: graph files know of attributes and of weights only
  from the values there are.
- GraphML keeps only metadata that is a plain value (text, number, true/false);
  GEXF and JSON keep lists and mappings too.
- GraphML and GEXF cannot hold most control characters: they are written as
  spaces, as the readers do with table cells (see :mod:`netz.core.io.xmlchars`).
"""

from __future__ import annotations

import io
import json
import math
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeElementTree
import networkx as nx
import pandas as pd
from defusedxml import DefusedXmlException

from netz.core.errors import InputError
from netz.core.graph import to_networkx
from netz.core.io.meta import load_json, parse_directed, parse_meta
from netz.core.io.tables import check_bytes
from netz.core.io.xmlchars import xml_safe
from netz.core.limits import DEFAULT_LIMITS, Limits, nesting_depth
from netz.core.model import Alliance, plain_value

__all__ = [
    "read_gexf",
    "read_graphml",
    "read_node_link",
    "write_gexf",
    "write_graphml",
    "write_node_link",
]

_GEXF_META_PREFIX = "netz-metadata:"


def read_graphml(
    path: Path, *, directed: bool | None = None, lenient: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Alliance:
    """Read a GraphML file (as written by Gephi, yEd, igraph, networkx or netz)."""
    root = _checked_xml(path, limits)
    ends = _number_edges(root, path.name, limits)
    try:
        graph = nx.parse_graphml(ElementTree.tostring(root, encoding="unicode"), node_type=str,
                                 force_multigraph=True)
    except (nx.NetworkXError, ElementTree.ParseError, ValueError, KeyError) as error:
        raise InputError.single("input.bad_graphml", file=path.name, error=error) from None
    meta = {k: v for k, v in graph.graph.items() if k not in ("node_default", "edge_default")}
    # GraphML edge ids become the multigraph's edge keys.
    edges = [(key, u, v, data) for u, v, key, data in graph.edges(keys=True, data=True)]
    return _from_networkx(graph, edges, ends, path.name, directed=directed, lenient=lenient, meta=meta,
                          limits=limits)


def read_gexf(
    path: Path, *, directed: bool | None = None, lenient: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Alliance:
    """Read a GEXF file (Gephi's format)."""
    root = _checked_xml(path, limits)
    ends = _number_edges(root, path.name, limits)
    try:
        graph = nx.read_gexf(io.BytesIO(ElementTree.tostring(root)), node_type=str)
    except (nx.NetworkXError, ElementTree.ParseError, ValueError, KeyError, AttributeError) as error:
        raise InputError.single("input.bad_gexf", file=path.name, error=error) from None
    # The GEXF reader keeps edge ids as the attribute "id" (keys may come from networkx_key).
    edges = [(data.pop("id"), u, v, data) for u, v, data in graph.edges(data=True)]
    meta = _gexf_metadata(root, path.name, limits)
    return _from_networkx(graph, edges, ends, path.name, directed=directed, lenient=lenient, meta=meta,
                          limits=limits)


def read_node_link(
    path: Path, *, directed: bool | None = None, lenient: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Alliance:
    """Read JSON node-link data (``nodes`` and ``links`` or ``edges``; networkx and d3 use it)."""
    file = path.name
    check_bytes(path.stat().st_size, file, limits)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError.single("input.json_not_utf8", file=file) from None
    data = load_json(text, file=file, limits=limits)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise InputError.single("input.json_no_nodes", file=file)
    edges = data.get("links", data.get("edges", []))
    if not isinstance(edges, list):
        raise InputError.single("input.json_links", file=file)
    if len(data["nodes"]) > limits.max_actors:
        raise limits.exceeded("max_actors", len(data["nodes"]), "nodes", file=file)
    if len(edges) > limits.max_ties:
        raise limits.exceeded("max_ties", len(edges), "links", file=file)
    for label, items in (("nodes", data["nodes"]), ("links", edges)):
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise InputError.single("input.json_not_object", found=type(item).__name__,
                                        file=file, row=f"{label}[{position}]")
    actors = _frame([{**n, "id": n.get("id")} for n in data["nodes"]], "node", file, limits)
    ties = _frame(edges, "link", file, limits)
    if data.get("multigraph"):
        ties = ties.drop(columns="key", errors="ignore")  # networkx's parallel-edge counter
    if not isinstance(data.get("graph") or {}, dict):
        raise InputError.single("input.json_graph", file=file)
    meta, declared = parse_meta(data.get("graph") or {}, file=file, limits=limits)
    if directed is None and "directed" in data:
        directed = parse_directed(data["directed"], file=file)  # bool("false") would be True
    if directed is None:
        directed = bool(declared)
    return Alliance.from_frames(
        _rename(actors, {"label": "name"}), ties, directed=directed, meta=meta, lenient=lenient,
        actors_file=f"{file} nodes", ties_file=f"{file} links", limits=limits, untyped_is_other=False,
    )


def write_graphml(alliance: Alliance, path: Path) -> None:
    alliance = xml_safe(alliance)
    buffer = io.BytesIO()
    nx.write_graphml(_writable(alliance), buffer, encoding="utf-8", named_key_ids=True)
    _write_xml(_edges_in_row_order(buffer.getvalue(), alliance), path)


def write_gexf(alliance: Alliance, path: Path) -> None:
    alliance = xml_safe(alliance)
    graph = _writable(alliance)
    for _, data in graph.nodes(data=True):
        data["label"] = data.pop("name")
    for _, _, key, data in graph.edges(keys=True, data=True):
        data["id"] = key  # the GEXF writer numbers edges in its own order otherwise
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer)
    root = _edges_in_row_order(buffer.getvalue(), alliance)
    # GEXF has no place for graph attributes; keep the metadata in <meta><description>.
    namespace = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else ""
    meta = root.find(f"{namespace}meta")
    if meta is not None:
        description = ElementTree.SubElement(meta, f"{namespace}description")
        description.text = _GEXF_META_PREFIX + json.dumps(dict(alliance.meta), ensure_ascii=False)
    _write_xml(root, path)


def write_node_link(alliance: Alliance, path: Path) -> None:
    graph = _writable(alliance)
    data = nx.node_link_data(graph, edges="links")
    data["graph"] = dict(alliance.meta)  # JSON holds lists and mappings too, unlike GraphML
    # One link per tie row, in row order and with its own source and target.
    data["links"] = [
        {"source": u, "target": v, **attributes}
        for u, v, attributes in _tie_records(alliance)
    ]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _writable(alliance: Alliance) -> nx.Graph:
    """The alliance as a multigraph whose edge keys are the positions of the tie rows."""
    graph = to_networkx(alliance, multigraph=True)
    graph.graph.update({k: v for k, v in alliance.meta.items() if _scalar(v)})
    graph.clear_edges()
    for position, (u, v, attributes) in enumerate(_tie_records(alliance)):
        graph.add_edge(u, v, key=position, **attributes)
    return graph


def _tie_records(alliance: Alliance) -> list[tuple[str, str, dict[str, Any]]]:
    ties = alliance.ties if alliance.weighted else alliance.ties.drop(columns="weight")
    records: list[tuple[str, str, dict[str, Any]]] = []
    for record in ties.to_dict("records"):
        values = {str(k): plain_value(v) for k, v in record.items()}
        source, target = values.pop("source"), values.pop("target")
        records.append((source, target, {k: v for k, v in values.items() if v is not None}))
    return records


def _edges_in_row_order(document: bytes, alliance: Alliance) -> ElementTree.Element:
    """The written document with its edges in tie-row order, source and target as in the rows.

    networkx lists a multigraph's edges grouped by node, and an undirected one with
    its ends in node order; the edge ids the writers were given are the row positions.
    """
    root = SafeElementTree.fromstring(document)
    sources, targets = alliance.ties["source"].tolist(), alliance.ties["target"].tolist()
    parents = [parent for parent in root.iter() if any(_local(c.tag) == "edge" for c in parent)]
    for parent in parents:
        slots = [i for i, child in enumerate(parent) if _local(child.tag) == "edge"]
        edges = sorted((parent[i] for i in slots), key=lambda edge: int(edge.get("id", "")))
        for slot, edge in zip(slots, edges, strict=True):
            position = int(edge.get("id", ""))
            edge.set("source", sources[position])
            edge.set("target", targets[position])
            parent[slot] = edge
    return root


def _write_xml(root: ElementTree.Element, path: Path) -> None:
    if root.tag.startswith("{"):
        # Write the format's namespace as the default one (xmlns="…"), not as a prefix "ns0:".
        ElementTree.register_namespace("", root.tag[1:].split("}")[0])
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _number_edges(root: ElementTree.Element, file: str, limits: Limits) -> list[tuple[str, str]]:
    """Set every edge's id to its position in the document; return the edges' ends in order.

    netz keeps no edge ids, so nothing is lost; the positions let the readers put the
    edges networkx returns back into document order with their ends as written. Too many
    nodes or edges are refused here, before networkx builds a graph of them.
    """
    ends: list[tuple[str, str]] = []
    nodes = 0
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "edge":
            element.set("id", str(len(ends)))
            ends.append((element.get("source", ""), element.get("target", "")))
        nodes += tag == "node"
    if nodes > limits.max_actors:
        raise limits.exceeded("max_actors", nodes, "nodes", file=file)
    if len(ends) > limits.max_ties:
        raise limits.exceeded("max_ties", len(ends), "edges", file=file)
    return ends


def _checked_xml(path: Path, limits: Limits) -> ElementTree.Element:
    check_bytes(path.stat().st_size, path.name, limits)
    data = path.read_bytes()
    if not data.strip():
        raise InputError.single("input.file_empty", file=path.name)
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise InputError.single(
            "input.xml_dtd",
            file=path.name,
        ) from None
    except ElementTree.ParseError as error:
        raise InputError.single("input.xml_malformed", file=path.name, error=error) from None
    depth = nesting_depth(root, list, limits.max_depth)  # every element is a level
    if depth > limits.max_depth:
        raise limits.exceeded("max_depth", depth, "nested_elements_or_more", file=path.name)
    return root


def _from_networkx(
    graph: nx.Graph,
    edges: list[tuple[Any, Any, Any, dict[str, Any]]],
    ends: list[tuple[str, str]],
    file: str,
    *,
    directed: bool | None,
    lenient: bool,
    meta: dict[str, Any],
    limits: Limits,
) -> Alliance:
    """An alliance from a parsed graph and its ``(position, u, v, data)`` edges.

    Edges go back into document order; an undirected graph gets its ends as written
    (networkx reports them in node order).
    """
    meta, _ = parse_meta(meta, file=file, limits=limits)
    if directed is None:
        directed = graph.is_directed()
    nodes = [{"id": node, **data} for node, data in graph.nodes(data=True)]
    actors = _frame(nodes, "node", file, limits).drop(columns=["viz", "pid"], errors="ignore")
    if "name" not in actors.columns and "label" in actors.columns:
        actors = _rename(actors, {"label": "name"})
    elif "label" in actors.columns and (actors["label"] == actors["id"]).all():
        actors = actors.drop(columns="label")  # GEXF writes the id as label when there is none
    records = []
    for position, u, v, data in sorted(edges, key=lambda edge: int(edge[0])):
        source, target = (u, v) if graph.is_directed() else ends[int(position)]
        records.append({"source": source, "target": target, **data})
    ties = _frame(records, "edge", file, limits).drop(columns=["id"], errors="ignore")
    return Alliance.from_frames(
        actors, ties, directed=directed, meta=meta, lenient=lenient,
        actors_file=f"{file} nodes", ties_file=f"{file} edges", limits=limits, untyped_is_other=False,
    )


def _frame(records: list[dict[str, Any]], label: str, file: str, limits: Limits) -> pd.DataFrame:
    """Records as a frame of text cells, indexed "node 1 ('hk')", "edge 2", … for error messages.

    Graph files have no rows to count; a node is found by its id, so that is cited too. Each
    attribute is a column: more than ``limits.max_columns`` of them is refused before the
    frame (records × attributes cells) is built.
    """
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    if len(columns) > limits.max_columns:
        raise limits.exceeded("max_columns", len(columns), f"{label}_attributes", file=file)
    if label == "link" or label == "edge":
        columns = {"source": None, "target": None, **columns}
    frame = pd.DataFrame(
        [[_text(record.get(c)) for c in columns] for record in records],
        columns=list(columns), dtype=object,
    )
    ids = [_text(record.get("id")) if label == "node" else "" for record in records]
    frame.index = pd.Index(
        [f"{label} {i} ('{node}')" if node else f"{label} {i}" for i, node in enumerate(ids, start=1)],
        dtype=object,
    )
    return frame


def _text(value: Any) -> str:
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and not math.isinf(value) else repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rename(frame: pd.DataFrame, renames: dict[str, str]) -> pd.DataFrame:
    return frame.rename(columns={k: v for k, v in renames.items() if v not in frame.columns})


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _gexf_metadata(root: ElementTree.Element, file: str, limits: Limits) -> dict[str, Any]:
    """netz's metadata from ``<meta><description>``; a description that is not netz's JSON is none."""
    for element in root.iter():
        if element.tag.endswith("description") and (element.text or "").startswith(_GEXF_META_PREFIX):
            try:
                loaded = load_json(element.text[len(_GEXF_META_PREFIX):],  # type: ignore[index]
                                   file=file, limits=limits)
            except InputError as error:
                if error.problems[0].message.startswith("not valid JSON"):
                    return {}
                raise
            return loaded if isinstance(loaded, dict) else {}
    return {}
