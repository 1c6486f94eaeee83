"""The example trainer's moving average of the weights (examples/pytorch_trainer.py), against hand-computed values."""
import importlib.util
import os

import pytest

torch = pytest.importorskip("torch")

_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples", "pytorch_trainer.py")


def _example():
    spec = importlib.util.spec_from_file_location("pytorch_trainer", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_weight_average_warms_up_then_decays_at_the_given_rate():
    example = _example()
    model = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(0.0)
    average = example.WeightAverage(model, decay=0.5)
    with torch.no_grad():
        model.weight.fill_(1.0)
    average.update(model)  # step 1 decays by min(0.5, 2/11): 2/11 · 0 + 9/11 · 1
    assert average.model.weight.item() == pytest.approx(9 / 11)
    with torch.no_grad():
        model.weight.fill_(3.0)
    average.update(model)  # step 2: min(0.5, 3/12) = 0.25
    assert average.model.weight.item() == pytest.approx(0.25 * 9 / 11 + 0.75 * 3)
    for _ in range(20):  # from step 9 on the warm-up term passes 0.5: the given decay holds
        average.update(model)
    before = average.model.weight.item()
    with torch.no_grad():
        model.weight.fill_(5.0)
    average.update(model)
    assert average.model.weight.item() == pytest.approx(0.5 * before + 0.5 * 5.0)


def test_weight_average_is_a_copy_the_training_does_not_touch():
    example = _example()
    model = torch.nn.Linear(2, 2)
    average = example.WeightAverage(model, decay=0.9)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    assert not torch.equal(average.model.weight, model.weight)


def test_batch_recorder_saves_the_batches_in_order_with_their_sizes(tmp_path):
    import types

    import numpy as np

    example = _example()
    recorder = example.BatchRecorder()
    for ids, labels, weights, noise, quarantined in (
            (["fm-000007", "fm-000003"], [1, 2], [1.5, 0.25], [0.05, 0.9], [False, True]),
            (["fm-000011"], [9], [0.75], [0.3], [False])):
        recorder.add(types.SimpleNamespace(
            ids=ids, labels=torch.tensor(labels), weights=torch.tensor(weights), quarantined=torch.tensor(quarantined),
            scores=types.SimpleNamespace(noise=np.asarray(noise, dtype=np.float32))))
    path = tmp_path / "batches.npz"
    recorder.save(path)

    with np.load(path) as saved:
        assert saved["batch_sizes"].tolist() == [2, 1]
        assert saved["ids"].tolist() == ["fm-000007", "fm-000003", "fm-000011"]
        assert saved["labels"].tolist() == [1, 2, 9]
        assert saved["weights"].tolist() == [1.5, 0.25, 0.75]
        assert saved["noise"].tolist() == pytest.approx([0.05, 0.9, 0.3])
        assert saved["quarantined"].tolist() == [False, True, False]
