"""HTTP hygiene of a real `ikg serve`, tried with raw sockets as a hostile client would: requests that never finish
arriving, heads and bodies too large, HEAD, redirects that must not echo the Host header, Vary, and a fault that
must not leak."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from conftest import copy_project
from server import RunningServer, serving

HEAD_TIMEOUT = 2  # short, so that a test waits little; every wait below allows far more than this
MAX_CONNECTIONS = 40
MAX_CLIENT_CONNECTIONS = 25
PATIENCE = 60.0  # seconds a test waits for what must happen "eventually", however loaded the machine
POST_QUERY = b"POST /sparql HTTP/1.1\r\nHost: ikg.test\r\nContent-Type: application/sparql-query\r\n"


@pytest.fixture(scope="module")
def hygiene_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The real graph, short request timeouts, a small connection cap, and a vendor/ folder holding a symbolic
    link to itself: reading it is a real fault of the file system, not a route made for the test."""
    project = copy_project(tmp_path_factory.mktemp("hygiene") / "project")
    (project / "vendor").mkdir()
    (project / "vendor" / "loop").symlink_to("loop")
    env = {
        "IKG_REQUEST_HEAD_TIMEOUT": str(HEAD_TIMEOUT),
        "IKG_REQUEST_BODY_TIMEOUT": str(HEAD_TIMEOUT),
        "IKG_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
        "IKG_MAX_CLIENT_CONNECTIONS": str(MAX_CLIENT_CONNECTIONS),
    }
    with serving(project, root=project, env=env) as running:
        yield running


def connect(server: RunningServer, source: str = "127.0.0.1") -> socket.socket:
    address = urlsplit(server.base)
    return socket.create_connection((address.hostname, address.port), timeout=PATIENCE, source_address=(source, 0))


def read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a timeout fails the test)."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def exchange(server: RunningServer, request: bytes) -> bytes:
    with connect(server) as connection:
        connection.sendall(request)
        return read_until_closed(connection)


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def head_and_body(response: bytes) -> tuple[dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


def get(server: RunningServer, path: str, **headers: str) -> bytes:
    lines = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
    return exchange(server, f"GET {path} HTTP/1.1\r\nHost: ikg.test\r\nConnection: close\r\n{lines}\r\n".encode())


# Requests that never finish arriving


def test_a_request_head_that_never_ends_is_answered_408_and_closed(hygiene_server: RunningServer) -> None:
    response = exchange(hygiene_server, b"GET /health HTTP/1.1\r\nHost: ikg.test\r\nX-Slow: ")
    assert status_of(response) == 408
    assert b"request head did not arrive" in response


def test_a_head_trickled_byte_by_byte_is_closed_though_bytes_keep_coming(hygiene_server: RunningServer) -> None:
    with connect(hygiene_server) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: ikg.test\r\nX-Slow: ")
        connection.settimeout(0.5)
        deadline = time.monotonic() + PATIENCE
        answer = None
        while answer is None and time.monotonic() < deadline:
            try:
                connection.sendall(b"x")
                answer = connection.recv(65536)
            except TimeoutError:
                continue
            except OSError:  # the server closed the connection and reset our late byte
                answer = b"closed"
    assert answer is not None, f"a trickled head was still open after {PATIENCE} s"
    assert answer == b"closed" or status_of(answer) == 408


def test_a_body_that_stops_arriving_is_answered_408(hygiene_server: RunningServer) -> None:
    response = exchange(hygiene_server, POST_QUERY + b"Content-Length: 100\r\n\r\nASK {")
    assert status_of(response) == 408
    assert b"request body stopped arriving" in response


def test_an_idle_keep_alive_connection_is_closed(hygiene_server: RunningServer) -> None:
    with connect(hygiene_server) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: ikg.test\r\n\r\n")
        received = read_until_closed(connection)
    assert status_of(received) == 200


def test_many_half_sent_requests_are_all_closed_while_health_answers(hygiene_server: RunningServer) -> None:
    attackers = [connect(hygiene_server) for _ in range(MAX_CONNECTIONS // 2)]
    try:
        for attacker in attackers:
            attacker.sendall(b"GET /health HTTP/1.1\r\nHost: ikg.test\r\nX-Slow: ")
        assert httpx.get(hygiene_server.base + "health", timeout=PATIENCE).status_code == 200
        answers = [read_until_closed(attacker) for attacker in attackers]
    finally:
        for attacker in attackers:
            attacker.close()
    assert {status_of(answer) for answer in answers} == {408}


def test_connections_over_the_cap_are_refused_with_503_and_the_server_recovers(hygiene_server: RunningServer) -> None:
    refused = b""
    deadline = time.monotonic() + PATIENCE
    # The held connections time out like any silent client; on a busy machine a round may take longer than
    # that, so fill the server again until one connection over the cap is refused.
    while status_of(refused or b"- 0 -") != 503 and time.monotonic() < deadline:
        # From two addresses, so that neither passes its own cap before the server's is reached.
        held = [connect(hygiene_server, f"127.0.0.{2 + n % 2}") for n in range(MAX_CONNECTIONS)]
        try:
            with connect(hygiene_server) as extra:  # refused as it connects, before it sends anything
                refused = read_until_closed(extra)
        finally:
            for connection in held:
                connection.close()
    assert status_of(refused) == 503
    assert b"too many open connections" in refused
    assert head_and_body(refused)[0]["x-content-type-options"] == "nosniff"
    deadline = time.monotonic() + PATIENCE
    while status_of(get(hygiene_server, "/health")) != 200:
        assert time.monotonic() < deadline, "the server did not recover after the connections closed"


def test_a_client_over_its_own_connection_cap_is_refused_while_another_is_served(
    hygiene_server: RunningServer,
) -> None:
    refused = b""
    deadline = time.monotonic() + PATIENCE
    while status_of(refused or b"- 0 -") != 429 and time.monotonic() < deadline:
        held = [connect(hygiene_server, "127.0.0.4") for _ in range(MAX_CLIENT_CONNECTIONS)]
        try:
            with connect(hygiene_server, "127.0.0.4") as extra:
                refused = read_until_closed(extra)
            with connect(hygiene_server, "127.0.0.5") as other:
                other.sendall(b"GET /health HTTP/1.1\r\nHost: ikg.test\r\nConnection: close\r\n\r\n")
                served = read_until_closed(other)
        finally:
            for connection in held:
                connection.close()
    assert status_of(refused) == 429
    assert b"too many open connections" in refused
    assert status_of(served) == 200


# Sizes


def test_a_header_larger_than_the_limit_is_answered_431(hygiene_server: RunningServer) -> None:
    response = get(hygiene_server, "/health", X_Big="a" * 40_000)
    assert status_of(response) == 431
    assert b"larger than 32768 bytes" in response


def test_a_header_that_keeps_growing_is_answered_431_before_it_ends(hygiene_server: RunningServer) -> None:
    response = exchange(hygiene_server, b"GET /health HTTP/1.1\r\nHost: ikg.test\r\nX-Big: " + b"a" * 40_000)
    assert status_of(response) == 431


def test_a_url_longer_than_the_limit_is_answered_414_with_advice(hygiene_server: RunningServer) -> None:
    response = get(hygiene_server, "/sparql?query=" + "a" * 20_000)
    assert status_of(response) == 414
    assert b"send a long query as a POST body" in response


def test_a_body_declared_larger_than_the_limit_is_answered_413_before_it_is_sent(hygiene_server: RunningServer) -> None:
    response = exchange(hygiene_server, POST_QUERY + b"Content-Length: 2000001\r\n\r\n")
    assert status_of(response) == 413
    assert b"larger than 2000000 bytes" in response


def test_a_body_over_the_limit_is_answered_413_on_a_kept_alive_connection(hygiene_server: RunningServer) -> None:
    response = exchange(
        hygiene_server,
        b"GET /health HTTP/1.1\r\nHost: ikg.test\r\n\r\n" + POST_QUERY + b"Content-Length: 2000001\r\n\r\n",
    )
    first, _, second = response.partition(b"HTTP/1.1 413 ")
    assert status_of(first) == 200
    assert b"larger than 2000000 bytes" in second


def test_a_chunked_body_growing_past_the_limit_is_answered_413(hygiene_server: RunningServer) -> None:
    size = 2_000_001
    # Exactly the bytes the server reads before it refuses: nothing unread that would reset the connection.
    response = exchange(
        hygiene_server,
        POST_QUERY + b"Transfer-Encoding: chunked\r\n\r\n" + f"{size:x}\r\n".encode() + b"#" * size,
    )
    assert status_of(response) == 413


# HEAD


@pytest.mark.parametrize(
    "path", ["/health", "/status", "/", "/concept", "/measures", "/queries", "/catalog", "/downloads", "/sparql"]
)
def test_head_answers_wherever_get_does_with_its_length_and_no_body(hygiene_server: RunningServer, path: str) -> None:
    response = exchange(hygiene_server, f"HEAD {path} HTTP/1.1\r\nHost: ikg.test\r\nConnection: close\r\n\r\n".encode())
    headers, body = head_and_body(response)
    assert status_of(response) == 200
    assert body == b""
    assert int(headers["content-length"]) > 0


def test_head_gives_the_content_length_of_the_get(hygiene_server: RunningServer) -> None:
    headed = exchange(hygiene_server, b"HEAD /measures HTTP/1.1\r\nHost: ikg.test\r\nConnection: close\r\n\r\n")
    got = get(hygiene_server, "/measures")
    assert int(head_and_body(headed)[0]["content-length"]) == len(head_and_body(got)[1])


# Redirects


def test_a_trailing_slash_redirect_is_relative_and_ignores_the_host_header(hygiene_server: RunningServer) -> None:
    response = exchange(
        hygiene_server, b"GET /queries/?x=1 HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    )
    assert status_of(response) == 307
    assert head_and_body(response)[0]["location"] == "../queries?x=1"


def test_a_missing_trailing_slash_redirect_resolves_to_the_route(hygiene_server: RunningServer) -> None:
    response = httpx.get(hygiene_server.base + "queries/", follow_redirects=True, timeout=PATIENCE)
    assert response.status_code == 200
    assert response.url == hygiene_server.base + "queries"


# Faults and errors


def test_a_fault_is_a_plain_500_with_the_security_headers_and_no_detail(hygiene_server: RunningServer) -> None:
    response = httpx.get(hygiene_server.base + "vendor/loop", timeout=PATIENCE)
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    for detail in ("loop", "Errno", "/", "Traceback", "symbolic"):
        assert detail not in response.text
    deadline = time.monotonic() + PATIENCE  # the server logs after it has answered
    while "GET /vendor/loop failed" not in hygiene_server.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, "the fault was not logged"
        time.sleep(0.2)
    assert "Too many levels of symbolic links" in hygiene_server.log.read_text(errors="replace")  # the detail


def test_an_unknown_method_is_405_with_the_security_headers(hygiene_server: RunningServer) -> None:
    response = httpx.request("DELETE", hygiene_server.base + "health", timeout=PATIENCE)
    assert response.status_code == 405
    assert response.headers["x-content-type-options"] == "nosniff"


def test_invalid_http_is_400_with_the_security_headers(hygiene_server: RunningServer) -> None:
    response = exchange(hygiene_server, b"NOT HTTP AT ALL\r\n\r\n")
    assert status_of(response) == 400
    assert head_and_body(response)[0]["x-content-type-options"] == "nosniff"


# Vary: walk the site as a client and compare what each header changes


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if name == "href" and value]


def _site_pages(server: RunningServer, client: httpx.Client) -> list[str]:
    """One page of each kind the site links to, from the home page two links deep."""
    seen: dict[str, str] = {}
    frontier = [server.base]
    for _ in range(2):
        found = []
        for page in frontier:
            parser = _Links()
            parser.feed(client.get(page, headers={"Accept": "text/html"}).text)
            for href in parser.hrefs:
                url = urljoin(page, href).split("#")[0]
                path = urlsplit(url).path
                kind = "/".join(path.split("/")[:3]) + ("?" if "?" in url else "")
                ours = url.startswith(server.base) and "/static/" not in url and "/vendor/" not in url
                if ours and kind not in seen:
                    seen[kind] = url
                    found.append(url)
        frontier = found
    return [server.base, *seen.values()]


def test_vary_names_every_header_a_response_depends_on(hygiene_server: RunningServer) -> None:
    accepts = ("text/html", "application/json", "text/turtle", "text/csv", "*/*")
    languages = ("de", "en")
    missing = []
    with httpx.Client(timeout=PATIENCE) as client:
        pages = _site_pages(hygiene_server, client)
        assert len(pages) > 15, pages
        for url in pages:
            answers = {
                (accept, language): client.get(url, headers={"Accept": accept, "Accept-Language": language})
                for accept in accepts
                for language in languages
            }

            def seen(response: httpx.Response) -> tuple[int, str, bytes]:
                return response.status_code, response.headers.get("content-type", ""), response.content

            for (accept, language), response in answers.items():
                vary = {v.strip().lower() for v in response.headers.get("vary", "").split(",")}
                other_language = answers[(accept, "en" if language == "de" else "de")]
                if seen(response) != seen(other_language) and "accept-language" not in vary:
                    missing.append(f"{url} ({accept}: {response.status_code}) depends on Accept-Language")
                if any(seen(response) != seen(answers[(a, language)]) for a in accepts) and "accept" not in vary:
                    missing.append(f"{url} ({accept}: {response.status_code}) depends on Accept")
    assert not missing, "\n".join(sorted(set(missing)))
