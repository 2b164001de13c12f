"""The RDF kernel every part shares: IRIs and the canonical base, namespaces, the one table of RDF and result
formats, and pyoxigraph's and rdflib's terms in the types the rest relies on. Imports nothing else of ikg but
`request_errors`."""
