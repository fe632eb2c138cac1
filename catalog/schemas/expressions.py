"""Arithmetic a request writes as text: an aggregate's formulas over its measures
(``100 * m1 / total(m1)``) and expressions over the fields of an unwound element
(``animal_weight_post - animal_weight_prior``, ``days(start_date) - days(subject:date_of_birth)``).

One small closed grammar, parsed here into a tree that the repository compiles to SQL (nothing is
evaluated in Python)::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := "-" unary | atom
    atom       := number | name "(" expression ")" | reference | "(" expression ")"

A reference is a dot path (``animal_weight_prior``, ``m0``) or ``document:path``; a function is
one of the names the caller allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog.errors import Invalid
from catalog.limits import MAX_EXPRESSION_CHARS

_TOKEN = re.compile(
    r"\s*(?:(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<reference>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
    r"(?::[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?)"
    r"|(?P<symbol>[-+*/()]))"
)


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class Reference:
    """A path of the element (``document`` None) or of another document of the same asset."""

    path: str
    document: str | None = None


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    argument: Node


@dataclass(frozen=True, slots=True)
class Negation:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    symbol: str  # + - * /
    left: Node
    right: Node


Node = Number | Reference | Call | Negation | Binary


def parse(text: str, functions: frozenset[str], example: str) -> Node:
    """The tree of ``text``, whose calls may name only ``functions``; else ``Invalid`` with
    ``example`` shown."""
    if not text.strip() or len(text) > MAX_EXPRESSION_CHARS:
        raise Invalid(f"an expression is 1 to {MAX_EXPRESSION_CHARS} characters, e.g. {example}")
    parser = _Parser(text, functions, example)
    tree = parser.expression()
    if parser.peek() is not None:
        raise parser.refused(f"unexpected {parser.peek()!r}")
    return tree


def references(node: Node) -> list[Reference]:
    """Every reference in the tree, left to right."""
    if isinstance(node, Reference):
        return [node]
    if isinstance(node, Call):
        return references(node.argument)
    if isinstance(node, Negation):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) + references(node.right)
    return []


class _Parser:
    def __init__(self, text: str, functions: frozenset[str], example: str) -> None:
        self.text, self.functions, self.example = text, functions, example
        self.tokens = self.tokenize()
        self.at = 0

    def tokenize(self) -> list[tuple[str, str]]:
        tokens, position = [], 0
        while position < len(self.text):
            if self.text[position:].strip() == "":
                break
            found = _TOKEN.match(self.text, position)
            if not found or found.lastgroup is None:
                raise self.refused(f"cannot read {self.text[position:].strip()[:20]!r}")
            tokens.append((found.lastgroup, found[found.lastgroup]))
            position = found.end()
        return tokens

    def refused(self, reason: str) -> Invalid:
        allowed = ", ".join(sorted(self.functions)) or "none"
        return Invalid(
            f"expression {self.text!r}: {reason}; write numbers, paths, + - * /, parentheses and "
            f"the functions ({allowed}), e.g. {self.example}"
        )

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise self.refused("it ends too early")
        self.at += 1
        return self.tokens[self.at - 1]

    def expression(self) -> Node:
        node = self.term()
        while self.peek() in ("+", "-"):
            symbol = self.take()[1]
            node = Binary(symbol, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek() in ("*", "/"):
            symbol = self.take()[1]
            node = Binary(symbol, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek() == "-":
            self.take()
            return Negation(self.unary())
        return self.atom()

    def atom(self) -> Node:
        kind, token = self.take()
        if kind == "number":
            return Number(float(token))
        if token == "(":
            node = self.expression()
            if self.take()[1] != ")":
                raise self.refused("a ( without its )")
            return node
        if kind != "reference":
            raise self.refused(f"unexpected {token!r}")
        if self.peek() == "(":
            if token not in self.functions:
                raise self.refused(f"{token}() is not a function here")
            self.take()
            argument = self.expression()
            if self.take()[1] != ")":
                raise self.refused("a ( without its )")
            return Call(token, argument)
        document, _, path = token.rpartition(":")
        return Reference(path, document or None)
