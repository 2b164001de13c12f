"""Reading a SPARQL query before running it: its form, federation (SERVICE), updates, FROM and nesting depth.

Keywords are found outside comments, strings, IRIs and prefixed names, so `"SERVICE"`, `<…/SERVICE>`,
`# SERVICE` and `ex:service` are not mistaken for the keyword.

Every step is one pass of a regular expression or a C-level iteration over the text, linear in its
length whatever it holds: the query text comes from anyone on the internet, and a pattern that
rescans the rest of the text at each unterminated quote (as a tokenizer that falls back one character
at a time does) turns 48 KB into a minute of CPU. An unterminated string or IRI simply runs to the end.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

# One token per match, tried in this order: a comment, a string, an IRI, a variable, a language tag, a
# prefixed name or blank node, a bare word (group "word"), a number, a bracket (group "bracket"), a run of
# anything else. Every quantifier is possessive, so nothing is rescanned: an unterminated long string ends
# with the text, an unterminated short one with its line, and a name is never restarted inside a longer name.
_NAME_CHAR = r"\w\u00B7-\uFFFF"
_TOKEN = re.compile(
    rf"""
    \#[^\n\r]*+
  | '''(?:[^'\\]++|\\.|'(?!''))*+(?:'''|\Z)
  | \"\"\"(?:[^"\\]++|\\.|"(?!""))*+(?:\"\"\"|\Z)
  | '(?:[^'\\\n\r]++|\\.)*+(?:'|(?=[\n\r])|\Z)
  | "(?:[^"\\\n\r]++|\\.)*+(?:"|(?=[\n\r])|\Z)
  | <[^<>"{{}}|^`\\\s]*+>
  | [?$][{_NAME_CHAR}]*+
  | @[A-Za-z0-9\-]*+
  | (?<![{_NAME_CHAR}.\-])(?:[A-Za-z_\u00C0-\uFFFF][{_NAME_CHAR}.\-]*+)?:[{_NAME_CHAR}.:%\-]*+
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][{_NAME_CHAR}]*+(?:[.\-]++[{_NAME_CHAR}]++)*+)
  | [0-9][{_NAME_CHAR}.\-]*+
  | (?P<bracket>[{{}}()\[\]])
  | [^\#'"<?$:{{}}()\[\]{_NAME_CHAR}]++
  | .
    """,
    re.VERBOSE | re.DOTALL,
)
_DEPTH_STEP = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATE = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}

# The longest query text accepted (characters). SPARQL sent by people and tools is a few KB; a VALUES block
# of a few thousand IRIs stays below this. Anything longer costs every stage (reading, checking, parsing,
# the store's planner) and is refused before any of them: scanning the worst 256 KB costs about a second.
MAX_QUERY_CHARS = 256_000
# How deep groups, expressions and blank-node brackets may nest. Real queries stay below 20; stores
# evaluate nested groups recursively, and Oxigraph server aborted with a stack overflow at 1,000.
MAX_NESTING = 64


def tokens(query: str) -> Iterator[re.Match[str]]:
    """The query's tokens in order, every character in exactly one; group "word" or "bracket" names the kind
    of those two, and a variable is a token that starts with ? or $ (never one inside a string or IRI)."""
    return _TOKEN.finditer(query)


# Up to this many characters a text is scanned in one call: well under a millisecond, and a third faster
# than a match at a time, which is what the event loop pays for every distinct query.
_AT_ONCE_CHARS = 8_000


def _scan(query: str) -> tuple[list[str], int]:
    """The bare words in upper case, in order, and the deepest nesting of {…}, (…) and […].

    A long text one match at a time rather than in one call: a thread scanning it lets the event loop take
    the GIL between two matches."""
    if len(query) <= _AT_ONCE_CHARS:
        pairs = _TOKEN.findall(query)  # (word, bracket) of every token, one of them or neither set
        depths = accumulate(_DEPTH_STEP[bracket] for _, bracket in pairs if bracket)
        return [word.upper() for word, _ in pairs if word], max(0, max(depths, default=0))
    words: list[str] = []
    depth = deepest = 0
    for token in _TOKEN.finditer(query):
        word, bracket = token.group("word", "bracket")
        if word:
            words.append(word.upper())
        elif bracket:
            depth += _DEPTH_STEP[bracket]
            deepest = max(deepest, depth)
    return words, deepest


def keywords(query: str) -> list[str]:
    """Bare words of the query in upper case, in order (prefixed names and everything quoted left out)."""
    return _scan(query)[0]


def nesting_depth(query: str) -> int:
    return _scan(query)[1]


def _form_of(words: list[str]) -> str | None:
    for word in words:
        if word in FORMS:
            return word
        if word in _UPDATE:
            return None
    return None


def _is_update(words: list[str]) -> bool:
    first = next((w for w in words if w not in ("PREFIX", "BASE")), None)
    return first in _UPDATE or first == "WITH"


def has_dataset_clause(query: str) -> bool:
    """Does the query name its own dataset (FROM or FROM NAMED)?"""
    return shape(query).has_dataset_clause


@dataclass(frozen=True)
class QueryShape:
    """What the endpoint must know about a query before running it."""

    form: str | None
    uses_service: bool
    is_update: bool
    has_dataset_clause: bool = False
    depth: int = 0
    length: int = 0


def analyse(query: str) -> QueryShape:
    """The query's shape, read afresh."""
    if len(query) > MAX_QUERY_CHARS:
        # Not read at all: its length is the only thing the caller needs to refuse it.
        return QueryShape(None, False, False, length=len(query))
    words, depth = _scan(query)
    return QueryShape(
        form=_form_of(words),
        uses_service="SERVICE" in words,
        is_update=_is_update(words),
        has_dataset_clause="FROM" in words,
        depth=depth,
        length=len(query),
    )


class _ShapeMemo:
    """Shapes of recent query texts, bounded by the characters of the texts it keeps, not by their number:
    a few thousand entries of a megabyte each would otherwise hold gigabytes."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._entries: OrderedDict[str, QueryShape] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()  # shape() runs on the event loop and in threads

    def get(self, query: str) -> QueryShape | None:
        with self._lock:
            found = self._entries.get(query)
            if found is not None:
                self._entries.move_to_end(query)
            return found

    def put(self, query: str, analysed: QueryShape) -> None:
        if len(query) > self.max_chars // 8:
            return
        with self._lock:
            if query in self._entries:
                return
            self._entries[query] = analysed
            self._chars += len(query)
            while self._chars > self.max_chars:
                evicted, _ = self._entries.popitem(last=False)
                self._chars -= len(evicted)


_memo = _ShapeMemo(max_chars=16_000_000)


def remembered(query: str) -> QueryShape | None:
    return _memo.get(query)


def remember(query: str, analysed: QueryShape) -> None:
    _memo.put(query, analysed)


def shape(query: str) -> QueryShape:
    """The query's form, federation, update and dataset keywords and nesting depth, read once per text."""
    found = _memo.get(query)
    if found is None:
        found = analyse(query)
        _memo.put(query, found)
    return found
