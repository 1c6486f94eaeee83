using System.Diagnostics;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Evaluation.Datasets;
using EasyHard.Scorer;
using EasyHard.Scorer.Scoring;
using EasyHard.Scorer.Sync;

namespace EasyHard.Bench.Scale;

/// <summary>
/// <c>easyhard bench scale --simulate</c>: the scorer fleet in one process, without Kafka, so that the effect of model
/// averaging is measured without the timing noise of a real run. Instance i owns a contiguous range of the input
/// partitions (as the cooperative-sticky assignor spreads them); each round every instance scores its next micro-batch
/// and, on the <see cref="SyncSchedule"/> of <c>ModelSync</c>, all of them publish and merge each other's models as it
/// does (weights: samples since the last merge). Under load every batch is consumed
/// full, so the engines do not rehearse; with headroom they do (<c>Scorer:Proxy:RehearsalRatio</c>), as instances on
/// machines of their own would.
/// </summary>
public static class FleetSimulation
{
    public static SimulatedRun Run(IReadOnlyList<LabelledSample> samples, int scorers, bool sync, bool headroom, ScorerOptions template, int partitions)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(template);
        var clock = Stopwatch.StartNew();
        // No checkpoint is read or written: the engines share options whose file never exists.
        template.CheckpointPath = Path.Combine(Path.GetTempPath(), $"easyhard-simulate-{Guid.NewGuid():N}.ckpt");
        template.CheckpointIntervalSeconds = 0;
        var engines = new ScoringEngine[scorers];
        var queues = new List<int>[scorers];
        try
        {
            for (var e = 0; e < scorers; e++)
            {
                engines[e] = new ScoringEngine(template, ScaleSettings.Dimension, ScaleSettings.Classes);
                queues[e] = [];
            }

            var canonical = new CanonicalSample[samples.Count];
            for (var i = 0; i < samples.Count; i++)
            {
                canonical[i] = Canonical(samples[i]);
                var partition = (int)((StableHash.Fnv1a(samples[i].Id) >> 32) % (ulong)partitions);
                queues[partition * scorers / partitions].Add(i);
            }

            var noise = new float[samples.Count];
            var weight = new float[samples.Count];
            var next = new int[scorers];
            var seenAtMerge = new long[scorers];
            long seenAtSync = 0;
            int batch = template.Batching.MaxBatchSize;
            int merges = 0;
            long syncBytes = 0;
            while (next.Select((n, e) => n < queues[e].Count).Any(left => left))
            {
                for (var e = 0; e < scorers; e++)
                {
                    var take = queues[e].Skip(next[e]).Take(batch).ToList();
                    next[e] += take.Count;
                    if (take.Count == 0)
                    {
                        continue;
                    }

                    var scored = engines[e].Score([.. take.Select(i => canonical[i])], null, backlogged: !headroom);
                    for (var k = 0; k < take.Count; k++)
                    {
                        noise[take[k]] = scored[k].Scores.Noise;
                        weight[take[k]] = scored[k].Weight;
                    }
                }

                long seen = engines.Sum(e => e.SamplesSeen);
                if (sync && scorers > 1 && seen - seenAtSync >= SyncSchedule.SamplesBefore(merges, template.Sync.IntervalBatches, batch) * scorers)
                {
                    seenAtSync = seen;
                    var snapshots = engines.Select((engine, e) => (Snapshot: engine.ExportModel($"scorer-{e + 1}", merges + 1, engine.SamplesSeen - seenAtMerge[e]),
                        Weight: (double)(engine.SamplesSeen - seenAtMerge[e]))).ToArray();
                    syncBytes += snapshots.Sum(s => (long)s.Snapshot.CalculateSize());
                    for (var e = 0; e < scorers; e++)
                    {
                        engines[e].MergeModels([.. snapshots.Where((_, p) => p != e)], snapshots[e].Weight);
                        seenAtMerge[e] = engines[e].SamplesSeen;
                    }

                    merges++;
                }
            }

            return new SimulatedRun(scorers, sync, headroom, ScaleMetrics.Of(samples, noise, weight), merges, syncBytes, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var engine in engines)
            {
                engine?.Dispose();
            }
        }
    }

    private static CanonicalSample Canonical(LabelledSample sample)
    {
        var training = new TrainingSample { Id = sample.Id, Label = sample.Label };
        training.Features.AddRange(sample.Features.ToArray());
        return new CanonicalSample { Sample = training };
    }
}
