"""Sub-themes inside one policy's opinions: near-duplicates collapsed, TF-IDF → SVD → k-means, phrases, examples."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from classifier.duplicates import Grouping, group_duplicates
from classifier.phrases import Phrase, key_phrases, presence_matrix, tokenize_texts

MAX_CLUSTERS = 12
SVD_COMPONENTS = 100
# Above this many distinct opinions, mini-batch k-means (same result quality, linear memory and time).
_MINIBATCH_FROM = 5000


@dataclass
class Cluster:
    """A sub-theme: its texts (every copy counted), distinct opinions, key phrases and representative texts."""

    label: int
    members: np.ndarray  # indices of all texts in the cluster, near-duplicate copies included
    n_distinct: int  # near-duplicate groups in the cluster (a campaign counts once)
    phrases: list[Phrase] = field(default_factory=list)
    examples: list[int] = field(default_factory=list)  # representative texts, closest to the centroid first

    @property
    def size(self) -> int:
        """Number of texts (copies of a campaign included)."""
        return len(self.members)


@dataclass
class Clustering:
    """Cluster label per text and the clusters, largest (by distinct opinions) first."""

    labels: np.ndarray
    clusters: list[Cluster]
    duplicates: Grouping


def default_n_clusters(n_distinct: int, max_clusters: int = MAX_CLUSTERS) -> int:
    """About sqrt(n/2) clusters for n distinct opinions, at least 1, at most max_clusters."""
    return max(1, min(max_clusters, round(math.sqrt(n_distinct / 2))))


def _embed(tokens: list[list[str]], random_state: int) -> np.ndarray | None:
    """L2-normalised LSA vectors (TF-IDF of features → SVD) of the distinct opinions; None without features."""
    presence, names = presence_matrix(tokens)
    if not names or presence.nnz == 0:
        return None
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(presence)
    # Few dimensions for few texts: in 100 dimensions 150 short opinions are all nearly orthogonal.
    n_components = min(SVD_COMPONENTS, round(3 * math.sqrt(tfidf.shape[0])), tfidf.shape[1] - 1, tfidf.shape[0] - 1)
    if n_components < 2:
        return normalize(tfidf).toarray()
    svd = TruncatedSVD(n_components=n_components, random_state=random_state, algorithm="randomized", n_iter=4)
    return normalize(svd.fit_transform(tfidf))


def _kmeans(vectors: np.ndarray, k: int, random_state: int) -> np.ndarray:
    """Cluster label per row; k is lowered to the number of distinct rows (identical vectors)."""
    distinct = len(np.unique(np.round(vectors, 6), axis=0))
    k = min(k, distinct)
    if k <= 1:
        return np.zeros(len(vectors), dtype=int)
    if len(vectors) >= _MINIBATCH_FROM:
        model = MiniBatchKMeans(n_clusters=k, random_state=random_state, n_init=3, batch_size=2048)
    else:
        model = KMeans(n_clusters=k, random_state=random_state, n_init=4)
    return model.fit_predict(vectors)


def cluster_opinions(texts: Sequence[str], n_clusters: int | None = None, max_clusters: int = MAX_CLUSTERS,
                     tokens: Sequence[Sequence[str]] | None = None, duplicates: Grouping | None = None,
                     top_phrases: int = 8, n_examples: int = 3, random_state: int = 0,
                     tokenizer=None) -> Clustering:
    """Sub-themes of opinions; near-duplicates are clustered once (through their representative) but counted."""
    n = len(texts)
    duplicates = duplicates if duplicates is not None else group_duplicates(list(texts))
    if n == 0:
        return Clustering(np.zeros(0, dtype=int), [], duplicates)
    tokens = tokenize_texts(texts, tokenizer) if tokens is None else tokens
    reps = duplicates.representatives
    k = n_clusters or default_n_clusters(len(reps), max_clusters)
    # One BLAS/OpenMP thread: these matrices are small (<= 100 columns), and on a busy 2-core server
    # threads contending for cores made SVD + k-means ten times slower (measured: 8.8 s vs 0.9 s).
    with threadpool_limits(limits=1):
        vectors = _embed([tokens[i] for i in reps], random_state)
        rep_labels = np.zeros(len(reps), dtype=int) if vectors is None else _kmeans(vectors, k, random_state)
    rep_labels = _by_size(rep_labels)
    labels = rep_labels[duplicates.labels]
    # A campaign counts as one voice in the phrase scores, every copy in the counts.
    weights = 1.0 / duplicates.sizes[duplicates.labels]
    phrases = key_phrases(texts, labels, top=top_phrases, tokens=tokens, weights=weights)
    clusters = []
    for c in range(rep_labels.max() + 1):
        in_c = np.flatnonzero(rep_labels == c)
        clusters.append(Cluster(c, np.flatnonzero(labels == c), len(in_c), phrases.get(c, []),
                                _examples(vectors, in_c, reps, n_examples)))
    return Clustering(labels, clusters, duplicates)


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Relabel clusters 0, 1, ... from the most to the fewest members (ties: lower old label first)."""
    sizes = np.bincount(labels)
    order = np.lexsort((np.arange(len(sizes)), -sizes))
    remap = np.empty(len(sizes), dtype=int)
    remap[order] = np.arange(len(sizes))
    return remap[labels]


def _examples(vectors: np.ndarray | None, in_cluster: np.ndarray, reps: np.ndarray, n: int) -> list[int]:
    """Text indices of the distinct opinions closest to the cluster's centroid."""
    if vectors is None:
        return [int(reps[i]) for i in in_cluster[:n]]
    sub = vectors[in_cluster]
    sims = sub @ sub.mean(0)
    best = in_cluster[np.argsort(-sims, kind="stable")[:n]]
    return [int(reps[i]) for i in best]
