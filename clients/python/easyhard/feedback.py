"""`FeedbackProducer`: the trainer's per-sample losses to EasyHard's feedback topic."""
from __future__ import annotations

import json
import math
from typing import Any, Dict, Iterable, List, Mapping, Optional

from confluent_kafka import KafkaException, Producer


class FeedbackProducer:
    """Sends ``{"id": ..., "loss": ...}`` records, keyed by sample id, to ``easyhard.feedback``, where the scorer uses
    them in place of its proxy's loss in the loss policy the next time it scores those ids.

    The producer is idempotent (no duplicates from its own retries) and batches (``linger.ms``): :meth:`send` only
    queues; :meth:`flush` (also on :meth:`close`) waits for delivery and raises if any record failed.
    Kafka settings pass through as librdkafka names them, as for :class:`~easyhard.WeightedStream`.
    """

    def __init__(self, bootstrap_servers: str, topic: str = "easyhard.feedback", config: Optional[Mapping[str, Any]] = None, **kafka_config: Any):
        settings: Dict[str, Any] = {"bootstrap.servers": bootstrap_servers, "linger.ms": 20, "enable.idempotence": True}
        settings.update(config or {})
        settings.update(kafka_config)
        self.topic = topic
        self.sent = 0
        self._failures: List[str] = []
        self._producer = Producer(settings)

    def _delivered(self, err, _msg) -> None:
        if err is not None:
            self._failures.append(str(err))

    def send(self, ids: Iterable[str], losses: Iterable[Any]) -> None:
        """Queues one record per (id, loss); losses may be a list, a NumPy array or a torch tensor (detached)."""
        if hasattr(losses, "detach"):
            losses = losses.detach().cpu().numpy()
        if hasattr(losses, "tolist"):
            losses = losses.tolist()
        ids, losses = list(ids), list(losses)
        if len(ids) != len(losses):
            raise ValueError(f"{len(ids)} ids but {len(losses)} losses")
        for sample_id, loss in zip(ids, losses):
            loss = float(loss)
            if not math.isfinite(loss) or loss < 0:
                raise ValueError(f"loss of {sample_id} is {loss}: the scorer accepts only finite, non-negative losses")
            value = json.dumps({"id": sample_id, "loss": loss}, separators=(",", ":"))
            while True:
                try:
                    self._producer.produce(self.topic, key=sample_id, value=value, on_delivery=self._delivered)
                    break
                except BufferError:
                    self._producer.poll(0.05)
            self.sent += 1
        self._producer.poll(0)
        self._raise_failures()

    def flush(self, timeout: float = 30.0) -> None:
        if self._producer.flush(timeout) > 0:
            raise KafkaException(f"feedback: records still undelivered after {timeout} s")
        self._raise_failures()

    def close(self, timeout: float = 30.0) -> None:
        self.flush(timeout)

    def _raise_failures(self) -> None:
        if self._failures:
            failures, self._failures = self._failures, []
            raise KafkaException(f"feedback: {len(failures)} records were not delivered: {failures[0]}")

    def __enter__(self) -> "FeedbackProducer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
