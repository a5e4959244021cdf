"""PolicyClassifier: TF-IDF + logistic regression, temperature-calibrated, with an abstain band."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.validation import check_is_fitted

from classifier import calibration
from classifier.sections import SectionAnalyzer
from classifier.tokenizer import JapaneseTokenizer

MAX_TERMS = 5


@dataclass(frozen=True)
class Suggestion:
    """Suggested policy for one comment: ranked scores, confidence flag, highlight terms."""

    policy: str
    scores: dict[str, float]
    confident: bool
    terms: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return {"policy": self.policy, "scores": dict(self.scores), "confident": self.confident,
                "terms": list(self.terms)}


def _text_column(rows):
    """Comment texts of (text, section) rows."""
    return [text or "" for text, _ in rows]


def _section_column(rows):
    """Section references of (text, section) rows."""
    return [section or "" for _, section in rows]


def _nfkc_lower(text: str) -> str:
    """Preprocessor for character n-grams."""
    return unicodedata.normalize("NFKC", text).lower()


def _rows(texts, sections=None) -> list[tuple[str, str | None]]:
    """Pair texts with sections (None when absent); accepts str or (text, section) items."""
    texts = list(texts)
    if sections is None:
        return [t if isinstance(t, tuple) else (t, None) for t in texts]
    sections = list(sections)
    if len(sections) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(sections)} sections")
    return list(zip(texts, sections, strict=True))


class PolicyClassifier(ClassifierMixin, BaseEstimator):
    """Suggest a basic policy for Japanese comments; follows scikit-learn's estimator rules."""

    def __init__(self, C: float = 10.0, char_ngrams: bool = True, char_weight: float = 0.5,
                 section_weight: float = 1.5, document_weight: float = 0.5,
                 target_accuracy: float = 0.95, cv: int = 5, random_state: int = 0):
        self.C = C
        self.char_ngrams = char_ngrams
        self.char_weight = char_weight
        self.section_weight = section_weight
        self.document_weight = document_weight
        self.target_accuracy = target_accuracy
        self.cv = cv
        self.random_state = random_state

    def _build_pipeline(self) -> Pipeline:
        """Unfitted feature union (words, characters, section) + logistic regression."""
        tokenizer = JapaneseTokenizer()
        parts = [("words", Pipeline([
            ("select", FunctionTransformer(_text_column)),
            ("tfidf", TfidfVectorizer(tokenizer=tokenizer, token_pattern=None, lowercase=False,
                                      sublinear_tf=True)),
        ]))]
        weights = {"words": 1.0, "section": self.section_weight}
        if self.char_ngrams:
            parts.append(("chars", Pipeline([
                ("select", FunctionTransformer(_text_column)),
                ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=2,
                                          preprocessor=_nfkc_lower, sublinear_tf=True)),
            ])))
            weights["chars"] = self.char_weight
        parts.append(("section", Pipeline([
            ("select", FunctionTransformer(_section_column)),
            ("tfidf", TfidfVectorizer(analyzer=SectionAnalyzer(tokenizer), sublinear_tf=True)),
        ])))
        return Pipeline([
            ("features", FeatureUnion(parts, transformer_weights=weights)),
            ("clf", self._new_clf()),
        ])

    def _new_clf(self) -> LogisticRegression:
        """The linear classifier (fresh, unfitted)."""
        # saga: fast on sparse TF-IDF at any size (lbfgs was far slower here); tol 1e-3 leaves
        # predictions unchanged and halves the epochs.
        return LogisticRegression(C=self.C, solver="saga", tol=1e-3, max_iter=3000,
                                  class_weight="balanced", random_state=self.random_state)

    def fit(self, texts, labels, sections=None, documents=None):
        """Fit on texts (+ optional sections); `documents` marks draft text (down-weighted, never held out)."""
        rows = _rows(texts, sections)
        y = np.asarray([str(label) for label in labels])
        if len(rows) != len(y):
            raise ValueError(f"{len(rows)} texts but {len(y)} labels")
        is_doc = np.zeros(len(y), bool) if documents is None else np.asarray(documents, bool)
        weight = np.where(is_doc, self.document_weight, 1.0)
        self.pipeline_ = self._build_pipeline()
        features = self.pipeline_.named_steps["features"]
        matrix = features.fit_transform(rows)
        texts_only = [text or "" for text, _ in rows]
        held = calibration.held_out_logits(self._new_clf, matrix, y, weight, is_doc, texts_only,
                                           self.cv, self.random_state)
        self.pipeline_.named_steps["clf"].fit(matrix, y, sample_weight=weight)
        self.labels_ = [str(c) for c in self.pipeline_.named_steps["clf"].classes_]
        self.classes_ = np.asarray(self.labels_)
        self.temperature_, self.threshold_, self.cv_metrics_ = calibration.calibrate(
            held, self.labels_, self.target_accuracy)
        self.training_counts_ = {c: int((y == c).sum()) for c in self.labels_}
        self.comment_counts_ = {c: int(((y == c) & ~is_doc).sum()) for c in self.labels_}
        self._word_columns()
        return self

    def _word_columns(self) -> None:
        """Remember where the word block sits in the feature union (for explanations)."""
        words = self._vectorizer("words")
        self.n_word_features_ = len(words.vocabulary_)
        self.word_names_ = words.get_feature_names_out()
        self.__dict__.pop("_directions", None)

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: the live model keeps its cache
        state.pop("_directions", None)  # derived from the coefficients; recomputed after loading
        return state

    def _vectorizer(self, name: str) -> TfidfVectorizer:
        """A fitted vectorizer of the feature union by block name."""
        return dict(self.pipeline_.named_steps["features"].transformer_list)[name].named_steps["tfidf"]

    def _matrix(self, rows):
        """Feature matrix of rows: the union's blocks stacked directly (FeatureUnion.transform's
        parallel machinery costs more than the work itself for one comment)."""
        union = self.pipeline_.named_steps["features"]
        weights = union.transformer_weights or {}
        columns = {"words": _text_column, "chars": _text_column, "section": _section_column}
        blocks = []
        for name, pipe in union.transformer_list:
            block = pipe.named_steps["tfidf"].transform(columns[name](rows))
            blocks.append(block * weights.get(name, 1.0))
        return sparse.hstack(blocks, format="csr")

    def _proba(self, matrix) -> np.ndarray:
        """Calibrated probabilities (softmax of logits / temperature)."""
        logits = calibration.logits_of(self.pipeline_.named_steps["clf"], matrix)
        return calibration.softmax(logits / self.temperature_)

    def predict_proba(self, texts, sections=None) -> np.ndarray:
        """Probabilities, one column per label in `labels_` order."""
        check_is_fitted(self, "pipeline_")
        return self._proba(self._matrix(_rows(texts, sections)))

    def predict(self, texts, sections=None) -> np.ndarray:
        """Top label per text."""
        return self.classes_[self.predict_proba(texts, sections).argmax(axis=1)]

    def suggest(self, texts, sections=None) -> list[Suggestion]:
        """Ranked policy suggestions with confidence and highlight terms."""
        check_is_fitted(self, "pipeline_")
        rows = _rows(texts, sections)
        if not rows:
            return []
        matrix = self._matrix(rows)
        proba = self._proba(matrix)
        # Rows are read straight from the CSR arrays: scipy's row slicing costs more than the rest.
        starts, indices, data = matrix.indptr, matrix.indices, matrix.data
        return [self._suggestion(rows[i][0] or "", indices[starts[i]:starts[i + 1]], data[starts[i]:starts[i + 1]],
                                 proba[i]) for i in range(len(rows))]

    def _suggestion(self, text: str, columns: np.ndarray, values: np.ndarray, proba: np.ndarray) -> Suggestion:
        """Build the Suggestion for one row, given as its non-zero columns and values."""
        order = np.argsort(-proba, kind="stable")
        scores = {self.labels_[j]: float(proba[j]) for j in order}
        top = int(order[0])
        second = float(proba[order[1]]) if len(order) > 1 else 0.0
        is_word = columns < self.n_word_features_
        terms = self._terms(text, columns[is_word], values[is_word], top)
        # Without a single word from the text, only a human can decide.
        has_words = bool(is_word.any())
        confident = has_words and calibration.is_confident(float(proba[top]), second, self.threshold_)
        return Suggestion(self.labels_[top], scores, confident, terms)

    def _terms(self, text: str, columns: np.ndarray, values: np.ndarray, label_index: int) -> list[str]:
        """Up to MAX_TERMS words of the text pushing most towards the label, as written in the text."""
        if not text or len(columns) == 0:
            return []
        pushes = values * self._term_directions()[label_index][columns]
        ranked = [self.word_names_[c] for c, v in sorted(zip(columns, pushes, strict=True), key=lambda p: -p[1])
                  if v > 0]
        return self._surfaces(text, ranked)

    def _term_directions(self) -> np.ndarray:
        """Per label, how much each word pushes towards it (computed once per loaded model)."""
        directions = self.__dict__.get("_directions")
        if directions is None:
            coef = self.pipeline_.named_steps["clf"].coef_
            words = np.asarray(coef[:, : self.n_word_features_])
            if words.shape[0] > 1:
                directions = words - words.mean(axis=0)
            else:  # binary problem: one row of coefficients for the positive class
                directions = np.vstack([-words[0], words[0]])
            self.__dict__["_directions"] = directions
        return directions

    def _surfaces(self, text: str, features: list[str]) -> list[str]:
        """Map features to the text's own spelling, dropping terms contained in a chosen one."""
        spans = {}
        for token in self._vectorizer("words").tokenizer.tokenize(text):
            spans.setdefault(token.feature, text[token.start : token.end])
        terms: list[str] = []
        for feature in features:
            surface = spans.get(feature)
            if not surface or any(surface in t for t in terms):
                continue
            inner = [t for t in terms if t in surface]
            if inner:  # a compound containing chosen words replaces them (オン + ライン -> オンライン)
                terms = [surface if t == inner[0] else t for t in terms if t == inner[0] or t not in inner]
            elif len(terms) < MAX_TERMS:
                terms.append(surface)
        return terms
