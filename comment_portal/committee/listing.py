"""The digest served from cache, and the lists behind its links (a key phrase, a sub-theme, a campaign)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..models import Consultation
from .digest import Digest, PolicyDigest, Quote, _section_index
from .source import load_opinions

PER_PAGE = 50


@dataclass(frozen=True)
class Listing:
    title: str
    policy: PolicyDigest
    opinions: int
    entries: list[Quote]
    page: int
    pages: int
    collapsed: bool

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _selection(policy: PolicyDigest, phrase: str | None, theme: int | None,
               group: int | None) -> tuple[str, np.ndarray, bool] | None:
    """(title, comment ids, whether near-duplicates are collapsed) of a link in the digest; None if unknown."""
    if phrase is not None:
        ids = policy.phrase_ids.get(phrase)
        return None if ids is None else (f"「{phrase}」を含む意見", ids, True)
    if theme is not None:
        found = next((t for t in policy.themes if t.number == theme), None)
        return None if found is None else (f"まとまり{theme}の意見", found.ids, True)
    if group is not None:
        found = next((g for g in policy.duplicates if g.key == group), None)
        return None if found is None else (f"同趣旨の意見 {found.size:,}件（すべての文面）", found.ids, False)
    return None


def _entries(digest: Digest, ids: np.ndarray, collapsed: bool) -> list[tuple[int, int]]:
    """(comment id, copies in this list) per entry: near-duplicates collapsed onto their first member."""
    if not collapsed:
        return [(int(i), 1) for i in ids]
    keys = digest.duplicate_keys[np.searchsorted(digest.opinion_ids, ids)]
    _, first, copies = np.unique(keys, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return [(int(ids[first[k]]), int(copies[k])) for k in order]


def listing(consultation: Consultation, digest: Digest, policy_code: str, page: int = 1, phrase: str | None = None,
            theme: int | None = None, group: int | None = None) -> Listing | None:
    """One page of the opinions behind a link of the digest, texts loaded (masked) from the database."""
    policy = digest.policy(policy_code)
    selection = policy and _selection(policy, phrase, theme, group)
    if not selection:
        return None
    title, ids, collapsed = selection
    entries = _entries(digest, np.sort(ids), collapsed)
    pages = max(1, math.ceil(len(entries) / PER_PAGE))
    page = min(max(page, 1), pages)
    chunk = entries[(page - 1) * PER_PAGE: page * PER_PAGE]
    loaded = {o.id: o for o in load_opinions(consultation, [cid for cid, _ in chunk])}
    index = _section_index(consultation)
    quotes = [Quote(o.text, index.get(o.section_id, index[None])[1], o.confirmed, o.summary, copies)
              for cid, copies in chunk if (o := loaded.get(cid)) is not None]
    return Listing(title, policy, len(ids), quotes, page, pages, collapsed)
