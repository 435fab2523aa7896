"""Everything the pages ask for that takes seconds is kept by the one report cache
(api/reportcache.py, issue 12): the map's layout and the key players, like the report; keys that
never mix two requests up; ETags that change with what shaped the body."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import api.reportcache
import api.routes.analysis
import api.routes.layout
import netz.analysis.handout
from api.config import Settings
from api.models import ReportCache
from api.reportcache import (
    KEY_PLAYERS_KEPT,
    LAYOUTS_KEPT,
    key_players_key,
    layout_key,
    layout_kind,
    report_key,
)
from netz.analysis.layout import map_layout
from netz.analysis.whatif import key_players

from .test_analysis import url, waves  # noqa: F401 (a fixture)

IDENTITY = {"Accept-Encoding": "identity"}


#: Every module of the service that computes a map layout or key players (the handout's too, so
#: that one computed outside the cache is counted).
COMPUTING = (api.reportcache, api.routes.layout, api.routes.analysis, netz.analysis.handout)


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records each map layout the service computes (the number of actors)."""
    calls: list[int] = []

    def counting(alliance: Any, **options: Any) -> Any:
        calls.append(alliance.n_actors)
        return map_layout(alliance, **options)

    for module in COMPUTING:
        if hasattr(module, "map_layout"):
            monkeypatch.setattr(module, "map_layout", counting)
    return calls


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records each search for key players the service runs (k)."""
    calls: list[int] = []

    def counting(graph: Any, k: int = 3, **options: Any) -> Any:
        calls.append(k)
        return key_players(graph, k, **options)

    for module in COMPUTING:
        if hasattr(module, "key_players"):
            monkeypatch.setattr(module, "key_players", counting)
    return calls


def stored_keys(app: FastAPI, alliance_id: int, prefix: str) -> list[str]:
    with app.state.database.sessions() as session:
        return list(session.scalars(select(ReportCache.key).where(
            ReportCache.alliance_id == alliance_id, ReportCache.key.startswith(prefix))))


# -- (a) the layout through the one cache ---------------------------------------------------------


def test_the_layout_is_computed_once_per_revision(client: TestClient, admin: dict[str, str],
                                                 demo: dict[str, Any], layouts: list[int],
                                                 make_app: Callable[..., FastAPI]) -> None:
    first = client.get(url(demo, "layout"), headers={**admin, **IDENTITY})
    assert first.status_code == 200 and layouts == [25]
    tag = first.headers["ETag"]
    again = client.get(url(demo, "layout"), headers={**admin, **IDENTITY})
    assert again.content == first.content and again.headers["ETag"] == tag and layouts == [25]
    # another worker reads the stored layout; a client holding it is told 304
    with TestClient(make_app()) as other_worker:
        stored = other_worker.get(url(demo, "layout"), headers={**admin, **IDENTITY})
        assert stored.content == first.content and layouts == [25]
        confirmed = other_worker.get(url(demo, "layout"), headers={**admin, "If-None-Match": tag})
        assert confirmed.status_code == 304 and confirmed.content == b""
    packed = client.get(url(demo, "layout"), headers={**admin, "Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and packed.json() == first.json()
    # the names as the client writes them: one layout (``TYPE`` is ``type``)
    grouped = client.get(url(demo, "layout"), headers=admin, params={"group_by": "type"}).json()
    assert client.get(url(demo, "layout"), headers=admin, params={"group_by": "TYPE"}).json() == grouped
    assert layouts == [25, 25]
    # a write: a new revision, a new layout, a new tag
    changed = client.patch(url(demo, "").rstrip("/"), json={"name": "Neu"},
                           headers={**admin, "If-Match": demo["etag"]})
    assert changed.status_code == 200, changed.text
    after = client.get(url(demo, "layout"), headers={**admin, **IDENTITY, "If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag and after.json()["revision"] == 2
    assert layouts == [25, 25, 25]


def test_a_bounded_number_of_layouts_is_kept(client: TestClient, app: FastAPI, admin: dict[str, str],
                                             demo: dict[str, Any]) -> None:
    """Any seed may be asked for: the alliance keeps the most recent LAYOUTS_KEPT."""
    for seed in range(LAYOUTS_KEPT + 3):
        response = client.get(url(demo, "layout"), headers=admin, params={"seed": seed})
        assert response.status_code == 200 and response.json()["seed"] == seed
    kind = layout_kind("full", app.state.settings)
    kept = stored_keys(app, demo["id"], f"{kind}|")
    assert len(kept) == LAYOUTS_KEPT
    assert layout_key("full", LAYOUTS_KEPT + 2, None, None, app.state.settings) in kept
    assert layout_key("full", 0, None, None, app.state.settings) not in kept
    with app.state.database.sessions() as session:  # the report's rows are not counted with them
        assert session.scalar(select(func.count()).select_from(ReportCache)) == LAYOUTS_KEPT


def test_each_view_has_its_own_layout(client: TestClient, keys: Any, layouts: list[int]) -> None:
    full = client.get(url(keys.own, "layout"), headers=keys.headers("admin"))
    researcher = client.get(url(keys.own, "layout"), headers={**keys.headers("researcher"),
                                                              "If-None-Match": full.headers["ETag"]})
    assert researcher.status_code == 200 and researcher.headers["ETag"] != full.headers["ETag"]
    assert all(actor["id"].startswith("A-") for actor in researcher.json()["actors"])
    assert not any(actor["id"].startswith("A-") for actor in full.json()["actors"])
    assert len(layouts) == 2


# -- (b) the report's ETag names the report's format ----------------------------------------------


def test_after_an_upgrade_of_the_report_format_an_old_copy_is_not_confirmed(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    old = client.get(url(demo, "report"), headers={**admin, **IDENTITY})
    assert client.get(url(demo, "report"), headers={**admin, **IDENTITY,
                                                    "If-None-Match": old.headers["ETag"]}).status_code == 304
    monkeypatch.setattr(api.reportcache, "REPORT_FORMAT", api.reportcache.REPORT_FORMAT + 1)
    new = client.get(url(demo, "report"), headers={**admin, **IDENTITY, "If-None-Match": old.headers["ETag"]})
    assert new.status_code == 200 and new.headers["ETag"] != old.headers["ETag"]
    assert new.json()["actors"]


# -- (c) keys: two different requests never share one, two equal ones always do -------------------


NAMES = [None, "", "|", "a", "a|", "|a", "a|b", "b", "b|", "null", "None", '"', "[", "all", "ALL", "x" * 250,
         "x" * 251]
STRINGS = [name for name in NAMES if name is not None]


@pytest.mark.parametrize(("make", "firsts"), [
    (report_key, STRINGS),  # group_by, wave
    (lambda view, group_by, wave, settings: layout_key(view, 0, group_by, wave, settings), NAMES),
    (lambda view, k, wave, settings: key_players_key(view, k, "type", wave, settings), [0, 1, 3, 20]),
])
def test_keys_are_one_to_one(make: Callable[..., str], firsts: list[Any]) -> None:
    settings = Settings(database_url="sqlite://")
    keys: dict[str, tuple[Any, ...]] = {}
    for request in itertools.product(("full", "pseudonymised"), firsts, NAMES):
        key = make(*request, settings)
        assert make(*request, settings) == key  # equal requests: one key
        assert keys.setdefault(key, request) == request, (key, keys[key], request)  # different: two keys
        assert len(key) <= api.reportcache.KEY_WIDTH


def test_an_empty_wave_is_the_latest_on_every_route(client: TestClient, admin: dict[str, str],
                                                    waves: dict[str, Any]) -> None:  # noqa: F811
    """``?wave=`` asks for no particular wave: the latest, however the cache was filled before."""
    for tail, params in (("report", {}), ("layout", {}), ("gaps", {}), ("health", {}),
                         ("whatif", {"key_players": 2}), ("actors", {})):
        empty = client.get(url(waves, tail), headers=admin, params={**params, "wave": ""})
        assert empty.status_code == 200, (tail, empty.text)
        assert empty.json() == client.get(url(waves, tail), headers=admin, params=params).json(), tail
    assert client.get(url(waves, "report"), headers=admin).json()["alliance"]["wave"] == "2024"


# -- (d) the key players through the one cache ----------------------------------------------------


def test_key_players_are_searched_once_per_revision(client: TestClient, app: FastAPI, admin: dict[str, str],
                                                    waves: dict[str, Any], searches: list[int]) -> None:  # noqa: F811
    first = client.get(url(waves, "whatif"), headers=admin, params={"key_players": 3})
    assert first.status_code == 200 and searches == [3]
    assert len(first.json()["key_players"]) == 3
    for params in ({"key_players": 3}, {"key_players": 3, "wave": ""},
                   {"key_players": 3, "group_by": "TYPE"}):
        assert client.get(url(waves, "whatif"), headers=admin, params=params).json() == first.json()
    assert searches == [3]
    unknown = client.get(url(waves, "whatif"), headers=admin, params={"key_players": 3, "group_by": "Farbe"})
    assert unknown.status_code == 422 and "type" in unknown.text  # as the report says it
    # another wave, and the name of the latest as written: their own (the latest: the same players)
    older = client.get(url(waves, "whatif"), headers=admin, params={"key_players": 3, "wave": "2023"})
    named = client.get(url(waves, "whatif"), headers=admin, params={"key_players": 3, "wave": "2024"})
    assert named.json() == first.json() and older.status_code == 200
    assert searches == [3, 3, 3]
    # with actors removed, the key players come from the cache too
    both = client.get(url(waves, "whatif"), headers=admin, params={"key_players": 3, "remove": "hk"}).json()
    assert both["key_players"] == first.json()["key_players"] and both["removed"] == ["hk"]
    assert searches == [3, 3, 3]
    for k in range(1, KEY_PLAYERS_KEPT + 3):
        client.get(url(waves, "whatif"), headers=admin, params={"key_players": k})
    kind = api.reportcache.key_players_kind("full", app.state.settings)
    assert len(stored_keys(app, waves["id"], f"{kind}|")) == KEY_PLAYERS_KEPT
    changed = client.patch(url(waves, "").rstrip("/"), json={"name": "Neu"},
                           headers={**admin, "If-Match": f'"{waves["id"]}-1"'})
    assert changed.status_code == 200, changed.text
    searches.clear()
    client.get(url(waves, "whatif"), headers=admin, params={"key_players": 3})
    assert searches == [3]


# -- (e) the handout takes the layout and the key players from the one cache ----------------------


def test_a_handout_after_a_page_visit_computes_neither_again(
        client: TestClient, admin: dict[str, str], waves: dict[str, Any],  # noqa: F811
        layouts: list[int], searches: list[int]) -> None:
    """The alliance page asks for the map's layout and three key players; the PDF then computes
    neither (and the other way round: after a PDF, the page finds both)."""
    assert client.get(url(waves, "layout"), headers=admin).status_code == 200
    assert client.get(url(waves, "whatif"), headers=admin, params={"key_players": 3}).status_code == 200
    assert len(layouts) == 1 and searches == [3]
    printed = client.get(url(waves, "report.pdf"), headers=admin)
    assert printed.status_code == 200, printed.text
    assert len(layouts) == 1 and searches == [3]
    older = client.get(url(waves, "report.pdf"), headers=admin, params={"wave": "2023"})
    assert older.status_code == 200 and len(layouts) == 2 and searches == [3, 3]
    assert client.get(url(waves, "layout"), headers=admin, params={"wave": "2023"}).status_code == 200
    assert client.get(url(waves, "whatif"), headers=admin,
                      params={"key_players": 3, "wave": "2023"}).status_code == 200
    assert len(layouts) == 2 and searches == [3, 3]
