"""Vector files: round trips through every format, gensim interoperability, and clear errors
(never a traceback, never a half-load) for every kind of damaged file."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v import formats
from w2v.errors import ConfigError, InputError, W2VError

WORDS = ["</s>", "the", "café", "naïve", "日本", "word2vec", "a-b", "x", "ÆØÅ", "q"]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((len(WORDS), 7)).astype(np.float32)
    vectors[3] = [1e-30, -1e30, 0.0, -0.0, 1.5, np.float32(0.1), 3.4e38]  # awkward values
    return list(WORDS), vectors


def write_bytes(path, data: bytes):
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", ["v.bin", "v.txt", "v.vec", "v.bin.gz", "v.txt.gz", "v.bin.bz2", "v.vec.bz2",
                                  "v.txt.xz", "v.w2v"])
def test_round_trip_word2vec_is_bit_exact(tmp_path, data, name):
    words, vectors = data
    path = tmp_path / name
    formats.save_word2vec(path, words, vectors)
    got_words, got = formats.load_word2vec(path)
    assert got_words == words
    assert got.dtype == np.float32 and got.shape == vectors.shape
    assert got.tobytes() == vectors.tobytes()  # text keeps 9 digits: enough for float32 bits
    expected = formats.BINARY if ".bin" in name else formats.TEXT
    assert formats.detect_format(path) == expected
    assert formats.read_header(path)["count"] == len(words)


def test_compression_follows_the_suffix(tmp_path, data):
    words, vectors = data
    for suffix, opener in ((".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)):
        path = tmp_path / f"v.txt{suffix}"
        formats.save_word2vec(path, words, vectors)
        with opener(path, "rb") as fh:
            assert fh.readline() == b"10 7\n"
        assert formats.compression(path) == {".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}[suffix]


def test_binary_layout_is_word2vecs(tmp_path):
    path = tmp_path / "v.bin"
    formats.save_word2vec(path, ["ab", "c"], np.array([[1, 2], [3, 4]], dtype=np.float32))
    expected = b"2 2\nab " + struct.pack("<2f", 1, 2) + b"\nc " + struct.pack("<2f", 3, 4) + b"\n"
    assert path.read_bytes() == expected


def test_binary_rows_without_newline_and_text_with_trailing_space(tmp_path):
    # gensim writes binary rows without "\n"; word2vec C and fastText end text rows with " ".
    raw = b"2 2\nab " + struct.pack("<2f", 1, 2) + b"c " + struct.pack("<2f", 3, 4)
    words, vecs = formats.load_word2vec(write_bytes(tmp_path / "g.bin", raw))
    assert words == ["ab", "c"] and vecs.tolist() == [[1, 2], [3, 4]]
    text = b"2 2\r\nab 1 2 \r\nc 3 4 \n\n"
    words, vecs = formats.load_word2vec(write_bytes(tmp_path / "f.vec", text))
    assert words == ["ab", "c"] and vecs.tolist() == [[1, 2], [3, 4]]


def test_native_round_trip_is_bit_exact_and_memory_mapped(tmp_path, data):
    words, vectors = data
    counts = np.arange(100, 100 - len(words), -1)
    formats.save_native(tmp_path / "nat", words, vectors, counts)
    cfg = json.loads((tmp_path / "nat" / "config.json").read_text())
    assert cfg == {"w2v_format": 1, "kind": "vectors", "vector_size": 7, "count": len(words)}
    got_words, got_counts, got = formats.read_native_vectors(tmp_path / "nat")
    assert got_words == words and got_counts.tolist() == counts.tolist()
    assert isinstance(got, np.memmap) and not got.flags.writeable
    assert got.tobytes() == vectors.tobytes()
    _w, _c, inmem = formats.read_native_vectors(tmp_path / "nat", mmap=False)
    assert not isinstance(inmem, np.memmap)
    assert formats.detect_format(tmp_path / "nat") == formats.NATIVE
    w3, c3, v3 = formats.read_native_vectors(tmp_path / "nat", limit=3)
    assert w3 == words[:3] and v3.shape == (3, 7)


def test_native_without_counts_and_model_kind(tmp_path, data):
    words, vectors = data
    folder = tmp_path / "model"
    folder.mkdir()
    formats.write_native_vectors(folder, words, None, vectors)
    assert not (folder / "config.json").exists()  # the trainer writes its own
    (folder / "config.json").write_text(json.dumps({"w2v_format": 1, "kind": "model", "vector_size": 7,
                                                    "count": len(words), "config": {"sg": 1}}))
    got_words, counts, got = formats.read_native_vectors(folder)
    assert got_words == words and not counts.any() and np.array_equal(got, vectors)


def test_limit_reads_the_first_rows(tmp_path, data):
    words, vectors = data
    for name in ("v.bin", "v.txt", "v.bin.gz"):
        formats.save_word2vec(tmp_path / name, words, vectors)
        for limit in (0, 1, 4, 10, 50):
            w, v = formats.load_word2vec(tmp_path / name, limit=limit)
            assert w == words[:limit] and np.array_equal(v, vectors[:limit])
            assert v.shape == (min(limit, len(words)), 7)
    with pytest.raises(ConfigError):
        formats.load_word2vec(tmp_path / "v.bin", limit=-1)


def test_limit_in_the_bulk_text_path(tmp_path):
    rng = np.random.default_rng(2)
    words = [f"w{i}" for i in range(6000)]
    vectors = rng.standard_normal((6000, 3)).astype(np.float32)
    formats.save_word2vec(tmp_path / "big.txt", words, vectors)
    for limit in (5500, 6000, None):
        w, v = formats.load_word2vec(tmp_path / "big.txt", limit=limit)
        assert w == words[:limit] and v.tobytes() == vectors[:limit].tobytes()
    raw = (tmp_path / "big.txt").read_bytes().replace(b"6000 3", b"5999 3", 1)
    with pytest.raises(InputError, match=r":6001: more rows than the 5999"):
        formats.load_word2vec(write_bytes(tmp_path / "more.txt", raw))
    raw = (tmp_path / "big.txt").read_bytes().replace(b"\nw5000 ", b"\nw1 ", 1)
    with pytest.raises(InputError, match=r"line 5002: duplicate word 'w1' \(first at line 3\)"):
        formats.load_word2vec(write_bytes(tmp_path / "dup.txt", raw))


def test_gensim_reads_ours_and_we_read_gensims(tmp_path, data):
    from gensim.models import KeyedVectors

    words, vectors = data
    for name, binary in (("o.bin", True), ("o.txt", False)):
        formats.save_word2vec(tmp_path / name, words, vectors)
        kv = KeyedVectors.load_word2vec_format(str(tmp_path / name), binary=binary)
        assert kv.index_to_key == words and np.array_equal(kv.vectors, vectors)
    kv = KeyedVectors(7)
    kv.add_vectors(words, vectors)
    for name, binary in (("g.bin", True), ("g.txt", False)):
        kv.save_word2vec_format(str(tmp_path / name), binary=binary)
        w, v = formats.load_word2vec(tmp_path / name)
        assert w == words
        np.testing.assert_allclose(v, vectors, rtol=1e-6)  # gensim's text keeps fewer digits
        if binary:
            assert v.tobytes() == vectors.tobytes()


def test_binary_forced_and_format_for_path(tmp_path, data):
    words, vectors = data
    formats.save_word2vec(tmp_path / "odd.name", words, vectors, binary=True)
    assert formats.detect_format(tmp_path / "odd.name") == formats.BINARY
    assert formats.load_word2vec(tmp_path / "odd.name", binary=True)[0] == words
    assert formats.format_for_path("a.bin") == formats.BINARY
    assert formats.format_for_path("a.vec.gz") == formats.TEXT
    assert formats.format_for_path("models/run1") == formats.NATIVE


@pytest.mark.parametrize("name, fmt", [
    ("a.bin", "binary"), ("a.BIN.gz", "binary"), ("a.bin.xz", "binary"), ("a.txt", "text"), ("a.vec.bz2", "text"),
    ("a.w2v", "text"), ("a.txt.xz", "text"), ("a.gz", "text"), ("a.tsv", "projector"), ("run1", "native"),
    ("word2vec.model", "native"), ("models/", "native"), ("a.npy", "native"),
])
def test_one_rule_names_the_format_of_a_path(name, fmt):
    assert formats.format_for_path(name) == fmt


# ----------------------------------------------------------------------------- GloVe, projector, archives


def test_glove_text_is_read_without_its_header(tmp_path, data):
    words, vectors = data
    formats.save_word2vec(tmp_path / "g.txt.gz", words, vectors, header=False)
    assert not (tmp_path / "g.txt.gz").read_bytes().startswith(f"{len(words)} ".encode())
    assert formats.detect_format(tmp_path / "g.txt.gz") == formats.GLOVE
    for no_header in (None, True):
        got, v = formats.load_word2vec(tmp_path / "g.txt.gz", no_header=no_header)
        assert got == words and v.tobytes() == vectors.tobytes()
    assert formats.load_word2vec(tmp_path / "g.txt.gz", limit=2)[0] == words[:2]
    assert formats.read_header(tmp_path / "g.txt.gz")["count"] == len(words)
    with pytest.raises(InputError, match="bad header"):
        formats.load_word2vec(tmp_path / "g.txt.gz", no_header=False)
    with pytest.raises(InputError, match="needs its header"):
        formats.load_word2vec(tmp_path / "g.txt.gz", binary=True)
    with pytest.raises(InputError, match="needs its header"):
        formats.save_word2vec(tmp_path / "g.bin", words, vectors, binary=True, header=False)
    (tmp_path / "one.txt").write_text("apple 0.5\npear 0.25\n")  # dimension 1: "apple 0.5" is no header...
    with pytest.raises(InputError, match="bad header"):
        formats.load_word2vec(tmp_path / "one.txt")
    assert formats.load_word2vec(tmp_path / "one.txt", no_header=True)[0] == ["apple", "pear"]  # ...unless told
    (tmp_path / "bad.txt").write_text("apple 0.5 0.25\npear 0.5\n")
    with pytest.raises(InputError, match=r"bad.txt:2: expected a word and 2 values.*first row has dimension 2"):
        formats.load_word2vec(tmp_path / "bad.txt")


def test_projector_pair(tmp_path, data):
    words, vectors = data
    vec, meta = formats.save_projector(tmp_path / "out" / "emb.tsv", words, vectors)
    assert (vec, meta) == (tmp_path / "out" / "emb.tsv", tmp_path / "out" / "metadata.tsv")
    assert meta.read_text(encoding="utf-8").split("\n")[:-1] == words
    rows = [line.split("\t") for line in vec.read_text().split("\n")[:-1]]
    assert np.array(rows, dtype=np.float32).tobytes() == vectors.tobytes()
    with pytest.raises(InputError, match="same file"):
        formats.save_projector(tmp_path / "metadata.tsv", words, vectors)
    with pytest.raises(InputError, match="whitespace"):
        formats.save_projector(tmp_path / "v.tsv", ["a\tb"], vectors[:1])


def test_native_archive_round_trip_and_damage(tmp_path, data):
    import zipfile

    words, vectors = data
    path = tmp_path / "vectors.kv"
    path.write_bytes(b"")                       # an existing file: the native files as one archive
    formats.save_native(path, words, vectors, np.arange(len(words)))
    assert path.is_file() and formats.is_archive(path) and formats.detect_format(path) == formats.NATIVE
    got, counts, v = formats.read_native_vectors(path, limit=3)
    assert got == words[:3] and counts.tolist() == [0, 1, 2] and not isinstance(v, np.memmap)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("../escape.txt", "x")
    with pytest.raises(InputError, match="unexpected member"):
        formats.read_native_vectors(path)
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as z:
        z.writestr("config.json", "{}")
    with pytest.raises(InputError, match="other.zip"):  # errors name the archive, not a temporary folder
        formats.read_native_vectors(tmp_path / "other.zip")


# ----------------------------------------------------------------------------- words and encodings


def test_unicode_errors_policy(tmp_path):
    bad = "日本".encode()[:-1]  # cut in the middle of a character, as word2vec C may do
    raw = b"2 2\nok " + struct.pack("<2f", 1, 2) + b"\n" + bad + b" " + struct.pack("<2f", 3, 4) + b"\n"
    path = write_bytes(tmp_path / "u.bin", raw)
    with pytest.raises(InputError, match=r"row 2 .*not valid UTF-8.*unicode_errors"):
        formats.load_word2vec(path)
    assert formats.load_word2vec(path, unicode_errors="replace")[0] == ["ok", "日\ufffd"]
    assert formats.load_word2vec(path, unicode_errors="ignore")[0] == ["ok", "日"]
    with pytest.raises(ConfigError):
        formats.load_word2vec(path, unicode_errors="bogus")


def test_unsaveable_words_fail_before_writing(tmp_path, data):
    _words, vectors = data
    for name, bad in (("t.txt", "two words"), ("t.txt", "tab\there"), ("b.bin", "sp ace"), ("nat", "a\tb")):
        words = ["fine"] * 0 + [f"w{i}" for i in range(len(vectors) - 1)] + [bad]
        with pytest.raises(InputError, match="cannot save word"):
            if name == "nat":
                formats.save_native(tmp_path / name, words, vectors)
            else:
                formats.save_word2vec(tmp_path / name, words, vectors)
        assert not (tmp_path / name).exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary left behind either


def test_save_into_unwritable_place_is_a_clear_error(tmp_path, data):
    words, vectors = data
    (tmp_path / "file").write_text("x")
    with pytest.raises(W2VError):
        formats.save_word2vec(tmp_path / "file" / "v.bin", words, vectors)


# ----------------------------------------------------------------------------- malformed files


def vec_bytes(*values):
    return struct.pack(f"<{len(values)}f", *values)


MALFORMED = {
    "empty": (b"", r"empty"),
    "no header": (b"hello world how are you\n", r":1: bad header"),
    "header one number": (b"10\nab 1 2\n", r":1: bad header"),
    "header words": (b"ten two\n", r":1: bad header"),
    "negative count": (b"-1 2\n", r":1: bad header"),
    "zero dim": (b"1 0\na\n", r":1: bad header"),
    "short text row": (b"2 3\na 1 2 3\nb 1 2\n", r":3: expected a word and 3 values, found 2"),
    "long text row": (b"2 2\na 1 2\nb 1 2 3\n", r":3: expected a word and 2 values, found 3"),
    "not a number": (b"2 2\na 1 2\nb 1 x2\n", r":3: value 'x2' is not a number"),
    "truncated text": (b"3 2\na 1 2\nb 3 4\n", r"truncated: the header announces 3 vectors, the file ends after 2"),
    "extra text rows": (b"1 2\na 1 2\nb 3 4\n", r":3: more rows than the 1"),
    "duplicate text": (b"3 1\na 1\nb 2\na 3\n", r"line 4: duplicate word 'a' \(first at line 2\)"),
    "truncated binary": (b"2 2\na " + vec_bytes(1, 2) + b"\nb " + vec_bytes(3)[:3], r"truncated"),
    "binary missing rows": (b"3 2\na " + vec_bytes(1, 2) + b"\nb " + vec_bytes(3, 4) + b"\n", r"truncated"),
    "binary extra data": (b"1 2\na " + vec_bytes(1, 2) + b"\nb " + vec_bytes(3, 4) + b"\n", r"data after the 1 vectors"),
    "duplicate binary": (b"2 1\na " + vec_bytes(1) + b"\na " + vec_bytes(2) + b"\n", r"row 2 \(byte \d+\): duplicate word 'a'"),
    "binary wrong dimension": (b"2 1\nab " + vec_bytes(1, 2) + b"\ncd " + vec_bytes(3, 4) + b"\n", r"dimension|truncated|bad word|data after"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_gives_a_clear_error(tmp_path, case):
    raw, pattern = MALFORMED[case]
    path = write_bytes(tmp_path / "bad.vec", raw)
    with pytest.raises(InputError, match=pattern) as info:
        formats.load_word2vec(path)
    assert str(path) in str(info.value)


def test_missing_file_and_folder_without_config(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        formats.load_word2vec(tmp_path / "nope.bin")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="config.json"):
        formats.detect_format(tmp_path / "empty")
    with pytest.raises(InputError, match="folder"):
        formats.load_word2vec(tmp_path / "empty")


def test_corrupt_compressed_file(tmp_path, data):
    words, vectors = data
    path = tmp_path / "v.bin.gz"
    formats.save_word2vec(path, words, vectors)
    raw = path.read_bytes()
    write_bytes(path, raw[: len(raw) // 2])
    with pytest.raises(InputError, match="truncated|corrupt"):
        formats.load_word2vec(path)


@pytest.fixture()
def native(tmp_path, data):
    words, vectors = data
    folder = tmp_path / "nat"
    formats.save_native(folder, words, vectors, np.arange(len(words), 0, -1))
    return folder


def _edit_config(folder, **changes):
    cfg = json.loads((folder / "config.json").read_text())
    cfg.update(changes)
    (folder / "config.json").write_text(json.dumps(cfg))


@pytest.mark.parametrize("damage, pattern", [
    (lambda f: (f / "config.json").write_text("{not json"), r"config.json:1: not valid JSON"),
    (lambda f: (f / "config.json").write_text("[1, 2]"), r"expected a JSON object"),
    (lambda f: _edit_config(f, kind="tokenizer"), r"'kind' must be"),
    (lambda f: _edit_config(f, w2v_format=99), r"newer"),
    (lambda f: _edit_config(f, vector_size=8), r"vector_size 8 but vectors.npy has dimension 7"),
    (lambda f: _edit_config(f, count=3), r"count 3 but vectors.npy has 10 rows"),
    (lambda f: (f / "vocab.tsv").write_text("a\t1\nb\t2\n"), r"2 words but vectors.npy has 10 rows"),
    (lambda f: (f / "vocab.tsv").write_text("".join(f"w\t{i}\n" for i in range(10))), r"vocab.tsv: line 2: duplicate word 'w'"),
    (lambda f: (f / "vocab.tsv").write_text("".join(f"w{i} {i}\n" for i in range(10))), r"vocab.tsv:1: expected 'word<TAB>count'"),
    (lambda f: (f / "vocab.tsv").write_text("".join(f"w{i}\tx\n" for i in range(10))), r"vocab.tsv:1: count 'x'"),
    (lambda f: (f / "vectors.npy").write_bytes((f / "vectors.npy").read_bytes()[:100]), r"vectors.npy: not a readable"),
    (lambda f: (f / "vectors.npy").write_bytes(b"garbage"), r"vectors.npy: not a readable"),
    (lambda f: np.save(f / "vectors.npy", np.zeros(10, np.float32)), r"expected a 2-D array"),
    (lambda f: (f / "vectors.npy").unlink(), r"no vectors.npy"),
    (lambda f: (f / "vocab.tsv").unlink(), r"no vocab.tsv"),
])
def test_damaged_native_folder(native, damage, pattern):
    damage(native)
    with pytest.raises(InputError, match=pattern):
        formats.read_native_vectors(native)


# ----------------------------------------------------------------------------- property tests

_SAMPLES: dict[str, bytes] = {}


def _sample(kind: str) -> bytes:
    """Real files (small) written by w2v, gensim-style and C-style, to cut and corrupt."""
    if kind not in _SAMPLES:
        import tempfile

        rng = np.random.default_rng(7)
        words = [f"w{i}é" for i in range(12)]
        vectors = rng.standard_normal((12, 5)).astype(np.float32)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, kind)
            formats.save_word2vec(path, words, vectors)
            _SAMPLES[kind] = open(path, "rb").read()
    return _SAMPLES[kind]


KINDS = ["v.bin", "v.txt", "v.bin.gz", "v.txt.bz2"]


def _load_only_own_errors(path, **kw):
    try:
        words, vectors = formats.load_word2vec(path, **kw)
    except W2VError:
        return None
    assert vectors.shape == (len(words), vectors.shape[1])
    assert vectors.dtype == np.float32
    assert len(set(words)) == len(words)
    return words, vectors


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), cut=st.integers(min_value=0, max_value=2000))
def test_cut_files_load_fully_or_fail_clearly(tmp_path, kind, cut):
    raw = _sample(kind)
    cut = min(cut, len(raw))
    path = write_bytes(tmp_path / kind, raw[:cut])
    result = _load_only_own_errors(path)
    if result is not None and cut < len(raw):
        # Only a cut that removes nothing but trailing newlines may load, and then completely.
        assert len(result[0]) == 12


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)),
                                                   min_size=1, max_size=6),
       limit=st.one_of(st.none(), st.integers(0, 15)), policy=st.sampled_from(["strict", "replace", "ignore"]))
def test_corrupted_files_never_raise_anything_but_w2v_errors(tmp_path, kind, edits, limit, policy):
    raw = bytearray(_sample(kind))
    for at, value in edits:
        raw[at % len(raw)] = value
    path = write_bytes(tmp_path / kind, bytes(raw))
    _load_only_own_errors(path, limit=limit, unicode_errors=policy)
    try:
        formats.detect_format(path)
        formats.read_header(path)
    except W2VError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(["config.json", "vocab.tsv", "vectors.npy"]), cut=st.integers(0, 400),
       edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4))
def test_corrupted_native_folders_never_raise_anything_but_w2v_errors(tmp_path, target, cut, edits):
    import shutil

    rng = np.random.default_rng(3)
    folder = tmp_path / "nat"
    shutil.rmtree(folder, ignore_errors=True)
    formats.save_native(folder, [f"w{i}" for i in range(6)], rng.standard_normal((6, 4)).astype(np.float32),
                        np.arange(6, 0, -1))
    raw = bytearray((folder / target).read_bytes())
    if edits:
        for at, value in edits:
            raw[at % len(raw)] = value
    else:
        raw = raw[: cut % (len(raw) + 1)]
    (folder / target).write_bytes(bytes(raw))
    try:
        words, counts, vectors = formats.read_native_vectors(folder, mmap=False)
    except W2VError:
        return
    assert len(words) == len(counts) == vectors.shape[0]


def _reference_text(raw: bytes):
    """A plain per-line reader of word2vec text: the behaviour the bulk path must reproduce."""
    lines = raw.split(b"\n")
    count, dim = (int(x) for x in lines[0].split())
    rows = [ln.split() for ln in lines[1:] if ln.split()]
    if len(rows) != count or any(len(r) != dim + 1 for r in rows):
        return None
    try:
        values = np.array([[float(x) for x in r[1:]] for r in rows], dtype=np.float32).reshape(-1, dim)
    except ValueError:
        return None
    words = [r[0].decode("utf-8", "replace") for r in rows]
    if len(set(words)) != len(words):
        return None
    return words, values


_WORD = st.sampled_from(["a", "b", "é", "à", "Å", "12", "-3.5", "nan", "x\ty", "日本", "w", "z"])
_SEP = st.sampled_from([" ", " ", " ", " ", "  ", "\t"])
_END = st.sampled_from(["\n", "\n", "\n", " \n", "\r\n", " \r\n", "\n\n", "  \n"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dim=st.integers(1, 4), data=st.data(), nrows=st.integers(0, 8),
       count_delta=st.sampled_from([0, 0, 0, -1, 1]), last_newline=st.booleans())
def test_bulk_text_reader_agrees_with_a_plain_reader(tmp_path, dim, data, nrows, count_delta, last_newline):
    body = ""
    seen = set()
    for i in range(nrows):
        word = data.draw(_WORD)
        word = word if word not in seen else f"{word}{i}"
        seen.add(word)
        size = dim + data.draw(st.sampled_from([0, 0, 0, 0, 0, -1, 1]))
        values = data.draw(st.lists(st.floats(-1e6, 1e6, width=32), min_size=size, max_size=size))
        sep, end = data.draw(_SEP), data.draw(_END)
        body += word + "".join(sep + repr(float(v)) for v in values) + end
    if not last_newline:
        body = body.rstrip("\n")
    raw = f"{max(0, nrows + count_delta)} {dim}\n{body}".encode()
    path = write_bytes(tmp_path / "t.txt", raw)
    expected = _reference_text(raw)
    try:
        got = formats.load_word2vec(path, unicode_errors="replace")
    except InputError:
        got = None
    if expected is None:
        assert got is None
    else:
        assert got is not None and got[0] == expected[0] and got[1].tobytes() == expected[1].tobytes()
