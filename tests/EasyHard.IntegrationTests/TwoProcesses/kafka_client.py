"""What a producer and a trainer do against `easyhard kafka`, with confluent-kafka (Debian's python3-confluent-kafka).

  produce --bootstrap B --first N --count C [--partition P] [--pad BYTES] [--format json|protobuf] [--invalid-every K]
      writes C samples s-N .. s-(N+C-1) to training-samples (JSON, or protobuf through the easyhard client's
      encoder; with --invalid-every K every K-th has label 99, which EasyHard dead-letters) and prints
      {"produced": C, "offsets": {"partition": [first, last]}, "valid": [ids]}
  stream --bootstrap B --group G [--include-quarantine] [--expect N] [--commit-at M] [--idle S]
      reads the trainer stream with the easyhard client's WeightedStream (group G, batches of 32) until N records or S idle seconds;
      commits once, after the batch that reaches M records (default: after every batch), then stops committing;
      prints {"records": [[id, weight, noise, difficulty, influence, bucket, model_version, quarantined, features0], ...],
      "committed": records committed}
  feedback --bootstrap B --first N --count C --loss L
      sends loss L for s-N .. s-(N+C-1) with the easyhard client's FeedbackProducer
  read --bootstrap B --expect N [--timeout S]
      reads easyhard.weighted and easyhard.quarantine read_committed from the beginning (a fresh group) until it
      has N records and every partition is at its end, then prints {"records": R, "distinct": D}
  watermarks --bootstrap B --topic T --partition P
      prints {"low": L, "high": H} and the topic's partition count as "partitions"
"""
import argparse
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition

DIMENSION = 16
CLASSES = 10


def produce(args):
    producer = Producer({"bootstrap.servers": args.bootstrap, "linger.ms": 5, "enable.idempotence": True})
    offsets = {}
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(str(err))
            return
        first, last = offsets.get(msg.partition(), (msg.offset(), msg.offset()))
        offsets[msg.partition()] = (min(first, msg.offset()), max(last, msg.offset()))

    valid = []
    for i in range(args.first, args.first + args.count):
        invalid = args.invalid_every and (i - args.first) % args.invalid_every == args.invalid_every - 1
        sample = {"id": f"s-{i}", "features": [((i * 7 + k) % 13) / 13.0 for k in range(DIMENSION)], "label": 99 if invalid else i % CLASSES}
        if not invalid:
            valid.append(sample["id"])
        if args.pad:
            sample["attributes"] = {"pad": "x" * args.pad}
        kwargs = {"partition": args.partition} if args.partition is not None else {}
        if args.format == "protobuf":
            from easyhard import codec
            value = codec.encode_protobuf(codec.sample(sample["id"], sample["features"], sample["label"], attributes=sample.get("attributes", {})))
            kwargs["headers"] = [("content-type", codec.PROTOBUF.encode())]
        else:
            value = json.dumps(sample)
        while True:
            try:
                producer.produce("training-samples", key=sample["id"], value=value, on_delivery=delivered, **kwargs)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    if producer.flush(30) != 0 or failures:
        sys.exit(f"not every sample was delivered: {failures[:3]}")
    print(json.dumps({"produced": args.count, "offsets": {str(p): list(o) for p, o in offsets.items()}, "valid": valid}))


def stream(args):
    from easyhard import WeightedStream
    rows, committed = [], 0
    # The mock cluster lets a member that left hold its partitions until its session ends: keep that short.
    with WeightedStream(args.bootstrap, args.group, include_quarantine=args.include_quarantine, idle_timeout=args.idle,
                        max_records=args.expect, batch_size=32, config={"session.timeout.ms": 6000, "heartbeat.interval.ms": 500}) as weighted:
        for batch in weighted:
            s = batch.scores
            for i, sample_id in enumerate(batch.ids):
                rows.append([sample_id, float(batch.weights[i]), float(s.noise[i]), float(s.difficulty[i]), float(s.influence[i]),
                             s.bucket[i], int(s.model_version[i]), bool(batch.quarantined[i]), float(batch.features[i][0]),
                             None if s.suggested_label is None else int(s.suggested_label[i]),
                             None if s.suggested_label_p is None else float(s.suggested_label_p[i])])
            if args.commit_at is None or (committed < args.commit_at <= len(rows)):
                weighted.commit()
                committed = len(rows)
    print(json.dumps({"records": rows, "committed": committed}))


def feedback(args):
    from easyhard import FeedbackProducer
    with FeedbackProducer(args.bootstrap) as producer:
        producer.send([f"s-{i}" for i in range(args.first, args.first + args.count)], [args.loss] * args.count)
    print(json.dumps({"sent": producer.sent}))


def read(args):
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": f"trainer-{uuid.uuid4().hex}",
                         "isolation.level": "read_committed", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "enable.partition.eof": True})
    topics = ["easyhard.weighted", "easyhard.quarantine"]
    consumer.subscribe(topics)
    records, ids, at_end = 0, set(), set()
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == -191:  # _PARTITION_EOF
                at_end.add((msg.topic(), msg.partition()))
                assigned = {(tp.topic, tp.partition) for tp in consumer.assignment()}
                if records >= args.expect and assigned and assigned <= at_end:
                    break
            continue
        at_end.discard((msg.topic(), msg.partition()))
        records += 1
        ids.add(msg.key().decode())
    consumer.close()
    print(json.dumps({"records": records, "distinct": len(ids)}))


def watermarks(args):
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": f"watermarks-{uuid.uuid4().hex}"})
    low, high = consumer.get_watermark_offsets(TopicPartition(args.topic, args.partition), timeout=10)
    partitions = len(consumer.list_topics(args.topic, timeout=10).topics[args.topic].partitions)
    consumer.close()
    print(json.dumps({"low": low, "high": high, "partitions": partitions}))


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("produce")
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--partition", type=int)
    p.add_argument("--pad", type=int, default=0)
    p.add_argument("--format", choices=["json", "protobuf"], default="json")
    p.add_argument("--invalid-every", type=int, default=0)
    s = commands.add_parser("stream")
    s.add_argument("--bootstrap", required=True)
    s.add_argument("--group", required=True)
    s.add_argument("--include-quarantine", action="store_true")
    s.add_argument("--expect", type=int)
    s.add_argument("--commit-at", type=int)
    s.add_argument("--idle", type=float, default=10)
    f = commands.add_parser("feedback")
    f.add_argument("--bootstrap", required=True)
    f.add_argument("--first", type=int, default=0)
    f.add_argument("--count", type=int, required=True)
    f.add_argument("--loss", type=float, required=True)
    r = commands.add_parser("read")
    r.add_argument("--bootstrap", required=True)
    r.add_argument("--expect", type=int, required=True)
    r.add_argument("--timeout", type=float, default=120)
    w = commands.add_parser("watermarks")
    w.add_argument("--bootstrap", required=True)
    w.add_argument("--topic", required=True)
    w.add_argument("--partition", type=int, default=0)
    args = parser.parse_args()
    {"produce": produce, "read": read, "watermarks": watermarks, "stream": stream, "feedback": feedback}[args.command](args)


if __name__ == "__main__":
    main()
