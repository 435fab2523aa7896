"""The map's positions: /layout, and /layout?group_by=type with one block per sector."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from netz.analysis.layout import map_layout
from netz.core import io
from tests.api.conftest import Keys, auth

from .test_analysis import DEMO

ALLIANCES = "/api/v1/alliances"


def test_grouped_by_type_each_sector_in_its_own_block(client: TestClient, admin: dict[str, str],
                                                        demo: dict[str, Any]) -> None:
    plain = client.get(f"{ALLIANCES}/{demo['id']}/layout", headers=admin).json()
    assert "groups" not in plain
    response = client.get(f"{ALLIANCES}/{demo['id']}/layout", headers=admin, params={"group_by": "TYPE"})
    assert response.status_code == 200, response.text
    drawn = response.json()
    assert drawn["group_by"] == "type"
    assert drawn["ties"] == plain["ties"]
    types = {str(a["id"]): a["type"] for a in client.get(f"{ALLIANCES}/{demo['id']}/report",
                                                         headers=admin).json()["actors"]}
    groups = {group["key"]: group for group in drawn["groups"]}
    assert set(groups) == set(types.values())
    sizes = [group["n"] for group in drawn["groups"]]
    assert sizes == sorted(sizes, reverse=True)
    for key, group in groups.items():
        assert group["n"] == sum(1 for t in types.values() if t == key)
    # every actor lies inside its own group's block and below its name (the block's top)
    for actor in drawn["actors"]:
        group = groups[types[actor["id"]]]
        assert group["x"] - 1e-6 <= actor["x"] <= group["x"] + group["width"] + 1e-6, actor
        assert actor["y"] > group["y"], actor
        assert 0 <= actor["x"] <= 1 and 0 <= actor["y"] <= 1
    # blocks in one row do not overlap: actors of another group are never inside a block's span
    for actor in drawn["actors"]:
        for key, group in groups.items():
            if key == types[actor["id"]] or abs(group["y"] - groups[types[actor["id"]]]["y"]) > 1e-9:
                continue
            assert not group["x"] + 1e-6 < actor["x"] < group["x"] + group["width"] - 1e-6, (actor, key)


def test_group_by_an_unknown_column_is_a_422_naming_the_columns(client: TestClient, admin: dict[str, str],
                                                                  demo: dict[str, Any]) -> None:
    response = client.get(f"{ALLIANCES}/{demo['id']}/layout", headers=admin, params={"group_by": "Sektor"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "type" in response.text


def test_researchers_get_groups_of_their_view(client: TestClient, keys: Keys) -> None:
    response = client.get(f"{ALLIANCES}/{keys.own}/layout", headers=auth(keys.researcher),
                          params={"group_by": "type"})
    assert response.status_code == 200, response.text
    assert all(actor["id"].startswith("A-") for actor in response.json()["actors"])
    assert sum(group["n"] for group in response.json()["groups"]) == len(response.json()["actors"])
    funder = client.get(f"{ALLIANCES}/{keys.own}/layout", headers=auth(keys.funder),
                        params={"group_by": "type"})
    assert funder.status_code == 403


def test_library_grouped_layout_of_an_alliance_without_actors_or_ties() -> None:
    demo = io.read(DEMO)
    alone = demo.replace_ties(demo.ties.iloc[0:0])
    drawn = map_layout(alone, group_by="type")
    assert sum(group["n"] for group in drawn["groups"]) == demo.n_actors
    assert all(0 <= a["x"] <= 1 and 0 <= a["y"] <= 1 for a in drawn["actors"])
    empty = type(demo).from_frames(demo.actors.iloc[0:0], demo.ties.iloc[0:0])
    assert map_layout(empty, group_by="type")["groups"] == []
