"""Probable duplicates: a near name plus the same owner, kelurahan or product is a warning that
``add`` refuses unless ``--allow-similar``; found through a token index, not by comparing all."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from conftest import Runner
from umkm_kg.records import RecordsStore
from umkm_kg.records.similar import NameIndex, find_similar, name_key
from umkm_kg.store.disk import CURRENT
from umkm_kg.synth import SynthFormat, synthesize

HEADER = "nama,nib,pemilik,produk,kategori,lokasi,sumber\n"


def _csv(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _version(data_dir: Path) -> str:
    return (data_dir / "store" / CURRENT).read_text(encoding="ascii")


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("CV. Haura  Hijab", "haura hijab"),
        ("UD Batik Sekar-Jagad", "batik sekar jagad"),
        ("PT. KO-GAYA, Tbk.", "ko gaya"),
        ("ibu Bunga", "bunga"),
        ("Bu  BUNGA", "bunga"),
        ("Hj. Siti Aminah", "siti aminah"),
        ("CV", "cv"),  # a name that is only a legal form keeps it
    ],
)
def test_names_are_compared_without_legal_forms_honorifics_case_or_punctuation(
    written: str, key: str
) -> None:
    assert name_key(written) == key


def test_a_copy_of_an_article_enterprise_in_a_kelurahan_is_refused_as_a_probable_duplicate(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    # Regression: this row was accepted as a new enterprise, with a second "ibu Bunga".
    path = _csv(tmp_path, "haura.csv", "Haura Hijab,,ibu Bunga,Hijab,hijab,Cipadu,Pendataan 2024")
    runner("info", "--no-check")
    before = _version(data_dir)
    for args in (("add", "--dry-run", str(path)), ("add", str(path))):
        result = runner(*args)
        assert result.exit_code == 1, result.output
        assert "probable duplicate of the enterprise 'Haura Hijab'" in result.stdout
        assert "kg:enterprise-haura-hijab" in result.stdout
        assert "same owner 'bunga'" in result.stdout
        assert "name score 100/100" in result.stdout
        assert "--allow-similar" in result.stderr
    assert _version(data_dir) == before
    assert RecordsStore(data_dir).batches() == []
    result = runner("--lang", "id", "add", "--dry-run", str(path))
    assert "kemungkinan duplikat usaha 'Haura Hijab'" in result.stdout
    result = runner("add", "--allow-similar", str(path))
    assert result.exit_code == 0, result.output
    assert len(RecordsStore(data_dir).batches()) == 1


def test_legal_form_honorific_and_spelling_do_not_hide_a_duplicate(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    first = _csv(tmp_path, "a.csv", "UD Kue Basah Mawar,,bapak Joko,Kue lapis,handicraft,Cipadu,x")
    assert runner("add", str(first)).exit_code == 0
    again = _csv(tmp_path, "b.csv", "kue basah  MAWAR.,,pak Joko,Lapis legit,handicraft,Kreo,x")
    result = runner("add", str(again))
    assert result.exit_code == 1, result.output
    assert "probable duplicate of the enterprise 'UD Kue Basah Mawar'" in result.stdout
    assert "same owner 'joko'" in result.stdout
    typo = _csv(tmp_path, "c.csv", "Kue Basa Mawar,,ibu Rina,Kue lapis,handicraft,Kreo,x")
    result = runner("add", "--dry-run", str(typo))
    assert result.exit_code == 1, result.output
    assert "same product 'kue lapis'" in result.stdout


def test_a_similar_name_with_nothing_else_in_common_is_not_reported(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    first = _csv(tmp_path, "a.csv", "Kue Basah Mawar,,bapak Joko,Kue lapis,handicraft,Cipadu,x")
    assert runner("add", str(first)).exit_code == 0
    other = _csv(tmp_path, "b.csv", "Kue Basah Mawar,,ibu Rina,Bolu,handicraft,Kreo,x")
    result = runner("add", str(other))
    assert result.exit_code == 0, result.output
    assert "probable duplicate" not in result.output
    # a different name with the same owner and place is not one either
    third = _csv(tmp_path, "c.csv", "Batik Joko Makmur,,bapak Joko,Batik,batik,Cipadu,x")
    assert runner("add", str(third)).exit_code == 0


def test_two_rows_of_one_batch_can_be_probable_duplicates(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "two.csv",
        "Sepatu Geres Jaya,,ibu Wati,Sepatu,footwear,Cipadu,x",
        "CV Sepatu Geres Jaya,,bu Wati,Sandal,footwear,Kreo,x",
    )
    result = runner("add", str(path))
    assert result.exit_code == 1, result.output
    # one of the two is reported, naming the other (not both, naming each other)
    assert result.stdout.count("probable duplicate of the enterprise") == 1
    assert "1 warnings" in result.stdout
    assert "kg:enterprise-sepatu-geres-jaya-cipadu" in result.stdout
    assert "kg:enterprise-cv-sepatu-geres-jaya-kreo" in result.stdout


def test_the_index_compares_a_name_with_few_enterprises_of_a_registry() -> None:
    out = io.StringIO()
    synthesize(out, SynthFormat.NQUADS, enterprises=3000, seed=4)
    store = ox.Store()
    store.load(out.getvalue().encode(), ox.RdfFormat.N_QUADS)
    index = NameIndex.of_store(store)
    assert len(index.names) == 3000
    # every synthetic name finds itself, among a small share of the registry
    sizes = []
    for position in range(0, 3000, 50):
        name = index.shown[position]
        assert position in dict(index.matches(name))
        sizes.append(len(index.candidates(name)))
    assert max(sizes) < 3000 / 3, sizes
    # a copy of one of them, respelt, with the same owner, is found among all
    name = index.shown[123]
    owner = next(
        store.quads_for_pattern(
            ox.NamedNode(index.iris[123]),
            ox.NamedNode("https://w3id.org/umkm-kg/ontology#owner"),
            None,
        )
    ).object
    graph = Graph().parse(
        data=f"""PREFIX schema: <https://schema.org/>
        PREFIX umkm: <https://w3id.org/umkm-kg/ontology#>
        <https://example.org/copy> a umkm:Enterprise ; schema:name "CV. {name.upper()}" ;
            umkm:owner {owner} .""",
        format="turtle",
    )
    [found] = find_similar(graph, store)
    assert found.existing == index.iris[123]
    assert found.same_owner


@pytest.mark.parametrize("threshold", [92.0, 80.0, 60.0, 100.0])
def test_names_too_short_or_too_long_to_score_are_all_that_is_left_uncompared(
    threshold: float,
) -> None:
    """The matches are those of comparing every candidate, at several thresholds, as names
    of all lengths are added between the searches."""
    from rapidfuzz import fuzz

    words = ["batik", "sekar", "jagad", "maju", "jaya", "sentosa", "a", "bb", "ccc", "kencana"]
    index = NameIndex()
    for at in range(400):
        picked = [words[(at * k + k * k) % len(words)] for k in range(1, 2 + at % 5)]
        name = " ".join(picked)
        if at % 3 == 0:
            everything: dict[int, float] = {}
            key = name_key(name)
            for word in index._rarest(key):
                for position in index.words[word]:
                    score = fuzz.ratio(" ".join(sorted(key.split())), index.sorted_names[position])
                    if score >= threshold:
                        everything[position] = score
            expected = sorted(everything.items(), key=lambda item: (-item[1], item[0]))
            assert list(index.matches(name, threshold)) == expected
        index.add(f"https://example.org/{at}", name)


def test_names_that_differ_by_a_number_are_other_enterprises() -> None:
    index = NameIndex()
    index.add("https://example.org/a", "Toko Maju 2")
    assert [at for at, _ in index.matches("toko maju 2")] == [0]
    assert list(index.matches("Toko Maju 3")) == []
    assert list(index.matches("Toko Maju")) == []
    # regression: the same numbers in another order matched (token_sort_ratio sorts words)
    index.add("https://example.org/b", "Toko Proses 1 0")
    assert [at for at, _ in index.matches("Toko Proses 1 0")] == [1]
    assert list(index.matches("Toko Proses 0 1")) == []


def test_the_name_index_is_kept_per_batch_and_follows_removals(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    from umkm_kg.records.similar import INDEX_FILE, cached_index

    first = _csv(tmp_path, "a.csv", "Kue Basah Mawar,,bapak Joko,Kue lapis,handicraft,Cipadu,x")
    assert runner("add", str(first)).exit_code == 0
    cache = data_dir / "cache" / INDEX_FILE
    assert b"Kue Basah Mawar" not in cache.read_bytes()  # written before the add
    again = _csv(tmp_path, "b.csv", "Batik Melati,,ibu Ani,Batik,batik,Kreo,x")
    assert runner("add", str(again)).exit_code == 0
    assert b"Kue Basah Mawar" in cache.read_bytes()
    records = RecordsStore(data_dir)
    index = cached_index(records.dataset(), records.graph_sizes(), cache)
    assert "Batik Melati" in index.shown and "Haura Hijab" in index.shown
    # a removed batch leaves the index; a damaged file is rebuilt from the store
    [mawar] = [b for b in records.batches() if b.sources == ("a.csv",)]
    assert runner("records", "remove", mawar.id).exit_code == 0
    records = RecordsStore(data_dir)
    index = cached_index(records.dataset(), records.graph_sizes(), cache)
    assert "Kue Basah Mawar" not in index.shown and "Batik Melati" in index.shown
    cache.write_text('{"format": 1, "graphs": {"x": {"count": "no"', encoding="utf-8")
    index = cached_index(records.dataset(), records.graph_sizes(), cache)
    assert "Batik Melati" in index.shown
    result = runner("add", str(_csv(tmp_path, "c.csv", "Batik Melati,,bu Ani,Kain,batik,Cipadu,x")))
    assert result.exit_code == 1 and "probable duplicate" in result.stdout


def test_an_index_read_back_and_extended_is_the_one_rebuilt_from_the_store(
    runner: Runner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from umkm_kg.records import namecache
    from umkm_kg.records.similar import INDEX_FILE, cached_index

    cache = data_dir / "cache" / INDEX_FILE
    rows = [f"Toko Kain Sari {n},,ibu Ani {n},Kain,batik,Cipadu,x" for n in range(30)]
    assert runner("add", str(_csv(tmp_path, "a.csv", *rows))).exit_code == 0
    records = RecordsStore(data_dir)
    first = cached_index(records.dataset(), records.graph_sizes(), cache)
    written = cache.read_bytes()
    # a batch added since is indexed on top of the file, which is kept as it was
    monkeypatch.setattr(namecache, "REWRITE_SHARE", 1)
    more = _csv(tmp_path, "b.csv", "Batik Melati,,ibu Ani,Batik,batik,Kreo,x")
    assert runner("add", str(more)).exit_code == 0
    records = RecordsStore(data_dir)
    on_top = cached_index(records.dataset(), records.graph_sizes(), cache)
    assert cache.read_bytes() == written
    assert len(on_top.names) == len(first.names) + 1 and "Batik Melati" in on_top.shown
    cache.unlink()
    rebuilt = cached_index(records.dataset(), records.graph_sizes(), cache)
    assert on_top == rebuilt and on_top.iris == rebuilt.iris
    assert [list(on_top.matches(n)) for n in on_top.shown] == [
        list(rebuilt.matches(n)) for n in rebuilt.shown
    ]
    # once the batches on top hold more than 1/REWRITE_SHARE of the names, the file is rewritten
    monkeypatch.setattr(namecache, "REWRITE_SHARE", 1000)
    cache.write_bytes(written)
    again = cached_index(records.dataset(), records.graph_sizes(), cache)
    assert again == rebuilt and cache.read_bytes() != written
