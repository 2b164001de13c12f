"""Page models: what the home, index, resource, vocabulary, concept, comparison, over-time and indicator pages
show, built from named queries' rows (`query_rows`) off the event loop (`page_work`), with their JSON, CSV and
SVG twins. Never imports starlette or fastapi: the routes in `web` turn a model into a response."""
