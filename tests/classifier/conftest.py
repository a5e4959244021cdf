"""Fixtures for classifier tests: one real model trained per session."""

from __future__ import annotations

import pytest

import classifier


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """Directory holding the default model (draft + shipped seed), trained once."""
    directory = tmp_path_factory.mktemp("model")
    classifier.train_default_model(directory, version="test-model")
    return directory


@pytest.fixture(scope="session")
def model(model_dir):
    """The session's trained PolicyClassifier, loaded from disk like the app does."""
    return classifier.load_model(model_dir)
