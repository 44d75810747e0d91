"""Formula custom fields: a small arithmetic language, parsed and evaluated without ``eval``.

An expression combines numbers, references to other fields in braces and the four operations
with parentheses: ``{value} * {probability} / 100``. ``{value}`` is the deal's value; any other
name is the key of a NUMBER or MONETARY custom field (a monetary field counts by its amount).
Arithmetic is decimal. A reference without a value, or a division by zero, makes the result empty
rather than wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext

MAX_LENGTH = 1000
MAX_NESTING = 32
# The deal's own value, usable in every formula.
VALUE_REF = "value"


class FormulaError(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.position = position


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    key: str


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


Node = Num | Ref | Neg | BinOp


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "ref", "op", "(", ")", "end"
    text: str
    position: int


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "+-*/":
            out.append(Token("op", ch, i))
            i += 1
        elif ch in "()":
            out.append(Token(ch, ch, i))
            i += 1
        elif ch.isdigit() or ch == ".":
            start = i
            while i < len(text) and (text[i].isdigit() or text[i] == "."):
                i += 1
            number = text[start:i]
            if number.count(".") > 1 or number == ".":
                raise FormulaError(f"{number!r} is not a number", start)
            out.append(Token("num", number, start))
        elif ch == "{":
            end = text.find("}", i)
            if end < 0:
                raise FormulaError("'{' without a closing '}'", i)
            key = text[i + 1 : end].strip()
            if not key or not all(c.isalnum() or c == "_" for c in key):
                raise FormulaError(f"{{{key}}} is not a field key", i)
            out.append(Token("ref", key, i))
            i = end + 1
        else:
            raise FormulaError(f"unexpected {ch!r}", i)
    out.append(Token("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Node:
        node = self.expression()
        token = self.peek()
        if token.kind != "end":
            raise FormulaError(f"unexpected {token.text!r}", token.position)
        return node

    def expression(self) -> Node:
        node = self.term()
        while self.peek().kind == "op" and self.peek().text in "+-":
            op = self.take().text
            node = BinOp(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.peek().kind == "op" and self.peek().text in "*/":
            op = self.take().text
            node = BinOp(op, node, self.factor())
        return node

    def factor(self) -> Node:
        token = self.take()
        if token.kind == "op" and token.text in "+-":
            return self._nested(lambda: Neg(self.factor()) if token.text == "-" else self.factor(), token)
        if token.kind == "num":
            return Num(Decimal(token.text))
        if token.kind == "ref":
            return Ref(token.text)
        if token.kind == "(":
            node = self._nested(self.expression, token)
            closing = self.take()
            if closing.kind != ")":
                raise FormulaError("'(' without a closing ')'", token.position)
            return node
        if token.kind == "end":
            raise FormulaError("the formula ends too early", token.position)
        raise FormulaError(f"unexpected {token.text!r}", token.position)

    def _nested(self, parse: Callable[[], Node], token: Token) -> Node:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise FormulaError("the formula is nested too deeply", token.position)
        try:
            return parse()
        finally:
            self.depth -= 1


@dataclass(frozen=True)
class Formula:
    text: str
    tree: Node

    @property
    def refs(self) -> frozenset[str]:
        found: set[str] = set()
        stack: list[Node] = [self.tree]
        while stack:
            node = stack.pop()
            if isinstance(node, Ref):
                found.add(node.key)
            elif isinstance(node, Neg):
                stack.append(node.operand)
            elif isinstance(node, BinOp):
                stack += [node.left, node.right]
        return frozenset(found)

    def evaluate(self, values: Mapping[str, Decimal | None]) -> Decimal | None:
        """The result, or None when a referenced value is missing or a division is by zero."""
        with localcontext() as ctx:
            ctx.prec = 34
            ctx.traps[DivisionByZero] = True
            ctx.traps[InvalidOperation] = True
            try:
                return _evaluate(self.tree, values)
            except (DivisionByZero, InvalidOperation):
                return None


class _Missing(Exception):
    pass


def _evaluate(node: Node, values: Mapping[str, Decimal | None]) -> Decimal | None:
    try:
        return _eval(node, values)
    except _Missing:
        return None


def _eval(node: Node, values: Mapping[str, Decimal | None]) -> Decimal:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        value = values.get(node.key)
        if value is None:
            raise _Missing(node.key)
        return value
    if isinstance(node, Neg):
        return -_eval(node.operand, values)
    left, right = _eval(node.left, values), _eval(node.right, values)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    return left / right


@functools.lru_cache(maxsize=512)
def parse(text: str) -> Formula:
    """Parse an expression; raise :class:`FormulaError` saying where it is wrong."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    if not text.strip():
        raise FormulaError("the formula is empty", 0)
    return Formula(text, _Parser(text).parse())
