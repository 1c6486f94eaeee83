using System.Diagnostics;
using Confluent.Kafka;
using EasyHard.Bench.Common;
using EasyHard.Contracts.V1;

namespace EasyHard.Bench.Scale;

/// <summary>
/// Reads the scored topic while the stream runs (the mock cluster keeps about 5 MiB per partition, so it cannot be read
/// afterwards), keeps each sample's noise and weight by its index, and reports arrivals to the tracker; also sums the
/// bytes on the model topic (the sync traffic).
/// </summary>
public sealed class ScoredStreamReader : IDisposable
{
    private readonly BackgroundTopicReader scored;
    private readonly BackgroundTopicReader model;
    private readonly float[] noise;
    private readonly float[] weight;
    private long modelBytes;
    private long modelRecords;

    public ScoredStreamReader(string bootstrapServers, BenchTopics topics, ArrivalTracker tracker, int count)
    {
        noise = new float[count];
        weight = new float[count];
        Array.Fill(noise, float.NaN);
        scored = new BackgroundTopicReader("bench-scale-scored", bootstrapServers, BackgroundTopicReader.PartitionsOf([topics.Options.Scored], topics.Partitions),
            fetchWaitMaxMs: 5, consumeResultFields: "none", record =>
            {
                var index = SampleKeys.IndexOf(record.Message.Key);
                var sample = ScoredSample.Parser.ParseFrom(record.Message.Value);
                if (index >= 0 && index < count)
                {
                    noise[index] = sample.Scores.Noise;
                    weight[index] = sample.Weight;
                }

                tracker.MarkArrived(index, Stopwatch.GetTimestamp());
            },
            (_, gap) => tracker.MarkLost(gap.Lost));
        model = new BackgroundTopicReader("bench-scale-model", bootstrapServers, BackgroundTopicReader.PartitionsOf([topics.Options.Model], topics.Partitions),
            fetchWaitMaxMs: 100, consumeResultFields: "none", record =>
            {
                Interlocked.Add(ref modelBytes, record.Message.Value?.Length ?? 0);
                Interlocked.Increment(ref modelRecords);
            });
    }

    /// <summary>Each sample's noise score (NaN where it never arrived).</summary>
    public float[] Noise => noise;

    public float[] Weight => weight;

    public long ModelBytes => Interlocked.Read(ref modelBytes);

    public long ModelRecords => Interlocked.Read(ref modelRecords);

    public void ThrowIfFailed()
    {
        scored.ThrowIfFailed();
        model.ThrowIfFailed();
    }

    public void Dispose()
    {
        scored.Dispose();
        model.Dispose();
    }
}
