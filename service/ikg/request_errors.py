"""Why a request cannot be answered as it was sent, as exceptions named for the reason, never for a status.

Raised anywhere below and in the routes; `http_errors` is the one place that turns each into a status and a
response. Every message is one sentence a client can act on, naming the parameter, header or value at fault.
"""

from __future__ import annotations


class RequestError(Exception):
    """A request the service cannot answer as sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequestError(RequestError):
    """A parameter, header or body the request carries is malformed or names something that does not exist."""


class NotAcceptableError(RequestError):
    """None of the media types the request accepts is offered."""


class NotFoundError(RequestError):
    """Nothing at this address. `media`: the kind of document the client asked for, which the 404 takes."""

    def __init__(self, message: str | None = None, media: str | None = None) -> None:
        super().__init__(message or "")
        self.media = media


class MethodNotAllowedError(RequestError):
    """The address exists, but does not take this method."""


class ReadOnlyError(RequestError):
    """The request would change the data (a SPARQL update); the endpoint is read-only."""


class UnsupportedMediaTypeError(RequestError):
    """The request body is of a type or charset the endpoint does not read."""


class RequestTooLargeError(RequestError):
    """The request is over a size limit (a query longer or deeper than the endpoint reads)."""


class NotAuthenticatedError(RequestError):
    """An operation that needs a token was asked without one."""


class ForbiddenError(RequestError):
    """The operation is disabled here, or the token given is wrong."""


class TooManyAttemptsError(RequestError):
    """This client must wait before trying again. `retry_after`: whole seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CheckUnavailableError(RequestError):
    """The service could not check the request just now (not the client's fault); retrying may work."""
