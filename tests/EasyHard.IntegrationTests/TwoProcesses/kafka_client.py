"""What a producer and a trainer do against `easyhard kafka`, with confluent-kafka (Debian's python3-confluent-kafka).

  produce --bootstrap B --first N --count C [--partition P] [--pad BYTES]
      writes C valid JSON samples s-N .. s-(N+C-1) to training-samples and prints
      {"produced": C, "offsets": {"partition": [first, last]}}
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

    for i in range(args.first, args.first + args.count):
        sample = {"id": f"s-{i}", "features": [((i * 7 + k) % 13) / 13.0 for k in range(DIMENSION)], "label": i % CLASSES}
        if args.pad:
            sample["attributes"] = {"pad": "x" * args.pad}
        kwargs = {"partition": args.partition} if args.partition is not None else {}
        while True:
            try:
                producer.produce("training-samples", key=sample["id"], value=json.dumps(sample), on_delivery=delivered, **kwargs)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    if producer.flush(30) != 0 or failures:
        sys.exit(f"not every sample was delivered: {failures[:3]}")
    print(json.dumps({"produced": args.count, "offsets": {str(p): list(o) for p, o in offsets.items()}}))


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
    r = commands.add_parser("read")
    r.add_argument("--bootstrap", required=True)
    r.add_argument("--expect", type=int, required=True)
    r.add_argument("--timeout", type=float, default=120)
    w = commands.add_parser("watermarks")
    w.add_argument("--bootstrap", required=True)
    w.add_argument("--topic", required=True)
    w.add_argument("--partition", type=int, default=0)
    args = parser.parse_args()
    {"produce": produce, "read": read, "watermarks": watermarks}[args.command](args)


if __name__ == "__main__":
    main()
