using System.Globalization;
using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Bench.Common;

namespace EasyHard.Bench.Chaos;

/// <summary>
/// Follows the input topic and the two topics between roles as they are written and keeps, per sample id, which of
/// them carried it and where it first sat on the input topic. When the accounting finds ids missing, this says where
/// each was last seen: never on the input topic although the broker acknowledged it, on the input but never forwarded by
/// Ingest, forwarded but never scored, or scored but never on the trainer stream. It reads as the records come, for the
/// same reason as <see cref="OutputRecorder"/>: by the end of a long run retention has deleted the first records.
/// </summary>
public sealed class PipelineTrace : IDisposable
{
    /// <summary>The furthest topic an id reached before the trainer stream, in pipeline order.</summary>
    public enum Hop
    {
        NeverOnInput,
        Input,
        Samples,
        Scored,
    }

    private readonly BackgroundTopicReader _reader;
    private readonly Dictionary<string, Hop> _furthest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _inputPlace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Hop> _hopOfTopic;
    private readonly Lock _gate = new();

    public PipelineTrace(string bootstrapServers, TopicOptions topics, int partitions)
    {
        ArgumentNullException.ThrowIfNull(topics);
        _hopOfTopic = new(StringComparer.Ordinal) { [topics.Input] = Hop.Input, [topics.Samples] = Hop.Samples, [topics.Scored] = Hop.Scored };
        _reader = new BackgroundTopicReader("chaos-trace", bootstrapServers, BackgroundTopicReader.PartitionsOf(_hopOfTopic.Keys, partitions),
            fetchWaitMaxMs: 100, consumeResultFields: "topic", Record);
    }

    /// <summary>Offsets of the traced topics that retention deleted before the trace read them: ids there are not placed.</summary>
    public long LostToRetention => _reader.LostToRetention.Values.Sum();

    /// <summary>The furthest hop of each id, and its first input partition and offset where it was seen there.</summary>
    public IReadOnlyList<(string Id, Hop Furthest, string? InputPlace)> Locate(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_gate)
        {
            return [.. ids.Select(id => (id, _furthest.GetValueOrDefault(id, Hop.NeverOnInput), _inputPlace.GetValueOrDefault(id)))];
        }
    }

    /// <summary>A markdown table of where the missing ids were last seen, with examples per hop.</summary>
    public string Describe(IReadOnlyCollection<string> missing)
    {
        ArgumentNullException.ThrowIfNull(missing);
        if (missing.Count == 0)
        {
            return "";
        }

        var located = Locate(missing);
        var table = new MarkdownTable("missing ids last seen", "ids", "examples (input partition@offset)");
        foreach (var hop in Enum.GetValues<Hop>())
        {
            var here = located.Where(l => l.Furthest == hop).OrderBy(l => l.Id, StringComparer.Ordinal).ToList();
            if (here.Count > 0)
            {
                table.Add(Describe(hop), here.Count.ToString("N0", CultureInfo.InvariantCulture),
                    string.Join(", ", here.Take(6).Select(l => l.InputPlace is null ? l.Id : $"{l.Id} ({l.InputPlace})")));
            }
        }

        var text = new StringBuilder().Append(table);
        if (LostToRetention > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nThe trace itself found {LostToRetention:N0} offsets of these topics deleted before it read them.\n");
        }

        return text.ToString();
    }

    public void Dispose() => _reader.Dispose();

    private static string Describe(Hop hop) => hop switch
    {
        Hop.NeverOnInput => "never on the input topic (acknowledged by the broker)",
        Hop.Input => "on the input topic, never forwarded by Ingest",
        Hop.Samples => "forwarded by Ingest, never scored",
        Hop.Scored => "scored, never on the trainer stream",
        _ => hop.ToString(),
    };

    private void Record(ConsumeResult<byte[], byte[]> record)
    {
        if (record.Message.Key is null || !_hopOfTopic.TryGetValue(record.Topic, out var hop))
        {
            return;
        }

        var id = Encoding.UTF8.GetString(record.Message.Key);
        lock (_gate)
        {
            if (hop > _furthest.GetValueOrDefault(id, Hop.NeverOnInput))
            {
                _furthest[id] = hop;
            }

            if (hop == Hop.Input)
            {
                _inputPlace.TryAdd(id, $"{record.Partition.Value}@{record.Offset.Value}");
            }
        }
    }
}
