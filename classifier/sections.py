"""Features of the free-text section reference (該当箇所) a comment names."""

from __future__ import annotations

import re
import unicodedata

from classifier.tokenizer import JapaneseTokenizer

# The draft numbers its parts as 第N章, 基本施策N and N-M (sub-policy M of basic policy N).
_CHAPTER = re.compile(r"第\s*(\d+)\s*章")
_POLICY = re.compile(r"基本施策\s*(\d)")
_SUBPOLICY = re.compile(r"(?<![\d.])(\d)\s*-\s*\d(?!\d)")


class SectionAnalyzer:
    """Callable mapping a section string to prefixed features (chapter, policy number, words)."""

    def __init__(self, tokenizer: JapaneseTokenizer | None = None):
        self.tokenizer = tokenizer

    def __call__(self, section: str | None) -> list[str]:
        """Features of one section reference; a single "§none" for None or blank."""
        if not section or not section.strip():
            return ["§none"]
        text = unicodedata.normalize("NFKC", section)
        features = ["§chapter:" + m for m in _CHAPTER.findall(text)]
        policies = set(_POLICY.findall(text)) | set(_SUBPOLICY.findall(text))
        features += ["§policy:" + p for p in sorted(policies)]
        tokenizer = self.tokenizer or JapaneseTokenizer()
        features += ["§" + word for word in tokenizer(text)]
        return features
