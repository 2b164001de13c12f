"""Serving over HTTP: `app` wires the routes; `publication` is the build being served and how a query on it is
answered; `http_errors` is the one table from failure to status; `http_edge`, `http_limits` and `hot_routes`
are the layers every request passes; reloads (`reload`, `following`) swap builds in without downtime.
`views/` holds the page models, which never see a request or a response."""
