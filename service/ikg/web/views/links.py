"""Which IRIs from the data may become links: web addresses only.

The data is validated, but a page must stay safe even when it is not: a `javascript:` or `data:` IRI in an
href runs script on a click. Every page that links an IRI from the data asks this one test (in templates as
`iri is web_address`), and shows any other IRI as inert text.
"""

from __future__ import annotations

WEB_SCHEMES = ("http://", "https://")


def is_web_address(value: object) -> bool:
    # An exact, lower-case prefix: "JAVASCRIPT:", " javascript:" or "http:x" written otherwise never pass.
    return isinstance(value, str) and value.startswith(WEB_SCHEMES)
