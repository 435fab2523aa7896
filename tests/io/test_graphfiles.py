"""GraphML, GEXF and JSON node-link: files from netz, networkx, Gephi; bad and hostile files."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from netz.core import io
from netz.core.errors import InputError, Problem
from netz.core.io.graphfiles import read_gexf, read_graphml, read_node_link
from netz.core.limits import Limits

READERS = {"graphml": read_graphml, "gexf": read_gexf, "json": read_node_link}


def problems(path: Path, **options) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        io.read(path, **options)
    return caught.value.problems


def example_graph(*, directed: bool = False) -> nx.Graph:
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.graph["name"] = "Bündnis Süd"
    graph.add_node("sj", type="Kirchengemeinde", name="Kirchengemeinde Sankt Jürgen", Ehrenamtliche=30)
    graph.add_node("st", type="Stadt", name="Stadt – Integrationsbeauftragte")
    graph.add_node("mso", type="MSO", name="Verein „Hand in Hand“", Ehrenamtliche=9)
    graph.add_edge("sj", "st", weight=2.5, kind="Information")
    graph.add_edge("st", "mso", weight=1.0, kind="Projekt")
    return graph


def check_example(alliance, *, directed: bool = False) -> None:
    assert alliance.directed is directed
    assert alliance.actors["id"].tolist() == ["sj", "st", "mso"]
    assert alliance.actors["type"].tolist() == ["church", "municipality", "refugee"]
    assert alliance.actor("sj").name == "Kirchengemeinde Sankt Jürgen"
    assert alliance.actor("mso").name == "Verein „Hand in Hand“"
    assert alliance.actors["Ehrenamtliche"].tolist() == [30, None, 9]
    assert alliance.ties[["source", "target", "weight", "kind"]].values.tolist() == [
        ["sj", "st", 2.5, "Information"], ["st", "mso", 1.0, "Projekt"]
    ]
    assert alliance.weighted is True


# -- files written by networkx ------------------------------------------------------

@pytest.mark.parametrize("directed", [False, True])
def test_networkx_graphml(tmp_path: Path, directed: bool) -> None:
    nx.write_graphml(example_graph(directed=directed), tmp_path / "g.graphml")
    alliance = io.read(tmp_path / "g.graphml")
    check_example(alliance, directed=directed)
    assert alliance.meta == {"name": "Bündnis Süd"}


@pytest.mark.parametrize("directed", [False, True])
def test_networkx_gexf(tmp_path: Path, directed: bool) -> None:
    graph = example_graph(directed=directed)
    for _, data in graph.nodes(data=True):
        data["label"] = data.pop("name")  # GEXF's place for a name
    nx.write_gexf(graph, tmp_path / "g.gexf")
    check_example(io.read(tmp_path / "g.gexf"), directed=directed)


@pytest.mark.parametrize("edges", ["links", "edges"])
def test_networkx_node_link_json(tmp_path: Path, edges: str) -> None:
    data = nx.node_link_data(example_graph(directed=True), edges=edges)
    (tmp_path / "g.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    alliance = io.read(tmp_path / "g.json")
    check_example(alliance, directed=True)
    assert alliance.meta == {"name": "Bündnis Süd"}


def test_networkx_multigraph_json_drops_the_edge_keys(tmp_path: Path) -> None:
    graph = nx.MultiGraph()
    graph.add_node("a", type="Kirche")
    graph.add_node("b", type="Stadt")
    graph.add_edge("a", "b", kind="Information")
    graph.add_edge("a", "b", kind="Projekt")
    (tmp_path / "g.json").write_text(json.dumps(nx.node_link_data(graph, edges="links")))
    alliance = io.read(tmp_path / "g.json")
    assert alliance.tie_attributes == []
    assert alliance.ties["kind"].tolist() == ["Information", "Projekt"]


# -- hand-written files ---------------------------------------------------------------

def test_gephi_style_gexf(tmp_path: Path) -> None:
    (tmp_path / "g.gexf").write_text("""<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph defaultedgetype="undirected">
    <attributes class="node">
      <attribute id="0" title="type" type="string"/>
      <attribute id="1" title="Ehrenamtliche" type="integer"/>
    </attributes>
    <nodes>
      <node id="n1" label="Kirchengemeinde Sankt Jürgen">
        <attvalues><attvalue for="0" value="Kirche"/><attvalue for="1" value="30"/></attvalues>
      </node>
      <node id="n2" label="Stadt"><attvalues><attvalue for="0" value="Stadt"/></attvalues></node>
    </nodes>
    <edges><edge id="e7" source="n2" target="n1" weight="2.5"/></edges>
  </graph>
</gexf>
""", encoding="utf-8")
    alliance = io.read(tmp_path / "g.gexf")
    assert alliance.actors.to_dict("records") == [
        {"id": "n1", "name": "Kirchengemeinde Sankt Jürgen", "type": "church", "Ehrenamtliche": 30},
        {"id": "n2", "name": "Stadt", "type": "municipality", "Ehrenamtliche": None},
    ]
    assert alliance.ties[["source", "target", "weight"]].values.tolist() == [["n2", "n1", 2.5]]


def test_graphml_in_latin_1(tmp_path: Path) -> None:
    (tmp_path / "g.graphml").write_bytes(
        "<?xml version='1.0' encoding='ISO-8859-1'?>"
        "<graphml xmlns='http://graphml.graphdrawing.org/xmlns'>"
        "<key id='t' for='node' attr.name='type' attr.type='string'/>"
        "<key id='n' for='node' attr.name='name' attr.type='string'/>"
        "<graph edgedefault='undirected'>"
        "<node id='a'><data key='t'>Kirche</data><data key='n'>Sankt Jürgen</data></node>"
        "<node id='b'><data key='t'>Behörde</data></node>"
        "<edge source='b' target='a'/></graph></graphml>".encode("latin-1")
    )
    alliance = io.read(tmp_path / "g.graphml")
    assert alliance.actor("a").name == "Sankt Jürgen"
    assert alliance.actor("b").type == "public"
    assert alliance.ties[["source", "target"]].values.tolist() == [["b", "a"]]  # ends as written
    assert alliance.weighted is False


def test_json_ids_as_numbers_and_label_as_name(tmp_path: Path) -> None:
    (tmp_path / "g.json").write_text(json.dumps({
        "directed": False, "graph": {"Name": "Bündnis", "gerichtet": "nein"},
        "nodes": [{"id": 1, "label": "Sankt Jürgen", "type": "Kirche"}, {"id": 2, "type": "VHS"}],
        "links": [{"source": 2, "target": 1, "weight": "2,5", "Welle": 2019}],
    }))
    alliance = io.read(tmp_path / "g.json")
    assert alliance.actors[["id", "name"]].values.tolist() == [["1", "Sankt Jürgen"], ["2", "2"]]
    assert alliance.ties["weight"].tolist() == [2.5]
    assert alliance.meta == {"name": "Bündnis"}


def test_directed_option_overrides_the_file(tmp_path: Path) -> None:
    nx.write_graphml(example_graph(directed=True), tmp_path / "g.graphml")
    assert io.read(tmp_path / "g.graphml", directed=False).directed is False


# -- bad files ------------------------------------------------------------------------

def test_node_without_type_is_cited_by_id(tmp_path: Path) -> None:
    graph = example_graph()
    del graph.nodes["st"]["type"]
    nx.write_graphml(graph, tmp_path / "g.graphml")
    found = problems(tmp_path / "g.graphml")
    assert [(p.file, p.row, p.column) for p in found] == [("g.graphml nodes", "node 2 ('st')", "type")]
    assert "type is empty" in found[0].message


def test_graph_without_any_type_attribute(tmp_path: Path) -> None:
    graph = nx.Graph([("a", "b")])
    nx.write_gexf(graph, tmp_path / "g.gexf")
    found = problems(tmp_path / "g.gexf")
    assert (found[0].file, found[0].column) == ("g.gexf nodes", "type")
    assert "missing required column 'type'" in found[0].message


def test_unknown_type_in_json(tmp_path: Path) -> None:
    (tmp_path / "g.json").write_text(json.dumps({
        "nodes": [{"id": "a", "type": "Kirche"}, {"id": "b", "type": "Raumschiff"}], "links": []}))
    found = problems(tmp_path / "g.json")
    assert [(p.file, p.row, p.column) for p in found] == [("g.json nodes", "node 2 ('b')", "type")]
    assert "unknown actor type 'Raumschiff'" in found[0].message
    assert io.read(tmp_path / "g.json", lenient=True).actor("b").type == "other"


def test_link_to_an_unknown_node(tmp_path: Path) -> None:
    (tmp_path / "g.json").write_text(json.dumps({
        "nodes": [{"id": "a", "type": "Kirche"}, {"id": "b", "type": "Stadt"}],
        "links": [{"source": "a", "target": "b"}, {"source": "b", "target": "x"}]}))
    found = problems(tmp_path / "g.json")
    assert [(p.file, p.row, p.column) for p in found] == [("g.json links", "link 2", "target")]
    assert "'x' is not listed" in found[0].message


def test_duplicate_edges_and_self_loops_in_graph_files(tmp_path: Path) -> None:
    graph = nx.MultiGraph()
    graph.add_node("a", type="Kirche")
    graph.add_node("b", type="Stadt")
    graph.add_edges_from([("a", "b"), ("b", "a"), ("b", "b")])
    nx.write_graphml(graph, tmp_path / "g.graphml")
    found = problems(tmp_path / "g.graphml")
    assert sorted((p.row, p.column) for p in found) == [("edge 2", "target"), ("edge 3", "target")]
    messages = " ".join(p.message for p in found)
    assert "duplicate tie a – b (already in row edge 1)" in messages
    assert "'b' to itself" in messages


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "g.json").write_text('{\n  "nodes": [\n    {"id": "a",}\n  ]\n}')
    found = problems(tmp_path / "g.json")
    assert (found[0].file, found[0].row) == ("g.json", "line 3")
    assert "not valid JSON" in found[0].message


@pytest.mark.parametrize(
    ("content", "gist"),
    [
        (b"[1, 2]", '"nodes" list'),
        (b'{"nodes": {"a": 1}}', '"nodes" list'),
        (b'{"nodes": [], "links": {"a": "b"}}', '"links" must be a list'),
        (b'{"nodes": ["a"], "links": []}', "expected an object, found str"),
        (b"\xff\xfe{\x00}\x00", "not a UTF-8 text file"),
    ],
)
def test_json_of_the_wrong_shape(tmp_path: Path, content: bytes, gist: str) -> None:
    (tmp_path / "g.json").write_bytes(content)
    found = problems(tmp_path / "g.json")
    assert found[0].file == "g.json"
    assert gist in found[0].message


@pytest.mark.parametrize("suffix", ["graphml", "gexf"])
@pytest.mark.parametrize(
    ("content", "gist"),
    [
        (b"", "empty"),
        (b"<graphml><graph><node id='a'>", "not well-formed XML"),
        (b"<?xml version='1.0'?><html><body/></html>", "not a valid"),
        (b"PK\x03\x04 zipped", "not well-formed XML"),
    ],
)
def test_broken_xml(tmp_path: Path, suffix: str, content: bytes, gist: str) -> None:
    path = tmp_path / f"g.{suffix}"
    path.write_bytes(content)
    found = problems(path)
    assert found[0].file == path.name
    assert gist in found[0].message


# -- hostile XML ------------------------------------------------------------------------

_GRAPHML_HEAD = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    '<key id="t" for="node" attr.name="type" attr.type="string"/>'
    '<graph edgedefault="undirected">'
)


def xxe(kind: str, target: str) -> str:
    dtd = f'<?xml version="1.0"?>\n<!DOCTYPE root [<!ENTITY xxe SYSTEM "{target}">]>\n'
    if kind == "graphml":
        return dtd + _GRAPHML_HEAD + '<node id="a"><data key="t">&xxe;</data></node></graph></graphml>'
    return dtd + ('<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph><nodes>'
                  '<node id="a" label="&xxe;"/></nodes></graph></gexf>')


def billion_laughs(kind: str) -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    dtd = f'<?xml version="1.0"?>\n<!DOCTYPE lolz [{entities}]>\n'
    if kind == "graphml":
        return dtd + _GRAPHML_HEAD + '<node id="a"><data key="t">&lol9;</data></node></graph></graphml>'
    return dtd + ('<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph><nodes>'
                  '<node id="a" label="&lol9;"/></nodes></graph></gexf>')


@pytest.fixture
def opened_files() -> Iterator[list[str]]:
    """Every path Python opens while the test runs (through the 'open' audit event)."""
    opened: list[str] = []
    recording = [True]

    def hook(event: str, args: tuple) -> None:
        if recording[0] and event == "open" and args and isinstance(args[0], str | bytes):
            opened.append(str(args[0]))

    sys.addaudithook(hook)  # hooks cannot be removed; this one stops recording after the test
    yield opened
    recording[0] = False


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
def test_external_entity_is_refused_without_reading_the_file(
    tmp_path: Path, kind: str, opened_files: list[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM-12345")
    for target in ("file:///etc/passwd", secret.as_uri()):
        path = tmp_path / f"xxe.{kind}"
        path.write_text(xxe(kind, target))
        opened_files.clear()
        found = problems(path)
        assert found[0].file == path.name
        assert "DTD" in found[0].message
        assert "GEHEIM" not in str(found[0]) and "root:" not in str(found[0])
        assert path.name in " ".join(opened_files)  # the hook sees what the reader opens …
        assert not [p for p in opened_files if p.endswith(("passwd", "secret.txt"))]  # … and this not


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
def test_entity_expansion_bomb_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"lol.{kind}"
    path.write_text(billion_laughs(kind))
    found = problems(path)
    assert found[0].file == path.name
    assert "entity-expansion" in found[0].message


def test_doctype_without_entities_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE graphml>\n' + _GRAPHML_HEAD + "</graph></graphml>")
    assert "DTD" in problems(path)[0].message


@pytest.mark.parametrize("kind", ["graphml", "gexf", "json"])
def test_readers_return_nothing_on_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"g.{kind}"
    path.write_text("{" if kind == "json" else "<")
    with pytest.raises(InputError):
        READERS[kind](path)


@pytest.mark.parametrize(("value", "directed"), [(True, True), (False, False), ("false", False),
                                                  ("ja", True), (0, False)])
def test_json_directed_flag(tmp_path: Path, value: object, directed: bool) -> None:
    (tmp_path / "g.json").write_text(json.dumps({
        "directed": value, "nodes": [{"id": "a", "type": "Kirche"}, {"id": "b", "type": "Stadt"}],
        "links": [{"source": "a", "target": "b"}]}))
    assert io.read(tmp_path / "g.json").directed is directed


def test_json_bad_directed_flag(tmp_path: Path) -> None:
    (tmp_path / "g.json").write_text(json.dumps({"directed": "vielleicht", "nodes": [], "links": []}))
    found = problems(tmp_path / "g.json")
    assert (found[0].file, found[0].column) == ("g.json", "directed")


# -- hostile input: nesting, sizes, numbers --------------------------------------------------------

GRAPHML = ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
           '<key id="type" for="node" attr.name="type" attr.type="string"/>'
           '<graph edgedefault="undirected">{nodes}<edge source="a" target="b"/></graph></graphml>')
NODES = '<node id="a"><data key="type">Verein</data></node><node id="b"><data key="type">Kirche</data></node>'


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_documents_are_refused_without_a_traceback(tmp_path: Path, depth: int) -> None:
    xml = tmp_path / "tief.graphml"
    xml.write_text(GRAPHML.format(nodes=NODES + "<x>" * depth + "</x>" * depth), encoding="utf-8")
    document = tmp_path / "tief.json"
    document.write_text('{"nodes": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    for path in (xml, document):
        [problem] = problems(path)
        assert problem.file == path.name and "limit max_depth" in problem.message


def test_nodes_beyond_the_limit_are_refused_before_networkx_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "b.graphml"
    path.write_text(GRAPHML.format(nodes=NODES), encoding="utf-8")
    assert io.read(path, limits=Limits(max_actors=2)).n_actors == 2
    [problem] = problems(path, limits=Limits(max_actors=1))
    assert "2 nodes; at most 1" in problem.message
    [problem] = problems(path, limits=Limits(max_columns=1))
    assert "limit max_columns" in problem.message  # id and type: two node attributes


@pytest.mark.parametrize(("graph", "column"), [
    ('{"funding": 1e400}', "funding"), ('{"founded": 100000000000000000000000}', "founded"),
    ('{"funding": NaN}', "funding"), ('{"extra": [1, Infinity]}', "extra"),
])
def test_metadata_numbers_must_be_finite_and_fit(tmp_path: Path, graph: str, column: str) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"graph": ' + graph + ', "nodes": [{"id": "a", "type": "Verein"}], "links": []}',
                    encoding="utf-8")
    [problem] = problems(path)
    assert (problem.file, problem.column) == ("b.json", column)
