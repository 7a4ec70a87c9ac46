"""The byte-level counting pass (w2v.bytescan, numba) against the Python one (decoded strings,
str.split): the same words in the same order, counts, sentences and id stream, byte for byte."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v import bytescan
from w2v.corpus import TextSource
from w2v.distributed import shards
from w2v.kernels import count as kc
from w2v.stream import iter_stream_blocks, scan

SPACES = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and len(f"a{chr(c)}b".split()) == 2]


def both(make_source, **kw):
    """Scan with both engines (the byte one on 1, 2 and 3 threads) and check they agree."""
    ref = scan(make_source(), engine="python", **kw)
    try:
        ref_ids = _ids(ref)
        for threads in (1, 2, 3):
            got = scan(make_source(), engine="auto", threads=threads, **kw)
            try:
                assert got.words == ref.words
                assert got.counts.dtype == np.int64
                np.testing.assert_array_equal(got.counts, ref.counts)
                assert (got.n_tokens, got.n_sentences, got.n_stream, got.pruned_at) == \
                       (ref.n_tokens, ref.n_sentences, ref.n_stream, ref.pruned_at)
                assert (got.ids_path is None) == (ref.ids_path is None)
                assert _ids(got) == ref_ids
            finally:
                _drop(got)
    finally:
        _drop(ref)
    return ref


def _ids(r) -> bytes | None:
    if r.ids_path is None:
        return None
    with open(r.ids_path, "rb") as fh:
        return fh.read()


def _drop(r) -> None:
    if r.ids_path:
        os.unlink(r.ids_path)


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    """Cut even small chunks into one part per thread, so the merge of parts is exercised."""
    monkeypatch.setattr(bytescan, "MIN_PART", 1)


def text_source(tmp_path, data: bytes, name: str = "c.txt", block_bytes: int = 1 << 22):
    p = tmp_path / name
    p.write_bytes(data)
    return lambda: TextSource([str(p)], block_bytes=block_bytes)


def test_whitespace_set_is_pythons():
    """The kernel's byte classes and multi-byte spaces are exactly what str.split() splits on."""
    ascii_spaces = [c for c in SPACES if ord(c) < 0x80]
    cls = kc.byte_classes()
    assert sorted(b for b in range(0x80) if cls[b] in (kc.C_SPACE, kc.C_NEWLINE)) == sorted(map(ord, ascii_spaces))
    for c in SPACES:
        enc = c.encode()
        buf = np.frombuffer(b"x" + enc + b"x", dtype=np.uint8)
        assert len(enc) == 1 or kc._space_len(buf, 1, len(buf)) == len(enc), repr(c)


def test_plain_text_long_lines_and_empty_lines(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(500)]
    lines = []
    for n in (0, 3, 10_000, 10_001, 20_000, 25_003, 7, 0):
        lines.append(" ".join(rng.choice(words, n).tolist()))
    lines += ["   ", "\t\t", "a  b\t\tc ", ""]
    data = ("\n".join(lines) + "\n\n").encode()
    r = both(text_source(tmp_path, data))
    assert r.n_sentences == 1 + 1 + 2 + 2 + 3 + 1 + 1  # long lines cut every 10,000 words
    both(text_source(tmp_path, data, block_bytes=4096))  # lines longer than a block
    both(text_source(tmp_path, data[:-2]))  # no newline at the end


def test_unicode_whitespace_crlf_and_lookalikes(tmp_path):
    seps = "".join(SPACES)
    near = ["\u200b", "\ufeff", "\u180e", "\u00a1", "\u2030", "\u205e", "\u3001", "\u1681", "\u2027"]
    text = ("a" + "b".join(SPACES) + "c\r\n" + "x".join(near) + "\r\n" + seps + "\n"
            + "\u00e9t\u00e9 caf\u00e9\u00a0na\u00efve\u2003\u65e5\u672c\u8a9e \U0001f600\u3000end\r\n")
    both(text_source(tmp_path, (text * 50).encode()))


def test_invalid_utf8_decodes_as_python_replaces(tmp_path):
    # bytes that decode to the same word count as one; truncated sequences next to spaces
    bad = [b"\xff", b"\xef\xbf\xbd", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x80", b"\xf0\x9f\x98", b"\xf4\x90\x80\x80",
           b"\x80\x80", b"\xc2", b"\xe2\x80\xe2\x80\x80x", b"\xf0\x80\x80\x80", b"\xfe\xfe", b"ab\xe0\xa0", b"\xe1\x9a"]
    lines = [b" ".join(bad), b"\xff\xff \xef\xbf\xbd\xef\xbf\xbd x\xffy x\xefy", b"\xe2\x80\x80\xe2\x80",
             b"\xc2\x85\xc2\xc2\xa0\xe2\x80\xa8\xe2\xe2\x80\xaf", b"\xf0\x9f\x98\x80 \xf0\x9f \x98\x80"]
    data = b"\n".join(lines * 30) + b"\n"
    r = both(text_source(tmp_path, data))
    assert "\ufffd" in r.words and "\ufffd\ufffd" in r.words


def test_compressed_inputs_and_several_files(tmp_path):
    rng = np.random.default_rng(1)
    words = [f"t{i}" for i in range(3000)] + ["caf\u00e9", "\u65e5\u672c"]
    data = "\n".join(" ".join(rng.choice(words, int(rng.integers(0, 40))).tolist()) for _ in range(4000)).encode()
    paths = []
    for name, comp in (("a.txt", bytes), ("b.txt.gz", gzip.compress), ("c.bz2", bz2.compress), ("d.xz", lzma.compress)):
        p = tmp_path / name
        p.write_bytes(comp(data[: len(data) // 2 + len(name)]))
        paths.append(str(p))
    both(lambda: TextSource(paths, block_bytes=10_000))
    both(lambda: TextSource([str(tmp_path)]))  # a folder: its files in order


def test_many_distinct_words_grow_the_tables(tmp_path):
    data = "\n".join(" ".join(f"u{i}_{j}" for j in range(50)) + " the of" for i in range(3000)).encode()
    r = both(text_source(tmp_path, data, block_bytes=100_000))
    assert len(r.words) == 150_002


def test_pruning_matches_word2vec_c_rule(tmp_path):
    lines = [f"the of and u{i}a u{i}b {'' if i % 3 else 'rare'}{i} common{i % 7}" for i in range(20_000)]
    src = text_source(tmp_path, "\n".join(lines).encode(), block_bytes=30_000)
    r = both(src, max_vocab_size=2_000)
    assert r.pruned_at > 0 and r.ids_path is None
    both(src, max_vocab_size=2_000, keep_ids=False)
    both(src, max_vocab_size=10_000_000)  # never reached


def test_rereading_a_pruned_corpus(tmp_path):
    data = b"a b c zz\n\nc c d \xff\nq a " * 3000 + b"\n" + b"x y\n" * 5000
    src = text_source(tmp_path, data, block_bytes=5000)
    for index in ({"c": 0, "a": 1, "\ufffd": 2, "y": 3}, {"c": 2, "a": 0, "zz": 1}):
        ref = list(iter_stream_blocks(src(), index, engine="python"))
        got = list(iter_stream_blocks(src(), index, threads=2))
        assert np.concatenate(got).tobytes() == np.concatenate(ref).tobytes()
        assert all(b.dtype == np.int32 for b in got)


def test_fixed_index_writes_rows_and_oov(tmp_path):
    data = b"a b c zz\n\nc c d \xff\nq a\n" * 20
    src = text_source(tmp_path, data)
    both(src, fixed_index={"c": 0, "a": 1, "nothere": 2, "\ufffd": 3, "x y": 4, chr(0xD800): 5})
    both(src, fixed_index={"c": 2, "a": 0, "zz": 1})  # rows not in the dict's order
    both(src, fixed_index={"c": 0, "a": 1}, keep_ids=False)


def test_progress_is_called_per_chunk(tmp_path):
    data = b"one two three\n" * 5000
    src = text_source(tmp_path, data, block_bytes=8192)
    for engine in ("python", "auto"):
        calls = []
        r = scan(src(), engine=engine, keep_ids=False, progress=lambda b, t, c=calls: c.append((b, t)))
        assert sum(b for b, _ in calls) == len(data) and sum(t for _, t in calls) == r.n_tokens == 15000
        assert len(calls) == -(-len(data) // 8192)


def test_shard_sources_agree(tmp_path):
    rng = np.random.default_rng(2)
    words = [f"s{i}" for i in range(800)]
    p = tmp_path / "corpus.txt"
    p.write_text("\n".join(" ".join(rng.choice(words, int(rng.integers(1, 30))).tolist()) for _ in range(3000)))
    layout = shards.plan([str(p)], 3)
    for shard in layout.shards:
        both(lambda s=shard: shards.ShardSource(s, block_bytes=5000))


def test_errors_come_through(tmp_path):
    from w2v.errors import InputError

    p = tmp_path / "bin.txt"
    p.write_bytes(b"fine line\n" * 100 + b"bad\x00byte\n")
    with pytest.raises(InputError, match="NUL byte"):
        scan(TextSource([str(p)], block_bytes=64))
    g = tmp_path / "cut.gz"
    g.write_bytes(gzip.compress(b"some words here\n" * 10_000)[:-40])
    with pytest.raises(InputError, match="corrupt or truncated"):
        scan(TextSource([str(g)]))


_BYTES = st.lists(st.sampled_from([b" ", b"\n", b"\r", b"\t", b"\x0b", b"\x1c", b"a", b"b", b"ab", b"\xc2", b"\x85",
                                   b"\xa0", b"\xe2", b"\x80", b"\x81", b"\x9f", b"\xe3", b"\xe1", b"\x9a", b"\xff",
                                   b"\xed", b"\xa0", b"\xf0", b"\x90", b"\xef", b"\xbf", b"\xbd", b"\xc3\xa9"]),
                  max_size=300).map(b"".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_BYTES, block=st.sampled_from([16, 64, 1 << 22]))
def test_random_bytes(tmp_path, data, block):
    both(text_source(tmp_path, data, block_bytes=block))


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(st.binary(max_size=40), _BYTES))
def test_canonical_bytes_are_pythons_decoding(data):
    buf = np.frombuffer(data, dtype=np.uint8)
    out = np.zeros(3 * len(data) + 1, dtype=np.uint8)
    n = kc.canonical(buf, 0, len(buf), out)
    assert out[:n].tobytes() == data.decode("utf-8", "replace").encode("utf-8")
