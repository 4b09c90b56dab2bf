"""Read-only SPARQL: check a query before any engine sees it, and bind values safely.

Both engines used here would otherwise act on a query's text: pyoxigraph (and Virtuoso) fetch
``SERVICE`` endpoints, and an update changes the store. So every query is parsed with rdflib's
SPARQL 1.1 parser and walked; anything not known to be harmless is refused (fail closed).
A second, independent look at the raw tokens refuses ``SERVICE`` and ``LOAD`` keywords even if
the parse tree were ever to hide one.

Before anything is parsed, a cheap pass over the tokens bounds the size and shape of the query
(:func:`check_size`): its length, nesting depth, terms per expression, steps of a property path
and sub-groups per group. Both rdflib's parser and Oxigraph's recurse on these: past the bounds
the first raises ``RecursionError`` and the second overflows its stack (a segfault), and
Oxigraph's planning of long paths and OPTIONAL chains grows with the cube of their length.

Values are never pasted into a query as text: :func:`bind_values` writes validated RDF terms
into a ``VALUES`` block with a strict writer, then parses the result again and checks that the
block holds exactly those terms and that nothing else changed.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, wraps
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD

from ..errors import BadInput, BadParameter, ForbiddenQuery
from ..namespaces import GRAPH
from .results import QueryForm, Term

if TYPE_CHECKING:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

# rdflib's SPARQL parser takes ~50 ms to import; it is imported by the first check, so that
# commands which check nothing (and the lexer and term writer below) do not pay for it.

ALLOWED_DATASET_PREFIX = str(GRAPH)
"""``FROM`` and ``FROM NAMED`` may only name the project's own graphs."""

_FORMS = {
    "SelectQuery": QueryForm.SELECT,
    "AskQuery": QueryForm.ASK,
    "ConstructQuery": QueryForm.CONSTRUCT,
    "DescribeQuery": QueryForm.DESCRIBE,
}

# Every parse-tree node a harmless SPARQL 1.1 query can contain. Anything else (update
# operations, SERVICE, rdflib's non-standard DISTINCT(path)) is refused: new parser node types
# are refused until someone reads them and adds them here.
_SAFE_NODES = frozenset(
    {
        "AdditiveExpression",
        "AskQuery",
        "Base",
        "Bind",
        "ConditionalAndExpression",
        "ConditionalOrExpression",
        "ConstructQuery",
        "DatasetClause",
        "DescribeQuery",
        "FakeGroupGraphPatten",
        "Filter",
        "Function",
        "GraphGraphPattern",
        "GroupAs",
        "GroupClause",
        "GroupGraphPatternSub",
        "GroupOrUnionGraphPattern",
        "HavingClause",
        "InlineData",
        "InversePath",
        "LimitOffsetClauses",
        "MinusGraphPattern",
        "MultiplicativeExpression",
        "OptionalGraphPattern",
        "OrderClause",
        "OrderCondition",
        "PathAlternative",
        "PathElt",
        "PathEltOrInverse",
        "PathNegatedPropertySet",
        "PathSequence",
        "PrefixDecl",
        "RelationalExpression",
        "SelectQuery",
        "SubSelect",
        "TriplesBlock",
        "UnaryMinus",
        "UnaryNot",
        "UnaryPlus",
        "ValuesClause",
        "literal",
        "pname",
        "vars",
    }
)
_SAFE_NODE_PREFIXES = ("Aggregate_", "Builtin_")
"""SPARQL's own aggregates and built-in functions: none of them reads or writes anything."""

_FORBIDDEN_KEYWORDS = {
    "SERVICE": "SERVICE (a query to another endpoint)",
    "LOAD": "LOAD",
}

_UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

MAX_QUERY_CHARS = 256 * 1024
"""Longest query text accepted (characters): a saved query with a page of bound values fits."""
MAX_QUERY_TOKENS = 50_000
"""Most tokens (names, literals, operators) in one query."""
MAX_NESTING = 16
"""Deepest nesting of brackets (``{``, ``(``, ``[``, runs of unary operators) in one query;
rdflib's parser gives up a little past 20 levels of parentheses."""
MAX_TERMS = 1_000
"""Most operators and commas at one level of one bracket (``1+1+...``, ``IN (...)``)."""
MAX_PATH_STEPS = 64
"""Most steps (``/``, ``|``, ``^``) in one bracket's property paths."""
MAX_SUBGROUPS = 100
"""Most groups directly inside one group (``OPTIONAL {...}``, ``UNION {...}`` chains)."""

_OPERATORS = frozenset("+-*/|&,=<>!^")
_PATH_OPERATORS = frozenset("/|^")
_DOUBLED = frozenset({"||", "&&", "<=", ">=", "!=", "^^"})
_WORD_OPERATORS = re.compile(r"(?<=[\w.)])[-+]")

# rdflib expands \uHHHH escapes in the whole text before parsing (SPARQL 1.1, 19.2); Oxigraph
# expands them only inside strings and IRIs. A query read differently by the checker and the
# engine could hide anything, so such escapes are refused outright.
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)

# One parser for the whole process: pyparsing's packrat cache is not thread-safe.
_PARSER_LOCK = threading.Lock()


@dataclass(frozen=True)
class CheckedQuery:
    """What the checker learnt about a read-only query."""

    form: QueryForm
    variables: tuple[str, ...]
    """Projected variables of a SELECT, in order; empty for the other forms."""
    mentioned: frozenset[str]
    """Every variable named anywhere in the query."""


def check_read_only(text: str) -> QueryForm:
    """Check that ``text`` is one read-only query and return its form.

    :raises ForbiddenQuery: an update, ``SERVICE``, ``LOAD``, a ``FROM``/``FROM NAMED`` outside
        the project's graphs, an extension function, or anything that cannot be classified.
    :raises BadInput: not valid SPARQL (with line and column).
    """
    return inspect_query(text).form


def inspect_query(text: str, *, source: str | None = None) -> CheckedQuery:
    """Like :func:`check_read_only`, but also report the projected and mentioned variables.

    ``source`` (a file name) makes messages start with ``source:line:column:``.
    """
    return _analyse(text, source)[0]


def _located(message: str, source: str | None, line: int | None, col: int | None = None) -> str:
    if source:
        where = ":".join(str(p) for p in (source, line, col) if p is not None)
        return f"{where}: {message}"
    if line is None:
        return message
    return f"{message} (line {line}, column {col})" if col else f"{message} (line {line})"


def _analyse(text: str, source: str | None = None) -> tuple[CheckedQuery, ParseResults]:
    """Check ``text``; return what was learnt and the parse tree (prefixed names resolved)."""
    escape = _CODEPOINT_ESCAPE.search(text)
    if escape:
        raise BadInput(
            _located(
                "\\u escapes are not accepted in queries", source, *line_col(text, escape.start())
            ),
            hint="write the character itself: engines disagree on where such escapes apply",
        )
    found = check_size(text, source)
    for token in found:
        what = _FORBIDDEN_KEYWORDS.get(token.text.upper()) if token.kind == "word" else None
        if what:
            line, col = line_col(text, token.start)
            raise ForbiddenQuery(
                _located(f"{what} is not allowed in a read-only query", source, line, col)
            )
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    with _PARSER_LOCK:
        tree = _parse(text, source)
        query = tree[1]
        if not isinstance(query, CompValue) or query.name not in _FORMS:
            raise ForbiddenQuery("only SELECT, ASK, CONSTRUCT and DESCRIBE queries are allowed")
        functions: list[CompValue] = []
        datasets: list[CompValue] = []
        mentioned: set[str] = set()
        _walk(tree, functions, datasets, mentioned)
        try:
            # Resolves prefixed and relative IRIs in place, in the nodes collected above too.
            translated = translateQuery(tree)
        except Exception as exc:  # rdflib raises bare Exception for unknown prefixes
            raise BadInput(
                _located(
                    f"the query is not valid SPARQL: {exc}", source, _line_of_prefix(text, exc)
                )
            ) from None
    for function in functions:
        iri = dict.get(function, "iri")
        if not (isinstance(iri, URIRef) and str(iri).startswith(str(XSD))):
            raise ForbiddenQuery(
                _located(f"the function <{iri}> is not allowed", source, None),
                hint="read-only queries may use SPARQL's built-in functions and XSD casts",
            )
    froms = [t.start for t in found if t.kind == "word" and t.text.upper() == "FROM"]
    for index, clause in enumerate(datasets):
        iri = dict.get(clause, "default") or dict.get(clause, "named")
        if not (isinstance(iri, URIRef) and str(iri).startswith(ALLOWED_DATASET_PREFIX)):
            at = line_col(text, froms[index])[0] if index < len(froms) else None
            raise ForbiddenQuery(
                _located(f"FROM <{iri}> points outside the knowledge graph", source, at),
                hint=f"FROM and FROM NAMED may only name graphs under <{ALLOWED_DATASET_PREFIX}>",
            )
    form = _FORMS[query.name]
    projected: tuple[str, ...] = ()
    if form is QueryForm.SELECT:
        projected = tuple(str(v) for v in dict.get(translated.algebra, "PV") or ())
    checked = CheckedQuery(form=form, variables=projected, mentioned=frozenset(mentioned))
    return checked, tree


def _line_of_prefix(text: str, exc: Exception) -> int | None:
    """The line of the first use of an undeclared prefix named in rdflib's message."""
    match = re.search(r"prefix : (\S*)", str(exc))
    if match:
        for token in tokens(text):
            if token.kind == "word" and token.text.startswith(match.group(1) + ":"):
                return line_col(text, token.start)[0]
    return None


def _parse(text: str, source: str | None = None) -> ParseResults:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(text)
    except ParseBaseException as exc:
        try:
            parseUpdate(text)
        except Exception:  # not an update either: report the query parser's position
            pass
        else:
            first = next((t for t in tokens(text) if t.text.upper() in _UPDATE_WORDS), None)
            line = line_col(text, first.start)[0] if first else None
            raise ForbiddenQuery(
                _located("SPARQL Update is not allowed: queries are read-only", source, line),
                hint="use SELECT, ASK, CONSTRUCT or DESCRIBE",
            ) from None
        raise BadInput(
            _located(f"not valid SPARQL: {exc.msg}", source, exc.lineno, exc.col)
        ) from None
    except RecursionError:
        raise BadInput(
            _located("the query is nested or chained too deeply to be checked", source, None),
            hint="use fewer nested brackets, or fewer triple patterns in one group",
        ) from None
    except ValueError as exc:
        raise BadInput(_located(f"not valid SPARQL: {exc}", source, None)) from None


def _walk(
    tree: object, functions: list[CompValue], datasets: list[CompValue], mentioned: set[str]
) -> None:
    # Iterative, with an explicit stack: a parse tree may be deeper than Python's recursion limit.
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise ForbiddenQuery("SERVICE is not allowed: queries may not call other endpoints")
            if node.name not in _SAFE_NODES and not node.name.startswith(_SAFE_NODE_PREFIXES):
                raise ForbiddenQuery(f"the query uses {node.name}, which read-only queries may not")
            if node.name == "Function":
                functions.append(node)
            elif node.name == "DatasetClause":
                datasets.append(node)
            stack.extend(reversed(list(dict.values(node))))
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(reversed(list(node)))
        elif isinstance(node, Variable):
            mentioned.add(str(node))
        elif node is None or isinstance(node, str | int | URIRef | Literal | BNode):
            continue
        else:
            raise ForbiddenQuery(
                f"the query contains {type(node).__name__}, which cannot be checked"
            )


def check_size(text: str, source: str | None = None) -> list[Token]:
    """Bound the size and shape of ``text`` before any parser sees it; return its tokens.

    One linear pass over the tokens, so that no parser or engine is handed a query it would
    recurse on past its stack (see the module docstring and the ``MAX_*`` bounds).

    :raises BadInput: the query is too long, too deeply nested, or has too long an expression,
        property path or chain of groups (with its line and column).
    """
    if len(text) > MAX_QUERY_CHARS:
        raise BadInput(
            _located(
                f"the query is {len(text):,} characters long (at most {MAX_QUERY_CHARS:,})",
                source,
                None,
            ),
            hint="split it into smaller queries",
        )
    found: list[Token] = []
    # Per open bracket: its kind, operators, path steps, sub-groups.
    open_: list[list[Any]] = [["", 0, 0, 0]]
    unary = 0  # the current run of operators with no operand between them
    previous: Token | None = None

    def refuse(message: str, token: Token) -> BadInput:
        return BadInput(
            _located(message, source, *line_col(text, token.start)),
            hint="a read-only query must stay small enough for the engine to plan safely",
        )

    def deeper(token: Token) -> None:
        if len(open_) - 1 + unary > MAX_NESTING:
            raise refuse(f"the query nests more than {MAX_NESTING} levels deep", token)

    def operators(token: Token, count: int, path: int = 0) -> None:
        level = open_[-1]
        level[1] += count
        level[2] += path
        if level[1] > MAX_TERMS:
            raise refuse(f"an expression or list has more than {MAX_TERMS} terms", token)
        if level[2] > MAX_PATH_STEPS:
            raise refuse(f"a property path has more than {MAX_PATH_STEPS} steps", token)

    after_operator = False  # the previous token was an operator: a sign now is unary
    for token in tokens(text):
        found.append(token)
        if len(found) > MAX_QUERY_TOKENS:
            raise refuse(f"the query has more than {MAX_QUERY_TOKENS:,} tokens", token)
        if token.kind == "word" and ":" not in token.text:
            # Signs lex as part of a word: "-1", "-", "1-1-1" (two subtractions).
            word = token.text
            leading = len(word) - len(word.lstrip("+-"))
            operators(token, leading + len(_WORD_OPERATORS.findall(word)))
            if leading:
                unary += leading - (0 if after_operator else 1)
                deeper(token)
            if leading == len(word):
                after_operator, previous = True, token
                continue
        if token.kind != "punct":
            unary, after_operator = 0, False
        elif token.text in "({[":
            if token.text == "{":
                open_[-1][3] += 1
                if open_[-1][3] > MAX_SUBGROUPS:
                    raise refuse(f"a group holds more than {MAX_SUBGROUPS} groups", token)
            open_.append([token.text, 0, 0, 0])
            deeper(token)
            unary, after_operator = 0, False
        elif token.text in ")}]":
            if len(open_) > 1:
                open_.pop()
            unary, after_operator = 0, False
        elif token.text in _OPERATORS:
            doubled = (
                previous is not None
                and previous.kind == "punct"
                and previous.start + 1 == token.start
                and previous.text + token.text in _DOUBLED
            )
            if doubled:  # "||", "^^": one operator, which its first character counted
                operators(token, 0, -1 if previous and previous.text in _PATH_OPERATORS else 0)
            else:
                operators(token, 1, 1 if token.text in _PATH_OPERATORS else 0)
                if after_operator:
                    unary += 1
                    deeper(token)
            after_operator = True
        else:
            unary, after_operator = 0, False
        previous = token
    return found


# --- a small lexer: enough to tell code from comments, strings and IRIs ------------------


@dataclass(frozen=True)
class Token:
    kind: str
    """``word`` (keywords, prefixed names, numbers), ``var``, ``iri``, ``string`` or ``punct``."""
    text: str
    start: int


_TOKEN_PATTERN = r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"
              |'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u00c0-\U000effff]+)
  | (?P<word>(?:[A-Za-z_\u00c0-\U000effff][\w\-.\u00b7\u00c0-\U000effff]*)?
             :?(?:[\w\-.:%\u00b7\u00c0-\U000effff]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<punct>.)
    """


@cache
def _token_re() -> re.Pattern[str]:
    # Compiling the pattern (with its wide Unicode ranges) takes ~6 ms: only when first lexing.
    return re.compile(_TOKEN_PATTERN, re.VERBOSE | re.DOTALL)


def tokens(text: str) -> Iterator[Token]:
    """Split SPARQL text into tokens, skipping whitespace and comments.

    Not a full lexer: unterminated strings fall through as punctuation, which the parser
    reports properly. It only needs to know where code is, and never mistakes a brace inside a
    string, IRI, comment or escaped prefixed name for a real one.
    """
    pos = 0
    while pos < len(text):
        match = _token_re().match(text, pos)
        if match is None or match.end() == pos:  # an empty word match: take one character
            yield Token("punct", text[pos], pos)
            pos += 1
            continue
        kind = match.lastgroup or "punct"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), pos)
        pos = match.end()


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the query's outermost WHERE group.

    :raises BadInput: the query has no WHERE group (e.g. ``DESCRIBE <iri>``).
    """
    depth = 0
    after_where = False
    first_open: int | None = None
    for token in tokens(text):
        if token.kind == "punct" and token.text in "{(":
            if depth == 0 and token.text == "{":
                if after_where:
                    return token.start
                if first_open is None:
                    first_open = token.start
            depth += 1
        elif token.kind == "punct" and token.text in "})":
            depth -= 1
        elif depth == 0 and token.kind == "word" and token.text.upper() == "WHERE":
            after_where = True
    if first_open is None:
        raise BadInput("the query has no WHERE group to bind values in")
    return first_open


# --- writing terms ----------------------------------------------------------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')
_LANG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def n3(term: Term) -> str:
    """Write a term in N-Triples / SPARQL syntax (``<iri>``, ``"text"@en``, ``_:b``)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = "".join(_ECHAR.get(c, c) for c in str(term))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    raise TypeError(f"not an RDF term: {term!r}")


def safe_terms(terms: Iterable[Term]) -> list[str]:
    """The terms :func:`safe_term` can write, written; the others (which it refuses) left out,
    as a lookup of labels or codes for them would find nothing anyway."""
    written = []
    for term in terms:
        try:
            written.append(safe_term(term))
        except BadParameter:
            continue
    return written


def safe_term(term: Term, *, name: str = "value") -> str:
    """Write a term for a query, refusing anything the strict writer cannot make inert.

    :raises BadParameter: a blank node, a control character, a malformed IRI, language tag or
        datatype, or a ``\\u`` sequence (which engines read differently).
    """
    if isinstance(term, BNode) or not isinstance(term, URIRef | Literal):
        raise BadParameter(f"parameter {name}: only IRIs and literals can be bound")
    iris = [str(term)] if isinstance(term, URIRef) else []
    if isinstance(term, Literal):
        if _CONTROL.search(str(term)):
            raise BadParameter(f"parameter {name}: control characters are not allowed")
        if term.language and not _LANG.match(term.language):
            raise BadParameter(f"parameter {name}: bad language tag {term.language!r}")
        if term.datatype is not None:
            iris.append(str(term.datatype))
    for iri in iris:
        if not iri or _IRI_FORBIDDEN.search(iri):
            raise BadParameter(f"parameter {name}: {iri!r} is not a valid IRI")
    written = n3(term)
    if _CODEPOINT_ESCAPE.search(written):
        raise BadParameter(
            f"parameter {name}: the value contains a \\u escape sequence",
            hint="engines read such sequences differently; write the character itself",
        )
    return written


BOUND_CACHE = 1024
"""Bound query texts kept (:func:`bind_rows` is a pure function: the same text and values give
the same bound text, and checking it again costs a parse, ~30-60 ms of pure Python)."""


def _memoised(function: Callable[..., str]) -> Callable[..., str]:
    """Keep the last :data:`BOUND_CACHE` answers of ``function(text, names, rows, checked=)``.

    A server binding the same saved query with the same values (a form's defaults) would
    otherwise parse and check the same text on every request, holding the GIL meanwhile.
    Errors are not kept: a value that cannot be bound is refused every time.
    """
    kept: OrderedDict[object, str] = OrderedDict()
    lock = threading.Lock()

    @wraps(function)
    def wrapper(
        text: str,
        names: Sequence[str],
        rows: Sequence[Sequence[Term]],
        *,
        checked: CheckedQuery | None = None,
    ) -> str:
        # Terms compare by kind, lexical form, datatype and language: equal keys, equal text.
        key = (text, tuple(names), tuple(tuple(row) for row in rows), checked)
        with lock:
            found = kept.get(key)
            if found is not None:
                kept.move_to_end(key)
                return found
        bound = function(text, names, rows, checked=checked)
        with lock:
            kept[key] = bound
            while len(kept) > BOUND_CACHE:
                kept.popitem(last=False)
        return bound

    return wrapper


def bind_values(
    text: str, bindings: Mapping[str, Term], *, checked: CheckedQuery | None = None
) -> str:
    """Return ``text`` with a ``VALUES`` block binding ``bindings`` at the start of its WHERE.

    A VALUES block after the query would apply after GROUP BY and aggregates; at the start of
    the outermost group it restricts the pattern itself. The result is parsed again and must be
    the same form, project the same variables, and hold exactly these terms. ``checked`` is
    what :func:`inspect_query` said about ``text``, if already known.

    :raises BadParameter: a value cannot be written safely.
    :raises ForbiddenQuery: the bound query no longer checks out (never expected).
    """
    if not bindings:
        return text
    return bind_rows(text, list(bindings), [list(bindings.values())], checked=checked)


@_memoised
def bind_rows(
    text: str,
    names: Sequence[str],
    rows: Sequence[Sequence[Term]],
    *,
    checked: CheckedQuery | None = None,
) -> str:
    """Like :func:`bind_values`, with several rows of values for the variables ``names``.

    :raises BadParameter: a value cannot be written safely, or a row has the wrong length.
    :raises ForbiddenQuery: the bound query no longer checks out (never expected).
    """
    before = checked or inspect_query(text)
    names = list(names)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise BadParameter(f"{name!r} is not a valid variable name")
    written = []
    for row in rows:
        if len(row) != len(names):
            raise BadParameter(f"a row of {len(row)} values for {len(names)} variables")
        written.append(
            "(" + " ".join(safe_term(t, name=n) for n, t in zip(names, row, strict=True)) + ")"
        )
    block = f"VALUES ({' '.join('?' + n for n in names)}) {{ {' '.join(written)} }}\n"
    brace = where_brace(text)
    bound = f"{text[: brace + 1]} {block}{text[brace + 1 :]}"
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        after, tree = _analyse(bound)
        first = tree[1]["where"]["part"][0]
        same_block = (
            isinstance(first, CompValue)
            and first.name == "InlineData"
            and [str(v) for v in first["var"]] == names
            and len(first["value"]) == len(rows)
            and all(list(got) == list(row) for got, row in zip(first["value"], rows, strict=True))
        )
    except (BadInput, KeyError, IndexError, TypeError) as exc:
        raise ForbiddenQuery(f"the values could not be bound safely: {exc}") from exc
    if not same_block or after.form is not before.form or after.variables != before.variables:
        raise ForbiddenQuery("the values could not be bound safely; the query was not run")
    return bound


_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.\-]*)?\s*:", re.IGNORECASE)


def predeclare(text: str) -> tuple[str, int]:
    """``text`` with the project's prefixes (``kg:``, ``umkm:``, ``schema:``...) declared, as
    ``umkm-kg sparql`` offers them, and how many characters were put before its first line; a
    prefix the query declares itself is left to it.

    The declarations go on the query's first line, so errors keep their line numbers (and
    :func:`unshift` gives back the columns of line 1).
    """
    from ..namespaces import PREFIXES

    own = {(m.group(1) or "") for m in _DECLARED.finditer(text)}
    added = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in own)
    return (f"{added} {text}", len(added) + 1) if added else (text, 0)


def unshift(message: str, shift: int) -> str:
    """A message about a :func:`predeclare` query with the columns of its line 1 as written."""

    def column(match: re.Match[str]) -> str:
        col = int(match.group(1)) - shift
        return f"(line 1, column {col})" if col > 0 else "(line 1)"

    return re.sub(r"\(line 1, column (\d+)\)", column, message) if shift else message
