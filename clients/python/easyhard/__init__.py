"""EasyHard's Python client: read the weighted trainer stream, send per-sample losses back.

``as_torch_dataset`` and ``corrected_loss`` need torch (``pip install 'easyhard[torch]'``); everything else needs only confluent-kafka.
"""
from typing import Any

from .codec import SampleFormatError, TrainingSample
from .feedback import FeedbackProducer
from .stream import Batch, RecordError, Scores, WeightedStream

__all__ = ["WeightedStream", "Batch", "Scores", "RecordError", "FeedbackProducer", "TrainingSample", "SampleFormatError",
           "as_torch_dataset", "corrected_loss"]
__version__ = "0.1.0"


def as_torch_dataset(stream: WeightedStream) -> Any:
    """See :func:`easyhard.torch_data.as_torch_dataset` (imported lazily so that torch stays optional)."""
    from .torch_data import as_torch_dataset as build
    return build(stream)


def corrected_loss(logits: Any, batch: Any) -> Any:
    """See :func:`easyhard.torch_data.corrected_loss` (imported lazily so that torch stays optional)."""
    from .torch_data import corrected_loss as loss
    return loss(logits, batch)
