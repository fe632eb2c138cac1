"""Regular expressions PostgreSQL and Python read alike: the ``MATCHES`` subset, checked and
spelled for each engine, and patterns finding a literal text (with or without case)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from catalog.errors import Invalid
from catalog.limits import MAX_PATTERN_CHARS

MAX_REPEAT = 255
"""PostgreSQL's largest repetition count."""


class Pattern(NamedTuple):
    """One regular expression spelled for PostgreSQL (``like_regex``, an ARE in which ``.`` and
    ``[^...]`` never match a newline) and for Python's ``re``."""

    postgresql: str
    python: str


_SHORTHANDS = {"d": "0-9", "w": "0-9A-Za-z_", "s": " \\t\\n\\r\\f\\v"}
_CONTROLS = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\f": "\\f", "\v": "\\v"}
_ESCAPED_CONTROLS = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v"}
_SPECIAL = frozenset("\\.^$*+?()[]{}|-&~")
"""Characters either engine may read as syntax, in or out of ``[...]`` (``&&`` and ``~~`` in Python)."""
_REPEAT = re.compile(r"\{([0-9]{1,3})(,([0-9]{0,3}))?\}")


def safe_pattern(pattern: Any) -> Pattern:
    """A ``MATCHES`` pattern in the subset both engines read alike, or ``Invalid``: literals,
    ``.``, ``[...]`` (ranges, ``^``), ``^ $``, ``* + ? {m,n}``, ``|``, plain groups, and the
    escapes ``\\d \\w \\s \\D \\W \\S`` (ASCII only), ``\\t \\n \\r \\f \\v`` and ``\\`` before
    punctuation. Bounded: 256 characters, counts up to 255, and a repeated group holds no
    quantifier, ``|`` or anchor (no ``(a+)+``). That is not a time bound for Python's backtracking
    ``re``: many optional or repeated parts in a row (``a?a?a?...``, ``.*.*x``) still grow with
    the value's length on SQLite; PostgreSQL's engine does not backtrack that way."""
    if not isinstance(pattern, str) or not pattern:
        raise Invalid("MATCHES takes a regular expression as a non-empty string")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise Invalid(f"a MATCHES pattern has at most {MAX_PATTERN_CHARS} characters")
    return _safe_pattern(pattern)


@lru_cache(maxsize=256)
def _safe_pattern(text: str) -> Pattern:
    reader = _PatternReader(text)
    pattern, _ = reader.alternation()
    if reader.at < len(text):
        raise _refused("a ) without its (")
    try:
        re.compile(pattern.python)
    except re.error as error:
        raise _refused(str(error)) from None
    return pattern


def literal_pattern(text: str) -> str:
    """A pattern finding ``text`` itself, for either engine."""
    return "".join(_literal(c) for c in text)


def caseless_pattern(text: str) -> str:
    """A pattern finding ``text`` with ASCII letters in either case, for either engine (no flag:
    PostgreSQL's ``i`` flag folds by the database's locale, Python's by Unicode)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isascii() and c.isalpha() else _literal(c) for c in text)


def _literal(c: str) -> str:
    if c in _CONTROLS:
        return _CONTROLS[c]
    if c == "\0":
        raise Invalid("a pattern or value cannot hold the NUL character")
    if c in _SPECIAL:
        return "\\" + c  # both engines read \ before punctuation as the character itself
    return c


def _same(spelling: str) -> Pattern:
    return Pattern(spelling, spelling)


def _refused(reason: str) -> Invalid:
    return Invalid(f"MATCHES pattern: {reason}")


class _PatternReader:
    """Reads a pattern by recursive descent, writing both spellings as it goes."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def peek(self, ahead: int = 0) -> str:
        return self.text[self.at + ahead : self.at + ahead + 1]

    def take(self) -> str:
        c = self.peek()
        self.at += 1
        return c

    def alternation(self) -> tuple[Pattern, bool]:
        """The pattern, and whether it is plain: no quantifier, ``|`` or anchor inside."""
        branches = [self.sequence()]
        while self.peek() == "|":
            self.take()
            branches.append(self.sequence())
        if any(not branch.python for branch, _ in branches):
            raise _refused("an empty alternative or group")
        spelled = Pattern(*("|".join(spellings) for spellings in zip(*(b for b, _ in branches), strict=True)))
        return spelled, len(branches) == 1 and branches[0][1]

    def sequence(self) -> tuple[Pattern, bool]:
        postgresql, python, plain = "", "", True
        while self.peek() not in ("", "|", ")"):
            atom, atom_plain, repeatable = self.atom()
            quantifier = self.quantifier()
            if quantifier and not repeatable:
                raise _refused(f"{quantifier} after an anchor")
            if quantifier and not atom_plain:
                raise _refused("a repeated group may not hold a quantifier, | or anchor, as in (a+)+")
            postgresql += atom.postgresql + quantifier
            python += atom.python + quantifier
            plain = plain and atom_plain and not quantifier
        return Pattern(postgresql, python), plain

    def atom(self) -> tuple[Pattern, bool, bool]:
        """(spellings, plain, repeatable)"""
        c = self.take()
        if c == "(":
            if self.peek() == "?":
                raise _refused("groups take no modifiers: (?:, (?=, (?i) ...")
            inner, plain = self.alternation()
            if self.take() != ")":
                raise _refused("a ( without its )")
            return Pattern(f"({inner.postgresql})", f"({inner.python})"), plain, True
        if c == "[":
            return self.bracket(), True, True
        if c == ".":
            return _same("."), True, True
        if c == "^":
            return _same("^"), False, False
        if c == "$":
            return Pattern("$", "\\Z"), False, False
        if c in "*+?{":
            raise _refused(f"{c} with nothing to repeat (write \\{c} for the character)")
        if c == "\\":
            return self.escape(), True, True
        return _same(_literal(c)), True, True

    def escape(self) -> Pattern:
        c = self.take()
        if c in _SHORTHANDS:
            return _same(f"[{_SHORTHANDS[c]}]")
        if c in ("D", "W", "S"):
            body = _SHORTHANDS[c.lower()]
            return Pattern(f"[^{body}]", f"[^{body}\\n]")
        if c in _ESCAPED_CONTROLS:
            return _same(_literal(_ESCAPED_CONTROLS[c]))
        if not c or (c.isascii() and c.isalnum()):
            raise _refused(f"\\{c} is not in the common subset (no backreferences, \\b, \\x, \\u ...)")
        return _same(_literal(c))

    def bracket(self) -> Pattern:
        negated = self.peek() == "^"
        if negated:
            self.take()
        body = ""
        while self.peek() != "]":
            kind, item = self.bracket_item()
            if kind == "char" and self.peek() == "-" and self.peek(1) not in ("", "]"):
                self.take()
                end_kind, end = self.bracket_item()
                if end_kind != "char" or end < item:
                    raise _refused(f"a bad range in [...] ending at {end!r}")
                body += f"{_literal(item)}-{_literal(end)}"
            else:
                body += _literal(item) if kind == "char" else item
        self.take()
        if not body:
            raise _refused("an empty [] (write \\] for the character)")
        if not negated:
            return _same(f"[{body}]")
        return Pattern(f"[^{body}]", f"[^{body}\\n]")

    def bracket_item(self) -> tuple[str, str]:
        """("char", the character) or ("set", a shorthand's class body)."""
        c = self.take()
        if not c:
            raise _refused("a [ without its ]")
        if c == "[":
            raise _refused("[ inside [...] (write \\[ for the character)")
        if c != "\\":
            return "char", c
        c = self.take()
        if c in _SHORTHANDS:
            return "set", _SHORTHANDS[c]
        if c in _ESCAPED_CONTROLS:
            return "char", _ESCAPED_CONTROLS[c]
        if not c or (c.isascii() and c.isalnum()):
            raise _refused(f"\\{c} inside [...] is not in the common subset")
        return "char", c

    def quantifier(self) -> str:
        c = self.peek()
        if c in ("*", "+", "?"):
            self.take()
            quantifier = c
        elif c == "{":
            repeat = _REPEAT.match(self.text, self.at)
            if not repeat:
                raise _refused("{ starts a count {m}, {m,} or {m,n} (write \\{ for the character)")
            low, high = int(repeat[1]), repeat[3]
            if low > MAX_REPEAT or (high and not low <= int(high) <= MAX_REPEAT):
                raise _refused(f"counts go from 0 to {MAX_REPEAT}, the smaller first")
            self.at = repeat.end()
            quantifier = f"{{{low}}}" if repeat[2] is None else f"{{{low},{high and int(high)}}}"
        else:
            return ""
        if self.peek() in ("?", "+"):
            raise _refused("lazy and possessive quantifiers are not in the common subset")
        return quantifier
