"""What a validation found: problems grouped by record, in Indonesian and English.

A :class:`ValidationReport` holds, for each record (a CSV row, or an RDF subject and its line),
the problems found: the field, what was expected and what was found, the message in both
languages; and the SHACL validation report graph for ``--report ttl``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from ..i18n import Text
from ..namespaces import PREFIXES, SHAPES_NS

MAPPING_COMPONENT = SHAPES_NS["RecordMappingConstraintComponent"]
"""Component named in reports for cells that cannot be mapped (unknown names, formulas)."""
REFERENCE_COMPONENT = SHAPES_NS["UnknownReferenceConstraintComponent"]
"""Component named in reports for references to resources or terms the graph does not have."""
OWNERSHIP_COMPONENT = SHAPES_NS["ForeignStatementConstraintComponent"]
"""Component named in reports for statements about what the batch does not own
(:mod:`umkm_kg.validation.ownership`)."""


class Severity(StrEnum):
    """SHACL severities, most serious first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @classmethod
    def of(cls, iri: object) -> Severity:
        if iri == SH.Warning:
            return cls.WARNING
        return cls.INFO if iri == SH.Info else cls.VIOLATION

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    def label(self, lang: str) -> str:
        names = {"Violation": "pelanggaran", "Warning": "peringatan", "Info": "info"}
        return names[self.value] if lang == "id" else self.value.lower()


@dataclass(frozen=True, order=True)
class RecordRef:
    """Where a record comes from: a CSV row, or a subject and its line in an RDF file."""

    source: str
    row: int | None = None
    line: int | None = None
    subject: str | None = None

    def describe(self, lang: str) -> str:
        parts = [self.source]
        if self.row is not None:
            parts.append(f"{'baris' if lang == 'id' else 'row'} {self.row}")
        elif self.line is not None:
            parts.append(f"{'baris' if lang == 'id' else 'line'} {self.line}")
        text = ", ".join(parts)
        return f"{text} ({short(self.subject)})" if self.subject else text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: which field, what was expected, what was found."""

    severity: Severity
    field: str
    expected: Text
    found: Text
    message: Text
    focus: str | None = None
    path: str | None = None
    component: str | None = None
    shape: str | None = None

    def as_dict(self, lang: str) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "field": self.field,
            "expected": self.expected.get(lang),
            "found": self.found.get(lang),
            "message": self.message.get(lang),
            "focus": self.focus,
            "path": self.path,
            "component": self.component,
            "shape": self.shape,
        }


@dataclass(frozen=True)
class RecordProblems:
    """The problems of one record."""

    record: RecordRef
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation; ``graph`` is the SHACL validation report (``--report ttl``)."""

    conforms: bool
    records: tuple[RecordProblems, ...]
    graph: Graph = field(repr=False, compare=False)
    record_count: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for r in self.records for p in r.problems if p.severity is severity)

    @property
    def violation_count(self) -> int:
        return self.count(Severity.VIOLATION)

    @property
    def warning_count(self) -> int:
        return self.count(Severity.WARNING)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "records_checked": self.record_count,
            "violations": self.violation_count,
            "warnings": self.warning_count,
            "infos": self.count(Severity.INFO),
            "records": [
                {
                    "source": r.record.source,
                    "row": r.record.row,
                    "line": r.record.line,
                    "subject": r.record.subject,
                    "problems": [p.as_dict(lang) for p in r.problems],
                }
                for r in self.records
            ],
        }

    def text(self, lang: str = "en") -> str:
        """The report for people, grouped by record, in ``lang`` (``id`` or ``en``)."""
        id_ = lang == "id"
        lines = []
        marks = {Severity.VIOLATION: "✗", Severity.WARNING: "!", Severity.INFO: "i"}
        for group in self.records:
            lines.append(group.record.describe(lang) + ":")
            for p in group.problems:
                node = f" ({short(p.focus)})" if p.focus and p.focus != group.record.subject else ""
                lines.append(f"  {marks[p.severity]} {p.field}{node}: {p.message.get(lang)}")
                expected = "diharapkan" if id_ else "expected"
                found = "ditemukan" if id_ else "found"
                lines.append(
                    f"      {expected}: {p.expected.get(lang)}; {found}: {p.found.get(lang)}"
                )
        total = (
            f"{self.record_count} rekaman diperiksa: {self.violation_count} pelanggaran, "
            f"{self.warning_count} peringatan, {self.count(Severity.INFO)} info."
            if id_
            else f"{self.record_count} records checked: {self.violation_count} violations, "
            f"{self.warning_count} warnings, {self.count(Severity.INFO)} infos."
        )
        verdict = (
            ("Sesuai." if self.conforms else "Tidak sesuai.")
            if id_
            else ("Conforms." if self.conforms else "Does not conform.")
        )
        lines.append(f"{total} {verdict}")
        return "\n".join(lines) + "\n"

    def turtle(self) -> str:
        from ..publish.turtle import canonical_turtle

        return canonical_turtle(self.graph)


# --- what was expected, what was found -------------------------------------------------------


def short(iri: str | None) -> str:
    """``kg:country-my`` for a known namespace, else ``<iri>`` (blank nodes stay ``_:b``)."""
    if iri is None:
        return "-"
    if iri.startswith("_:"):
        return iri
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _name(term: Node, ontology: Graph, lang: str) -> str:
    labels = {
        (label.language or ""): str(label)
        for label in ontology.objects(term, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))  # type: ignore[arg-type]
        if isinstance(label, Literal)
    }
    label = labels.get(lang) or labels.get("en")
    return f"{label} ({short(str(term))})" if label else short(str(term))


def _values(shapes: Graph, shape: Node, parameter: URIRef) -> list[Node]:
    value = shapes.value(shape, parameter)  # type: ignore[arg-type]
    if value is None:
        return []
    if parameter in (SH["in"], SH.languageIn, SH["or"], SH["and"], SH.xone):
        return list(shapes.items(value))  # type: ignore[arg-type]
    return [value]


def expectation(shapes: Graph, ontology: Graph, shape: Node | None, component: Node | None) -> Text:
    """What a constraint asks for, in words, from its component and the shape's parameters."""
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")

    def param(local: str) -> list[Node]:
        return _values(shapes, shape, SH[local]) if shape is not None else []

    def one(local: str) -> str:
        found = param(local)
        return str(found[0]) if found else "?"

    if name == "MinCount":
        return Text(
            f"at least {one('minCount')} value(s)", f"paling sedikit {one('minCount')} nilai"
        )
    if name == "MaxCount":
        return Text(f"at most {one('maxCount')} value(s)", f"paling banyak {one('maxCount')} nilai")
    if name == "Class":
        cls = param("class")[0] if param("class") else SH.Class
        return Text(
            f"an existing {_name(cls, ontology, 'en')}", f"{_name(cls, ontology, 'id')} yang ada"
        )
    if name == "Datatype":
        dt = param("datatype")[0] if param("datatype") else None
        if dt == RDF.langString:
            return Text(
                "text with a language tag (@id or @en)", "teks bertag bahasa (@id atau @en)"
            )
        return Text(f"a value of type {short(str(dt))}", f"nilai bertipe {short(str(dt))}")
    if name == "In":
        listed = ", ".join(short(str(v)) for v in param("in"))
        return Text(f"one of: {listed}", f"salah satu dari: {listed}")
    if name == "Pattern":
        return Text(f"text matching {one('pattern')}", f"teks yang cocok dengan {one('pattern')}")
    if name == "NodeKind":
        kind = short(one("nodeKind")).removeprefix("sh:")
        return Text(f"a value of kind {kind}", f"nilai berjenis {kind}")
    if name == "QualifiedMinCount":
        inner = param("qualifiedValueShape")
        langs = [str(v) for v in _values(shapes, inner[0], SH.languageIn)] if inner else []
        if langs:
            tag = "/".join(f"@{t}" for t in langs)
            return Text(
                f"at least {one('qualifiedMinCount')} value(s) in {tag}",
                f"paling sedikit {one('qualifiedMinCount')} nilai dalam {tag}",
            )
    if name in ("Or", "Xone", "And"):
        options = [_option(shapes, o) for o in param(name.lower())]
        if options:
            word = {"Or": (" or ", " atau "), "Xone": (" or ", " atau "), "And": (" and ", " dan ")}
            return Text(
                "a value for " + word[name][0].join(options),
                "nilai untuk " + word[name][1].join(options),
            )
    if name == "UniqueLang":
        return Text("at most one value per language", "paling banyak satu nilai per bahasa")
    if name == "MinInclusive":
        return Text(
            f"a number of at least {one('minInclusive')}",
            f"angka paling sedikit {one('minInclusive')}",
        )
    messages = {
        (m.language or "en"): str(m)
        for m in shapes.objects(shape, SH.message)  # type: ignore[arg-type]
        if isinstance(m, Literal)
    }
    sparql = shapes.value(shape, SH.sparql)  # type: ignore[arg-type]
    if sparql is not None:
        messages = messages or {
            (m.language or "en"): str(m)
            for m in shapes.objects(sparql, SH.message)
            if isinstance(m, Literal)
        }
    en = messages.get("en", f"what {short(str(shape))} asks for")
    id_ = messages.get("id", f"yang diminta {short(str(shape))}")
    return Text(_unfilled(en), _unfilled(id_))


def _unfilled(message: str) -> str:
    import re

    return re.sub(r"\{[?$]\w+\}", "…", message)


def _option(shapes: Graph, option: Node) -> str:
    for parameter in (SH.path, SH["class"], SH.datatype):
        value = shapes.value(option, parameter)  # type: ignore[arg-type]
        if value is not None:
            return short(str(value))
    return short(str(option))


def found_text(
    data: Graph, focus: Node | None, path: Node | None, component: Node | None, value: Node | None
) -> Text:
    """What the record has: the offending value, or how many values there are."""
    if value is not None and value == focus and path is None:
        if str(component).endswith(("OrConstraintComponent", "XoneConstraintComponent")):
            return Text("none of them", "tidak satu pun")
        return Text("this node does not", "simpul ini tidak")
    if value is not None:
        text = short(str(value)) if isinstance(value, URIRef) else _literal(value)
        return Text(text, text)
    if isinstance(path, URIRef) and focus is not None:
        values = list(data.objects(focus, path))  # type: ignore[arg-type]
        if not values:
            return Text("nothing", "tidak ada")
        if str(component).endswith("QualifiedMinCountConstraintComponent"):
            shown = ", ".join(
                _literal(v) if isinstance(v, Literal) else short(str(v)) for v in values[:3]
            )
            return Text(shown, shown)
        return Text(f"{len(values)} value(s)", f"{len(values)} nilai")
    return Text("a record that does not conform", "rekaman yang tidak sesuai")


def _literal(value: Node) -> str:
    if isinstance(value, Literal):
        text = str(value) if len(str(value)) <= 80 else str(value)[:77] + "..."
        if value.language:
            return f'"{text}"@{value.language}'
        if value.datatype is not None:
            return f'"{text}"^^{short(str(value.datatype))}'
        return f'"{text}"'
    return str(value)
