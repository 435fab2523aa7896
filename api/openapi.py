"""The OpenAPI document states what the service enforces, so valid-looking requests are not
rejected by surprise.

FastAPI documents what a handler's signature says. What the service checks beyond it is added
here, once, to the generated document: every error is ``application/problem+json``
(:data:`PROBLEM_SCHEMA`) and each operation lists the errors it can answer — 401 without a valid
key, 403/404 for alliances and jobs, 412/428 for writes, whose ``If-Match`` header is required
(the service answers its absence with 428, not 422), 413 for bodies over ``max_upload_bytes``,
415 for an import whose file suffix is not accepted, 429 for rate limits and too many unfinished
jobs (with ``Retry-After``), 503 while the database cannot be reached. The rules of what-if
(``remove`` or ``key_players``) and of the import's file are in their descriptions.
"""

from __future__ import annotations

from typing import Any

from api.routes.analysis import EXPORT_FORMATS
from api.uploads import IMPORT_SUFFIXES

__all__ = ["PROBLEM_SCHEMA", "declare_enforced"]

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error (RFC 9457). Some carry more members: `problems` (input errors, each with "
                   "file, row, column, code, params and message; the first 100, `problem_count` says how "
                   "many there are; worded in the language of `Accept-Language`, German or English), "
                   "`errors` (invalid parameters), `parameter`, `name` and `accepted` (an unknown group_by "
                   "or wave).",
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}},
    "required": ["type", "title", "status", "detail"],
}

_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                                "schema": {"type": "integer"}}}

#: Status: (description, headers).
_ERRORS: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("The body cannot be read (e.g. a broken multipart upload)", {}),
    401: ("No key, or not a valid one: send `Authorization: Bearer KEY`", {}),
    403: ("The key's role may not do this, or this coordinator key is not given the alliance", {}),
    404: ("No such alliance, actor, tie or job", {}),
    409: ("An alliance of this name exists already (import without `duplicate_name=true`), or there is "
          "no change to undo", {}),
    410: ("The survey link no longer works: re-issued, expired or its survey closed (`X-Netz-Reason`)", {}),
    412: ("`If-Match` names an older revision: the alliance has changed since it was read", {}),
    413: ("The body is larger than `max_upload_bytes` (default 20 MiB)", {}),
    415: ("The uploaded file's suffix is not one the import reads: " + ", ".join(IMPORT_SUFFIXES), {}),
    422: ("The request is invalid: a parameter, the body, an unknown name (the problem lists the "
          "accepted ones) or an input file that cannot be read (the problem names file, row and column)", {}),
    428: ("`If-Match` is missing: writes must send the alliance's `ETag`", {}),
    429: ("Too many requests from this key or address (rate limits, per worker process; tighter for "
          "import, compare and what-if), or too many unfinished jobs of this key", _RETRY_AFTER),
    503: ("The database cannot be reached right now", _RETRY_AFTER),
}

_IF_MATCH = ("The alliance's `ETag` as last read (`GET /api/v1/alliances/{id}`, or the answer to the "
             "previous write): required, so that concurrent edits cannot overwrite each other; "
             "missing is 428, an older revision 412")

_WHATIF = ("\n\nName the actors to remove (`remove=ID,ID`, ids of the alliance's actors) or ask for the "
           "`key_players` (1 to 20), or both; with neither the answer is 422, as it is for an unknown id.")

_IMPORT_FILE = (f"The file's name must end in one of {', '.join(IMPORT_SUFFIXES)} (else 415): a workbook "
                "(.xlsx), a zipped alliance folder (.zip), GraphML, GEXF or JSON node-link.")

#: The operations that read an uploaded alliance file.
_UPLOADS = ("/alliances/import", "/import/preview", "/revisions", "/revisions/preview")

_CSV = "text/csv"
#: The other media types an operation's 200 answer can have (``format=…``).
_MEDIA_TYPES: dict[str, list[str]] = {
    "/api/v1/alliances/{alliance_id}/export": sorted({media for _, media in EXPORT_FORMATS.values()}),
    "/api/v1/alliances/{alliance_id}/actors": [_CSV],
    "/api/v1/compare": [_CSV],
    "/api/v1/compare/trends": [_CSV],
    "/api/v1/surveys/{survey_id}/links": [_CSV],
}


#: Paths without an alliance in them that only admins may read (other roles get 403).
_ADMINS_ONLY = ("/api/v1/audit", "/api/v1/keys")


def declare_enforced(schema: dict[str, Any]) -> dict[str, Any]:
    """Add what the service enforces to FastAPI's OpenAPI document (changed in place, returned)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            _declare(path, method.upper(), operation)
    return schema


def _declare(path: str, method: str, operation: dict[str, Any]) -> None:
    statuses = {401, 422, 429, 503}
    if "{" in path or path.startswith("/api/v1/compare"):  # compare: alliances named by id
        statuses |= {403, 404}
    if method in ("POST", "PATCH", "PUT", "DELETE"):
        statuses |= {400, 403, 413}
    if path in _ADMINS_ONLY:
        statuses.add(403)
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
            parameter["required"] = True
            parameter["description"] = _IF_MATCH
            statuses |= {412, 428}
    if method == "POST" and path.endswith(_UPLOADS):
        statuses.add(415)
        operation["description"] = operation.get("description", "") + "\n\n" + _IMPORT_FILE
    if method == "POST" and (path == "/api/v1/alliances/import" or path.endswith("/undo")):
        statuses.add(409)
    if path.endswith("/whatif"):
        operation["description"] = operation.get("description", "") + _WHATIF
    if path.startswith("/api/v1/respond/"):
        statuses.add(410)
    if method == "POST" and path == "/api/v1/keys":
        statuses.add(404)  # a grant of an alliance that does not exist
    responses = operation.setdefault("responses", {})
    for media_type in _MEDIA_TYPES.get(path, []) if method == "GET" else []:
        content = responses["200"].setdefault("content", {})
        content.setdefault(media_type, {"schema": {"type": "string"}})
    for status in sorted(statuses):
        description, headers = _ERRORS[status]
        answer = responses.setdefault(str(status), {"description": description})
        if status == 422 and answer.get("description") == "Validation Error":
            answer["description"] = description
        answer["content"] = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        if headers:
            answer["headers"] = headers
