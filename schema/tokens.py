"""A new text of a known shape answered without graphql-core's parser (for schema/parsing.py).

Clients that number their operation names or root aliases (a benchmark, a dashboard polling
``query Inbox{n} { page{n}: leads(...) }``) send a text never seen before with every request,
and graphql-core's parser was the largest part of such a request's CPU (about 0.9 ms of a
1,200-character text). Such a text differs from an earlier one only by those names, so:

- :func:`read` cuts the text into GraphQL's tokens with one regular expression (C speed: names,
  punctuators, numbers, strings, block strings; whitespace, commas, comments and the BOM are
  skipped). A character it cannot read, a mutation or subscription, anything but operations and
  fragments: no key, the text is parsed as always. The key is the token sequence with the
  operation names and the root aliases (an alias directly in an operation's selection set)
  replaced by placeholders, one per distinct name in order of first appearance (so which names
  are equal is part of the key), except a root alias spelled like any other name token of the
  text, which stays as written (schema/shape.py's rule, made stricter: no alias may newly equal
  or stop equalling a field name).
- :class:`Renamings` keeps, by key, a document parsed from an earlier text (from a key's second
  sighting: documents are costly for the collector, schema/parsing.py), with its shape. A text
  with a kept key gets a copy of that document in which only the nodes on the path to each new
  name are new (the document, its operations, their root selection sets, the aliased root
  fields, the names); every other node is shared, and the copy's shape is registered with
  ``SHAPES`` (schema/shape.py) so that nothing walks it.

GraphQL's grammar reads tokens only, so two texts with one token sequence parse to one tree, but
for the renamed names and the locations. An entry is kept only when graphql-core's own lexer cuts
the text into the same tokens and the names the walk of the tokens found are those of the parsed
document, in order. The locations of the shared nodes are the earlier text's: a renamed document
is handed out only when its shape passed validation with the same rules (no error can quote it),
and the read engine (fastpath/extension.py) replaces it with an exact parse (:func:`located`)
before the ordinary execution runs, whose errors carry locations. The limits that other
extensions report (schema/limits.py, schema/input_guard.py) carry none.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import DocumentNode, FieldNode, Lexer, NameNode, OperationDefinitionNode, Source, TokenKind, parse

from core.lru import Lru
from schema.shape import SHAPES, Shape

MAX_KEYS = 64
# Whether a document of this shape passed validation with the request's rules.
Valid = Callable[[Shape], bool]

_NAME = r"[_A-Za-z][_0-9A-Za-z]*"
# Not followed by a name, a digit or a dot: graphql-core refuses "1a", "01", "1.": so does this.
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![_0-9A-Za-z.])"
_BLOCK = r'"""(?:\\"""|[^"\\]|\\(?!""")|"(?!""))*+"""'
# Never the start of a block string ("" then "x" is read by graphql-core as a block string).
_STRING = r'"(?!"")(?:[^"\\\n\r]|\\.)*+"'
_PUNCTUATOR = r"\.\.\.|[!$&()\[\]{}:=@|]"
_COMMENT = r"#[^\n\r]*"
# Separators, then a token (or a comment) in group 1, or any other character in group 2.
_READ = re.compile(
    rf"[ \t\n\r,\ufeff]*+(?:({_NAME}|{_PUNCTUATOR}|{_NUMBER}|{_STRING}|{_BLOCK}|{_COMMENT})|(.))", re.DOTALL
)
# A text that starts with a mutation or subscription: not read at all (never keyed, see _places).
_NOT_QUERY = re.compile(r"[ \t\n\r,\ufeff]*(?:mutation|subscription)[^_0-9A-Za-z]")
_NAME_START = frozenset("_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_OPEN, _CLOSE = frozenset("{(["), frozenset("})]")
# The parse options a kept document may stand for (the limits are checked below); any other
# (experimental_fragment_arguments changes the grammar) means no key.
_OPTIONS = frozenset({"no_location", "max_tokens", "max_lexical_tokens", "max_comments", "max_source_length"})


@dataclasses.dataclass(frozen=True)
class Reading:
    """What :func:`read` found in a text."""

    key: tuple[Any, ...]
    # The operation names and root aliases, in the text's order.
    names: tuple[str, ...]
    comments: int
    tokens: tuple[str, ...]


def read(text: str) -> Reading | None:
    """The token key of a text (module docstring), or None when it has none."""
    if _NOT_QUERY.match(text):
        return None
    found = _READ.findall(text)
    if not found:
        return None
    tokens, other = zip(*found, strict=True)
    if any(other):
        return None
    comments = 0
    if "#" in text:
        kept = tuple(t for t in tokens if t[0] != "#")
        comments, tokens = len(tokens) - len(kept), kept
    places = _places(tokens)
    if places is None:
        return None
    out: list[Any] = list(tokens)
    for at, _ in places:
        out[at] = None
    others = set(out)
    operations: dict[str, int] = {}
    aliases: dict[str, int] = {}
    for at, is_operation in places:
        name = tokens[at]
        if is_operation:
            out[at] = ("operation", operations.setdefault(name, len(operations)))
        elif name in others:
            out[at] = name
        else:
            out[at] = ("alias", aliases.setdefault(name, len(aliases)))
    return Reading(tuple(out), tuple(tokens[at] for at, _ in places), comments, tokens)


def _places(tokens: tuple[str, ...]) -> list[tuple[int, bool]] | None:
    """Where the operation names (True) and root aliases (False) are, or None: not a document
    of queries and fragments."""
    places: list[tuple[int, bool]] = []
    count, at = len(tokens), 0
    while at < count:
        first = tokens[at]
        operation = first != "fragment"
        if first == "query" or first == "fragment":
            at += 1
            if operation and at < count and tokens[at][0] in _NAME_START:
                places.append((at, True))
            depth = 0
            while at < count and (depth or tokens[at] != "{"):
                depth += (tokens[at] in _OPEN) - (tokens[at] in _CLOSE)
                at += 1
        elif first != "{":
            return None
        if at >= count:
            return None
        depth, at = 1, at + 1
        while depth:
            if at >= count:
                return None
            token = tokens[at]
            if token in _OPEN:
                depth += 1
            elif token in _CLOSE:
                depth -= 1
            elif depth == 1 and operation and at + 1 < count and tokens[at + 1] == ":" and token[0] in _NAME_START:
                places.append((at, False))
            at += 1
    return places


def _named(document: DocumentNode) -> Iterator[NameNode]:
    """The operation names and root aliases of a document, in its order (as :func:`read` finds them)."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            if definition.name is not None:
                yield definition.name
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode) and selection.alias is not None:
                    yield selection.alias


def _lexed(text: str) -> tuple[str, ...]:
    """The tokens graphql-core's lexer reads in ``text`` (comments left out)."""
    lexer, tokens = Lexer(Source(text)), []
    token = lexer.advance()
    while token.kind is not TokenKind.EOF:
        tokens.append(text[token.start : token.end])
        token = lexer.advance()
    return tuple(tokens)


# A text's key (its token key and the parse options) and what reading it found.
Found = tuple[tuple[Any, ...], Reading]


@dataclasses.dataclass(frozen=True)
class _Kept:
    document: DocumentNode
    names: tuple[str, ...]
    shape: Shape
    comments: int


class Renamings:
    """Kept documents by token key (a bounded LRU), and the hashes of keys seen once."""

    def __init__(self, maxsize: int = MAX_KEYS, seen: int = 4 * MAX_KEYS) -> None:
        self.kept: Lru[tuple[Any, ...], _Kept] = Lru(maxsize)
        self.seen: Lru[int, bool] = Lru(seen)
        # Keys whose text failed the checks (never kept).
        self.refused: Lru[int, bool] = Lru(seen)

    def key(self, text: str, options: Mapping[str, Any]) -> Found | None:
        """The key of ``text`` parsed with ``options``, and what reading it found; None: none."""
        if not _OPTIONS.issuperset(options):
            return None
        reading = read(text)
        if reading is None:
            return None
        return (reading.key, tuple(sorted(options.items()))), reading

    def document(self, found: Found, text: str, options: Mapping[str, Any], valid: Valid) -> DocumentNode | None:
        """The kept document of ``key`` renamed to ``reading``'s names, when its shape passed
        validation (``valid``) and ``text`` is within ``options``' limits (the tokens are the
        kept text's: so are their number and length; comments and the text's length are not);
        else None."""
        key, reading = found
        kept = self.kept.recall(key)
        if kept is None or reading.comments > kept.comments or not valid(kept.shape):
            return None
        if len(text) > options.get("max_source_length", len(text)):
            return None
        if reading.names == kept.names:
            document, shape = kept.document, kept.shape
        else:
            document, shape = _renamed(kept, reading.names)
        SHAPES.known(document, shape)
        return document

    def parsed(self, found: Found, text: str, document: DocumentNode) -> None:
        """``document`` was parsed from ``text`` (``found`` its key): kept on the key's second
        sighting if it passes the checks (module docstring)."""
        key, reading = found
        if key in self.kept:  # its shape is not known valid (yet): parsed, and nothing to keep
            return
        digest = hash(key)
        if not self.seen.pop(digest, False):
            self.seen.keep(digest, True)
            return
        if self.refused.recall(digest) is not None:
            return
        if tuple(n.value for n in _named(document)) != reading.names or _lexed(text) != reading.tokens:
            self.refused.keep(digest, True)
            return
        self.kept.keep(key, _Kept(document, reading.names, SHAPES.of(document), reading.comments))


def _renamed(kept: _Kept, names: tuple[str, ...]) -> tuple[DocumentNode, Shape]:
    """``kept``'s document with ``names`` for its operation names and root aliases, sharing
    every node not on the path to a new name; and its shape."""
    new_names = iter(names)
    renames: dict[str, str] = {}
    operations: dict[str, str] = {}
    definitions = []
    for definition in kept.document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            changes: dict[str, Any] = {}
            name = definition.name
            if name is not None:
                new = operations[name.value] = next(new_names)
                if new != name.value:
                    changes["name"] = NameNode(value=new, loc=name.loc)
            selections, renamed = [], False
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode) and selection.alias is not None:
                    alias, new = selection.alias, next(new_names)
                    if new != alias.value:
                        renames[alias.value] = new
                        selection = dataclasses.replace(selection, alias=NameNode(value=new, loc=alias.loc))
                        renamed = True
                selections.append(selection)
            if renamed:
                changes["selection_set"] = dataclasses.replace(definition.selection_set, selections=tuple(selections))
            if changes:
                definition = dataclasses.replace(definition, **changes)
        definitions.append(definition)
    document = dataclasses.replace(kept.document, definitions=tuple(definitions))
    object.__setattr__(document, "token_count", kept.document.token_count)
    shape = dataclasses.replace(
        kept.shape,
        aliases=tuple(renames.get(a, a) for a in kept.shape.aliases),
        operations=tuple(operations[o] for o in kept.shape.operations),
    )
    return document, shape


def located(document: DocumentNode, text: str | None, options: Mapping[str, Any]) -> DocumentNode:
    """``document`` if its locations are ``text``'s (or it has none), else ``text`` parsed."""
    loc = document.loc
    if loc is None or text is None or loc.source.body == text:
        return document
    return parse(text, **options)
