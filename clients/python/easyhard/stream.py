"""`WeightedStream`: EasyHard's trainer stream as batches of arrays, with offsets committed only when asked."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

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


_PROTOBUF = codec.PROTOBUF.encode()
_NAN = float("nan")


def to_batch(messages: Sequence, quarantine_topic: Optional[str] = None) -> Batch:
    """The columns of a list of trainer-stream messages; every sample of a batch must have the same dimension.

    This runs once per record a trainer reads. A batch whose records all carry the same headers in the same order and
    protobuf values (what EasyHard writes) is read column by column (:func:`_columnar_batch`); any other batch record
    by record (:func:`_row_batch`).
    """
    if np is not None and messages:
        batch = _columnar_batch(messages, quarantine_topic)
        if batch is not None:
            return batch
    return _row_batch(messages, quarantine_topic)


def _row_batch(messages: Sequence, quarantine_topic: Optional[str]) -> Batch:
    """Record by record, with the well-formed case inline: each record becomes one tuple, and the tuples are turned
    into columns at the end. A record that fails it goes through :func:`parse_record`, which raises the RecordError
    that names the record and what is wrong."""
    rows = []
    for msg in messages:
        headers = dict(msg.headers() or ())
        try:
            w, n, d, i = float(headers[WEIGHT]), float(headers[NOISE]), float(headers[DIFFICULTY]), float(headers[INFLUENCE])
            v, b = int(headers[MODEL_VERSION]), headers[BUCKET].decode("ascii")
            if not b or w != w or n != n or d != d or i != i:
                raise ValueError("NaN or empty")
            s_label, s_p = headers.get(SUGGESTED_LABEL), headers.get(SUGGESTED_LABEL_P)
            if s_label is not None or s_p is not None:
                s_label = -1 if s_label is None else int(s_label)
                s_p = _NAN if s_p is None else float(s_p)
            content_type = headers.get(CONTENT_TYPE)
            value = msg.value()
            parts = codec.id_features_label(value) if content_type == _PROTOBUF else None
            if parts is None:
                sample = codec.decode_protobuf(value, full=False) if content_type == _PROTOBUF else \
                    codec.decode(value, content_type.decode("ascii", "replace") if content_type else None)
                parts = (sample.id, sample.features, sample.label)
        except (KeyError, ValueError, TypeError, AttributeError, UnicodeDecodeError, codec.SampleFormatError):
            parse_record(msg, quarantine_topic)  # raises the RecordError that names the record
            raise
        rows.append((parts[0] or (msg.key() or b"").decode("utf-8", "replace"), parts[1], parts[2], w, n, d, i, b, v, s_label, s_p,
                     quarantine_topic is not None and msg.topic() == quarantine_topic))
    columns = list(zip(*rows)) if rows else [()] * 12
    ids, features, labels, weights, noise, difficulty, influence, bucket, version, suggested, suggested_p, quarantined = columns
    with_suggestion = any(s is not None for s in suggested_p)
    if with_suggestion:
        suggested = [-1 if s is None else s for s in suggested]
        suggested_p = [_NAN if p is None else p for p in suggested_p]
    dimensions = {len(f) // 4 for f in features}
    if len(dimensions) > 1:
        raise ValueError(f"samples of one batch have different dimensions: {sorted(dimensions)}")
    if np is not None:
        # bytearray: one copy of the features, and a writable array (torch.from_numpy takes it as it is).
        matrix = np.frombuffer(bytearray().join(features), dtype="<f4").reshape(len(ids), dimensions.pop() if dimensions else 0)
    else:
        from array import array
        matrix = [array("f", codec.TrainingSample("", f, 0).feature_list()) for f in features]
    scores = Scores(noise=_column(noise, "float32"), difficulty=_column(difficulty, "float32"), influence=_column(influence, "float32"),
                    bucket=list(bucket), model_version=_column(version, "int64"),
                    suggested_label=_column(suggested, "int64") if with_suggestion else None,
                    suggested_label_p=_column(suggested_p, "float32") if with_suggestion else None)
    return Batch(ids=list(ids), features=matrix, labels=_column(labels, "int64"), weights=_column(weights, "float32"), scores=scores,
                 quarantined=_column(quarantined, "bool"))


def _columnar_batch(messages: Sequence, quarantine_topic: Optional[str]) -> Optional[Batch]:
    """The batch read column by column, or None when it is not the common case (then :func:`_row_batch` reads it and
    names any bad record). Every record must carry the same header names in the same order, numbers that parse, and a
    protobuf value laid out as :func:`codec.id_features_label` expects; values of one layout are read together
    (:func:`codec.ids_features_labels`). Header values are transposed into columns and parsed with one ``map`` each."""
    heads = [msg.headers() for msg in messages]
    n = len(heads)
    first = heads[0]
    if not first or any(len(h) != len(first) for h in heads):
        return None
    columns: Dict[str, tuple] = {}
    for column in zip(*heads):
        names, values = zip(*column)
        if names.count(names[0]) != n or names[0] in columns:
            return None
        columns[names[0]] = values
    content_types = columns.get(CONTENT_TYPE)
    if content_types is None or content_types.count(_PROTOBUF) != n:
        return None
    with_suggestion = SUGGESTED_LABEL in columns and SUGGESTED_LABEL_P in columns
    if not with_suggestion and (SUGGESTED_LABEL in columns or SUGGESTED_LABEL_P in columns):
        return None
    try:
        weights, noise, difficulty, influence = (np.fromiter(map(float, columns[name]), np.float32, n)
                                                 for name in (WEIGHT, NOISE, DIFFICULTY, INFLUENCE))
        version = np.fromiter(map(int, columns[MODEL_VERSION]), np.int64, n)
        bucket = [b.decode("ascii") for b in columns[BUCKET]]
        suggested = np.fromiter(map(int, columns[SUGGESTED_LABEL]), np.int64, n) if with_suggestion else None
        suggested_p = np.fromiter(map(float, columns[SUGGESTED_LABEL_P]), np.float32, n) if with_suggestion else None
    except (KeyError, ValueError, TypeError, AttributeError, UnicodeDecodeError):
        return None
    if not all(bucket) or any(np.isnan(c).any() for c in (weights, noise, difficulty, influence, suggested_p) if c is not None):
        return None
    values = [msg.value() for msg in messages]
    parts = codec.ids_features_labels(values)
    if parts is None:  # values of several layouts: each on its own
        try:
            each = [codec.id_features_label(value) for value in values]
        except (TypeError, UnicodeDecodeError):
            return None
        if None in each:
            return None
        parts = tuple(zip(*each))
    ids, features, labels = parts
    if not all(ids) or len({len(f) for f in features}) != 1:
        return None
    matrix = np.frombuffer(bytearray().join(features), dtype="<f4").reshape(n, len(features[0]) // 4)
    quarantined = np.fromiter((msg.topic() == quarantine_topic for msg in messages), bool, n) if quarantine_topic is not None \
        else np.zeros(n, dtype=bool)
    scores = Scores(noise=noise, difficulty=difficulty, influence=influence, bucket=bucket, model_version=version,
                    suggested_label=suggested, suggested_label_p=suggested_p)
    return Batch(ids=list(ids), features=matrix, labels=np.asarray(labels, dtype="int64"), weights=weights, scores=scores,
                 quarantined=quarantined)


ASSIGN_TIMEOUT = 60.0


class WeightedStream:
    """Batches of EasyHard's trainer stream, read ``read_committed``.

    Offsets are committed only by :meth:`commit`, which a trainer calls after its optimizer step: everything yielded
    before the call counts as done. A trainer that stops between two commits re-reads the records since the last one
    (at-least-once for the trainer; EasyHard's own hops are exactly-once). ``config`` and ``**kafka_config`` pass
    librdkafka settings through as librdkafka names them (``security.protocol``, ``sasl.mechanisms``...), e.g.
    ``WeightedStream(servers, "g", **{"security.protocol": "SASL_SSL"})``.

    Iteration ends after ``max_records`` records, or when nothing arrived for ``idle_timeout`` seconds since the last
    record; before the first record it waits ``start_timeout`` seconds (default: ``idle_timeout``) from the moment the
    consumer got its partitions (or ``ASSIGN_TIMEOUT`` more when it never got any), so a trainer started before the
    pipeline's first output can wait longer for it than for a gap in the stream. With neither limit, it runs until
    :meth:`close`.
    """

    def __init__(self, bootstrap_servers: str, group_id: str, topic: str = "easyhard.weighted", include_quarantine: bool = False,
                 quarantine_topic: str = "easyhard.quarantine", batch_size: int = 256, poll_timeout: float = 0.5,
                 idle_timeout: Optional[float] = None, max_records: Optional[int] = None, start_timeout: Optional[float] = None,
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
        self.start_timeout = idle_timeout if start_timeout is None else start_timeout
        self.max_records = max_records
        self.records = 0
        self._pending: Dict[Tuple[str, int], int] = {}  # the offset of the last record yielded, per partition
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
        records = [msg for msg in messages if msg.error() is None]
        if len(records) < len(messages):
            for msg in messages:
                error = msg.error()
                if error is not None and error.code() != KafkaError._PARTITION_EOF and error.fatal():
                    raise KafkaException(error)
                # anything else is transient: librdkafka retries by itself
        if not records:
            return None
        batch = to_batch(records, self._quarantine_topic)
        # Only once the whole batch decoded: a bad record is never marked done. A partition's last record wins.
        self._pending.update({(msg.topic(), msg.partition()): msg.offset() for msg in records})
        self.records += len(records)
        return batch

    def __iter__(self) -> Iterator[Batch]:
        started = time.monotonic()
        last_record: Optional[float] = None
        while not self._closed and (self.max_records is None or self.records < self.max_records):
            batch = self.poll()
            now = time.monotonic()
            if batch is not None:
                last_record = now
                yield batch
                continue
            # A group join takes seconds: the clocks start once the consumer has its partitions (again after a rebalance).
            assigned = self._assigned_at if self._assigned_at is not None else started + ASSIGN_TIMEOUT
            if last_record is None:
                limit, since = self.start_timeout, assigned
            else:
                limit, since = self.idle_timeout, max(last_record, assigned)
            if limit is not None and now - since >= limit:
                return

    def rewind(self) -> None:
        """Starts another pass over what the topics retain: every partition this consumer holds goes back to its first
        record (a trainer's next epoch over a retained topic). Offsets are still committed only by :meth:`commit`; a
        commit after a rewind records the position of the new pass."""
        for tp in self._consumer.assignment():
            self._consumer.seek(TopicPartition(tp.topic, tp.partition, OFFSET_BEGINNING))

    def commit(self) -> None:
        """Commits the offsets of every record yielded so far (synchronously)."""
        if not self._pending:
            return
        offsets = [TopicPartition(t, p, o + 1) for (t, p), o in self._pending.items()]
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
