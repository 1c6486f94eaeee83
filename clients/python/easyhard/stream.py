"""`WeightedStream`: EasyHard's trainer stream as batches of arrays, with offsets committed only when asked."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from . import codec

try:  # NumPy is optional: without it, columns are lists and features a list of array('f') rows.
    import numpy as np
except ImportError:  # pragma: no cover - exercised only where numpy is absent
    np = None  # type: ignore[assignment]

WEIGHT = "easyhard-weight"
DIFFICULTY = "easyhard-difficulty"
NOISE = "easyhard-noise"
INFLUENCE = "easyhard-influence"
BUCKET = "easyhard-bucket"
MODEL_VERSION = "easyhard-model-version"
SUGGESTED_LABEL = "easyhard-suggested-label"
SUGGESTED_LABEL_P = "easyhard-suggested-label-p"
CONTENT_TYPE = "content-type"

REQUIRED_HEADERS = (WEIGHT, DIFFICULTY, NOISE, INFLUENCE, BUCKET, MODEL_VERSION)

# Settings the stream's guarantees rest on; a caller may not change them.
_FIXED = {"isolation.level": "read_committed", "enable.auto.commit": False, "enable.auto.offset.store": False}


class RecordError(ValueError):
    """A record of the trainer stream that the client cannot read; names the record."""

    def __init__(self, topic: str, partition: int, offset: int, problem: str):
        super().__init__(f"{topic} [{partition}] @ {offset}: {problem}")
        self.topic, self.partition, self.offset, self.problem = topic, partition, offset, problem


@dataclass
class Scores:
    """EasyHard's view of each sample of a batch, one entry per sample."""
    noise: Any
    difficulty: Any
    influence: Any
    bucket: List[str]
    model_version: Any
    # From the easyhard-suggested-label(-p) headers; -1 / NaN for a record without them, None when no record had them.
    suggested_label: Any = None
    suggested_label_p: Any = None


@dataclass
class Batch:
    ids: List[str]
    features: Any  # numpy float32 (n, dimension)
    labels: Any  # numpy int64 (n,)
    weights: Any  # numpy float32 (n,)
    scores: Scores
    quarantined: Any  # numpy bool (n,): read from the quarantine topic

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class _Row:
    sample: codec.TrainingSample
    weight: float
    noise: float
    difficulty: float
    influence: float
    bucket: str
    model_version: int
    suggested_label: Optional[int]
    suggested_label_p: Optional[float]
    quarantined: bool


def _number(headers: Mapping[str, bytes], name: str, kind, msg) -> Any:
    if name not in headers:
        raise RecordError(msg.topic(), msg.partition(), msg.offset(), f"header '{name}' is missing")
    raw = headers[name] or b""
    try:
        value = kind(raw)
    except (ValueError, TypeError):
        raise RecordError(msg.topic(), msg.partition(), msg.offset(), f"header '{name}' is not a number: {bytes(raw)[:40]!r}") from None
    if kind is float and value != value:
        raise RecordError(msg.topic(), msg.partition(), msg.offset(), f"header '{name}' is NaN")
    return value


def parse_record(msg, quarantine_topic: Optional[str] = None) -> _Row:
    """One Kafka message of the trainer stream: its sample and EasyHard's headers. Raises RecordError."""
    headers: Dict[str, bytes] = dict(msg.headers() or ())
    weight = _number(headers, WEIGHT, float, msg)
    noise = _number(headers, NOISE, float, msg)
    difficulty = _number(headers, DIFFICULTY, float, msg)
    influence = _number(headers, INFLUENCE, float, msg)
    version = _number(headers, MODEL_VERSION, int, msg)
    bucket = headers.get(BUCKET)
    if not bucket:
        raise RecordError(msg.topic(), msg.partition(), msg.offset(), f"header '{BUCKET}' is missing")
    suggested = _number(headers, SUGGESTED_LABEL, int, msg) if SUGGESTED_LABEL in headers else None
    suggested_p = _number(headers, SUGGESTED_LABEL_P, float, msg) if SUGGESTED_LABEL_P in headers else None
    content_type = headers.get(CONTENT_TYPE)
    try:
        sample = codec.decode(msg.value(), content_type.decode("ascii", "replace") if content_type else None)
    except codec.SampleFormatError as e:
        raise RecordError(msg.topic(), msg.partition(), msg.offset(), f"value is not a TrainingSample: {e}") from None
    if not sample.id and msg.key():
        sample.id = msg.key().decode("utf-8", "replace")
    return _Row(sample, weight, noise, difficulty, influence, bucket.decode("ascii", "replace"), version, suggested, suggested_p,
                msg.topic() == quarantine_topic)


def _column(values: Sequence, dtype: str):
    return np.asarray(values, dtype=dtype) if np is not None else list(values)


def to_batch(rows: Sequence[_Row]) -> Batch:
    """Columns of a list of parsed records; every sample of a batch must have the same dimension."""
    dimensions = {r.sample.dimension for r in rows}
    if len(dimensions) > 1:
        raise ValueError(f"samples of one batch have different dimensions: {sorted(dimensions)}")
    if np is not None:
        dimension = dimensions.pop() if dimensions else 0
        # bytearray: one copy of the features, and a writable array (torch.from_numpy takes it as it is).
        features = np.frombuffer(bytearray().join(r.sample.features for r in rows), dtype="<f4").reshape(len(rows), dimension)
    else:
        from array import array
        features = [array("f", r.sample.feature_list()) for r in rows]
    with_suggestion = any(r.suggested_label is not None for r in rows)
    scores = Scores(
        noise=_column([r.noise for r in rows], "float32"),
        difficulty=_column([r.difficulty for r in rows], "float32"),
        influence=_column([r.influence for r in rows], "float32"),
        bucket=[r.bucket for r in rows],
        model_version=_column([r.model_version for r in rows], "int64"),
        suggested_label=_column([-1 if r.suggested_label is None else r.suggested_label for r in rows], "int64") if with_suggestion else None,
        suggested_label_p=_column([float("nan") if r.suggested_label_p is None else r.suggested_label_p for r in rows], "float32")
        if with_suggestion else None)
    return Batch(ids=[r.sample.id for r in rows], features=features, labels=_column([r.sample.label for r in rows], "int64"),
                 weights=_column([r.weight for r in rows], "float32"), scores=scores,
                 quarantined=_column([r.quarantined for r in rows], "bool"))


ASSIGN_TIMEOUT = 60.0


class WeightedStream:
    """Batches of EasyHard's trainer stream, read ``read_committed``.

    Offsets are committed only by :meth:`commit`, which a trainer calls after its optimizer step: everything yielded
    before the call counts as done. A trainer that stops between two commits re-reads the records since the last one
    (at-least-once for the trainer; EasyHard's own hops are exactly-once). ``config`` and ``**kafka_config`` pass
    librdkafka settings through as librdkafka names them (``security.protocol``, ``sasl.mechanisms``...), e.g.
    ``WeightedStream(servers, "g", **{"security.protocol": "SASL_SSL"})``.

    Iteration ends after ``max_records`` records, or when nothing arrived for ``idle_timeout`` seconds since the
    consumer got its partitions (or for ``ASSIGN_TIMEOUT`` more when it never got any); with neither, it runs until
    :meth:`close`.
    """

    def __init__(self, bootstrap_servers: str, group_id: str, topic: str = "easyhard.weighted", include_quarantine: bool = False,
                 quarantine_topic: str = "easyhard.quarantine", batch_size: int = 256, poll_timeout: float = 0.5,
                 idle_timeout: Optional[float] = None, max_records: Optional[int] = None,
                 config: Optional[Mapping[str, Any]] = None, **kafka_config: Any):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        settings: Dict[str, Any] = {"bootstrap.servers": bootstrap_servers, "group.id": group_id, "auto.offset.reset": "earliest"}
        settings.update(config or {})
        settings.update(kafka_config)
        for key, value in _FIXED.items():
            if key in settings and str(settings[key]).lower() != str(value).lower():
                raise ValueError(f"{key}={settings[key]} is not allowed: the stream relies on {key}={value}")
            settings[key] = value
        self.topics = [topic] + ([quarantine_topic] if include_quarantine else [])
        self._quarantine_topic = quarantine_topic if include_quarantine else None
        self.batch_size = batch_size
        self.poll_timeout = poll_timeout
        self.idle_timeout = idle_timeout
        self.max_records = max_records
        self.records = 0
        self._pending: Dict[Tuple[str, int], int] = {}
        self._consumer = Consumer(settings)
        self._assigned_at: Optional[float] = None
        self._consumer.subscribe(self.topics, on_assign=self._on_assign, on_revoke=self._on_revoke)
        self._closed = False

    def _on_assign(self, _consumer, _partitions) -> None:
        self._assigned_at = time.monotonic()

    def _on_revoke(self, _consumer, partitions) -> None:
        # Another member owns them now and resumes from their last committed offset.
        for tp in partitions:
            self._pending.pop((tp.topic, tp.partition), None)

    def poll(self, timeout: Optional[float] = None) -> Optional[Batch]:
        """The next batch (up to batch_size records), or None when nothing arrived within ``timeout`` seconds."""
        limit = self.batch_size
        if self.max_records is not None:
            limit = min(limit, self.max_records - self.records)
            if limit <= 0:
                return None
        messages = self._consumer.consume(num_messages=limit, timeout=self.poll_timeout if timeout is None else timeout)
        rows = []
        for msg in messages:
            error = msg.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    continue
                if error.fatal():
                    raise KafkaException(error)
                continue  # transient: librdkafka retries by itself
            rows.append(parse_record(msg, self._quarantine_topic))
            self._pending[(msg.topic(), msg.partition())] = msg.offset() + 1
        if not rows:
            return None
        self.records += len(rows)
        return to_batch(rows)

    def __iter__(self) -> Iterator[Batch]:
        started = idle_since = time.monotonic()
        while not self._closed and (self.max_records is None or self.records < self.max_records):
            batch = self.poll()
            now = time.monotonic()
            if batch is not None:
                idle_since = now
                yield batch
            elif self.idle_timeout is not None:
                # A group join takes seconds: the idle clock starts once the consumer has its partitions.
                since = max(idle_since, self._assigned_at) if self._assigned_at is not None else started + ASSIGN_TIMEOUT
                if now - since >= self.idle_timeout:
                    return

    def commit(self) -> None:
        """Commits the offsets of every record yielded so far (synchronously)."""
        if not self._pending:
            return
        offsets = [TopicPartition(t, p, o) for (t, p), o in self._pending.items()]
        self._consumer.commit(offsets=offsets, asynchronous=False)
        self._pending.clear()

    def close(self) -> None:
        """Leaves the group without committing what :meth:`commit` was not called for."""
        if not self._closed:
            self._closed = True
            self._consumer.close()

    def __enter__(self) -> "WeightedStream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
