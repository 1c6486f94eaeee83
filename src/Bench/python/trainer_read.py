"""How fast the easyhard client reads a trainer topic next to a bare confluent-kafka consumer (bench trainer).

    trainer_read.py --bootstrap B --topic T [--rounds 3] [--batch-size 128]

Counts the topic's records once (read_committed, to the end of every partition), then alternates rounds: a bare
consumer that consumes batches and touches each value and its headers, and the client's WeightedStream, which decodes
every sample into arrays and parses its headers. Each round is a fresh consumer group from the beginning; its clock
runs from its first record to its last. Prints READY, then one JSON line with the best rate of each.
"""
import argparse
import json
import os
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "clients", "python"))
from easyhard import WeightedStream  # noqa: E402


def bare_consumer(bootstrap, **extra):
    return Consumer({"bootstrap.servers": bootstrap, "group.id": f"bare-{uuid.uuid4().hex}", "auto.offset.reset": "earliest",
                     "isolation.level": "read_committed", "enable.auto.commit": False, **extra})


def count(bootstrap, topic):
    consumer = bare_consumer(bootstrap, **{"enable.partition.eof": True})
    consumer.subscribe([topic])
    records, at_end = 0, set()
    while True:
        for msg in consumer.consume(1000, 0.5):
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(msg.partition())
                continue
            at_end.discard(msg.partition())
            records += 1
        assigned = {tp.partition for tp in consumer.assignment()}
        if assigned and assigned <= at_end:
            consumer.close()
            return records


def bare(bootstrap, topic, records, batch_size):
    consumer = bare_consumer(bootstrap)
    consumer.subscribe([topic])
    seen, first, touched = 0, None, 0
    while seen < records:
        # As the client does with max_records: never wait for more than what is left.
        for msg in consumer.consume(min(batch_size, records - seen), 0.5):
            if msg.error():
                continue
            first = first or time.monotonic()
            touched += len(msg.value()) + len(msg.headers() or ())
            seen += 1
    seconds = time.monotonic() - first
    consumer.close()
    return seen / seconds


def client(bootstrap, topic, records, batch_size):
    seen, first = 0, None
    with WeightedStream(bootstrap, f"client-{uuid.uuid4().hex}", topic=topic, batch_size=batch_size, max_records=records) as stream:
        for batch in stream:
            first = first or time.monotonic()
            seen += len(batch)
        seconds = time.monotonic() - first
    return seen / seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()
    print("READY", flush=True)
    records = count(args.bootstrap, args.topic)
    rates = {"bare": [], "client": []}
    for _ in range(args.rounds):
        rates["client"].append(client(args.bootstrap, args.topic, records, args.batch_size))
        rates["bare"].append(bare(args.bootstrap, args.topic, records, args.batch_size))
    best_bare, best_client = max(rates["bare"]), max(rates["client"])
    print(json.dumps({"records": records, "rounds": args.rounds, "bare_records_per_second": round(best_bare, 1),
                      "client_records_per_second": round(best_client, 1), "ratio": round(best_client / best_bare, 4),
                      "all_rounds": rates}), flush=True)


if __name__ == "__main__":
    main()
