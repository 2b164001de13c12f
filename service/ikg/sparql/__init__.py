"""SPARQL texts and what is made of them, engine aside: reading a query's shape, the named queries and their
parameters written in as RDF terms, the resource descriptions (dereferencing's two queries and their
serialisation) and the result cache's entries with their ETags."""
