"""Reading a SPARQL 1.1 Protocol request: the query and its dataset, or a RequestError naming what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request

from ..request_errors import (
    InvalidRequestError,
    MethodNotAllowedError,
    ReadOnlyError,
    RequestTooLargeError,
    UnsupportedMediaTypeError,
)
from ..sparql.sparql_text import MAX_NESTING, MAX_QUERY_CHARS, shape
from .views.evidence_switch import CHOICES, EvidenceChoiceError

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    # ikg's dataset preset: "sourced" reads the sourced graphs alone (their union as default graph).
    evidence: str | None = None
    formats: tuple[str, ...] = ()  # the format= parameters, which name the result format instead of Accept


def _decode_pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidRequestError(f"the {where} is not valid UTF-8 percent-encoded text") from error


def _media_type(header: str | None) -> tuple[str | None, str | None]:
    """The media type in lower case and its charset parameter, if any."""
    if not header:
        return None, None
    kind, *parameters = (part.strip() for part in header.split(";"))
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return kind.lower(), charset


async def read(request: Request) -> SparqlRequest:
    """Parameters from the URL and, for a form POST, from the body, merged as the protocol says."""
    pairs = _decode_pairs(request.scope.get("query_string", b""), "URL query string")
    if request.method == "POST":
        pairs += await _body_pairs(request)
    elif request.method not in ("GET", "HEAD"):
        raise MethodNotAllowedError(f"the SPARQL endpoint answers GET and POST, not {request.method}")
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    if "update" in values or "using-graph-uri" in values or "using-named-graph-uri" in values:
        raise ReadOnlyError("this endpoint is read-only: SPARQL updates are not accepted")
    queries = values.get("query", [])
    if len(queries) > 1:
        raise InvalidRequestError("the request has more than one 'query' parameter; send exactly one")
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise InvalidRequestError("the query is empty")
    default = values.get("default-graph-uri")
    named = values.get("named-graph-uri")
    evidence = _evidence(values.get("evidence"), bool(default or named))
    return SparqlRequest(
        query,
        tuple(default) if default else None,
        tuple(named) if named else None,
        evidence,
        tuple(values.get("format", ())),
    )


def _evidence(given: list[str] | None, has_dataset: bool) -> str | None:
    """The dataset preset asked for; it names the dataset itself, so it cannot be combined with another."""
    if given is None:
        return None
    if len(given) > 1:
        raise InvalidRequestError("the request has more than one 'evidence' parameter; send at most one")
    if given[0] not in CHOICES:
        raise InvalidRequestError(str(EvidenceChoiceError(given[0])))
    if has_dataset:
        raise InvalidRequestError(
            "evidence= is a dataset preset; send it or default-graph-uri/named-graph-uri, not both"
        )
    return given[0]


async def _body_pairs(request: Request) -> list[tuple[str, str]]:
    kind, charset = _media_type(request.headers.get("content-type"))
    body = await request.body()
    if kind == FORM:
        return _decode_pairs(body, "form body")
    if kind == DIRECT:
        if charset not in (None, "utf-8", "utf8"):
            raise UnsupportedMediaTypeError(f"the query must be sent as UTF-8, not {charset}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidRequestError("the request body is not valid UTF-8") from error
        if "\x00" in text:
            raise InvalidRequestError("the request body contains a NUL character; a query is text")
        if not text.strip():
            raise InvalidRequestError("the request body is empty; it should hold the query")
        return [("query", text)]
    if kind == UPDATE:
        raise ReadOnlyError("this endpoint is read-only: SPARQL updates are not accepted")
    if kind is None:
        raise UnsupportedMediaTypeError(f"a POST needs a Content-Type: {FORM} or {DIRECT}")
    raise UnsupportedMediaTypeError(f"unsupported Content-Type {kind!r}; send {FORM} or {DIRECT}")


def query_form(query: str) -> str:
    """The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE); a RequestError for a query this endpoint refuses."""
    analysed = shape(query)
    if analysed.length > MAX_QUERY_CHARS:
        raise RequestTooLargeError(
            f"the query is {analysed.length:,} characters long; the limit is {MAX_QUERY_CHARS:,}"
        )
    if analysed.depth > MAX_NESTING:
        raise InvalidRequestError(
            f"the query nests groups or brackets {analysed.depth} deep; the limit is {MAX_NESTING}"
        )
    if analysed.uses_service:
        raise InvalidRequestError("federated queries (SERVICE) are disabled on this endpoint")
    if analysed.form is None:
        if analysed.is_update:
            raise ReadOnlyError("this endpoint is read-only: SPARQL updates are not accepted")
        raise InvalidRequestError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return analysed.form
