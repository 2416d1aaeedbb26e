"""Duplicates: the same text (exact), the same canonical URL (url), nearly the same text (near, MinHash).

The first article seen is canonical; a later copy becomes a ``DuplicateLink`` to it. A ``Deduplicator``
is seeded with what the store already knows (``add_known``), then processes batches, so copies are found
within a batch, across batches and across runs.

Near duplicates: word 5-gram shingles, each word hashed once with xxh3-64 and five word hashes combined
into a 32-bit shingle hash with numpy; ``num_perm`` permutations ``(a·x + b) mod 2³²``, the minimum per
document taken with one ``np.minimum.reduceat`` over a whole batch. Candidates come from
datasketch's ``MinHashLSH`` and are confirmed by the estimated Jaccard similarity. Texts with fewer than
``min_shingles`` shingles are only deduplicated exactly or by URL: a few shared words mean nothing.
"""

from __future__ import annotations

import functools
import logging
import string
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt
import xxhash

from pipeline.models import Article, DedupeResult, DuplicateLink

if TYPE_CHECKING:
    # Imported where a Deduplicator is built, not here: datasketch imports scipy (~0.6 s), and the CPU
    # workers, which import this module for ``signatures``, never search for near copies.
    from datasketch import LeanMinHash

__all__ = [
    "DEFAULT_NUM_PERM",
    "SHINGLE_WORDS",
    "Counts",
    "Deduplicator",
    "Signature",
    "shingle_hashes",
    "signature",
    "signature_bytes",
    "signatures",
    "similarity",
    "words",
]

log = logging.getLogger(__name__)

DEFAULT_NUM_PERM = 128
SHINGLE_WORDS = 5
_EMPTY = np.uint32(0xFFFFFFFF)
_SEED = 20250527
# Odd 64-bit multipliers that fold five word hashes into one shingle hash (position matters).
_FOLD = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)
# LSH banding is probabilistic: pairs just above the threshold are often missed. Bands tuned for a lower
# threshold find them; the estimated similarity then decides.
_LSH_MARGIN = 0.1
# Shingles × permutations computed at once: bounds memory to ~8 MB per step.
_CHUNK_SHINGLES = 16384
_PUNCTUATION_TO_SPACE = str.maketrans(dict.fromkeys(string.punctuation + "“”‘’«»„‚…—–‐‑·•|¡¿", " "))
_hash_word = xxhash.xxh3_64_intdigest

_UInt32s = npt.NDArray[np.uint32]
Signature = _UInt32s  # num_perm uint32 (one row per text when batched)
Counts = npt.NDArray[np.intp]  # shingles per text
_Counts = Counts


def _permutations(num_perm: int) -> tuple[_UInt32s, _UInt32s]:
    rng = np.random.default_rng(_SEED)
    a = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    return a, b


_PERMUTATIONS: dict[int, tuple[_UInt32s, _UInt32s]] = {}


def _cached_permutations(num_perm: int) -> tuple[_UInt32s, _UInt32s]:
    if num_perm not in _PERMUTATIONS:
        _PERMUTATIONS[num_perm] = _permutations(num_perm)
    return _PERMUTATIONS[num_perm]


def words(text: str) -> list[str]:
    """Casefolded words, punctuation dropped (``str.translate``: several times faster than a regex)."""
    return text.casefold().translate(_PUNCTUATION_TO_SPACE).split()


def shingle_hashes(text: str) -> _UInt32s:
    """32-bit hashes of the text's word 5-grams; a text of fewer than five words is one shingle."""
    tokens = words(text)
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    word_hashes = np.array([_hash_word(w.encode("utf-8", "surrogatepass")) for w in tokens], dtype=np.uint64)
    width = min(SHINGLE_WORDS, len(tokens))
    count = len(tokens) - width + 1
    folded = word_hashes[:count] * _FOLD[0]
    for position in range(1, width):
        folded += word_hashes[position : position + count] * _FOLD[position]  # wraps mod 2**64 by design
    return (folded >> np.uint64(32)).astype(np.uint32)


def _minhash_columns(hashes: _UInt32s, starts: _Counts, num_perm: int) -> Signature:
    """Per segment of ``hashes`` (segments begin at ``starts``, none empty) the minimum of each permutation.

    The permutations are ``(a·x + b) mod 2³²`` with odd ``a``: bijections, and enough because the shingle
    hashes are already uniformly mixed (measured: estimates within the binomial error of exact Jaccard).
    Laid out permutations × shingles, so the minimum runs along contiguous memory.
    """
    a, b = _cached_permutations(num_perm)
    out = np.empty((len(starts), num_perm), dtype=np.uint32)
    ends = np.append(starts[1:], len(hashes))
    row = 0
    while row < len(starts):
        # Whole segments up to ~_CHUNK_SHINGLES shingles (at least one segment) per step.
        last = max(row + 1, int(np.searchsorted(ends, starts[row] + _CHUNK_SHINGLES, side="right")))
        lo, hi = int(starts[row]), int(ends[last - 1])
        values = np.multiply.outer(a, hashes[lo:hi])
        values += b[:, None]
        out[row:last] = np.minimum.reduceat(values, starts[row:last] - lo, axis=1).T
        row = last
    return out


def signatures(texts: Sequence[str], num_perm: int = DEFAULT_NUM_PERM) -> tuple[Signature, _Counts]:
    """MinHash signatures (len(texts) × num_perm, uint32) and shingle counts, vectorised over the batch.

    An empty text has the all-0xFFFFFFFF signature and 0 shingles.
    """
    per_text = [shingle_hashes(text) for text in texts]
    counts = np.array([len(h) for h in per_text], dtype=np.intp)
    result = np.full((len(texts), num_perm), _EMPTY, dtype=np.uint32)
    non_empty = np.flatnonzero(counts)
    if len(non_empty):
        hashes = np.concatenate([per_text[i] for i in non_empty])
        starts = np.concatenate(([0], np.cumsum(counts[non_empty])[:-1])).astype(np.intp)
        result[non_empty] = _minhash_columns(hashes, starts, num_perm)
    return result, counts


def signature(text: str, num_perm: int = DEFAULT_NUM_PERM) -> Signature:
    """The MinHash signature of one text (num_perm uint32)."""
    return signatures([text], num_perm)[0][0]


def signature_bytes(sig: Signature) -> bytes:
    """Little-endian uint32 bytes, for the store's ``articles.minhash`` BLOB."""
    return sig.astype("<u4", copy=False).tobytes()


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def _is_article_url(url: str) -> bool:
    """A URL that names one page, not a site's front page."""
    parts = urlsplit(url)
    return bool(parts.path.strip("/") or parts.query) if parts.netloc else True


@functools.cache
def _lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """The LSH bands and rows datasketch chooses for the threshold, found once per process: it integrates
    false-positive and false-negative curves for every split of ``num_perm``, ~30 ms per Deduplicator."""
    from datasketch import MinHashLSH

    chosen = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return chosen.b, chosen.r


class Deduplicator:
    """Finds exact, same-URL and near copies within and across batches; the first seen is canonical."""

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int = DEFAULT_NUM_PERM,
        *,
        min_shingles: int = 10,
        near_window_days: int | None = 7,
        url_min_similarity: float = 0.8,
    ) -> None:
        """``near_window_days``: two dated articles further apart than this are never near copies (wire
        templates such as "Fed adds reserves via customer repurchases" recur with a changed number);
        None turns the check off. Exact and URL copies are copies whatever their dates.

        ``url_min_similarity``: a page at a known URL whose text shares less than this with the stored
        one was rewritten or grew (a live page, a reused slug): it is a new article, so its new
        statements are read. The URL check is exact where LSH is probabilistic, so it still finds
        copies LSH misses. A site's front page URL never makes a copy.
        """
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self.min_shingles = min_shingles
        self.near_window_days = near_window_days
        self.url_min_similarity = url_min_similarity
        from datasketch import LeanMinHash, MinHashLSH  # here, not at module level: see the imports

        self._lean_minhash = LeanMinHash
        self._lsh = MinHashLSH(
            num_perm=num_perm, params=_lsh_bands(max(0.5, threshold - _LSH_MARGIN), num_perm)
        )
        self._known_ids: set[str] = set()
        self._by_content: dict[str, str] = {}  # content hash → canonical article id
        self._by_url: dict[str, str] = {}  # canonical URL → canonical article id
        self._signatures: dict[str, bytes] = {}  # canonical article id → signature bytes (LSH-indexed)
        self._published: dict[str, date] = {}  # canonical article id → published date, when known

    def __len__(self) -> int:
        return len(self._known_ids)

    def add_known(
        self,
        article_id: str,
        content_hash: str,
        canonical_url: str | None,
        signature: bytes | None,
        published: date | None = None,
    ) -> None:
        """Seed with a canonical article the store already holds (signature: ``signature_bytes`` or None)."""
        if article_id in self._known_ids:
            return
        self._known_ids.add(article_id)
        if published is not None:
            self._published[article_id] = published
        if content_hash:
            self._by_content.setdefault(content_hash, article_id)
        if canonical_url:
            self._by_url.setdefault(canonical_url, article_id)
        if signature is not None:
            if len(signature) != 4 * self.num_perm:
                log.warning(
                    "%s: stored MinHash has %d bytes, not %d: left out of near-duplicate search",
                    article_id,
                    len(signature),
                    4 * self.num_perm,
                )
                return
            self._index(article_id, np.frombuffer(signature, dtype="<u4").astype(np.uint32))

    def signature_bytes(self, article_id: str) -> bytes | None:
        """The signature of a canonical article seen by this deduplicator (None for texts too short)."""
        return self._signatures.get(article_id)

    def process(
        self, articles: Sequence[Article], signed: tuple[Signature, _Counts] | None = None
    ) -> DedupeResult:
        """Split a batch into canonical articles and duplicates (article, link), in input order.

        An article whose ``article_id`` is already known (the same document with the same text, stored
        before or earlier in the batch) is left out of both: it is not a copy, it is the same article.
        ``signed`` is ``signatures()`` of the articles' texts when a worker computed it already (the
        flow's serial part then only compares); one of another shape is recomputed.
        """
        expected = (len(articles), self.num_perm)
        if signed is None or signed[0].shape != expected or len(signed[1]) != len(articles):
            signed = signatures([a.text for a in articles], self.num_perm)
        sigs, counts = signed
        canonical: list[Article] = []
        duplicates: list[tuple[Article, DuplicateLink]] = []
        for article, sig, count in zip(articles, sigs, counts, strict=True):
            if article.article_id in self._known_ids:
                continue
            self._known_ids.add(article.article_id)
            nearable = int(count) >= self.min_shingles
            link = self._find_copy(article, sig if nearable else None)
            if link is not None:
                duplicates.append((article, link))
                # Later copies of this copy point at the same canonical article.
                self._by_content.setdefault(article.content_hash, link.canonical_id)
                if article.canonical_url:
                    self._by_url.setdefault(article.canonical_url, link.canonical_id)
                continue
            canonical.append(article)
            if article.published is not None:
                self._published[article.article_id] = article.published
            self._by_content.setdefault(article.content_hash, article.article_id)
            if article.canonical_url:
                self._by_url.setdefault(article.canonical_url, article.article_id)
            if nearable:
                self._index(article.article_id, sig)
        return DedupeResult(canonical=tuple(canonical), duplicates=tuple(duplicates))

    def _find_copy(self, article: Article, sig: Signature | None) -> DuplicateLink | None:
        exact = self._by_content.get(article.content_hash) if article.content_hash else None
        if exact is not None:
            return DuplicateLink(article.article_id, exact, "exact", 1.0)
        url = article.canonical_url
        same_url = self._by_url.get(url) if url and _is_article_url(url) else None
        if same_url is not None:
            score = self._similarity_to(same_url, sig)
            if score is None or score >= self.url_min_similarity:
                # Without signatures to compare (short texts), the shared URL is the evidence.
                return DuplicateLink(article.article_id, same_url, "url", 1.0 if score is None else score)
        if sig is None:
            return None
        best_id, best_score = None, 0.0
        for candidate in self._lsh.query(self._minhash(sig)):
            if not self._within_window(article.published, self._published.get(candidate)):
                continue
            score = similarity(sig, np.frombuffer(self._signatures[candidate], dtype="<u4"))
            if score > best_score or (score == best_score and best_id is not None and candidate < best_id):
                best_id, best_score = candidate, score
        if best_id is not None and best_score >= self.threshold:
            return DuplicateLink(article.article_id, best_id, "near", round(best_score, 4))
        return None

    def _within_window(self, first: date | None, second: date | None) -> bool:
        if self.near_window_days is None or first is None or second is None:
            return True
        return abs((first - second).days) <= self.near_window_days

    def _similarity_to(self, article_id: str, sig: Signature | None) -> float | None:
        stored = self._signatures.get(article_id)
        if sig is None or stored is None:
            return None
        return round(similarity(sig, np.frombuffer(stored, dtype="<u4")), 4)

    def _minhash(self, sig: Signature) -> LeanMinHash:
        return self._lean_minhash(seed=_SEED, hashvalues=sig, scheme="affine32")

    def _index(self, article_id: str, sig: Signature) -> None:
        if article_id in self._signatures:
            return
        self._signatures[article_id] = signature_bytes(sig)
        self._lsh.insert(article_id, self._minhash(sig))
