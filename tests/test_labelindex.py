"""The label index: the quads it derives from labels, as the store will keep them."""

from __future__ import annotations

import pyoxigraph as ox

from umkm_kg.query.labelindex import LABEL_INDEX_GRAPH, LABEL_TOKEN, label_index, words

KG = "https://w3id.org/umkm-kg/id/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
NAME = ox.NamedNode("https://schema.org/name")
RECORDS = ox.NamedNode("https://w3id.org/umkm-kg/graph/records/test")


def test_words_are_normalised_split_and_unrepeated() -> None:
    assert words("Batik-Tulis  BATIK, ﬁne_kain  a") == ["batik", "tulis", "fine", "kain"]
    assert words("Kue Keranjang Ibu Nuryati 12") == ["kue", "keranjang", "ibu", "nuryati", "12"]


def test_one_token_quad_per_subject_and_word_from_labels_and_names_only() -> None:
    shop, other = ox.NamedNode(KG + "enterprise-a"), ox.NamedNode(KG + "enterprise-b")
    quads = [
        ox.Quad(shop, LABEL, ox.Literal("Batik Sambi", language="id"), RECORDS),
        ox.Quad(shop, NAME, ox.Literal("batik sambi"), RECORDS),
        ox.Quad(shop, ox.NamedNode(KG + "motto"), ox.Literal("tidak diindeks"), RECORDS),
        ox.Quad(shop, LABEL, ox.NamedNode(KG + "not-a-literal"), RECORDS),
        ox.Quad(other, LABEL, ox.Literal("Mebel"), RECORDS),
        ox.Quad(other, LABEL_TOKEN, ox.Literal("old"), LABEL_INDEX_GRAPH),
        ox.Quad(other, LABEL, ox.Literal("index"), LABEL_INDEX_GRAPH),
    ]
    assert list(label_index(quads)) == [
        ox.Quad(shop, LABEL_TOKEN, ox.Literal("batik"), LABEL_INDEX_GRAPH),
        ox.Quad(shop, LABEL_TOKEN, ox.Literal("sambi"), LABEL_INDEX_GRAPH),
        ox.Quad(other, LABEL_TOKEN, ox.Literal("mebel"), LABEL_INDEX_GRAPH),
    ]


def test_the_index_finds_a_word_with_one_lookup() -> None:
    store = ox.Store()
    shops = [ox.NamedNode(f"{KG}enterprise-{n}") for n in range(50)]
    store.extend(
        ox.Quad(s, LABEL, ox.Literal(f"Usaha {'Batik' if n % 10 == 0 else 'Mebel'} {n}"), RECORDS)
        for n, s in enumerate(shops)
    )
    store.extend(list(label_index(store.quads_for_pattern(None, None, None, None))))
    found = {q.subject for q in store.quads_for_pattern(None, LABEL_TOKEN, ox.Literal("batik"))}
    assert found == {shops[n] for n in range(0, 50, 10)}
