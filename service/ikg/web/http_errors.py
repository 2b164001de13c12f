"""The one place a failure becomes an HTTP status: every exception a request can end in, mapped to a status and
one plain sentence (never a stack trace), on the framework's routes and on the short path alike."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..query.interface import ErrorKind, QueryError
from ..request_errors import (
    CheckUnavailableError,
    ForbiddenError,
    InvalidRequestError,
    MethodNotAllowedError,
    NotAcceptableError,
    NotAuthenticatedError,
    NotFoundError,
    ReadOnlyError,
    RequestError,
    RequestTooLargeError,
    TooManyAttemptsError,
    UnsupportedMediaTypeError,
)
from .negotiation import choose
from .responses import depends_on, error, not_found

REQUEST_STATUS: dict[type[RequestError], int] = {
    InvalidRequestError: 400,
    NotAuthenticatedError: 401,
    ForbiddenError: 403,
    ReadOnlyError: 403,
    NotFoundError: 404,
    MethodNotAllowedError: 405,
    NotAcceptableError: 406,
    RequestTooLargeError: 413,
    UnsupportedMediaTypeError: 415,
    TooManyAttemptsError: 429,
    CheckUnavailableError: 503,
}

# "failed" is an evaluation error of the client's query (a bad regex, say); "unavailable" is ours.
QUERY_STATUS: dict[ErrorKind, int] = {
    "syntax": 400,
    "failed": 400,
    "too_large": 413,
    "timeout": 503,
    "memory": 503,
    "busy": 503,  # no general worker became free within the queue's own limit
    "client_busy": 429,
    "gone": 499,  # nobody reads it: the client hung up, its query was stopped
    "unavailable": 503,
    "store_error": 502,  # the external store refused or garbled its answer
    "store_unavailable": 502,
    "store_timeout": 504,
}
_QUERY_PREFIX: dict[ErrorKind, str] = {
    "syntax": "syntax error in the query: ",
    "too_large": "the result is too large: ",
    "timeout": "query stopped: ",
    "memory": "query stopped: ",
    "busy": "query not started: ",
    "client_busy": "too many queries at once: ",
}
_QUERY_HINT: dict[ErrorKind, str] = {
    "too_large": "; add a LIMIT or narrow the query",
    "timeout": "; narrow the query or add a LIMIT",
    "memory": "; narrow the query or add a LIMIT",
    "busy": "; please retry shortly",
    "client_busy": "; wait for their answers before sending more",
}
# Seconds a refused client should wait: long enough for a short query elsewhere to finish, short enough
# not to stall an interactive user.
RETRY_AFTER: dict[ErrorKind, int] = {"busy": 5, "client_busy": 2}

FAULT = "the server failed to answer this request; the fault is logged"


def status_of(problem: RequestError | QueryError) -> int:
    if isinstance(problem, QueryError):
        return QUERY_STATUS[problem.kind]
    return next(status for kind, status in REQUEST_STATUS.items() if isinstance(problem, kind))


def sentence(problem: RequestError | QueryError) -> str:
    """What the client reads: the message, for a query with what kind of failure it was and what to do."""
    if isinstance(problem, QueryError):
        return f"{_QUERY_PREFIX.get(problem.kind, '')}{problem.message}{_QUERY_HINT.get(problem.kind, '')}"
    return problem.message


def response_for(request: Request, problem: Exception, site: str) -> Response:
    """The response a request that ended in `problem` gets; `site`: the public base, for the 404 page."""
    if isinstance(problem, NotFoundError):
        media = problem.media
        if media is None:
            depends_on(request, "Accept")
            media = choose(request.headers.get("accept"), ("text/plain", "text/html"))
        return not_found(request, site, media, problem.message or None)
    if isinstance(problem, RequestError | QueryError):
        response = error(status_of(problem), sentence(problem))
        wait = _retry_after(problem)
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        if isinstance(problem, NotAuthenticatedError):
            response.headers["WWW-Authenticate"] = 'Bearer realm="ikg"'
        return response
    if isinstance(problem, HTTPException):
        if problem.status_code == 404:
            return response_for(request, NotFoundError(), site)
        response = error(problem.status_code, str(problem.detail))
        response.headers.update(problem.headers or {})
        return response
    if isinstance(problem, RequestValidationError):
        # FastAPI's own answer is a 422 that echoes the input back, whatever its size; name the field instead.
        fields = ", ".join(".".join(str(part) for part in item["loc"]) for item in problem.errors())
        return error(400, f"the request has invalid values in: {fields}")
    # The detail goes to the server's log (http_edge.FaultLog), never to the client.
    return error(500, FAULT)


def _retry_after(problem: RequestError | QueryError) -> int | None:
    if isinstance(problem, QueryError):
        return RETRY_AFTER.get(problem.kind)
    if isinstance(problem, TooManyAttemptsError):
        return problem.retry_after
    return None


def install(app: FastAPI, site: str) -> None:
    """Every exception a route raises answered from this table, the framework's own among them."""

    async def handle(request: Request, problem: Exception) -> Response:
        return response_for(request, problem, site)

    for kind in (RequestError, QueryError, HTTPException, RequestValidationError, Exception):
        app.add_exception_handler(kind, handle)
