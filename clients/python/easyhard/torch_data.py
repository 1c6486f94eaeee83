"""`as_torch_dataset`: a WeightedStream as a `torch.utils.data.IterableDataset` of weighted batches."""
from __future__ import annotations

from typing import Any, Iterator, List, NamedTuple

import torch
import torch.nn.functional as F
from torch.utils.data import IterableDataset

from .stream import Scores, WeightedStream


class TorchBatch(NamedTuple):
    ids: List[str]
    features: torch.Tensor  # float32 (n, dimension)
    labels: torch.Tensor  # int64 (n,)
    weights: torch.Tensor  # float32 (n,)
    scores: Scores  # NumPy columns
    quarantined: torch.Tensor  # bool (n,)


class _WeightedDataset(IterableDataset):
    def __init__(self, stream: WeightedStream):
        super().__init__()
        self.stream = stream

    def __iter__(self) -> Iterator[TorchBatch]:
        for batch in self.stream:
            yield TorchBatch(batch.ids, torch.from_numpy(batch.features), torch.from_numpy(batch.labels),
                             torch.from_numpy(batch.weights), batch.scores, torch.from_numpy(batch.quarantined))


def as_torch_dataset(stream: WeightedStream) -> Any:
    """Batches of ``stream`` as torch tensors. Iterate it directly, or with ``DataLoader(ds, batch_size=None)`` and no
    worker processes: the stream's consumer and :meth:`WeightedStream.commit` belong to the training process."""
    return _WeightedDataset(stream)


def corrected_loss(logits: torch.Tensor, batch: TorchBatch) -> torch.Tensor:
    """Down-weighting and label correction together: the mean over the batch of

        weight × CE(logits, label) + [suggested ≠ label] × suggested_label_p × CE(logits, suggested)

    The given label keeps EasyHard's weight, and where EasyHard suggests another label, that label joins with its
    probability P(true label = suggestion). A record without a suggestion (no ``easyhard-suggested-label`` header)
    adds nothing. Read the quarantine topic too (``include_quarantine=True``): its samples have weight 0 and the
    surest suggestions. Measured in ``easyhard bench quality`` (docs/performance.md) against the weights alone."""
    loss = batch.weights * F.cross_entropy(logits, batch.labels, reduction="none")
    scores = batch.scores
    if scores.suggested_label is None or scores.suggested_label_p is None:
        return loss.mean()
    suggested = torch.as_tensor(scores.suggested_label, dtype=torch.int64)
    probability = torch.nan_to_num(torch.as_tensor(scores.suggested_label_p, dtype=torch.float32), nan=0.0)
    differs = (suggested >= 0) & (suggested != batch.labels)
    target = torch.where(differs, suggested, batch.labels)  # a valid class everywhere; weighted 0 where it does not differ
    return (loss + differs * probability * F.cross_entropy(logits, target, reduction="none")).mean()
