"""`as_torch_dataset`: a WeightedStream as a `torch.utils.data.IterableDataset` of weighted batches."""
from __future__ import annotations

from typing import Any, Iterator, List, NamedTuple

import torch
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
