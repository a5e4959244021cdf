"""The committee digest as CSV: one row per opinion in its policy, section, sub-theme and near-duplicate group."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import numpy as np

from ..labels import CHANNEL_LABELS
from ..models import Consultation
from ..publication.exports import safe_cell
from .digest import UNREVIEWED_MARK, Digest, _section_index
from .source import load_opinions

HEADER = [
    "基本施策", "分類の状態", "該当箇所", "まとまり（小テーマ）", "まとまりの主な語句",
    "同趣旨の意見のグループ", "同趣旨の意見の件数", "区分（在住・在勤など）", "受付方法", "受付日",
    "意見（原文・個人情報は〇〇で伏せています）", "職員による要約",
]


def digest_rows(consultation: Consultation, digest: Digest) -> Iterator[list]:
    """Rows in the digest's order: policy, section, sub-theme, near-duplicate group, then id."""
    index = _section_index(consultation)
    opinions = {o.id: o for o in load_opinions(consultation) if not o.excluded}
    ids = digest.opinion_ids
    keep = np.isin(ids, np.fromiter(opinions, dtype=np.int64, count=len(opinions)))
    policy_order = {p.code: n for n, p in enumerate(digest.policies)}
    policies = {p.code: p for p in digest.policies}
    rows = []
    for k in np.flatnonzero(keep):
        o = opinions[int(ids[k])]
        if o.policy not in policies:
            continue
        theme, size = int(digest.theme_numbers[k]), int(digest.duplicate_sizes[k])
        group = int(digest.duplicate_keys[k]) + 1 if size > 1 else ""
        rows.append(((policy_order[o.policy], index.get(o.section_id, index[None])[0], theme or 10**6,
                      group or 10**9, o.id), o, theme, group, size))
    rows.sort(key=lambda r: r[0])
    for _, o, theme, group, size in rows:
        policy = policies[o.policy]
        phrases = next((t.phrases for t in policy.themes if t.number == theme), ())
        yield [
            policy.heading, "確認済み" if o.confirmed else UNREVIEWED_MARK,
            index.get(o.section_id, index[None])[1], f"まとまり{theme}" if theme else "", "・".join(phrases),
            group, size if group else "", o.attribute, CHANNEL_LABELS.get(o.channel, o.channel), o.day.isoformat(),
            o.text, o.summary,
        ]


def digest_csv(consultation: Consultation, digest: Digest) -> str:
    """UTF-8 with a BOM (Excel), CRLF lines, formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in digest_rows(consultation, digest):
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()
