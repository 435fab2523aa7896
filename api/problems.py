"""Errors as ``application/problem+json`` (RFC 9457), translated in one place.

netz raises its own exceptions and knows nothing of HTTP; here they become
problem responses: input problems 422 with every problem's file, row and
column; a lost database 503 (the service recovers by itself when it returns);
anything unexpected 500 with a generic detail (the traceback goes to the log,
never to the client).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.types import Scope, Send

from api.db import refused_connection
from netz.analysis.privacy import SinglesOutActors
from netz.core.errors import MAX_LISTED_PROBLEMS, InputError, NetzError, Problem, UnknownNameError
from netz.messages import catalogue, message, negotiate

__all__ = ["PROBLEM_TYPE", "InvalidValue", "Refusal", "install", "problem", "request_language",
           "scope_language", "send_problem", "title", "validation_text", "warning_texts"]

PROBLEM_TYPE = "application/problem+json"

_log = logging.getLogger(__name__)


class Refusal(HTTPException):
    """An HTTP error whose detail is a message of the catalogue (``key`` with ``params``), said in
    the language the client reads (:func:`request_language`); ``detail`` holds the English text
    for logs and for code that reads it."""

    def __init__(self, status: int, key: str, *, headers: Mapping[str, str] | None = None,
                 **params: Any) -> None:
        super().__init__(status, message(key, "en", **params), dict(headers) if headers else None)
        self.key, self.params = key, params

    def text(self, lang: str) -> str:
        return message(self.key, lang, **self.params)


class InvalidValue(NetzError, ValueError):
    """A value one of netz's own checks of a request (or of a setting) refuses, as a message key
    with parameters: raised in a pydantic validator, it is a ``ValueError`` to pydantic, and
    :func:`validation_text` says it in the client's language."""


def request_language(request: Request) -> str:
    """The language to answer ``request`` in: the best of ours for its ``Accept-Language``, and
    German (:data:`netz.messages.DEFAULT_LANGUAGE`) for a request that names none of ours — the
    people netz is for read German; a program that wants English says ``Accept-Language: en``."""
    return negotiate(request.headers.get("accept-language"))


def scope_language(scope: Scope) -> str:
    """:func:`request_language` for a raw ASGI request: a middleware answers before Starlette has
    made a :class:`Request` of it, from the scope's headers (lower-case bytes)."""
    accepted = next((value for name, value in scope.get("headers", ()) if name == b"accept-language"), None)
    return negotiate(accepted.decode("latin-1") if accepted is not None else None)


def title(status: int, lang: str) -> str:
    """A problem's title in ``lang``: ``problem.title.<status>`` from the catalogue, the status's
    English phrase for a status the catalogue does not word."""
    key = f"problem.title.{status}"
    return message(key, lang) if key in catalogue(lang) else _phrase(status)


def warning_texts(warnings: Sequence[Problem], request: Request) -> list[str]:
    """What reading an alliance's data noticed (``Alliance.warnings``), each with its file, row
    and column, in the language of ``request`` (:func:`request_language`): as an input error's
    problems are said, since a warning is a problem that did not stop the import."""
    lang = request_language(request)
    return [warning.text(lang) for warning in warnings]


def validation_text(error: Mapping[str, Any], lang: str) -> str:
    """One of pydantic's validation errors (a request's body, query or path) in ``lang``: from the
    catalogue (``request.invalid.<type>``, its placeholders filled from pydantic's ``ctx``) for the
    common types (missing, wrong type, too long or short, out of range, not an allowed value, a
    field not asked for); netz's own checks (an :class:`InvalidValue`, or any
    :class:`~netz.core.errors.NetzError` a validator passes on) by their message key; pydantic's
    English text for the rest.

    >>> validation_text({"type": "string_too_long", "msg": "…", "ctx": {"max_length": 200}}, "de")
    'Höchstens 200 Zeichen'
    >>> deep = InvalidValue("request.invalid.too_deep", levels=32)
    >>> validation_text({"type": "value_error", "msg": "…", "ctx": {"error": deep}}, "de")
    'Listen und Zuordnungen dürfen höchstens 32 Ebenen tief verschachtelt sein'
    >>> validation_text({"type": "url_scheme", "msg": "URL scheme should be 'http'"}, "de")
    "URL scheme should be 'http'"
    """
    own = (error.get("ctx") or {}).get("error")
    if isinstance(own, NetzError):
        return own.text(lang)
    key = f"request.invalid.{error['type']}"
    if key not in catalogue(lang):
        return str(error["msg"])
    params = {name: str(int(value) if isinstance(value, float) and value.is_integer() else value)
              for name, value in (error.get("ctx") or {}).items()}  # a bound 0.0 said as 0
    if "expected" in params:  # pydantic lists the allowed values in English: "'a', 'b' or 'c'"
        params["expected"] = params["expected"].replace(" or ", message("request.invalid.or", lang))
    return message(key, lang, **params)


def problem(status: int, title: str, detail: str, *, headers: Mapping[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE, headers=headers)


async def send_problem(send: Send, lang: str, status: int, key: str, *,
                       headers: Sequence[tuple[bytes, bytes]] = (), title_key: str | None = None,
                       **params: Any) -> None:
    """Answer a problem from an ASGI middleware, before the application has seen the request:
    the detail is the catalogue's ``key`` with ``params``, the title ``title_key``'s or the
    status's (:func:`title`), both in ``lang`` (:func:`scope_language`)."""
    heading = message(title_key, lang) if title_key else title(status, lang)
    body = json.dumps({"type": "about:blank", "title": heading, "status": status,
                       "detail": message(key, lang, **params)}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", PROBLEM_TYPE.encode()),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


def install(app: FastAPI) -> None:
    """Register the exception handlers."""

    @app.exception_handler(InputError)
    async def input_error(request: Request, error: InputError) -> JSONResponse:
        lang = request_language(request)
        return problem(422, message("input.title", lang), error.text(lang),
                       problems=[p.to_dict(lang) for p in error.problems[:MAX_LISTED_PROBLEMS]],
                       problem_count=len(error.problems))

    @app.exception_handler(SinglesOutActors)
    async def singles_out(request: Request, error: SinglesOutActors) -> JSONResponse:
        lang = request_language(request)
        return problem(403, title(403, lang), error.text(lang))

    # netz's errors say what went wrong as a message key: title and detail in the request's language.
    @app.exception_handler(UnknownNameError)
    async def unknown_choice(request: Request, error: UnknownNameError) -> JSONResponse:
        lang = request_language(request)
        return problem(422, message("problem.title.unknown_name", lang), error.text(lang),
                       parameter=error.parameter, name=error.name, accepted=error.accepted)

    @app.exception_handler(NetzError)
    async def netz_error(request: Request, error: NetzError) -> JSONResponse:
        lang = request_language(request)
        return problem(422, title(422, lang), error.text(lang))

    # Starlette's HTTPException, which FastAPI's extends: so that Starlette's own errors
    # (no such route, method not allowed, an unreadable body) are problems too.
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        lang = request_language(request)
        return problem(error.status_code, title(error.status_code, lang), _detail(error, lang),
                       headers=error.headers)

    @app.exception_handler(StaleDataError)
    async def changed_meanwhile(request: Request, error: StaleDataError) -> JSONResponse:
        # Another request changed the alliance between this one's If-Match check and its write.
        lang = request_language(request)
        return problem(412, title(412, lang), message("problem.revision.changed", lang))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        lang = request_language(request)
        errors = [{"location": ".".join(str(p) for p in e["loc"]), "code": e["type"],
                   "message": validation_text(e, lang)} for e in error.errors()]
        detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors)
        return problem(422, message("request.invalid.title", lang), detail, errors=errors)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def database_down(request: Request, error: Exception) -> JSONResponse:
        why = "problem.database.full" if refused_connection(error) else "problem.database.unreachable"
        return _database_problem(why, request_language(request))

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, error: DBAPIError) -> JSONResponse:
        if error.connection_invalidated:
            return _database_problem("problem.database.lost", request_language(request))
        raise error

    # Starlette runs the handler for Exception last, outside every other middleware, for what no
    # handler above took (a bug): the client gets a problem, not a plain-text "Internal Server
    # Error", and nothing of the exception (it may hold names or SQL).
    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        _log.error("unexpected error in %s %s", request.method, request.url.path, exc_info=error)
        lang = request_language(request)
        return problem(500, title(500, lang), message("problem.unexpected", lang))


def _detail(error: HTTPException, lang: str) -> str:
    """An HTTP error's detail in ``lang``: a :class:`Refusal`'s message; for Starlette's own errors
    (no such route, a method the route does not take), which say only their status's phrase,
    ``problem.detail.<status>`` (or the title); any other detail as it is."""
    if isinstance(error, Refusal):
        return error.text(lang)
    if error.detail == _phrase(error.status_code):
        key = f"problem.detail.{error.status_code}"
        return message(key, lang) if key in catalogue(lang) else title(error.status_code, lang)
    return str(error.detail)


def _database_problem(key: str, lang: str) -> JSONResponse:
    """503 for a database that cannot take the request now; the client may retry in 5 s."""
    return problem(503, message("problem.title.database", lang), message(key, lang),
                   headers={"Retry-After": "5"})


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
