"""Bad input never crashes: fuzzed corpora, vocabulary files and model folders give w2v's own
errors; counting a stream of very many distinct words stays within the max_vocab_size bound."""

import bz2
import gzip
import json
import lzma
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v.corpus import TextSource, compression_of
from w2v.errors import W2VError
from w2v.model import Word2Vec, load
from w2v.stream import scan
from w2v.vocab import Vocab

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.binary(max_size=3000))
def test_any_bytes_as_corpus_count_or_fail_cleanly(tmp_path, data):
    p = tmp_path / "c.txt"
    p.write_bytes(data)
    try:
        r = scan(TextSource([p]), keep_ids=False)
    except W2VError:
        return
    assert b"\x00" not in data  # NUL is refused
    unpack = {"gzip": gzip.decompress, "bz2": bz2.decompress, "xz": lzma.decompress}.get(compression_of(data), bytes)
    assert r.n_tokens == len(unpack(data).decode("utf-8", "replace").split())


@FUZZ
@given(cut=st.integers(min_value=0, max_value=4000), flip=st.integers(min_value=0, max_value=4000))
def test_cut_and_corrupted_compressed_corpora(tmp_path, cut, flip):
    import gzip
    import lzma

    text = ("the cat sat on the mat\n" * 200).encode()
    for name, blob in (("c.gz", gzip.compress(text)), ("c.xz", lzma.compress(text))):
        b = bytearray(blob[: max(6, cut)])
        if flip < len(b):
            b[flip] ^= 0xFF
        p = tmp_path / name
        p.write_bytes(bytes(b))
        try:
            scan(TextSource([p]), keep_ids=False)
        except W2VError as exc:
            assert name in str(exc)


def _first_bad_vocab_line(data: bytes) -> int | None:
    """The first line (from 1) that is not 'word count' with a new word and a count >= 0."""
    seen = set()
    for no, raw in enumerate(data.split(b"\n"), 1):
        if b"\x00" in raw:
            return no
        parts = raw.decode("utf-8", "replace").split()
        if not parts:
            continue
        if len(parts) != 2 or parts[0] in seen:
            return no
        try:
            if int(parts[1]) < 0:
                return no
        except ValueError:
            return no
        seen.add(parts[0])
    return None


@FUZZ
@given(lines=st.lists(st.text(max_size=30), max_size=20))
def test_vocab_files_parse_or_fail_with_a_line_number(tmp_path, lines):
    p = tmp_path / "v.txt"
    data = "\n".join(lines).encode("utf-8", "replace")
    p.write_bytes(data)
    bad = _first_bad_vocab_line(data)
    try:
        words, counts = Vocab.read_counts(p)
    except W2VError as exc:
        if bad is None:  # nothing wrong on any line: the file holds no word at all
            assert str(exc) == f"{p}: vocabulary file is empty"
            assert not data.decode("utf-8", "replace").split()
        else:
            assert str(exc).startswith(f"{p}:{bad}: ")
        return
    assert bad is None
    assert len(words) == len(counts) == len(set(words)) > 0


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("m")
    sents = [["a", "b", "c", "d"] * 5, ["b", "c", "e"] * 4] * 10
    m = Word2Vec(sents, vector_size=8, min_count=1, epochs=1, workers=1, hs=1, negative=2)
    m.save(d / "model")
    return d / "model"


def _edit(model_dir, tmp_path, fn):
    dst = tmp_path / "copy"
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(model_dir, dst)
    fn(dst)
    return dst


@FUZZ
@given(key=st.sampled_from(["vector_size", "window", "negative", "hs", "epochs", "alpha", "sample", "seed",
                            "workers", "min_count", "bogus_key", "sg", "ns_exponent"]),
       value=st.one_of(st.integers(-5, 10**6), st.floats(allow_nan=True), st.text(max_size=5), st.none(),
                       st.booleans(), st.lists(st.integers(), max_size=2)))
def test_config_json_with_unknown_or_out_of_range_values(model_dir, tmp_path, key, value):
    def change(d):
        meta = json.loads((d / "config.json").read_text())
        meta["config"][key] = value
        (d / "config.json").write_text(json.dumps(meta))

    d = _edit(model_dir, tmp_path, change)
    try:
        load(d)
    except W2VError as exc:
        # the error names the file at fault: config.json, or the array that no longer fits it
        msg = str(exc)
        if key == "vector_size" and msg.startswith(f"{d}/vectors.npy: "):
            assert "shape" in msg
        else:
            assert msg.startswith(f"{d / 'config.json'}: "), msg


@FUZZ
@given(target=st.sampled_from(["config.json", "vectors.npy", "output_ns.npy", "output_hs.npy", "huffman.npz",
                               "vocab.tsv"]),
       action=st.sampled_from(["delete", "truncate", "garbage", "empty"]),
       cut=st.integers(0, 400))
def test_native_folder_with_missing_or_broken_files(model_dir, tmp_path, target, action, cut):
    def change(d):
        f = d / target
        if action == "delete":
            f.unlink()
        elif action == "truncate":
            f.write_bytes(f.read_bytes()[:cut])
        elif action == "garbage":
            b = bytearray(f.read_bytes())
            if b:
                b[cut % len(b)] ^= 0x5A
            f.write_bytes(bytes(b))
        else:
            f.write_bytes(b"")

    d = _edit(model_dir, tmp_path, change)
    try:
        m = load(d)
    except W2VError:
        return
    # a change that still loads must give a consistent model
    assert m.weights.syn0.shape == (len(m.vocab), m.config.vector_size)


def test_wrong_shapes_in_a_native_folder(model_dir, tmp_path):
    d = _edit(model_dir, tmp_path, lambda d: np.save(d / "output_ns.npy", np.zeros((3, 8), np.float32)))
    with pytest.raises(W2VError, match="output_ns.npy"):
        load(d)
    d = _edit(model_dir, tmp_path, lambda d: np.save(d / "output_hs.npy", np.zeros((4, 8), np.float64)))
    with pytest.raises(W2VError, match="output_hs.npy"):
        load(d)


def test_loading_never_unpickles(model_dir, tmp_path):
    import pickle

    class Boom:
        def __reduce__(self):
            return (print, ("executed",))

    def plant(d):
        np.save(d / "output_ns.npy", np.array([Boom()], dtype=object), allow_pickle=True)

    d = _edit(model_dir, tmp_path, plant)
    with pytest.raises(W2VError):
        load(d)
    assert pickle  # the object array is refused (allow_pickle=False), never executed


def test_counting_many_distinct_words_stays_within_the_bound(tmp_path):
    # 1.5M distinct tokens; unbounded, the table alone would take ~200 MB of Python objects
    script = textwrap.dedent("""
        import resource, sys
        from w2v.corpus import TokenSource
        from w2v.stream import scan
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        def gen():
            for i in range(15_000):
                yield ["common"] * 5 + [f"tok{i}_{j}" for j in range(100)]
        r = scan(TokenSource(gen(), sentences_per_block=1000), max_vocab_size=20_000)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(len(r.words), r.pruned_at, (peak - base) // 1024, dict(zip(r.words, r.counts.tolist()))["common"])
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    n_words, pruned_at, grew_mb, common = map(int, out.stdout.split())
    assert pruned_at >= 1 and n_words <= 20_000 + 100_000  # the bound plus one block of new words
    assert common == 75_000  # the frequent word survives every pruning
    assert grew_mb < 150, f"peak RSS grew by {grew_mb} MB"


@pytest.mark.parametrize("fmt", ["bin", "txt", "native", "model-output"])
def test_nan_and_infinite_values_are_refused_with_the_row(tmp_path, model_dir, fmt):
    from w2v.formats import load_word2vec, read_native_vectors, save_word2vec

    words = ["a", "b", "c"]
    vecs = np.ones((3, 4), np.float32)
    vecs[1, 2] = np.nan if fmt != "txt" else np.inf
    if fmt in ("bin", "txt"):
        p = tmp_path / f"v.{fmt}"
        save_word2vec(p, words, vecs)
        with pytest.raises(W2VError, match=r"\('b'\) holds a NaN or infinite value"):
            load_word2vec(p)
    elif fmt == "native":
        d = _edit(model_dir, tmp_path, lambda d: _set_value(d / "vectors.npy", (2, 0), np.inf))
        with pytest.raises(W2VError, match="row 2 .* holds a NaN or infinite value"):
            read_native_vectors(d)
        with pytest.raises(W2VError, match="NaN or infinite"):
            load(d)
    else:
        d = _edit(model_dir, tmp_path, lambda d: _set_value(d / "output_ns.npy", (0, 0), np.nan))
        with pytest.raises(W2VError, match="output_ns.npy: row 0 holds a NaN"):
            load(d)


def _set_value(path, index, value):
    arr = np.load(path)
    arr[index] = value
    np.save(path, arr)
