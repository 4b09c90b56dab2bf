"""Every error the library raises on purpose, with the exit code the command line gives it.

Exit codes (documented in the README):
0 success or conforms, 1 data does not conform, 2 bad input or usage, 3 a remote server failed.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NONCONFORMANT = 1
EXIT_USAGE = 2
EXIT_REMOTE = 3


class UmkmError(Exception):
    """Base of the library's errors; ``exit_code`` and ``http_status`` say how edges report it."""

    exit_code = EXIT_USAGE
    http_status = 400
    code = "bad-request"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class BadInput(UmkmError):
    """A file or text that cannot be read or parsed (with file and line where known)."""

    code = "bad-input"


class UnknownName(UmkmError):
    """A name (query, format, template, graph) that does not exist."""

    http_status = 404
    code = "not-found"


class UnknownQuery(UnknownName):
    """No saved query has this name."""


class BadParameter(UmkmError):
    """A query parameter is missing, unknown, or its value is not of the expected type."""

    code = "bad-parameter"


class QueryFileError(UmkmError):
    """A saved query file in ``queries/`` is malformed (file and line in the message)."""

    http_status = 500
    code = "bad-query-file"


class ForbiddenQuery(UmkmError):
    """A query asks for something a read-only query may not do (update, SERVICE, LOAD...)."""

    http_status = 403
    code = "forbidden-query"


class ShapesInvalid(UmkmError):
    """Shapes that SHACL does not allow, or that would reach outside the data (SPARQL SERVICE)."""

    http_status = 500
    code = "bad-shapes"


class RecordsInvalid(UmkmError):
    """Records do not conform to the shapes; ``report`` holds the validation report."""

    exit_code = EXIT_NONCONFORMANT
    http_status = 422
    code = "not-conformant"

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class DuplicateRecord(UmkmError):
    """A record repeats an enterprise already in the graph."""

    exit_code = EXIT_NONCONFORMANT
    http_status = 409
    code = "duplicate"


class StoreError(UmkmError):
    """The local records store cannot be read or written (lock held, disk full...)."""

    http_status = 500
    code = "store-error"


class RemoteError(UmkmError):
    """A remote SPARQL server failed, refused or answered something unreadable."""

    exit_code = EXIT_REMOTE
    http_status = 502
    code = "remote-error"


class EndpointUnavailable(RemoteError):
    """The remote server cannot be reached."""

    code = "endpoint-unavailable"


class RemoteAuthError(RemoteError):
    """The remote server refused the credentials."""

    code = "remote-auth"


class QueryTimeout(RemoteError):
    """A query ran past its time limit (embedded or remote)."""

    http_status = 504
    code = "timeout"


class ResultTruncated(RemoteError):
    """A server cut the result (row cap or partial timeout) and we refuse to show it as complete."""

    code = "truncated"
