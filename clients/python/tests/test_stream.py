"""WeightedStream and FeedbackProducer against librdkafka's mock cluster: decoding, headers, commit and resume."""
import json
import threading
import time
import uuid

import numpy as np
import pytest
from confluent_kafka import Consumer, Producer

from easyhard import FeedbackProducer, RecordError, WeightedStream, as_torch_dataset, codec


def headers(weight="1.5", noise="0.25", difficulty="0.75", influence="-1E-05", bucket="hard", version="12", **extra):
    h = {"easyhard-weight": weight, "easyhard-noise": noise, "easyhard-difficulty": difficulty, "easyhard-influence": influence,
         "easyhard-bucket": bucket, "easyhard-model-version": version}
    h.update({"easyhard-" + k.replace("_", "-"): v for k, v in extra.items()})
    return [(k, v.encode()) for k, v in h.items() if v is not None]


def produce(bootstrap, topic, records):
    """records: (id, value, content_type, headers); one partition so that order is known."""
    producer = Producer({"bootstrap.servers": bootstrap})
    for sample_id, value, content_type, hs in records:
        producer.produce(topic, key=sample_id, value=value, partition=0, headers=hs + [("content-type", content_type.encode())])
    assert producer.flush(10) == 0


def samples(n, first=0, dimension=4):
    return [codec.sample(f"s-{i}", [i + k / 10 for k in range(dimension)], i % 10) for i in range(first, first + n)]


def stream(bootstrap, topic, group=None, **kw):
    kw.setdefault("idle_timeout", 3)
    return WeightedStream(bootstrap, group or f"g-{uuid.uuid4().hex}", topic=topic, **kw)


def test_batches_carry_samples_weights_and_scores_of_json_and_protobuf(kafka, topic):
    rows = samples(6)
    produce(kafka, topic, [(s.id, codec.encode_protobuf(s) if i % 2 else codec.encode_json(s, i % 4 == 0),
                            codec.PROTOBUF if i % 2 else codec.JSON, headers(weight=str(i / 2))) for i, s in enumerate(rows)])

    with stream(kafka, topic, batch_size=100, max_records=6) as s:
        batches = list(s)

    ids = [i for b in batches for i in b.ids]
    assert ids == [r.id for r in rows]
    features = np.concatenate([b.features for b in batches])
    assert features.dtype == np.float32 and features.shape == (6, 4)
    np.testing.assert_array_equal(features, np.array([r.feature_list() for r in rows], dtype=np.float32))
    np.testing.assert_array_equal(np.concatenate([b.labels for b in batches]), [r.label for r in rows])
    np.testing.assert_array_equal(np.concatenate([b.weights for b in batches]), np.arange(6, dtype=np.float32) / 2)
    first = batches[0].scores
    assert first.noise[0] == np.float32(0.25) and first.difficulty[0] == np.float32(0.75) and first.influence[0] == np.float32(-1e-5)
    assert first.bucket[0] == "hard" and first.model_version[0] == 12
    assert first.suggested_label is None and first.suggested_label_p is None


def test_suggested_label_headers_are_read_when_present(kafka, topic):
    rows = samples(2)
    produce(kafka, topic, [(rows[0].id, codec.encode_protobuf(rows[0]), codec.PROTOBUF, headers(suggested_label="4", suggested_label_p="0.875")),
                           (rows[1].id, codec.encode_protobuf(rows[1]), codec.PROTOBUF, headers())])

    with stream(kafka, topic, batch_size=1, max_records=2) as s:
        first, second = list(s)

    assert list(first.scores.suggested_label) == [4] and list(first.scores.suggested_label_p) == [np.float32(0.875)]
    assert second.scores.suggested_label is None and second.scores.suggested_label_p is None


@pytest.mark.parametrize("bad,problem", [
    (dict(weight=None), "header 'easyhard-weight' is missing"),
    (dict(noise="abc"), "header 'easyhard-noise' is not a number"),
    (dict(version="1.5"), "header 'easyhard-model-version' is not a number"),
    (dict(bucket=None), "header 'easyhard-bucket' is missing"),
    (dict(suggested_label="x"), "header 'easyhard-suggested-label' is not a number"),
])
def test_malformed_header_names_the_record(kafka, topic, bad, problem):
    good, broken = samples(2)
    produce(kafka, topic, [(good.id, codec.encode_protobuf(good), codec.PROTOBUF, headers()),
                           (broken.id, codec.encode_protobuf(broken), codec.PROTOBUF, headers(**bad))])

    with stream(kafka, topic, batch_size=1) as s, pytest.raises(RecordError) as error:
        list(s)

    assert str(error.value).startswith(f"{topic} [0] @ 1: {problem}")
    assert (error.value.topic, error.value.partition, error.value.offset) == (topic, 0, 1)


def test_undecodable_value_names_the_record(kafka, topic):
    produce(kafka, topic, [("s-0", b"\x12\x03abc", codec.PROTOBUF, headers())])
    with stream(kafka, topic) as s, pytest.raises(RecordError, match=rf"^{topic} \[0\] @ 0: value is not a TrainingSample"):
        list(s)


def test_restart_resumes_after_the_last_commit(kafka, topic):
    rows = samples(30)
    produce(kafka, topic, [(r.id, codec.encode_protobuf(r), codec.PROTOBUF, headers()) for r in rows])
    group = f"g-{uuid.uuid4().hex}"
    # The mock cluster lets a member that closed hold its partitions until its session ends: keep that short.
    quick = {"session.timeout.ms": 6000, "heartbeat.interval.ms": 500}

    with stream(kafka, topic, group, batch_size=10, config=quick) as s:
        batches = iter(s)
        first = next(batches)
        s.commit()  # after the "optimizer step" of batch 1
        second = next(batches)  # read, never committed: the trainer "crashes" here
    with stream(kafka, topic, group, batch_size=10, config=quick) as s:
        rest = [i for b in s for i in b.ids]
        s.commit()
    with stream(kafka, topic, group, batch_size=10, config=quick) as s:
        after = [i for b in s for i in b.ids]

    assert first.ids == [r.id for r in rows[:10]] and second.ids == [r.id for r in rows[10:20]]
    assert rest == [r.id for r in rows[10:]]  # batch 2 again (at-least-once), nothing lost
    assert after == []


def test_the_first_record_is_awaited_for_start_timeout_and_later_gaps_for_idle_timeout(kafka, topic):
    early, late = samples(2)
    produce(kafka, topic, [(early.id, codec.encode_protobuf(early), codec.PROTOBUF, headers())])
    timer = threading.Timer(4, produce, (kafka, topic, [(late.id, codec.encode_protobuf(late), codec.PROTOBUF, headers())]))

    with stream(kafka, topic, idle_timeout=1.5, start_timeout=30) as s:
        first = [i for b in s for i in b.ids]  # a 1.5 s gap after its first record ends it
    with stream(kafka, topic, idle_timeout=1.5, start_timeout=30, config={"auto.offset.reset": "latest"}) as s:
        while not s._consumer.assignment():
            assert s.poll(timeout=0.2) is None
        timer.start()
        started = time.monotonic()
        waited = [i for b in s for i in b.ids]  # nothing for 4 s: still waiting for the first record
        ended = time.monotonic() - started
    timer.join()

    assert first == [early.id]
    assert waited == [late.id] and 4 <= ended < 30


def test_rewind_reads_the_topic_again_from_its_first_record(kafka, topic):
    rows = samples(12)
    produce(kafka, topic, [(r.id, codec.encode_protobuf(r), codec.PROTOBUF, headers()) for r in rows])

    seen = []
    with stream(kafka, topic, batch_size=5, max_records=36) as s:
        for batch in s:
            seen += batch.ids
            if len(seen) % len(rows) == 0:
                s.rewind()

    assert seen == [r.id for r in rows] * 3


def test_quarantine_topic_is_read_and_flagged_when_asked(kafka, topic):
    quarantine = topic + ".q"
    a, b = samples(2)
    produce(kafka, topic, [(a.id, codec.encode_protobuf(a), codec.PROTOBUF, headers())])
    produce(kafka, quarantine, [(b.id, codec.encode_protobuf(b), codec.PROTOBUF, headers(weight="0"))])

    with stream(kafka, topic, include_quarantine=True, quarantine_topic=quarantine, max_records=2) as s:
        seen = {i: bool(q) for batch in s for i, q in zip(batch.ids, batch.quarantined)}

    assert seen == {a.id: False, b.id: True}


def test_kafka_settings_pass_through_but_the_guarantees_stay(kafka, topic):
    with pytest.raises(ValueError, match="isolation.level=read_uncommitted is not allowed"):
        WeightedStream(kafka, "g", topic=topic, **{"isolation.level": "read_uncommitted"})
    with pytest.raises(ValueError, match="enable.auto.commit"):
        WeightedStream(kafka, "g", topic=topic, config={"enable.auto.commit": True})
    with pytest.raises(Exception, match="No such configuration property"):
        WeightedStream(kafka, "g", topic=topic, **{"no.such.setting": "1"})
    WeightedStream(kafka, "g", topic=topic, config={"client.id": "trainer-7"}, **{"fetch.wait.max.ms": 10}).close()


def test_torch_dataset_yields_tensors(kafka, topic):
    import torch  # CI installs python3-torch: a missing torch fails, never skips
    rows = samples(5)
    produce(kafka, topic, [(r.id, codec.encode_protobuf(r), codec.PROTOBUF, headers()) for r in rows])

    with stream(kafka, topic, batch_size=5, max_records=5) as s:
        batches = list(as_torch_dataset(s))

    assert all(b.features.dtype == torch.float32 and b.labels.dtype == torch.int64 and b.weights.dtype == torch.float32 for b in batches)
    assert torch.cat([b.features for b in batches]).shape == (5, 4)
    assert [i for b in batches for i in b.ids] == [r.id for r in rows]


def test_feedback_records_are_what_the_scorer_parses(kafka, topic):
    import torch  # CI installs python3-torch: a missing torch fails, never skips
    with FeedbackProducer(kafka, topic=topic) as feedback:
        feedback.send(["s-1", "s-2"], torch.tensor([0.5, 2.25]))
        feedback.send(np.array(["s-3"]), np.array([0.0], dtype=np.float32))
        with pytest.raises(ValueError, match="loss of s-4 is nan"):
            feedback.send(["s-4"], [float("nan")])
        with pytest.raises(ValueError, match="2 ids but 1 losses"):
            feedback.send(["a", "b"], [1.0])
    consumer = Consumer({"bootstrap.servers": kafka, "group.id": uuid.uuid4().hex, "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    got = {}
    for _ in range(50):
        for msg in consumer.consume(10, 0.5):
            if not msg.error():
                got[msg.key().decode()] = json.loads(msg.value())
        if len(got) == 3:
            break
    consumer.close()
    assert got == {"s-1": {"id": "s-1", "loss": 0.5}, "s-2": {"id": "s-2", "loss": 2.25}, "s-3": {"id": "s-3", "loss": 0.0}}
