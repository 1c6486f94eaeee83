"""corrected_loss: down-weighting and label correction in one loss, against a hand-computed case."""
import math

import numpy as np
import pytest

from easyhard import Scores, corrected_loss
from easyhard.torch_data import TorchBatch


def cross_entropy(logits, label):
    return math.log(sum(math.exp(v) for v in logits)) - logits[label]


def batch(labels, weights, suggested=None, suggested_p=None):
    import torch  # CI installs python3-torch: a missing torch fails, never skips
    n = len(labels)
    scores = Scores(noise=np.zeros(n, np.float32), difficulty=np.zeros(n, np.float32), influence=np.zeros(n, np.float32),
                    bucket=["medium"] * n, model_version=np.zeros(n, np.int64),
                    suggested_label=None if suggested is None else np.array(suggested, np.int64),
                    suggested_label_p=None if suggested_p is None else np.array(suggested_p, np.float32))
    return TorchBatch([f"s-{i}" for i in range(n)], torch.zeros(n, 2), torch.tensor(labels), torch.tensor(weights, dtype=torch.float32),
                      scores, torch.zeros(n, dtype=torch.bool))


LOGITS = [[2.0, 0.0, -1.0], [0.5, 1.0, 0.0], [0.0, 0.0, 3.0]]


def test_suggestion_that_differs_joins_with_its_probability():
    import torch
    b = batch([0, 1, 2], [1.5, 0.25, 1.0], suggested=[0, 2, -1], suggested_p=[0.9, 0.8, float("nan")])

    loss = corrected_loss(torch.tensor(LOGITS), b)

    # Sample 0: the suggestion is its label (nothing added); 1: label 2 joins at 0.8; 2: no suggestion header.
    expected = (1.5 * cross_entropy(LOGITS[0], 0) + 0.25 * cross_entropy(LOGITS[1], 1) + 0.8 * cross_entropy(LOGITS[1], 2)
                + 1.0 * cross_entropy(LOGITS[2], 2)) / 3
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_without_suggestions_it_is_the_weighted_loss():
    import torch
    b = batch([0, 1, 2], [1.5, 0.25, 1.0])

    loss = corrected_loss(torch.tensor(LOGITS), b)

    expected = (1.5 * cross_entropy(LOGITS[0], 0) + 0.25 * cross_entropy(LOGITS[1], 1) + 1.0 * cross_entropy(LOGITS[2], 2)) / 3
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_gradient_pulls_a_weight_zero_sample_toward_its_suggestion():
    import torch
    logits = torch.zeros(1, 3, requires_grad=True)
    corrected_loss(logits, batch([0], [0.0], suggested=[2], suggested_p=[0.9])).backward()

    # d/dz of 0.9 · CE(z, 2) at z = 0: 0.9 (softmax − onehot(2)) = 0.9 (1/3, 1/3, −2/3).
    assert logits.grad[0].tolist() == pytest.approx([0.3, 0.3, -0.6], rel=1e-5)
