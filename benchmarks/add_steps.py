"""CPU seconds of each step of a written 1,000-record add, in one process, without a profiler.

    PYTHONPATH=src python benchmarks/add_steps.py COPY BATCH

``COPY`` and ``BATCH`` as for ``benchmarks/add_1k.py``; the folder is restored to the
generation it started from. cProfile doubles the cost of the many small Python calls of an
add and hides what runs in Rust; this times the calls ``add_records`` makes (threads
included) and prints one JSON line. It runs on the code of the branch before this one too
(no ``records.triples``: the batch's rdflib graph is timed in its place), to compare.
"""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    started = cpu()
    import umkm_kg.cli  # noqa: F401  (what the command imports)
    from umkm_kg.kg import KnowledgeGraph
    from umkm_kg.records.add import with_similar
    from umkm_kg.records.duplicates import check_duplicates
    from umkm_kg.records.similar import find_similar
    from umkm_kg.records.store import RecordsStore
    from umkm_kg.validation import read_batch, shapes_version, validate

    try:
        from umkm_kg.records.triples import BatchTriples
    except ImportError:
        BatchTriples = None
    steps: dict[str, float] = {"imports": cpu() - started}

    def timed(name: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        before = cpu()
        result = call(*args, **kwargs)
        steps[name] = steps.get(name, 0.0) + cpu() - before
        return result

    import gc
    import inspect

    from umkm_kg.records import add as adding

    if "collection_paused" in inspect.getsource(adding):
        gc.disable()  # as add_records does, in the code that does it
    data, batch_file = Path(sys.argv[1]), sys.argv[2]
    start = (data / "store" / "CURRENT").read_text(encoding="ascii").strip()
    kg = timed("open the store", KnowledgeGraph.embedded, data_dir=data, isolated=False)
    batch = timed("read and map the CSV", read_batch, [batch_file], kg)
    store = RecordsStore(data)
    written: dict[str, Any] = {}
    if hasattr(store, "snapshot"):  # as add_records does since the write trusts its check
        known, graphs = store.snapshot()
        index, names = timed("name index", store.name_index, (known, graphs))
        written["checked"] = True
    else:
        known = store.dataset()
        index, names = timed("name index", store.name_index)
    if BatchTriples is not None:
        triples = timed("the batch's triples", BatchTriples, batch.triples)
    else:
        triples = timed("the batch's triples", lambda: batch.graph)
    timed("duplicate check", check_duplicates, triples, known, names=names)
    similar = tuple(timed("probable duplicates", find_similar, triples, known, index=index))
    report = timed("validation", validate, batch, kg)
    timed("validation", with_similar, report, batch, similar)
    timed("write", store.add, triples, batch.sources, shapes_version(), names=names, **written)
    steps["total"] = cpu() - started
    print(json.dumps({name: round(seconds, 2) for name, seconds in steps.items()}))
    store.restore(start)


if __name__ == "__main__":
    main()
