"""The interface every backend offers: read-only SPARQL over the union of the project's graphs."""

from __future__ import annotations

from abc import ABC, abstractmethod

from ..limits import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT
from ..query.results import QueryForm, QueryResult

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_TIMEOUT", "Store"]


class Store(ABC):
    """A SPARQL-queryable graph. Queries see the union of the project's graphs."""

    label: str = "store"

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        form: QueryForm,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
    ) -> QueryResult:
        """Run a read-only query already checked by :mod:`umkm_kg.query.sparql`.

        :raises QueryTimeout: past ``timeout`` seconds.
        :raises RemoteError: for a remote backend that fails.
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (files, connections)."""
