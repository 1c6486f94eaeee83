"""trainer_replay.py's hand-over to `easyhard replay`: the recorded records out as JSON samples, another scoring back in."""
import base64
import json
import os
import sys

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import trainer_replay  # noqa: E402


def _recording():
    return {"ids": np.array(["fm-000002", "fm-000000", "fm-000002"]), "index": np.array([2, 0, 2]), "labels": np.array([7, 1, 7]),
            "weights": np.array([1.0, 1.0, 1.0], dtype=np.float32), "noise": np.array([0.5, 0.5, 0.5], dtype=np.float32),
            "quarantined": np.array([False, False, False])}


def test_export_stream_writes_each_record_in_order_with_its_image_and_given_label(tmp_path):
    train_x = torch.arange(3 * 4, dtype=torch.float32).reshape(3, 4) / 16
    path = tmp_path / "stream.jsonl"

    trainer_replay.export_stream(_recording(), train_x, path)

    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["id"], r["label"]) for r in rows] == [("fm-000002", 7), ("fm-000000", 1), ("fm-000002", 7)]
    features = [np.frombuffer(base64.b64decode(r["features_b64"]), dtype="<f4").tolist() for r in rows]
    assert features == [train_x[2].tolist(), train_x[0].tolist(), train_x[2].tolist()]


def _scored(path, ids, weights=(0.25, 1.5, 0.0625), noise=(0.9, 0.1, 0.95), quarantined=(False, False, True)):
    path.write_text("".join(json.dumps({"id": i, "weight": w, "noise": n, "quarantined": q}) + "\n"
                            for i, w, n, q in zip(ids, weights, noise, quarantined)))


def test_apply_scored_puts_the_new_weights_noise_and_quarantine_in_place(tmp_path):
    recording = _recording()
    path = tmp_path / "scored.jsonl"
    _scored(path, ["fm-000002", "fm-000000", "fm-000002"])

    trainer_replay.apply_scored(recording, path)

    assert recording["weights"].tolist() == [0.25, 1.5, 0.0625]
    assert recording["noise"].tolist() == pytest.approx([0.9, 0.1, 0.95])
    assert recording["quarantined"].tolist() == [False, False, True]
    assert "weights as read" in trainer_replay.OPTIONAL_ARMS
    assert trainer_replay.OPTIONAL_ARMS["weights as read"](recording).tolist() == [0.25, 1.5, 0.0625]  # quarantined at its weight
    assert trainer_replay.ARMS["weights"](recording).tolist() == [0.25, 1.5, 0.0]  # the twin's: quarantined at 0


def test_apply_scored_names_the_first_record_out_of_order(tmp_path):
    path = tmp_path / "scored.jsonl"
    _scored(path, ["fm-000002", "fm-000002", "fm-000000"])

    with pytest.raises(SystemExit, match=r"scored.jsonl:2: id fm-000002 is not the recording's record 2 \(fm-000000\)"):
        trainer_replay.apply_scored(_recording(), path)


def test_apply_scored_refuses_a_scoring_of_fewer_records(tmp_path):
    path = tmp_path / "scored.jsonl"
    _scored(path, ["fm-000002", "fm-000000"], weights=(1, 1), noise=(0, 0), quarantined=(False, False))

    with pytest.raises(SystemExit, match="holds 2 scored records, the recording 3"):
        trainer_replay.apply_scored(_recording(), path)
