"""Query parameters that several routes share, with the descriptions the API documentation shows,
and the matching of filter values the way import matches what it reads.

A filter that silently matches nothing is a trap: ``?type=Kirche`` found no actor, since reports
store the canonical type (``church``). Filters take what import takes: actor types through
:func:`netz.core.vocabulary.canonical_type` (an unknown one is a 422 listing the accepted types), Land
and programme in any case and spelling (:func:`netz.core.vocabulary.fold`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator

from netz.core.errors import UnknownNameError
from netz.core.vocabulary import LAENDER, fold

__all__ = ["ActorType", "GroupBy", "Land", "Programme", "Wave", "check_names", "no_wave", "same_name"]

GroupBy = Annotated[str, Query(
    description="The actor attribute that defines groups for mixing, brokerage roles and gaps "
                "(default `type`; any case).")]
def no_wave(wave: str | None) -> str | None:
    """An empty ``?wave=`` is no wave (the latest), on every route alike, in the report cache's key too.

    >>> no_wave(""), no_wave(None), no_wave("2024")
    (None, None, '2024')
    """
    return wave or None


Wave = Annotated[str | None, Query(
    description="The survey wave to analyse (default, and empty: the latest; an unknown one is a 422 "
                "listing the waves)."), AfterValidator(no_wave)]
Land = Annotated[str | None, Query(
    description="Only alliances of this Land (Bundesland), in any case and spelling "
                "(`baden-wuerttemberg` finds `Baden-Württemberg`).")]
Programme = Annotated[str | None, Query(
    description="Only alliances of this funding programme, in any case and spelling.")]
ActorType = Annotated[str | None, Query(
    description="Only actors of this type: a canonical type (`church`) or any name import accepts "
                "(`Kirche`, `Kirchengemeinde`), in any case; an unknown one is a 422 listing the types.")]


def same_name(stored: str | None, wanted: str | None) -> bool:
    """Whether a stored Land or programme is the one a filter asks for (no filter: always).

    Compared after :func:`netz.core.vocabulary.fold` (case, umlauts, spaces and punctuation), as
    import compares names, so that ``?land=bayern`` finds ``Bayern``.

    >>> same_name("Baden-Württemberg", "baden wuerttemberg"), same_name("Bayern", None)
    (True, True)
    >>> same_name(None, "Bayern"), same_name("Hessen", "Bayern")
    (False, False)
    """
    return wanted is None or (stored is not None and fold(stored) == fold(wanted))


def check_names(lands: Iterable[str | None], programmes: Iterable[str | None], land: str | None,
                programme: str | None) -> None:
    """Refuse (422, listing the accepted names) a ``land`` that is neither one of :data:`LAENDER`
    nor the Land of one of the alliances looked at, and a ``programme`` that none of them has:
    a filter that cannot match anything is a typo, not an empty answer.

    >>> check_names(["Hessen"], ["WIR"], "hessen", "wir")
    >>> check_names([], [], "Atlantis", None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netz.core.errors.UnknownNameError: no Land 'Atlantis'; Länder: Baden-Württemberg, Bayern, ...
    """
    for parameter, wanted, known in (("land", land, [*LAENDER, *lands]),
                                     ("programme", programme, list(programmes))):
        names = sorted({name for name in known if name}, key=fold)
        if wanted is not None and not any(same_name(name, wanted) for name in names):
            raise UnknownNameError(f"error.name.{parameter}", name=wanted, accepted=names,
                                   heading=f"error.name.heading.{parameter}", parameter=parameter)
