"""Replays the batches a trainer recorded (bench trainer --replay-seeds N) with other weights: what the weights are worth
against what knowing the mislabelled samples would be worth, on the very same batches.

    trainer_replay.py --recording FILE.npz --data-dir DIR [--seeds 3] [--seed 0] [--hidden 256] [--learning-rate 1e-3] [--ema-decay 0.999]
                      [--arms unweighted "weights as read" ...] [--scored SCORED.jsonl]
    trainer_replay.py --recording FILE.npz --data-dir DIR --export-stream STREAM.jsonl

Other scorer settings on the same batches: --export-stream writes the recorded records, in order, as the JSON samples
`easyhard replay --input STREAM.jsonl --output SCORED.jsonl [--Scorer:...]` scores; --scored then trains on that
output's weights and noise instead of the recorded ones (`bench trainer --recording FILE.npz` keeps a recording).

The recording (examples/pytorch_trainer.py --record) holds the batches in the order the trainer stepped on them: ids,
given labels, EasyHard's weights and noise, and which came from the quarantine topic. Features and true labels come
from the Fashion-MNIST train split by the index in each id (`fm-000123`: image 123), as `bench trainer` produced them.
Each arm trains the example's model (the same MLP, Adam, moving average of the weights) once per trainer seed on
those batches, one optimizer step each, on (w · CE).mean() with its own w:

- unweighted: every weight 1 (with the recorded arm's seed it is that arm again, step for step);
- weights: EasyHard's, a quarantined sample at 0 (the weighted twin);
- clean posterior: 1 − noise alone;
- weights, mislabelled at 0: EasyHard's weights with a perfect detector's zeros (what the ranking leaves on the table);
- oracle: 1 on the samples whose label is right, 0 on the others;
- weights as read (only when --arms names it): EasyHard's weights, a quarantined sample at the weight it carries, as the
  weighted arm of `bench trainer` trains.

Beside them, per pass over the data (an id's first, second, ... record), how well EasyHard's noise ranks the
mislabelled samples (AUROC) and their mean weight over the clean ones'. Prints READY, then one JSON line: each arm's
clean-test accuracy per seed and their mean, and the passes.
"""
import argparse
import base64
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples"))
from pytorch_trainer import WeightAverage, load_fashion_mnist, mlp  # noqa: E402

ARMS = {
    "unweighted": lambda r: np.ones_like(r["weights"]),
    "weights": lambda r: r["weights"] * ~r["quarantined"],
    "clean posterior": lambda r: 1 - r["noise"],
    "weights, mislabelled at 0": lambda r: r["weights"] * ~r["quarantined"] * ~r["mislabelled"],
    "oracle": lambda r: (~r["mislabelled"]).astype(np.float32),
}
OPTIONAL_ARMS = {"weights as read": lambda r: r["weights"]}


def load_recording(path, train_labels):
    with np.load(path) as saved:
        recording = {name: saved[name] for name in saved.files}
    index = np.array([int(str(i).rsplit("-", 1)[1]) for i in recording["ids"]], dtype=np.int64)
    if len(index) and index.max() >= len(train_labels):
        sys.exit(f"{path}: id {recording['ids'][index.argmax()]} has no image in the train split")
    recording["index"] = index
    recording["mislabelled"] = recording["labels"] != train_labels[index]
    return recording


def export_stream(recording, train_x, path):
    """The recorded records in order as JSON samples (id, little-endian float32 features, given label) for `easyhard replay`."""
    features = train_x.numpy()
    with open(path, "w") as out:
        for sample_id, row, label in zip(recording["ids"], recording["index"], recording["labels"]):
            out.write(json.dumps({"id": str(sample_id), "features_b64": base64.b64encode(features[row].astype("<f4").tobytes()).decode(),
                                  "label": int(label)}) + "\n")


def apply_scored(recording, path):
    """Puts the weights, noise and quarantine of an `easyhard replay` output of the same records in the recorded ones' place."""
    columns = {"weights": [], "noise": [], "quarantined": []}
    ids = recording["ids"]
    with open(path) as scored:
        for line_number, line in enumerate(scored, 1):
            row = json.loads(line)
            if line_number > len(ids) or row["id"] != str(ids[line_number - 1]):
                sys.exit(f"{path}:{line_number}: id {row['id']} is not the recording's record {line_number} "
                         f"({ids[line_number - 1] if line_number <= len(ids) else 'past its end'}): score the stream --export-stream wrote")
            columns["weights"].append(row["weight"])
            columns["noise"].append(row["noise"])
            columns["quarantined"].append(row["quarantined"])
    if len(columns["weights"]) != len(ids):
        sys.exit(f"{path} holds {len(columns['weights'])} scored records, the recording {len(ids)}")
    recording["weights"] = np.asarray(columns["weights"], dtype=np.float32)
    recording["noise"] = np.asarray(columns["noise"], dtype=np.float32)
    recording["quarantined"] = np.asarray(columns["quarantined"], dtype=bool)


def auroc(positive, scores):
    """Area under the ROC curve of scores for the positive samples (Mann-Whitney, tied scores at their mean rank); None without both classes."""
    positives = int(positive.sum())
    negatives = len(positive) - positives
    if positives == 0 or negatives == 0:
        return None
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    first_rank = np.concatenate(([0], np.cumsum(counts)[:-1]))
    ranks = (first_rank + (counts + 1) / 2)[inverse]
    return float((ranks[positive].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def passes(recording):
    """Per pass over the data (the n-th record of an id is in pass n): records, the noise's AUROC and the weight ratio."""
    index = recording["index"]
    exposure = np.zeros(len(index), dtype=np.int64)
    seen = {}
    for row, sample in enumerate(index.tolist()):
        exposure[row] = seen.get(sample, 0)
        seen[sample] = exposure[row] + 1
    result = []
    for number in range(int(exposure.max()) + 1 if len(exposure) else 0):
        rows = exposure == number
        wrong = recording["mislabelled"][rows]
        weights = recording["weights"][rows]
        ratio = float(weights[wrong].mean() / weights[~wrong].mean()) if wrong.any() and (~wrong).any() and weights[~wrong].mean() > 0 else None
        result.append({"pass": number + 1, "records": int(rows.sum()), "noise_auroc": auroc(wrong, recording["noise"][rows]),
                       "mislabelled_to_clean_weight": ratio})
    return result


def train(recording, weights, train_x, test_x, test_y, seed, hidden, learning_rate, ema_decay):
    """The example trainer's loop on recorded batches: one step per batch, the moving average evaluated at the end."""
    torch.manual_seed(seed)
    model = mlp(train_x.shape[1], hidden, int(test_y.max()) + 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    average = WeightAverage(model, ema_decay) if ema_decay > 0 else None
    labels = torch.from_numpy(recording["labels"].astype(np.int64))
    weights = torch.from_numpy(weights.astype(np.float32))
    index = torch.from_numpy(recording["index"])
    start = 0
    for size in recording["batch_sizes"]:
        rows = slice(start, start + int(size))
        start += int(size)
        per_sample = F.cross_entropy(model(train_x[index[rows]]), labels[rows], reduction="none")
        loss = (weights[rows] * per_sample).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if average is not None:
            average.update(model)
    evaluated = average.model if average is not None else model
    with torch.no_grad():
        return (evaluated(test_x).argmax(1) == test_y).float().mean().item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recording", required=True)
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--seeds", type=int, default=3, help="trainer seeds per arm")
    parser.add_argument("--seed", type=int, default=0, help="the first trainer seed (the recorded arm's)")
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--ema-decay", type=float, default=0.999)
    parser.add_argument("--arms", nargs="+", default=list(ARMS), help=f"arms to train, each one argument, of: {'; '.join([*ARMS, *OPTIONAL_ARMS])}")
    parser.add_argument("--scored", help="train on this `easyhard replay` output's weights and noise (of the exported stream)")
    parser.add_argument("--export-stream", help="write the recorded records as JSON samples for `easyhard replay`, then stop")
    args = parser.parse_args()
    weighers = {**ARMS, **OPTIONAL_ARMS}
    if unknown := [name for name in args.arms if name not in weighers]:
        parser.error(f"--arms: unknown arm {unknown[0]!r}; known: {'; '.join(weighers)}")
    torch.set_num_threads(1)  # as the recorded trainer: the unweighted replay is then that arm, step for step
    print("READY", flush=True)
    train_x, train_labels = load_fashion_mnist(args.data_dir, "train")
    recording = load_recording(args.recording, train_labels.numpy())
    if args.export_stream:
        export_stream(recording, train_x, args.export_stream)
        print(json.dumps({"exported": int(len(recording["labels"])), "stream": args.export_stream}), flush=True)
        return
    test_x, test_y = load_fashion_mnist(args.data_dir)
    if args.scored:
        apply_scored(recording, args.scored)
    arms = []
    for name in args.arms:
        accuracies = [train(recording, weighers[name](recording), train_x, test_x, test_y, args.seed + k, args.hidden, args.learning_rate, args.ema_decay)
                      for k in range(args.seeds)]
        arms.append({"name": name, "accuracies": accuracies, "mean_accuracy": float(np.mean(accuracies))})
    print(json.dumps({"records": int(len(recording["labels"])), "batches": int(len(recording["batch_sizes"])),
                      "mislabelled_share": float(recording["mislabelled"].mean()) if len(recording["labels"]) else 0.0,
                      "seeds": args.seeds, "arms": arms, "passes": passes(recording)}), flush=True)


if __name__ == "__main__":
    main()
