"""The remote backend: any SPARQL 1.1 query endpoint, reached through SPARQLWrapper.

Answers are normalised to what the embedded store gives for the same data, so results compare
as RDF terms across engines: ``xsd:string`` literals become simple literals, language tags are
lower-cased, and Virtuoso's ``1``/``0`` for ``xsd:boolean`` values become ``true``/``false``.

Credentials never go through a process-wide urllib opener: SPARQLWrapper's Digest mode installs
one, after which unrelated "anonymous" requests are silently authenticated. Each
:class:`HttpClient` owns a private opener instead.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any, Literal, cast
from urllib.request import parse_http_list, parse_keqv_list

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import XSD
from SPARQLWrapper import CSV, JSON, POST, TURTLE, SPARQLWrapper

from .. import __version__
from ..errors import (
    EndpointUnavailable,
    QueryTimeout,
    RemoteAuthError,
    RemoteError,
    ResultTruncated,
    UmkmError,
)
from ..formats import RdfFormat
from ..iri import check_link, link_problem
from ..query.results import QueryForm, QueryResult, Term, plain_literal
from . import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Store

AuthScheme = Literal["digest", "basic"]
AUTH_ENV = "UMKM_KG_AUTH"
"""Environment variable choosing the HTTP authentication scheme: ``digest`` or ``basic``."""
USER_AGENT = f"umkm-kg/{__version__}"

#: Seconds the client waits beyond the server's own time limit, so the server's clear
#: "interrupted by timeout" answer arrives before the socket gives up.
_TIMEOUT_GRACE = 2.0
_GRAPH_MEDIA_TYPES = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


def auth_scheme(value: str | None) -> AuthScheme | None:
    """Check an authentication scheme name (``None`` or empty: answer the server's challenge).

    :raises RemoteAuthError: not ``digest`` or ``basic``.
    """
    if not value:
        return None
    wanted = value.strip().lower()
    if wanted == "digest":
        return "digest"
    if wanted == "basic":
        return "basic"
    raise RemoteAuthError(
        f"unknown authentication scheme {value!r}", hint="choose digest or basic (UMKM_KG_AUTH)"
    )


class _PreemptiveDigestHandler(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that answers the last challenge up front.

    Without it every request is first sent without credentials, and Virtuoso resets the
    connection while a large body (a Graph Store upload) is still being sent.
    """

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self.challenge: dict[str, str] | None = None

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self.challenge is not None and not req.has_header("Authorization"):
            answer = self.get_authorization(req, self.challenge)
            if answer:
                req.add_unredirected_header("Authorization", f"Digest {answer}")
        return req

    https_request = http_request

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        _scheme, challenge = auth.split(" ", 1)
        self.challenge = parse_keqv_list([p for p in parse_http_list(challenge) if p])
        return super().retry_http_digest_auth(req, auth)


class HttpClient:
    """HTTP requests to one server with optional credentials, through a private opener.

    ``auth`` ``None`` answers whichever challenge (Digest or Basic) the server sends;
    ``"basic"`` sends the credentials up front; ``"digest"`` answers Digest challenges only.
    """

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        auth: AuthScheme | None = None,
    ) -> None:
        self.url = check_link(url, what="the endpoint")
        self.user = user or None
        self._password = password or ""
        self.auth = auth
        handlers: list[urllib.request.BaseHandler] = []
        self._digest: _PreemptiveDigestHandler | None = None
        if self.user:
            if auth == "basic":
                prior = urllib.request.HTTPPasswordMgrWithPriorAuth()
                prior.add_password(None, url, self.user, self._password, is_authenticated=True)
                handlers.append(urllib.request.HTTPBasicAuthHandler(prior))
            else:
                passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                passwords.add_password(None, url, self.user, self._password)
                self._digest = _PreemptiveDigestHandler(passwords)
                handlers.append(self._digest)
                if auth is None:
                    handlers.append(urllib.request.HTTPBasicAuthHandler(passwords))
        self._opener = _http_opener(handlers)

    def open(
        self, request: urllib.request.Request, *, timeout: float | None, action: str
    ) -> http.client.HTTPResponse:
        """Send ``request``; ``action`` names it in error messages ("query", "upload").

        :raises EndpointUnavailable, RemoteAuthError, QueryTimeout, RemoteError:
        """
        if self._digest is not None:
            self._digest.reset_retry_count()
        request.add_header("User-Agent", USER_AGENT)
        try:
            response = self._opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc, action) from None
        except ValueError as exc:
            raise self._unsupported_scheme(exc) from None
        except (OSError, http.client.HTTPException) as exc:
            raise self._network_error(exc, timeout, action) from None
        return cast(http.client.HTTPResponse, response)

    def read(self, response: http.client.HTTPResponse, *, timeout: float | None) -> bytes:
        """Read a whole body, mapping a stalled or dropped connection to our errors."""
        try:
            with response:
                return response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise self._network_error(exc, timeout, "answer") from None

    def prime(self, url: str, *, timeout: float | None) -> None:
        """Learn the server's Digest challenge with a bodiless request, before sending data.

        :raises RemoteAuthError: the credentials are refused.
        :raises EndpointUnavailable: the server cannot be reached.
        """
        if self.user is None:
            return
        if self._digest is not None:
            self._digest.reset_retry_count()
        request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": USER_AGENT})
        try:
            self._opener.open(request, timeout=timeout).close()
        except urllib.error.HTTPError as exc:
            # Any other status (404, 405, 501...) came after the challenge, or without one.
            if exc.code in (401, 403):
                raise self._http_error(exc, "authentication check") from None
        except ValueError as exc:
            raise self._unsupported_scheme(exc) from None
        except (OSError, http.client.HTTPException) as exc:
            raise self._network_error(exc, timeout, "authentication check") from None

    def redact(self, text: str) -> str:
        """``text`` with the password blanked out, should a server echo it."""
        return text.replace(self._password, "***") if len(self._password) >= 3 else text

    def _unsupported_scheme(self, exc: ValueError) -> RemoteAuthError:
        # urllib raises ValueError for a challenge in a scheme it cannot answer (Bearer...).
        return RemoteAuthError(
            f"{self.url} asks for authentication umkm-kg cannot give: {self.redact(str(exc))}",
            hint="umkm-kg answers Digest and Basic challenges only",
        )

    def _http_error(self, exc: urllib.error.HTTPError, action: str) -> RemoteError:
        try:
            body = exc.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            body = ""
        detail = self.redact(server_message(body) or str(exc.reason or ""))
        where = f"{self.url} (HTTP {exc.code})"
        if "SR186" in body:  # Virtuoso: this user (or the anonymous one) may not write here
            return RemoteAuthError(
                f"{where} refused the {action}: {detail}",
                hint="Virtuoso's /sparql is read-only: write to /sparql-auth or "
                "/sparql-graph-crud-auth as a user granted SPARQL_UPDATE "
                "(UMKM_KG_USER, UMKM_KG_PASSWORD)",
            )
        if exc.code in (401, 403):
            if self.user is None:
                return RemoteAuthError(
                    f"{where} refused the {action}: it needs credentials",
                    hint="set UMKM_KG_USER and UMKM_KG_PASSWORD",
                )
            return RemoteAuthError(
                f"{where} refused the {action} for user {self.user!r}: {detail}".rstrip(": "),
                hint="check UMKM_KG_USER and UMKM_KG_PASSWORD (and UMKM_KG_AUTH=digest|basic); "
                "on Virtuoso, writes go to /sparql-auth or /sparql-graph-crud-auth and the "
                "user needs the SPARQL_UPDATE role",
            )
        if "S1TAT" in body:
            return QueryTimeout(
                f"{where} stopped the {action} at its time limit and sent no complete answer",
                hint="narrow the query, or allow more time with --timeout",
            )
        if exc.code == 404:
            return EndpointUnavailable(
                f"{where}: not found", hint="check the endpoint URL (e.g. .../sparql, .../query)"
            )
        if 400 <= exc.code < 500:
            return RemoteError(f"{where} rejected the {action}: {detail}")
        return RemoteError(f"{where} failed on the {action}: {detail}")

    def _network_error(self, exc: BaseException, timeout: float | None, action: str) -> RemoteError:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError):
            return QueryTimeout(
                f"{self.url} did not answer the {action} within {timeout or 0:g} s",
                hint="the server may be overloaded; narrow the query or allow more time "
                "with --timeout",
            )
        return EndpointUnavailable(
            f"cannot reach {self.url}: {self.redact(str(reason))}",
            hint="check the URL and that the server is running",
        )


def server_message(body: str, limit: int = 200) -> str:
    """The useful part of a server's error page: no HTML, no echoed query, one line, short,
    with anything unprintable escaped (it is shown on a terminal)."""
    text = re.sub(r"<[^>]+>", " ", body[: limit * 50])
    text = re.split(r"\n\s*SPARQL query:", text, maxsplit=1)[0]  # Virtuoso echoes the query
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _http_opener(handlers: Sequence[urllib.request.BaseHandler]) -> urllib.request.OpenerDirector:
    """An opener that speaks only http(s): no file:, ftp: or data: handler, even after a
    redirect (urllib's default opener has all three)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _HttpRedirects(),
        urllib.request.HTTPErrorProcessor(),
        *handlers,
    ):
        opener.add_handler(handler)
    return opener


class _HttpRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only (urllib also follows them to ftp:)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if link_problem(newurl) is not None:
            raise urllib.error.HTTPError(
                req.full_url, code, "redirect to a URL that is not http(s) refused", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper sending its requests through an :class:`HttpClient` (no global opener)."""

    def __init__(self, endpoint: str, client: HttpClient, socket_timeout: float | None) -> None:
        super().__init__(endpoint, agent=USER_AGENT)
        self._client = client
        self._socket_timeout = socket_timeout

    def _query(self) -> tuple[http.client.HTTPResponse, str]:
        request = self._createRequest()
        response = self._client.open(request, timeout=self._socket_timeout, action="query")
        return response, self.returnFormat


_TOP_REFUSED = "SR353"
"""Virtuoso's error code for a sorted LIMIT larger than its ResultSetMaxRows."""


MARGIN = 1000
"""Rows asked for past a capped listing's cap, sorted here with the others before the cut."""


def _limited(sparql: str, form: QueryForm, max_rows: int | None) -> str:
    """``sparql`` asking for ``MARGIN`` + 1 rows more than the cap, when it ends with a plain
    ORDER BY.

    A capped listing then does not fetch and parse every row of the answer (1.8 million at a
    million enterprises) to show the first ``max_rows``; a row past the cap says it was cut.
    The margin is there because the rows are sorted again here (:func:`_in_order`): Virtuoso
    orders long strings that share a prefix out of code-point order, so its ``max_rows``-th
    row need not be SPARQL's. Only a query whose last clause is an ORDER BY of plain variables
    on its own line is changed: a LIMIT after it is sure to be the query's own, and its rows'
    order is defined.
    """
    from .ordering import split_order_by

    if max_rows is None or form is not QueryForm.SELECT or split_order_by(sparql) is None:
        return sparql
    return f"{sparql.rstrip()}\nLIMIT {max_rows + 1 + MARGIN}\n"


def _in_order(
    sparql: str, variables: Sequence[str], rows: list[dict[str, Term]]
) -> list[dict[str, Term]]:
    """``rows`` sorted by the query's final ORDER BY as SPARQL defines it (unbound, IRIs, then
    literals; strings by code point, numbers by value), ties in the server's order.

    Servers disagree with the standard and with each other: at 100,000 enterprises Virtuoso 7.2
    put "Alas Kaki Bintang Selaras" before "Alas Kaki Bintang Sejahtera" (names sharing their
    first 20 characters). Rows this cannot order exactly (blank nodes, language tags, strings
    and numbers in one column) stay as the server sent them.
    """
    from .ordering import rdflib_key, sorted_rows, split_order_by

    order = split_order_by(sparql)
    if order is None or len(rows) < 2:
        return rows
    # Each row is sorted with its position in the answer, which brings the row itself back.
    values = [(*(row.get(name) for name in variables), place) for place, row in enumerate(rows)]
    ordered = sorted_rows(values, variables, order, key=rdflib_key)  # type: ignore[arg-type]
    if ordered is None:
        return rows
    return [rows[cast(int, row[-1])] for row in ordered.rows]


class RemoteStore(Store):
    """A remote SPARQL 1.1 query endpoint.

    ``graph`` (one IRI or several) is sent as ``default-graph-uri``, so the query's default
    graph is the project's data and nothing else (Virtuoso otherwise adds its system graphs).
    ``auth`` ``None`` takes ``$UMKM_KG_AUTH``, else answers whichever challenge the server sends.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        graph: str | Sequence[str] | None = None,
        user: str | None = None,
        password: str | None = None,
        auth: AuthScheme | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.graphs: tuple[str, ...] = (graph,) if isinstance(graph, str) else tuple(graph or ())
        self.client = HttpClient(
            endpoint,
            user=user,
            password=password,
            auth=auth or auth_scheme(os.environ.get(AUTH_ENV)),
        )
        self.label = f"remote ({endpoint})"
        self._cap: int | None = None  # Virtuoso's row cap, once seen
        self._under_cap = 0  # a graph size known to be under it
        self._top_refused = False  # Virtuoso refused a LIMIT over its row cap

    def query(
        self,
        sparql: str,
        *,
        form: QueryForm,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
    ) -> QueryResult:
        text = sparql if self._top_refused else _limited(sparql, form, max_rows)
        try:
            return self._query(text, form, timeout, max_rows)
        except RemoteError as exc:
            if text == sparql or _TOP_REFUSED not in str(exc):
                raise
        # Virtuoso refuses a sorted LIMIT over its ResultSetMaxRows, which then cuts the
        # answer itself: ask as written, from now on.
        self._top_refused = True
        return self._query(sparql, form, timeout, max_rows)

    def _query(
        self, sparql: str, form: QueryForm, timeout: float | None, max_rows: int | None
    ) -> QueryResult:
        socket_timeout = None if timeout is None else timeout + _TIMEOUT_GRACE
        wrapper = _Wrapper(self.endpoint, self.client, socket_timeout)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        # Both are documented attributes; setQuery would re-guess the form with a regex (and
        # warn when it cannot), while the caller already knows it.
        wrapper.queryString = sparql
        wrapper.queryType = form.value
        for name in self.graphs:
            wrapper.addDefaultGraph(name)
        if timeout is not None:
            # Virtuoso's per-request limit (ms); other servers ignore the parameter.
            wrapper.addParameter("timeout", str(max(1, round(timeout * 1000))))
        if form.returns_graph:
            wrapper.setReturnFormat(TURTLE)
            wrapper.addCustomHttpHeader("Accept", _GRAPH_MEDIA_TYPES)
        else:
            wrapper.setReturnFormat(JSON)
        response = wrapper.query().response
        body = self.client.read(response, timeout=socket_timeout)
        self._check_complete(response, timeout)
        if form.returns_graph:
            graph = self._parse_graph(response, body)
            cap = self._server_cap(response, len(graph))
            if cap is None and response.headers.get("Server", "").startswith("Virtuoso"):
                # Virtuoso cuts CONSTRUCT/DESCRIBE answers at ResultSetMaxRows triples
                # without saying so (no X-SPARQL-MaxRows header): compare with its cap.
                cap = self._virtuoso_cap(len(graph), socket_timeout)
            if cap is not None:
                raise ResultTruncated(
                    f"{self.endpoint} cut the answer at its row cap of {cap} triples "
                    f"(ResultSetMaxRows); the {len(graph)} triples received are not the whole "
                    "answer and were not shown",
                    hint="narrow the query, or raise the server's ResultSetMaxRows",
                )
            return QueryResult(form=form, graph=graph)
        document = self._parse_json(body)
        if form is QueryForm.ASK:
            return QueryResult(form=form, boolean=self._boolean(document))
        return self._select(sparql, form, document, response, max_rows)

    def _check_complete(self, response: http.client.HTTPResponse, timeout: float | None) -> None:
        """Refuse an answer the server marked as cut short by its time limit."""
        state = response.headers.get("X-SQL-State", "")
        if state == "S1TAT":
            raise QueryTimeout(
                f"{self.endpoint} stopped the query at its time limit ({timeout or 0:g} s) and "
                "sent only part of the answer; the partial answer was discarded",
                hint="narrow the query, or allow more time with --timeout",
            )
        if state:
            message = self.client.redact(response.headers.get("X-SQL-Message", ""))
            raise RemoteError(
                f"{self.endpoint} reported SQL state {server_message(state, 20)}: "
                f"{server_message(message, 120)}"
            )

    def _virtuoso_cap(self, triples: int, socket_timeout: float | None) -> int | None:
        """Virtuoso's row cap if it is at most ``triples`` (None: the cap is larger, or none).

        Asks for ``triples + 1`` cheap rows (VALUES, no data): a cap cuts them and says so in
        X-SPARQL-MaxRows. A cap found is remembered, as is a size known to be under the cap.
        """
        if self._cap is not None:
            return self._cap if self._cap <= triples else None
        if triples == 0 or triples < self._under_cap:
            return None
        wanted = triples + 1
        digits = "{ 0 1 2 3 4 5 6 7 8 9 }"
        blocks = " ".join(f"VALUES ?v{i} {digits}" for i in range(len(str(wanted))))
        wrapper = _Wrapper(self.endpoint, self.client, socket_timeout)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.queryString = f"SELECT ?v0 WHERE {{ {blocks} }} LIMIT {wanted}"
        wrapper.queryType = QueryForm.SELECT.value
        wrapper.setReturnFormat(CSV)  # the smallest rows: a digit and a line break
        response = wrapper.query().response
        self.client.read(response, timeout=socket_timeout)
        header = response.headers.get("X-SPARQL-MaxRows", "")
        if header.isdigit():
            self._cap = int(header)
            return self._cap if self._cap <= triples else None
        self._under_cap = wanted
        return None

    def _server_cap(self, response: http.client.HTTPResponse, rows: int) -> int | None:
        cap = response.headers.get("X-SPARQL-MaxRows")
        if cap is None:
            return None
        try:
            limit = int(cap)
        except ValueError:
            return 0
        return limit if rows >= limit else None

    def _select(
        self,
        sparql: str,
        form: QueryForm,
        document: dict[str, Any],
        response: http.client.HTTPResponse,
        max_rows: int | None,
    ) -> QueryResult:
        try:
            variables = tuple(str(v) for v in document["head"]["vars"])
            bindings = document["results"]["bindings"]
            rows = [
                {name: term_from_json(value) for name, value in binding.items()}
                for binding in bindings
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise RemoteError(
                f"{self.endpoint} answered with malformed SPARQL JSON results ({exc})"
            ) from None
        cap = self._server_cap(response, len(rows))
        rows = _in_order(sparql, variables, rows)
        truncated = max_rows is not None and len(rows) > max_rows
        if cap is not None and not truncated:
            raise ResultTruncated(
                f"{self.endpoint} cut the answer at its row cap of {cap} rows "
                f"(X-SPARQL-MaxRows); the {len(rows)} rows received are not the whole answer "
                "and were not shown",
                hint="narrow the query (filters, LIMIT), or raise the server's ResultSetMaxRows",
            )
        if truncated:
            assert max_rows is not None
            rows = rows[:max_rows]
        note = f"only the first {max_rows} rows are shown (row cap)" if truncated else None
        return QueryResult(
            form=form, variables=variables, rows=rows, truncated=truncated, note=note
        )

    def _parse_json(self, body: bytes) -> dict[str, Any]:
        try:
            document = json.loads(body)
        except ValueError:
            raise RemoteError(
                f"{self.endpoint} did not answer with SPARQL JSON results: "
                f"{server_message(body.decode('utf-8', 'replace'), 120)!r}",
                hint="is this the SPARQL query endpoint (e.g. .../sparql, .../query)?",
            ) from None
        if not isinstance(document, dict):
            raise RemoteError(f"{self.endpoint} answered with malformed SPARQL JSON results")
        return document

    def _boolean(self, document: dict[str, Any]) -> bool:
        if isinstance(document.get("boolean"), bool):
            return bool(document["boolean"])
        # Virtuoso 7.2 answers ASK in JSON as a one-column SELECT: one row holding 1, or none.
        try:
            if document["head"]["vars"] == ["__ASK_RETVAL"]:
                rows = document["results"]["bindings"]
                return any(str(r["__ASK_RETVAL"]["value"]) not in ("0", "false") for r in rows)
        except (KeyError, TypeError):
            pass
        raise RemoteError(f"{self.endpoint} did not answer the ASK query with a boolean")

    def _parse_graph(self, response: http.client.HTTPResponse, body: bytes) -> Graph:
        media_type = response.headers.get("Content-Type", "text/turtle")
        fmt: RdfFormat
        try:
            fmt = cast(RdfFormat, RdfFormat.from_media_type(media_type))
        except UmkmError:
            fmt = RdfFormat.NTRIPLES if media_type.startswith("text/plain") else RdfFormat.TURTLE
        graph = Graph(bind_namespaces="none")
        try:
            graph.parse(data=body, format=fmt.rdflib_name)
        except Exception as exc:  # rdflib's parsers raise many unrelated types
            raise RemoteError(
                f"{self.endpoint} answered the query with unreadable "
                f"{server_message(media_type, 60)}: {server_message(str(exc), 120)}"
            ) from None
        return graph


def term_from_json(binding: dict[str, Any]) -> Term:
    """An rdflib term from one SPARQL JSON results binding, normalising Virtuoso's quirks.

    :raises ValueError: an unknown term type (e.g. RDF-star triples).
    """
    kind = binding["type"]
    value = str(binding["value"])
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value.removeprefix("nodeID://"))
    if kind in ("literal", "typed-literal"):
        datatype = binding.get("datatype")
        if datatype == str(XSD.boolean) and value in ("1", "0"):
            value = "true" if value == "1" else "false"
        return plain_literal(value, binding.get("xml:lang"), datatype)
    raise ValueError(f"unsupported term type {kind!r}")
