"""Train a PyTorch MLP on EasyHard's weighted stream, send its per-sample losses back, evaluate on a clean test set.

    python3 examples/pytorch_trainer.py --bootstrap HOST:PORT [--include-quarantine] [--feedback] [--no-weights | --correct-labels] [--expect N]

Each batch from `easyhard.weighted` is one optimizer step on (weights * per_sample_loss).mean(); offsets are committed
after the step (a crash re-reads at most one batch). With --include-quarantine it reads `easyhard.quarantine` too, at
the weights those records carry (near 0): as many steps per pass as a trainer without EasyHard. With --feedback the
per-sample losses go to `easyhard.feedback`, where the scorer uses them instead of its proxy's loss the next time it
scores those ids. With --no-weights every
weight is 1 (the baseline: the same stream, trained on as if EasyHard were not there; add --include-quarantine so the
baseline also sees the samples EasyHard quarantined). With --paired-weighted as well, a twin model (the same initial
weights) takes a step on every same batch with EasyHard's weights, quarantined samples at weight 0: the two models
then differ only by the weights, not by the order the stream arrived in. With --correct-labels the step is on
easyhard.corrected_loss: the weighted loss plus, where EasyHard suggests another label, that label's loss times its
probability (down-weighting and correction together; add --include-quarantine so the surest suggestions count too).
With --record FILE.npz it saves the batches it stepped on, in order, with EasyHard's weights and noise: `easyhard bench
trainer --replay-seeds N` trains on them again with other weights (src/Bench/python/trainer_replay.py).
The model evaluated is an exponential moving average of the weights (--ema-decay; Polyak averaging): with noisy labels
the last step's weights swing by half a point of accuracy from one step to the next, the average does not. At the
end it prints one JSON line: clean-test accuracy of the average and of the last step's weights (and the twin's),
records read, throughput.

Needs: confluent-kafka, numpy, torch (Debian: python3-confluent-kafka python3-numpy python3-torch) and the easyhard
client (pip install ./clients/python, or run from the repository: it is found by path).
"""
import argparse
import copy
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

try:
    from easyhard import FeedbackProducer, WeightedStream, as_torch_dataset, corrected_loss
except ImportError:  # running from a checkout without installing the client
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
    from easyhard import FeedbackProducer, WeightedStream, as_torch_dataset, corrected_loss


def load_fashion_mnist(directory, split="t10k"):
    """A Fashion-MNIST split ("t10k": the clean test split, "train"; IDX files, gzipped or not) as float32 [0, 1] pixels and labels."""
    def read(name, header):
        for path in (os.path.join(directory, name + ".gz"), os.path.join(directory, name)):
            if os.path.exists(path):
                with (gzip.open(path) if path.endswith(".gz") else open(path, "rb")) as f:
                    return np.frombuffer(f.read(), dtype=np.uint8, offset=header)
        sys.exit(f"{name} is missing in {directory} (Debian: apt-get install dataset-fashion-mnist)")
    images = read(f"{split}-images-idx3-ubyte", 16).reshape(-1, 784).astype(np.float32) / 255
    labels = read(f"{split}-labels-idx1-ubyte", 8).astype(np.int64)
    return torch.from_numpy(images), torch.from_numpy(labels)


def mlp(dimension, hidden, classes):
    return torch.nn.Sequential(torch.nn.Linear(dimension, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, classes))


class BatchRecorder:
    """The batches a trainer stepped on, in order: what `src/Bench/python/trainer_replay.py` trains other weights on."""

    def __init__(self):
        self.columns = {"ids": [], "labels": [], "weights": [], "noise": [], "quarantined": []}
        self.sizes = []

    def add(self, batch):
        for name, values in (("ids", np.asarray(batch.ids)), ("labels", batch.labels.numpy()), ("weights", batch.weights.numpy()),
                             ("noise", np.asarray(batch.scores.noise, dtype=np.float32)), ("quarantined", batch.quarantined.numpy())):
            self.columns[name].append(values.copy())
        self.sizes.append(len(batch.ids))

    def save(self, path):
        np.savez_compressed(path, batch_sizes=np.asarray(self.sizes, dtype=np.int64),
                            **{name: np.concatenate(parts) if parts else np.empty(0) for name, parts in self.columns.items()})


class WeightAverage:
    """An exponential moving average of a model's parameters (Polyak & Juditsky 1992), with the warm-up of TensorFlow's
    ExponentialMovingAverage(num_updates): step t decays by min(decay, (1 + t) / (10 + t)), so the average never
    holds much of the random initialisation."""

    def __init__(self, model, decay):
        self.model = copy.deepcopy(model)
        self.decay = decay
        self.steps = 0

    @torch.no_grad()
    def update(self, model):
        self.steps += 1
        decay = min(self.decay, (1 + self.steps) / (10 + self.steps))
        for average, current in zip(self.model.parameters(), model.parameters()):
            average.mul_(decay).add_(current, alpha=1 - decay)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    parser.add_argument("--group", default="pytorch-trainer", help="consumer group of this trainer")
    parser.add_argument("--topic", default="easyhard.weighted")
    parser.add_argument("--quarantine-topic", default="easyhard.quarantine")
    parser.add_argument("--include-quarantine", action="store_true", help="also read the quarantine topic, at the weights its records carry")
    parser.add_argument("--feedback-topic", default="easyhard.feedback")
    parser.add_argument("--feedback", action="store_true", help="send per-sample losses to the feedback topic")
    parser.add_argument("--no-weights", action="store_true", help="ignore EasyHard's weights (every weight 1)")
    parser.add_argument("--correct-labels", action="store_true",
                        help="also train on EasyHard's suggested label where it differs, weighted by its probability")
    parser.add_argument("--paired-weighted", action="store_true",
                        help="with --no-weights: also train a twin model on the same batches with EasyHard's weights")
    parser.add_argument("--expect", type=int, help="stop after this many records")
    parser.add_argument("--idle-seconds", type=float, default=30, help="stop when nothing arrived for this long after a record")
    parser.add_argument("--start-seconds", type=float, default=120, help="wait this long for the first record (EasyHard may start later)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ema-decay", type=float, default=0.999,
                        help="evaluate this exponential moving average of the weights (0: the last step's weights)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: leaves the cores to EasyHard)")
    parser.add_argument("--test-dir", default="/usr/share/datasets/fashion-mnist", help="clean test set (Fashion-MNIST IDX files)")
    parser.add_argument("--name", default="trainer", help="name of this run in the JSON line")
    parser.add_argument("--progress-every", type=int, default=0, help="print 'PROGRESS <records>' every N records (0: never)")
    parser.add_argument("--record", metavar="FILE.npz",
                        help="save the batches trained on, in order (ids, labels, EasyHard's weights and noise, quarantined), to replay them")
    args = parser.parse_args()
    if args.correct_labels and args.no_weights:
        parser.error("--correct-labels uses EasyHard's weights: leave out --no-weights")

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    test_x, test_y = load_fashion_mnist(args.test_dir)
    model = mlp(test_x.shape[1], args.hidden, args.classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    twin = copy.deepcopy(model) if args.paired_weighted else None
    twin_optimizer = torch.optim.Adam(twin.parameters(), lr=args.learning_rate) if twin is not None else None
    average = WeightAverage(model, args.ema_decay) if args.ema_decay > 0 else None
    twin_average = WeightAverage(twin, args.ema_decay) if args.ema_decay > 0 and twin is not None else None

    stream = WeightedStream(args.bootstrap, args.group, topic=args.topic, include_quarantine=args.include_quarantine,
                            quarantine_topic=args.quarantine_topic, batch_size=args.batch_size,
                            idle_timeout=args.idle_seconds, start_timeout=args.start_seconds, max_records=args.expect)
    feedback = FeedbackProducer(args.bootstrap, topic=args.feedback_topic) if args.feedback else None
    print("READY", flush=True)
    records, ids, first, last, quarantined = 0, set(), None, None, 0
    recorder = BatchRecorder() if args.record else None
    for batch in as_torch_dataset(stream):
        first = first or time.monotonic()
        logits = model(batch.features)
        per_sample = F.cross_entropy(logits, batch.labels, reduction="none")
        weights = torch.ones_like(per_sample) if args.no_weights else batch.weights
        loss = corrected_loss(logits, batch) if args.correct_labels else (weights * per_sample).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if average is not None:
            average.update(model)
        if twin is not None:
            # The same batch with EasyHard's weights; a quarantined sample is one the weighted topic never carries.
            twin_weights = batch.weights * (~batch.quarantined).to(batch.weights.dtype)
            twin_loss = (twin_weights * F.cross_entropy(twin(batch.features), batch.labels, reduction="none")).mean()
            twin_optimizer.zero_grad()
            twin_loss.backward()
            twin_optimizer.step()
            if twin_average is not None:
                twin_average.update(twin)
        if feedback is not None:
            feedback.send(batch.ids, per_sample.detach())
        if recorder is not None:
            recorder.add(batch)
        stream.commit()  # after the step: a crash re-reads this batch at most
        records += len(batch.ids)
        ids.update(batch.ids)
        quarantined += int(batch.quarantined.sum())
        last = time.monotonic()
        if args.progress_every and records // args.progress_every != (records - len(batch.ids)) // args.progress_every:
            print(f"PROGRESS {records}", flush=True)
    if recorder is not None:
        recorder.save(args.record)
    seconds = last - first if first else 0.0  # first batch to last step: not the idle wait at the end
    if feedback is not None:
        feedback.close()
    stream.close()

    def test_accuracy(net):
        net.eval()
        with torch.no_grad():
            return (net(test_x).argmax(1) == test_y).float().mean().item()

    def evaluated(net, net_average):
        return test_accuracy(net_average.model if net_average is not None else net)

    print(json.dumps({"name": args.name, "weights": not args.no_weights, "correct_labels": args.correct_labels,
                      "feedback": args.feedback, "records": records,
                      "distinct_ids": len(ids), "quarantined_records": quarantined, "seconds": round(seconds, 3),
                      "records_per_second": round(records / seconds, 1) if seconds else 0.0,
                      "feedback_sent": feedback.sent if feedback else 0, "ema_decay": args.ema_decay,
                      "test_accuracy": evaluated(model, average), "last_step_test_accuracy": test_accuracy(model),
                      "test_count": len(test_y),
                      "paired_weighted_test_accuracy": evaluated(twin, twin_average) if twin is not None else None,
                      "paired_weighted_last_step_test_accuracy": test_accuracy(twin) if twin is not None else None}), flush=True)


if __name__ == "__main__":
    main()
