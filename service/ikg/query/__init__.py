"""Answering queries: `interface` is the seam (a job, its outcome, `QueryError`, the backend protocol); behind
it the embedded store's killable worker processes with the lane for queries cheap by construction, or external
SPARQL stores with failover and single flight, and `ikg publish`, which fills them. No HTTP here."""
