"""The health scorecard: each indicator against a hand computation, its band at the limits."""

from __future__ import annotations

import json
import math

import networkx as nx
import pandas as pd
import pytest

from netz.analysis.health import INDICATORS, Bands, Indicator, health
from netz.analysis.report import analyse
from netz.analysis.survey import reports_frame, wave_response, with_wave_response
from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph, to_networkx
from netz.core.metrics import actor_metrics
from netz.core.model import Alliance
from netz.messages import catalogue
from tests.factories import make_alliance

# -- helpers ---------------------------------------------------------------------------------------


def scorecard(alliance: Alliance, *, bands: Bands | None = None,
              group_by: str = "type") -> dict[str, Indicator]:
    g = to_igraph(alliance)
    metrics = actor_metrics(g, group_by=group_by)
    wave = alliance.waves[-1] if alliance.waves else None
    indicators = health(g, metrics, alliance.ties, group_by=group_by, bands=bands,
                        response=wave_response(alliance.meta, wave))
    return {i.indicator: i for i in indicators}


def value(alliance: Alliance, indicator: str) -> float | None:
    return scorecard(alliance)[indicator].value


def rated(alliance: Alliance, indicator: str, **limits: float) -> str:
    return scorecard(alliance, bands=Bands().updated(**limits))[indicator].band


def clique_ties(ids: str) -> list[tuple[str, str]]:
    return [(u, v) for i, u in enumerate(ids) for v in ids[i + 1:]]


def rated_alliance(ratings: dict[str, list[object]], directed: bool = False) -> Alliance:
    """Three actors on a path a–b–c–d… with one tie per rating, rating columns as given."""
    count = len(next(iter(ratings.values())))
    ids = [chr(ord("a") + i) for i in range(count + 1)]
    actors = pd.DataFrame({"id": ids, "name": [i.upper() for i in ids],
                           "type": ["church", "refugee", "welfare", "municipality", "initiative"][: count + 1]
                           if count < 5 else ["other"] * (count + 1)})
    ties = pd.DataFrame({"source": ids[:-1], "target": ids[1:], **ratings})
    return Alliance.from_frames(actors, ties, directed=directed)


#: Triangle a-b-c, pair d–e, isolate f.
SPLIT = make_alliance(["initiative", "church", "welfare", "municipality", "refugee", "education"],
                      [("a", "b"), ("b", "c"), ("a", "c"), ("d", "e")])


# -- indicators by hand --------------------------------------------------------------------------------


def test_indicators_in_order_undirected() -> None:
    assert list(scorecard(SPLIT)) == ["connectedness", "cohesion", "cross_sector_integration",
                                      "dependence_on_single_actors", "refugee_participation"]
    assert [i for i in INDICATORS if i in scorecard(SPLIT)] == list(scorecard(SPLIT))


def test_connectedness_is_the_share_in_the_largest_part() -> None:
    card = scorecard(SPLIT)
    assert card["connectedness"].value == 0.5  # 3 of 6
    assert card["connectedness"].band == "concern"
    assert "50\u00a0%" in card["connectedness"].explanation["de"]
    # Survey data: a → b, c → b is one (weakly) connected part.
    directed = make_alliance(["church", "refugee", "welfare"], [("a", "b"), ("c", "b")], directed=True)
    assert value(directed, "connectedness") == 1.0


def test_cohesion_is_the_mean_number_of_partners() -> None:
    assert value(SPLIT, "cohesion") == pytest.approx(2 * 4 / 6)
    # A reciprocated pair of nominations is one partnership: partners 1, 2, 1.
    directed = make_alliance(["church", "refugee", "welfare"], [("a", "b"), ("b", "a"), ("b", "c")],
                             directed=True)
    assert value(directed, "cohesion") == pytest.approx(4 / 3)
    assert "1,3 Partnern" in scorecard(directed)["cohesion"].explanation["de"]
    assert "1.3 partners" in scorecard(directed)["cohesion"].explanation["en"]


def test_cross_sector_integration_counts_pairs_of_core_sectors() -> None:
    """Core sectors present: initiative, church, welfare, municipality (6 pairs); linked:
    initiative–church and church–welfare. The school's tie and the tie within initiatives
    do not count."""
    alliance = make_alliance(["initiative", "initiative", "church", "welfare", "municipality", "education"],
                             [("a", "b"), ("a", "c"), ("c", "d"), ("d", "f")])
    card = scorecard(alliance)
    assert card["cross_sector_integration"].value == pytest.approx(2 / 6)
    assert card["cross_sector_integration"].explanation["de"].startswith("2 von 6 Paaren")


def test_cross_sector_integration_by_another_attribute() -> None:
    groups = {"a": {"bezirk": "Nord"}, "b": {"bezirk": "Nord"}, "c": {"bezirk": "Süd"},
              "d": {"bezirk": "Mitte"}}
    alliance = make_alliance(["initiative"] * 4, [("a", "b"), ("b", "c")], attributes=groups)
    card = scorecard(alliance, group_by="bezirk")
    # Nord–Süd linked, Nord–Mitte and Süd–Mitte not; all groups count, not only core types.
    assert card["cross_sector_integration"].value == pytest.approx(1 / 3)
    assert "„bezirk“" in card["cross_sector_integration"].explanation["de"]


def test_cross_sector_integration_undefined_with_one_sector() -> None:
    alliance = make_alliance(["church", "church", "education"], [("a", "b"), ("b", "c")])
    indicator = scorecard(alliance)["cross_sector_integration"]
    assert (indicator.value, indicator.band) == (None, "watch")
    assert "Weniger als zwei" in indicator.explanation["de"]


def test_dependence_is_the_largest_share_of_betweenness() -> None:
    path = make_alliance(["initiative", "church", "welfare", "refugee", "municipality"],
                         [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    card = scorecard(path)
    # Betweenness 0, 3, 4, 3, 0: c holds 4/10.
    assert card["dependence_on_single_actors"].value == pytest.approx(0.4)
    assert card["dependence_on_single_actors"].band == "watch"
    assert "über C" in card["dependence_on_single_actors"].explanation["de"]
    assert "betweenness" not in card["dependence_on_single_actors"].explanation["en"].lower()
    G = to_networkx(path)
    between = nx.betweenness_centrality(G, normalized=False)
    share = max(between.values()) / sum(between.values())
    assert card["dependence_on_single_actors"].value == pytest.approx(share)
    star = make_alliance(["municipality", "initiative", "church"], [("a", "b"), ("a", "c")])
    assert value(star, "dependence_on_single_actors") == 1.0
    assert scorecard(star)["dependence_on_single_actors"].band == "concern"


def test_dependence_when_nobody_is_between() -> None:
    complete = make_alliance(["initiative", "church", "welfare", "refugee"], clique_ties("abcd"))
    indicator = scorecard(complete)["dependence_on_single_actors"]
    assert (indicator.value, indicator.band) == (0.0, "good")
    assert "Niemand vermittelt" in indicator.explanation["de"]
    pair = scorecard(make_alliance(["church", "refugee"], [("a", "b")]))["dependence_on_single_actors"]
    assert (pair.value, pair.band) == (None, "watch")


def test_refugee_participation() -> None:
    """r1: two partners in the main part (counts); r2: one partner; r3: two partners, but in
    another part. 1 of 3."""
    types = {"a": "initiative", "b": "church", "c": "welfare", "d": "municipality",
             "r1": "refugee", "r2": "refugee", "r3": "refugee", "x": "association", "y": "association"}
    ties = [*clique_ties("abcd"), ("r1", "a"), ("r1", "b"), ("r2", "c"), ("r3", "x"), ("r3", "y")]
    indicator = scorecard(make_alliance(types, ties))["refugee_participation"]
    assert indicator.value == pytest.approx(1 / 3)
    assert indicator.band == "concern"
    assert indicator.explanation["de"].startswith("1 von 3 Organisationen")


def test_refugee_participation_in_survey_data_needs_naming_partners() -> None:
    """r is named by a and b but names nobody: two partners, yet not taking part."""
    types = {"a": "initiative", "b": "church", "r": "refugee", "s": "refugee"}
    ties = [("a", "b"), ("b", "a"), ("a", "r"), ("b", "r"), ("s", "a"), ("s", "b")]
    indicator = scorecard(make_alliance(types, ties, directed=True))["refugee_participation"]
    assert indicator.value == 0.5
    assert "nennen selbst Partner" in indicator.explanation["de"]


def test_no_refugee_organisation_is_a_concern() -> None:
    indicator = scorecard(make_alliance(["church", "welfare"], [("a", "b")]))["refugee_participation"]
    assert (indicator.value, indicator.band) == (0.0, "concern")
    assert "Keine Organisation von Geflüchteten" in indicator.explanation["de"]


def test_reciprocity_only_for_survey_data() -> None:
    """a ↔ b, a → c, c → d: one mutual pair and two one-sided ones, 2·1/(2·1 + 2) = 0.5."""
    ties = [("a", "b"), ("b", "a"), ("a", "c"), ("c", "d")]
    alliance = make_alliance(["initiative", "church", "refugee", "welfare"], ties, directed=True)
    indicator = scorecard(alliance)["reciprocity"]
    assert indicator.value == pytest.approx(0.5)
    assert indicator.value == pytest.approx(nx.overall_reciprocity(to_networkx(alliance)))
    assert indicator.band == "good"  # 0.5 is the lower limit of good
    assert "50\u00a0% der Nennungen" in indicator.explanation["de"]
    assert "reciprocity" not in scorecard(make_alliance(["initiative", "church"], [("a", "b")]))


@pytest.mark.parametrize("seed", range(5))
def test_reciprocity_matches_networkx(seed: int) -> None:
    G = nx.gnp_random_graph(12, 0.25, seed=seed, directed=True)
    ids = [f"v{i:02d}" for i in G]
    alliance = make_alliance({v: "other" for v in ids}, [(ids[u], ids[v]) for u, v in G.edges], directed=True)
    assert value(alliance, "reciprocity") == pytest.approx(nx.overall_reciprocity(G), abs=1e-6)


# -- trust and value ------------------------------------------------------------------------------------


def test_ratings_only_when_the_ties_carry_them() -> None:
    assert "trust" not in scorecard(SPLIT) and "value" not in scorecard(SPLIT)
    card = scorecard(rated_alliance({"trust": [4, 3, 4, 2]}))
    assert "trust" in card and "value" not in card


@pytest.mark.parametrize(("answers", "expected", "scale"), [
    ([4, 3, 4, 2], (3.25 - 1) / 3, "1 bis 4"),   # PARTNER's four points
    ([1, 1, 1, 1], 0.0, "1 bis 4"),
    ([5, 3, 4, 4], (4 - 1) / 4, "1 bis 5"),       # an answer of 5: a five-point scale
    ([7, 10, 4, 3], (6 - 1) / 9, "1 bis 10"),     # above 5: the largest answer is the top
    ([0, 4, 2, 2], 2 / 4, "0 bis 4"),             # an answer of 0: the scale starts at 0
])
def test_trust_is_the_mean_answer_placed_on_the_scale(answers: list[int], expected: float,
                                                      scale: str) -> None:
    indicator = scorecard(rated_alliance({"trust": answers}))["trust"]
    assert indicator.value == pytest.approx(expected, abs=1e-6)
    assert 0.0 <= indicator.value <= 1.0
    assert f"Skala von {scale}" in indicator.explanation["de"]
    # in plain words: no research tool's name in what coordinators read
    assert not any("PARTNER" in text or "tool" in text or "Werkzeug" in text
                   for text in indicator.explanation.values())


@pytest.mark.parametrize(("column", "indicator"), [("trust", "trust"), ("Vertrauen", "trust"),
                                                    ("value", "value"), ("Nutzen", "value"),
                                                    ("Mehrwert", "value"), ("WERT", "value")])
def test_rating_columns_in_german_and_english(column: str, indicator: str) -> None:
    assert value(rated_alliance({column: [4, 4, 1, 3]}), indicator) == pytest.approx(2 / 3, abs=1e-6)


def test_ratings_ignore_blanks_and_text() -> None:
    card = scorecard(rated_alliance({"vertrauen": ["3", "n/a", None, "4"], "nutzen": [None] * 4}))
    assert card["trust"].value == pytest.approx((3.5 - 1) / 3, abs=1e-6)
    assert "value" not in card


def test_ratings_follow_the_wave() -> None:
    """The report's scorecard rates only the ties of the wave it describes."""
    actors = pd.DataFrame({"id": list("abc"), "name": list("ABC"), "type": ["church", "refugee", "welfare"]})
    ties = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "c", "c"],
                         "wave": ["2019", "2020", "2020"], "trust": [1, 4, 4]})
    alliance = Alliance.from_frames(actors, ties)
    latest = {i.indicator: i.value for i in analyse(alliance).health}
    first = {i.indicator: i.value for i in analyse(alliance, wave="2019").health}
    every = {i.indicator: i.value for i in analyse(alliance, wave="all").health}
    assert (latest["trust"], first["trust"], every["trust"]) == (1.0, 0.0, pytest.approx(2 / 3, abs=1e-6))


@pytest.mark.parametrize(("answered", "band"), [(12, "good"), (10, "good"), (9, "watch"), (6, "watch"),
                                                (5, "concern"), (0, "concern")])
def test_data_quality_is_the_survey_response_rate(answered: int, band: str) -> None:
    """Good from 80 % (10 of 12 is 83 %), watch from 50 % (6 of 12), else concern; said in words."""
    g = to_igraph(SPLIT)
    card = {i.indicator: i for i in health(g, actor_metrics(g), SPLIT.ties, response=(answered, 12))}
    quality = card["data_quality"]
    assert (quality.value, quality.band) == (pytest.approx(answered / 12, abs=1e-6), band)
    assert quality.params["answered"] == answered and quality.params["asked"] == 12
    german = quality.explanation["de"]
    assert german.startswith(f"{answered} von 12 Organisationen")
    assert "Gut ab 80\u00a0%, bedenklich unter 50\u00a0%" in german
    assert "vermittelt" in german  # why fragile figures carry a caveat


def test_data_quality_only_for_waves_from_a_survey() -> None:
    """The report's scorecard has the indicator for a wave whose metadata records a survey's
    response, and not for another wave, all waves together or an alliance without surveys."""
    actors = pd.DataFrame({"id": list("abc"), "name": list("ABC"), "type": ["church", "refugee", "welfare"]})
    ties = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "c", "c"],
                         "wave": ["2019", "2020", "2020"]})
    answers = reports_frame([{"reporter": "b", "partner": "c"}], list("abc"))
    surveyed = Alliance.from_frames(actors, ties, meta=with_wave_response({"name": "B"}, "2020", answers,
                                                                          list("abc"), ["b", "c"]))
    latest = {i.indicator: i for i in analyse(surveyed).health}
    assert latest["data_quality"].value == pytest.approx(2 / 3, abs=1e-6)
    assert latest["data_quality"].band == "watch"
    assert "data_quality" not in {i.indicator for i in analyse(surveyed, wave="2019").health}
    assert "data_quality" not in {i.indicator for i in analyse(surveyed, wave="all").health}
    plain = Alliance.from_frames(actors, ties)
    assert "data_quality" not in {i.indicator for i in analyse(plain).health}
    # an entry edited by hand into something else is no survey, not an error
    for broken in ({"2020": {"answered": 5, "asked": 3}}, {"2020": "most"}, ["2020"],
                   {"2020": {"answered": True, "asked": 3}}):
        odd = Alliance.from_frames(actors, ties, meta={"survey_response": broken})
        assert "data_quality" not in {i.indicator for i in analyse(odd).health}


# -- bands -------------------------------------------------------------------------------------------------


HIGHER_IS_BETTER = [
    ("connectedness", SPLIT, "connectedness_good", "connectedness_watch"),
    ("cohesion", SPLIT, "cohesion_good", "cohesion_watch"),
    ("refugee_participation",
     make_alliance(["refugee", "refugee", "church", "welfare"], [("a", "c"), ("a", "d"), ("b", "c")]),
     "refugee_good", "refugee_watch"),
    ("cross_sector_integration", SPLIT, "cross_sector_good", "cross_sector_watch"),
    ("reciprocity",
     make_alliance(["church", "refugee", "welfare"], [("a", "b"), ("b", "a"), ("a", "c")], directed=True),
     "reciprocity_good", "reciprocity_watch"),
    ("trust", rated_alliance({"trust": [4, 3, 2, 2]}), "rating_good", "rating_watch"),
    ("value", rated_alliance({"nutzen": [4, 3, 2, 2]}), "rating_good", "rating_watch"),
    ("data_quality", Alliance.from_frames(SPLIT.actors, SPLIT.ties.assign(wave="1"),
                                          meta={"survey_response": {"1": {"answered": 7, "asked": 9}}}),
     "response_good", "response_watch"),
]


@pytest.mark.parametrize(("indicator", "alliance", "good", "watch"), HIGHER_IS_BETTER,
                         ids=[case[0] for case in HIGHER_IS_BETTER])
def test_band_limits_higher_is_better(indicator: str, alliance: Alliance, good: str, watch: str) -> None:
    """A value on the good limit is good; just below, watch; on the watch limit, watch; below, concern."""
    x = value(alliance, indicator)
    assert x is not None and x > 0
    above = math.nextafter(x, math.inf)
    assert rated(alliance, indicator, **{good: x, watch: 0.0}) == "good"
    assert rated(alliance, indicator, **{good: above, watch: 0.0}) == "watch"
    assert rated(alliance, indicator, **{good: above, watch: x}) == "watch"
    assert rated(alliance, indicator, **{good: above, watch: above}) == "concern"


def test_band_limits_for_dependence_lower_is_better() -> None:
    """Good strictly below the good limit, concern from the watch limit on."""
    path = make_alliance(["initiative", "church", "welfare", "refugee", "municipality"],
                         [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    x = value(path, "dependence_on_single_actors")
    assert x == pytest.approx(0.4)
    above = math.nextafter(x, math.inf)  # type: ignore[arg-type]
    name = "dependence_on_single_actors"
    assert rated(path, name, dependence_good=above, dependence_watch=1.0) == "good"
    assert rated(path, name, dependence_good=x, dependence_watch=1.0) == "watch"  # type: ignore[arg-type]
    assert rated(path, name, dependence_good=0.1, dependence_watch=above) == "watch"
    assert rated(path, name, dependence_good=0.1, dependence_watch=x) == "concern"  # type: ignore[arg-type]


def test_default_bands() -> None:
    """The documented defaults (docs/metrics.md)."""
    b = Bands()
    assert (b.connectedness_good, b.connectedness_watch) == (0.90, 0.75)
    assert (b.cohesion_good, b.cohesion_watch) == (4.0, 2.0)
    assert (b.cross_sector_good, b.cross_sector_watch) == (0.80, 0.50)
    assert (b.dependence_good, b.dependence_watch) == (0.25, 0.50)
    assert (b.refugee_good, b.refugee_watch) == (0.75, 0.40)
    assert (b.reciprocity_good, b.reciprocity_watch) == (0.50, 0.30)
    assert (b.rating_good, b.rating_watch) == (0.75, 0.50)
    assert (b.response_good, b.response_watch) == (0.80, 0.50)


def test_explanations_say_the_limits() -> None:
    card = scorecard(SPLIT, bands=Bands(cohesion_good=3.5))
    assert card["cohesion"].explanation["de"].endswith("Gut ab 3,5, bedenklich unter 2,0.")
    assert card["connectedness"].explanation["en"].endswith("Good from 90%, a concern below 75%.")
    dependence = card["dependence_on_single_actors"].explanation["de"]
    assert dependence.endswith("Gut unter 25\u00a0%, bedenklich ab 50\u00a0%.")


def test_bands_updated_and_unknown_names() -> None:
    changed = Bands().updated(cohesion_good="3", rating_watch="0.4")
    assert (changed.cohesion_good, changed.rating_watch) == (3.0, 0.4)
    with pytest.raises(UnknownNameError) as error:
        Bands().updated(cohesion=3)
    assert "cohesion" in str(error.value) and "cohesion_good" in str(error.value)


def test_indicator_records_are_json_ready() -> None:
    for indicator in scorecard(rated_alliance({"trust": [4, 3, 2, 2]}, directed=True)).values():
        data = indicator.to_dict()
        assert set(data) == {"indicator", "value", "band", "message", "params", "note", "explanation",
                             "description"}
        assert set(data["description"]) == {"de", "de-simple", "en"}  # Einfache Sprache too
        assert data["band"] in ("good", "watch", "concern")
        assert set(data["explanation"]) == {"de", "en"}
        assert data["message"].startswith("health.") and data["message"] in catalogue("de")
        assert json.loads(json.dumps(data, allow_nan=False)) == data
        assert data["value"] is None or isinstance(data["value"], float)


def test_empty_alliance_has_a_scorecard() -> None:
    card = scorecard(make_alliance(["church"], []))
    assert card["connectedness"].value == 1.0
    assert card["cohesion"].value == 0.0
    assert card["dependence_on_single_actors"].value is None


def test_cross_sector_finding_counts_actors_without_type() -> None:
    alliance = make_alliance({"a": "church", "b": "municipality", "c": "other", "d": "other"},
                             [("a", "b"), ("b", "c"), ("c", "d")])
    indicator = scorecard(alliance)["cross_sector_integration"]
    assert indicator.params["untyped"] == 2
    german = indicator.explanation["de"]
    assert "Akteure ohne bekannten Typ („Sonstige“), die zu keinem Bereich zählen: 2" in german
    assert "counted in no sector: 2" in indicator.explanation["en"]
    typed = make_alliance({"a": "church", "b": "municipality"}, [("a", "b")])
    assert "untyped" not in scorecard(typed)["cross_sector_integration"].params


def test_the_note_on_other_fits_who_reads_it() -> None:
    """The coordinator is asked to fill in the types of the actors in "Sonstige"; whoever reads a
    de-identified alliance (researchers), whose rare types were pooled there for privacy, cannot
    and should not: the note says why they are there (defect: "tragen Sie ihren Typ nach" on a
    researcher's card)."""
    alliance = make_alliance({"a": "church", "b": "municipality", "c": "other", "d": "other"},
                             [("a", "b"), ("b", "c"), ("c", "d")])
    own = scorecard(alliance)["cross_sector_integration"]
    assert own.note == "health.untyped" and "tragen Sie ihren Typ nach" in own.explanation["de"]
    g = to_igraph(alliance)
    pooled = {i.indicator: i for i in health(g, actor_metrics(g), alliance.ties, types_pooled=True)}
    card = pooled["cross_sector_integration"]
    assert card.note == "health.untyped_pooled" and card.to_dict()["note"] == "health.untyped_pooled"
    assert card.params["untyped"] == 2
    assert "tragen Sie" not in card.explanation["de"] and "fill in" not in card.explanation["en"]
    assert "2 Akteure zählen als „Sonstige“" in card.explanation["de"]
    assert "zum Schutz der Daten" in card.explanation["de"]
    assert "to protect the data" in card.explanation["en"]


def test_a_deidentified_alliance_says_its_types_are_pooled() -> None:
    """The rule lives with the alliance: every analysis of the de-identified alliance (report,
    handout, what-if) words the note for its readers."""
    from netz.analysis.privacy import deidentify

    types = {"a": "church", "b": "church", "c": "municipality", "d": "municipality", "e": "welfare"}
    alliance = make_alliance(types, [("a", "c"), ("b", "d"), ("c", "e"), ("a", "b")])
    seen = deidentify(alliance, b"k" * 32, "1", min_group=2)
    card = {i.indicator: i for i in analyse(seen).health}["cross_sector_integration"]
    assert card.note == "health.untyped_pooled"
    assert {i.indicator: i for i in analyse(alliance).health}["cross_sector_integration"].note is None


def test_descriptions_say_what_is_measured_and_whether_high_is_good() -> None:
    """A funder's card has no finding (it may name an actor): its description says what the
    indicator measures, which way is good, and the band limits, naming no actor."""
    alliance = rated_alliance({"trust": [4, 3, 2, 2], "value": [1, 2, 3, 4]}, directed=True)
    cards = scorecard(alliance)
    for name, card in cards.items():
        for lang in ("de", "en"):
            text = card.description[lang]
            assert f"health.about.{name}" not in text and "{" not in text, (name, lang, text)
            assert not any(str(actor) in text.split() for actor in alliance.actors["name"]), text
    dependence = cards["dependence_on_single_actors"].description
    assert "Niedriger ist besser" in dependence["de"]
    assert "Gut unter 25\u00a0%, bedenklich ab 50\u00a0%." in dependence["de"]
    assert "Lower is better" in dependence["en"]
    assert "Höher ist besser" in cards["cohesion"].description["de"]
    assert "Gut ab 4,0, bedenklich unter 2,0." in cards["cohesion"].description["de"]
    # in Einfache Sprache: short sentences, the same limits
    assert "Weniger ist besser." in dependence["de-simple"]
    assert "Gut unter 25\u00a0%, bedenklich ab 50\u00a0%." in dependence["de-simple"]
