"""save_model / load_model: metadata, round trip, refusal of foreign or broken models."""

import json
import shutil

import pytest

from classifier import ModelLoadError, load_model, save_model
from classifier.persistence import METADATA_FILE, MODEL_FILE, library_versions


def test_metadata_contents(model):
    meta = model.metadata
    for key in ("version", "created_at", "labels", "training_counts", "threshold", "held_out",
                "library_versions"):
        assert key in meta
    assert meta["library_versions"] == library_versions()
    assert sum(meta["training_counts"].values()) > 0


def test_round_trip_gives_same_suggestions(model, tmp_path):
    meta = save_model(model, tmp_path / "copy", {"note": "copy"})
    loaded = load_model(tmp_path / "copy")
    assert loaded.metadata["note"] == "copy" and meta["note"] == "copy"
    text = ["武蔵野プレイスの会議室をもっと使いやすくしてほしい"]
    assert loaded.suggest(text) == model.suggest(text)


def test_refuses_other_library_versions(model_dir, tmp_path):
    target = tmp_path / "old"
    shutil.copytree(model_dir, target)
    meta = json.loads((target / METADATA_FILE).read_text(encoding="utf-8"))
    meta["library_versions"]["scikit-learn"] = "0.24.2"
    (target / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="scikit-learn 0.24.2"):
        load_model(target)


def test_missing_model(tmp_path):
    with pytest.raises(ModelLoadError, match="no model metadata"):
        load_model(tmp_path / "nowhere")


def test_corrupt_model_file(model_dir, tmp_path):
    target = tmp_path / "corrupt"
    shutil.copytree(model_dir, target)
    (target / MODEL_FILE).write_bytes(b"not a pickle")
    with pytest.raises(ModelLoadError, match="corrupt"):
        load_model(target)


def test_corrupt_metadata(model_dir, tmp_path):
    target = tmp_path / "badmeta"
    shutil.copytree(model_dir, target)
    (target / METADATA_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="unreadable"):
        load_model(target)
