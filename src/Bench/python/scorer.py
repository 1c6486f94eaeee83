#!/usr/bin/env python3
"""The program a user would write instead of EasyHard: one confluent-kafka consumer and PyTorch.

It reads training samples (EasyHard's protobuf `TrainingSample` or its JSON form) from a Kafka topic in
micro-batches, scores each batch with an ensemble of small MLP heads *before* training on it (prequential,
so every score is out-of-sample), weights the batch with LinUpper (Sow et al. 2025, ICLR: batch losses scaled
to h in [-delta, delta], f = min(h + delta, delta), w = softmax(f / r) with mean 1), trains every head on its
Poisson(1) bootstrap view in minibatches with one Adam optimizer, produces each sample's original bytes with an
`easyhard-weight` header to the output topic, waits for delivery and commits the input offsets.

The EasyHard throughput benchmark runs it against the same embedded cluster with the same samples, batch size
and MLP sizes:
  python3 src/Bench/python/scorer.py --bootstrap HOST:PORT --input T --output U --count N --dim 784
It prints READY once its partitions are assigned and, at the end, one JSON line with what it measured.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch
from confluent_kafka import Consumer, KafkaException, Producer


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--group", default="python-scorer")
    p.add_argument("--count", type=int, required=True, help="samples to process before exiting")
    p.add_argument("--dim", type=int, default=784)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--format", choices=["protobuf", "json"], default="protobuf")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--max-batch-delay-ms", type=int, default=20)
    p.add_argument("--hidden", type=int, nargs="+", default=[128])
    p.add_argument("--ensemble", type=int, default=3)
    p.add_argument("--train-minibatch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--bootstrap-rate", type=float, default=1.0)
    p.add_argument("--warmup-samples", type=int, default=2000)
    p.add_argument("--burn-in-samples", type=int, default=1000)
    p.add_argument("--delta", type=float, default=1.0)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--weight-min", type=float, default=0.05)
    p.add_argument("--weight-max", type=float, default=5.0)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def read_varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def decode_protobuf(buf, dim):
    """Fields 2 (packed float features) and 3 (label) of easyhard.v1.TrainingSample; other fields skipped."""
    features, label, pos, end = None, 0, 0, len(buf)
    while pos < end:
        tag, pos = read_varint(buf, pos)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
            if field == 3:
                label = value
        elif wire == 2:
            length, pos = read_varint(buf, pos)
            if field == 2:
                features = np.frombuffer(buf, dtype="<f4", count=length // 4, offset=pos)
            pos += length
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
    if features is None or features.shape[0] != dim:
        raise ValueError("sample without features of the expected dimension")
    return features, label


def decode_json(buf, dim):
    sample = json.loads(buf)
    if "features_b64" in sample:
        import base64
        features = np.frombuffer(base64.b64decode(sample["features_b64"]), dtype="<f4")
    else:
        features = np.asarray(sample["features"], dtype=np.float32)
    if features.shape[0] != dim:
        raise ValueError("sample without features of the expected dimension")
    return features, int(sample["label"])


class Head(torch.nn.Module):
    def __init__(self, dim, hidden, classes):
        super().__init__()
        layers, width = [], dim
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
            width = h
        self.body = torch.nn.Sequential(*layers)
        self.out = torch.nn.Linear(width, classes)

    def forward(self, x):
        return self.out(self.body(x))


def peak_rss_bytes():
    """VmHWM of this process. ru_maxrss is not used: Linux carries it over from the parent across fork and exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def lin_upper(losses, delta, temperature):
    low, high = losses.min(), losses.max()
    if not torch.isfinite(high - low) or high <= low:
        return torch.ones_like(losses)
    h = delta * 2.0 * (losses - low) / (high - low) - delta
    f = torch.clamp(h + delta, max=delta) / temperature
    return torch.softmax(f, dim=0) * losses.shape[0]


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    decode = decode_protobuf if args.format == "protobuf" else decode_json

    heads = [Head(args.dim, args.hidden, args.classes) for _ in range(args.ensemble)]
    optimizer = torch.optim.Adam([p for h in heads for p in h.parameters()], lr=args.lr)

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "partition.assignment.strategy": "cooperative-sticky",
    })
    producer = Producer({
        "bootstrap.servers": args.bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
    })
    assigned = []
    consumer.subscribe([args.input], on_assign=lambda c, partitions: assigned.extend(partitions))
    deadline = time.monotonic() + 60
    while not assigned:
        if time.monotonic() > deadline:
            sys.exit("no partitions assigned within 60 s")
        consumer.poll(0.1)
    print("READY", flush=True)

    failed = []

    def on_delivery(err, _msg):
        if err is not None:
            failed.append(err)

    seen = 0
    first = last = None
    cpu_start = time.process_time()
    while seen < args.count:
        messages = consumer.consume(num_messages=args.batch_size, timeout=args.max_batch_delay_ms / 1000.0)
        messages = [m for m in messages if m.error() is None]
        if not messages:
            continue
        if first is None:
            first = time.monotonic()
        decoded = [decode(m.value(), args.dim) for m in messages]
        x = torch.from_numpy(np.stack([d[0] for d in decoded]))
        y = torch.tensor([d[1] for d in decoded], dtype=torch.long)
        n = len(messages)

        # Score with the model as it was before this batch (prequential).
        with torch.no_grad():
            probabilities = torch.stack([torch.softmax(h(x), dim=1) for h in heads]).mean(0)
            losses = -torch.log(probabilities.gather(1, y[:, None]).squeeze(1).clamp_min(1e-12))
            if seen >= args.warmup_samples + args.burn_in_samples:
                weights = lin_upper(losses, args.delta, args.temperature)
                weights = weights.clamp(args.weight_min, args.weight_max)
                weights = weights / weights.mean()
            else:
                weights = torch.ones(n)

        # Then train every head on its bootstrap view, in minibatches.
        views = torch.poisson(torch.full((args.ensemble, n), args.bootstrap_rate)) if args.bootstrap_rate > 0 else torch.ones(args.ensemble, n)
        for start in range(0, n, args.train_minibatch):
            xb, yb = x[start:start + args.train_minibatch], y[start:start + args.train_minibatch]
            optimizer.zero_grad()
            total = sum((torch.nn.functional.cross_entropy(h(xb), yb, reduction="none") * views[e, start:start + len(yb)]).sum() / len(yb)
                        for e, h in enumerate(heads))
            total.backward()
            optimizer.step()

        for message, weight in zip(messages, weights.tolist()):
            while True:
                try:
                    producer.produce(args.output, value=message.value(), key=message.key(),
                                     headers=[("easyhard-weight", repr(weight).encode("ascii"))], on_delivery=on_delivery)
                    break
                except BufferError:
                    producer.poll(0.05)
        producer.flush()
        if failed:
            raise KafkaException(failed[0])
        consumer.commit(asynchronous=False)
        seen += n
        last = time.monotonic()

    consumer.close()
    seconds = (last - first) if first is not None else 0.0
    print(json.dumps({
        "count": seen,
        "seconds": seconds,
        "samples_per_second": seen / seconds if seconds > 0 else 0.0,
        "cpu_seconds": time.process_time() - cpu_start,
        "max_rss_bytes": peak_rss_bytes(),
        "threads": torch.get_num_threads(),
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "confluent_kafka": __import__("confluent_kafka").version()[0],
    }), flush=True)


if __name__ == "__main__":
    main()
