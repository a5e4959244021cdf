"""Group near-identical texts (campaign copies) so they stay on one side of a split."""

from __future__ import annotations

import unicodedata
import warnings

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold

_CHUNK = 2000


def _nfkc(text: str) -> str:
    """NFKC and lower case (preprocessor for character n-grams)."""
    return unicodedata.normalize("NFKC", text or "").lower()


def near_duplicate_groups(texts: list[str], threshold: float = 0.6) -> np.ndarray:
    """Group id per text: texts whose character 3-gram cosine similarity >= threshold share a group."""
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=int)
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(3, 3), preprocessor=_nfkc)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # every text shorter than 3 characters
        return np.arange(n)
    rows, cols = [], []
    for start in range(0, n, _CHUNK):
        sims = (matrix[start : start + _CHUNK] @ matrix.T).tocoo()
        keep = sims.data >= threshold
        rows.append(sims.row[keep] + start)
        cols.append(sims.col[keep])
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def group_folds(labels, groups, n_splits: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds that never split a group; fewer folds when the data is too small."""
    labels = np.asarray(labels)
    n_groups = len(np.unique(groups))
    n_splits = min(n_splits, n_groups)
    if n_splits < 2:
        return []
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    dummy = np.zeros(len(labels))
    with warnings.catch_warnings():
        # Rare labels are expected with few confirmed comments; the folds are still valid.
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        return list(splitter.split(dummy, labels, groups))
