"""ikg: a linked-data publisher for municipal integration work.

The folders are the architecture; imports run one way, from the top of this list down (tests/test_architecture.py
holds the rules):

- `cli`, `serve`: the commands;
- `web/`: serving over HTTP (`web/views/`: the page models);
- `query/`: answering queries (embedded workers or external stores); `workbook/`: the KI's spreadsheets;
- `builder/`: `ikg build`, from the sources to dist/;
- `sparql/`: query texts, named queries, descriptions;
- `rdf/`: IRIs, namespaces, formats, terms;
- beside them, imported by all and importing none of them: `settings`, `progress`, `problems` (a finding as a
  sentence naming file and line), `request_errors` (why a request cannot be answered).
"""

__version__ = "0.1.0"
