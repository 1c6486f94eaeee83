"""How fast the easyhard client reads a trainer topic next to a bare confluent-kafka consumer (bench trainer).

    trainer_read.py --bootstrap B --topic T [--rounds 3] [--batch-size 128] [--min-records 100000]

Counts the topic's records once (read_committed, to the end of every partition), then alternates rounds: a bare
consumer that consumes batches and touches each value and its headers, and the client's WeightedStream, which decodes
every sample into arrays and parses its headers. Each round is a fresh consumer group from the beginning that reads
the topic over several passes (each back to the beginning of every partition once all of it was read), at least
--min-records in all: the embedded cluster keeps about 5 MB per partition, a few tens of milliseconds of reading, and
a clock that short measures its own noise. A round's clock runs from the first record of each pass to its last. Prints READY,
then one JSON line with the best rate of each.
"""
import argparse
import json
import os
import sys
import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "clients", "python"))
from easyhard import WeightedStream  # noqa: E402


# Both readers: at the end of a pass the broker holds a fetch open this long before a seek back can fetch again.
FETCH_WAIT = {"fetch.wait.max.ms": 10}


def bare_consumer(bootstrap, **extra):
    return Consumer({"bootstrap.servers": bootstrap, "group.id": f"bare-{uuid.uuid4().hex}", "auto.offset.reset": "earliest",
                     "isolation.level": "read_committed", "enable.auto.commit": False, **FETCH_WAIT, **extra})


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


def rewind(consumer):
    for tp in consumer.assignment():
        consumer.seek(TopicPartition(tp.topic, tp.partition, OFFSET_BEGINNING))


class PassClock:
    """Seconds from the first record of each pass to its last, summed: a seek back to the beginning waits for the
    fetch the broker holds open at the end of the log (fetch.wait.max.ms), which is neither reader's work."""

    def __init__(self):
        self.seconds, self._first = 0.0, None

    def started(self):
        if self._first is None:
            self._first = time.monotonic()

    def pass_ended(self):
        self.seconds += time.monotonic() - self._first
        self._first = None


def bare(bootstrap, topic, records, batch_size, passes):
    consumer = bare_consumer(bootstrap)
    consumer.subscribe([topic])
    clock, seen, touched, goal = PassClock(), 0, 0, records
    while True:
        # As the client does with max_records: never wait for more than what is left of the pass.
        messages = consumer.consume(min(batch_size, goal - seen), 0.5)
        if messages:
            clock.started()
        for msg in messages:
            if msg.error():
                continue
            touched += len(msg.value()) + len(msg.headers() or ())
            seen += 1
        if seen == goal:
            clock.pass_ended()
            if goal == records * passes:
                break
            rewind(consumer)
            goal += records
    consumer.close()
    return seen / clock.seconds


def client(bootstrap, topic, records, batch_size, passes):
    clock, seen = PassClock(), 0
    with WeightedStream(bootstrap, f"client-{uuid.uuid4().hex}", topic=topic, batch_size=batch_size, max_records=records,
                        **FETCH_WAIT) as stream:
        while True:
            batch = stream.poll()
            if batch is not None:
                clock.started()
                seen += len(batch)
            if stream.records == stream.max_records:
                clock.pass_ended()
                if stream.max_records == records * passes:
                    break
                stream.rewind()
                stream.max_records += records
    return seen / clock.seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--min-records", type=int, default=100_000)
    args = parser.parse_args()
    print("READY", flush=True)
    records = count(args.bootstrap, args.topic)
    if records == 0:
        sys.exit(f"{args.topic} holds no committed records to read")
    passes = max(1, -(-args.min_records // records))
    rates = {"bare": [], "client": []}
    for _ in range(args.rounds):
        rates["client"].append(client(args.bootstrap, args.topic, records, args.batch_size, passes))
        rates["bare"].append(bare(args.bootstrap, args.topic, records, args.batch_size, passes))
    best_bare, best_client = max(rates["bare"]), max(rates["client"])
    print(json.dumps({"records": records, "passes": passes, "rounds": args.rounds, "bare_records_per_second": round(best_bare, 1),
                      "client_records_per_second": round(best_client, 1), "ratio": round(best_client / best_bare, 4),
                      "all_rounds": rates}), flush=True)


if __name__ == "__main__":
    main()
