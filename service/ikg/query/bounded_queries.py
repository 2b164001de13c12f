"""Which queries are cheap by construction, so that they may run in the serving process without a way to stop them.

pyoxigraph cannot cancel a query, which is why queries run in worker processes that can be killed. A
query may skip them only if its whole cost is bounded before it starts. The rule, and why it holds:

1. Syntax (`lookup_patterns`): the query is a SELECT (plain variables or `*`, DISTINCT/REDUCED allowed),
   an ASK or a CONSTRUCT whose WHERE clause is built only from triple patterns, nested groups, OPTIONAL
   and UNION, followed at most by ORDER BY plain variables, LIMIT and OFFSET. Nothing else: no FILTER,
   BIND, VALUES, expressions or function calls (an expression can double a string at every step: an
   866-byte query reached 1.5 GB), no property paths (a closure is quadratic), no subqueries, GRAPH,
   FROM, MINUS, SERVICE, DESCRIBE, BASE or blank-node brackets. Every triple pattern names at least one
   IRI (a literal counts as a variable here: only IRIs are matched exactly as the engine reads them).
2. Data (`work_bound`): each pattern matches at most b quads, counted in the store itself for its IRIs
   (any graph). Every solution that any join, left join or union of these patterns produces, at any
   step of any evaluation plan, keeps at most one matching quad per pattern, so there are at most
   Π (b + 1) of them; DISTINCT, ORDER BY, LIMIT and projection only work on those. The query is cheap
   when that product stays within a budget of a few thousand: its evaluation, serialisation and
   memory are then bounded by a few thousand rows whatever the data, far inside any time or memory limit.

Counting stops as soon as the product passes the budget, so the check itself costs at most the budget
in steps. Anything the rule does not prove cheap goes to the killable workers, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from ..sparql.sparql_text import MAX_NESTING, tokens

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Π (b + 1) up to which a query counts as cheap: a few thousand rows cost the engine a few milliseconds.
BUDGET = 4096
MAX_CHARS = 4_000  # longer texts are not worth reading twice
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\\]*\Z")

# A word the rule refuses, anywhere in the text, even inside a longer word: most queries are turned away here
# without tokenising, which costs the event loop more than routing the request. The word may stand in a
# comment, a string or an IRI of a query that is cheap after all; that query merely goes to the workers.
_REFUSED_WORDS = ("FILTER", "BIND", "VALUES", "MINUS", "SERVICE", "GROUP", "HAVING", "DESCRIBE", "FROM", "GRAPH")


def _surely_not_cheap(query: str) -> bool:
    upper = query.upper()
    return any(word in upper for word in _REFUSED_WORDS)


Term = ox.NamedNode | None  # None: a variable, blank node or literal, which the bound treats alike


@dataclass(frozen=True)
class Pattern:
    subject: Term
    predicate: Term
    object: Term


class _NotCheapError(Exception):
    pass


def lookup_patterns(query: str) -> tuple[Pattern, ...] | None:
    """The triple patterns of the query's WHERE clause, or None when the query is not of the cheap kind."""
    if len(query) > MAX_CHARS or _surely_not_cheap(query):
        return None
    try:
        return _Reader(_tokens(query)).query()
    except _NotCheapError:
        return None


def work_bound(store: ox.Store, patterns: tuple[Pattern, ...], budget: int = BUDGET) -> int | None:
    """Π (b + 1) over the patterns, or None as soon as it passes `budget`."""
    product = 1
    for pattern in patterns:
        room = budget // product  # more matches than this and the product passes the budget
        matches = store.quads_for_pattern(pattern.subject, pattern.predicate, pattern.object)
        product *= sum(1 for _ in islice(matches, room)) + 1
        if product > budget:
            return None
    return product


def _tokens(query: str) -> list[str]:
    """The tokens that matter: comments and whitespace dropped, runs of punctuation split into characters."""
    kept: list[str] = []
    for match in tokens(query):
        text = match.group()
        if text[0] == "#":
            continue
        if match.group("word") or match.group("bracket") or text[0] in "\"'<?$@0123456789" or ":" in text:
            kept.append(text)
        else:
            kept.extend(c for c in text if not c.isspace())
    return kept


class _Reader:
    """Reads the cheap kind of query from its tokens; anything unexpected ends the reading (not cheap)."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0
        self.prefixes: dict[str, str] = {}
        self.patterns: list[Pattern] = []
        self.depth = 0

    def peek(self) -> str:
        return self.tokens[self.at] if self.at < len(self.tokens) else ""

    def take(self) -> str:
        token = self.peek()
        if not token:
            raise _NotCheapError
        self.at += 1
        return token

    def keyword(self, *words: str) -> str | None:
        """Takes the next token when it is one of `words` (any case), else leaves it."""
        token = self.peek().upper()
        if token in words:
            self.at += 1
            return token
        return None

    def query(self) -> tuple[Pattern, ...]:
        while self.keyword("PREFIX"):
            self.prefix()
        form = self.keyword("SELECT", "ASK", "CONSTRUCT")
        if form == "SELECT":
            self.projection()
        elif form == "CONSTRUCT" and self.peek() == "{":
            self.group(record=False)  # the template: what each solution is written as, not matched
        elif form is None:
            raise _NotCheapError
        self.keyword("WHERE")
        self.group(record=True)
        self.modifiers()
        if self.at != len(self.tokens):
            raise _NotCheapError
        return tuple(self.patterns)

    def prefix(self) -> None:
        name, iri = self.take(), self.take()
        if not name.endswith(":") or name.count(":") != 1 or name in self.prefixes or not iri.startswith("<"):
            raise _NotCheapError
        self.prefixes[name] = self.iri(iri).value

    def projection(self) -> None:
        self.keyword("DISTINCT", "REDUCED")
        if self.peek() == "*":
            self.at += 1
            return
        if not _is_variable(self.peek()):
            raise _NotCheapError
        while _is_variable(self.peek()):
            self.at += 1

    def modifiers(self) -> None:
        if self.keyword("ORDER"):
            if not self.keyword("BY") or not _is_variable(self.peek()):
                raise _NotCheapError
            while _is_variable(self.peek()):
                self.at += 1
        while self.keyword("LIMIT", "OFFSET"):
            if not self.take().isdigit():
                raise _NotCheapError

    def group(self, record: bool) -> None:
        """A group `{ … }` of triple patterns, nested groups, OPTIONAL and UNION."""
        self.depth += 1
        if self.take() != "{" or self.depth > MAX_NESTING:  # the endpoint refuses deeper ones; others stay out
            raise _NotCheapError
        while True:
            upcoming = self.peek()
            if upcoming == "}":
                self.at += 1
                self.depth -= 1
                return
            if upcoming == "{" or self.keyword("OPTIONAL"):
                self.group(record)
            elif upcoming == ".":
                self.at += 1
            elif not self.keyword("UNION"):
                self.triples(record)

    def triples(self, record: bool) -> None:
        """One subject with its predicate-object lists: `s p o , o ; p o .`"""
        subject = self.term()
        while True:
            predicate = self.predicate()
            while True:
                found = Pattern(subject, predicate, self.term(literal=True))
                if record:
                    if found.subject is None and found.predicate is None and found.object is None:
                        raise _NotCheapError  # a pattern naming no IRI may match the whole graph
                    self.patterns.append(found)
                if self.peek() != ",":
                    break
                self.at += 1
            while self.peek() == ";":
                self.at += 1
            if self.peek() in (".", "}", "{", "") or self.peek().upper() in ("OPTIONAL", "UNION"):
                return

    def predicate(self) -> Term:
        if self.peek() == "a":
            self.at += 1
            return ox.NamedNode(RDF_TYPE)
        return self.term()

    def term(self, literal: bool = False) -> Term:
        token = self.take()
        if _is_variable(token) or token.startswith("_:"):
            return None
        if token.startswith("<"):
            return self.iri(token)
        if token[0] in "\"'" and literal:
            if self.peek().startswith("@"):
                self.at += 1
            return None
        if ":" in token and token[0] not in "\"'":
            return self.prefixed(token)
        raise _NotCheapError

    def iri(self, token: str) -> ox.NamedNode:
        """An absolute IRI written out, exactly as the engine reads it (escapes and relative IRIs are refused)."""
        if not token.endswith(">") or not _ABSOLUTE.match(token[1:-1]):
            raise _NotCheapError
        return _named(token[1:-1])

    def prefixed(self, token: str) -> ox.NamedNode:
        prefix, _, local = token.partition(":")
        namespace = self.prefixes.get(prefix + ":")
        if namespace is None or local.endswith("."):
            raise _NotCheapError
        return _named(namespace + local)


def _named(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as invalid:
        raise _NotCheapError from invalid


def _is_variable(token: str) -> bool:
    return len(token) > 1 and token[0] in "?$"
