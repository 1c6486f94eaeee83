using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;

namespace EasyHard.Bench.Common;

/// <summary>
/// A fresh set of pipeline topic names and consumer groups for one benchmark phase, so phases sharing one embedded
/// cluster never read each other's records; with the configuration overrides that point EasyHard at them.
/// </summary>
public sealed class BenchTopics
{
    public BenchTopics(string phase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phase);
        Id = $"bench-{phase}-{Guid.NewGuid().ToString("N")[..8]}";
        string Name(string suffix) => $"{Id}.{suffix}";
        Options = new TopicOptions
        {
            Input = Name("in"),
            Samples = Name("samples"),
            Scored = Name("scored"),
            Weighted = Name("weighted"),
            Quarantine = Name("quarantine"),
            DeadLetter = Name("dlq"),
            Feedback = Name("feedback"),
            OffsetJournal = Name("offsets"),
            Model = Name("model"),
            ScorerState = Name("scorer-state"),
        };
    }

    public string Id { get; }

    public TopicOptions Options { get; }

    /// <summary>Partitions per topic: the count EasyHard gives the topics it creates itself.</summary>
    public int Partitions => Options.Partitions;

    /// <summary>The topics a trainer reads.</summary>
    public IReadOnlyList<string> TrainerTopics => [Options.Weighted, Options.Quarantine];

    public void CreateOn(EmbeddedKafkaCluster cluster) => cluster.CreateTopics(Options.All(), Partitions);

    public string GroupOf(string role) => $"{Id}-{role}";

    /// <summary><c>--Topics:*</c> and <c>--&lt;Role&gt;:GroupId</c> overrides.</summary>
    public IEnumerable<string> ConfigArgs()
    {
        var settings = new (string Key, string Value)[]
        {
            ("Topics:Input", Options.Input),
            ("Topics:Samples", Options.Samples),
            ("Topics:Scored", Options.Scored),
            ("Topics:Weighted", Options.Weighted),
            ("Topics:Quarantine", Options.Quarantine),
            ("Topics:DeadLetter", Options.DeadLetter),
            ("Topics:Feedback", Options.Feedback),
            ("Topics:OffsetJournal", Options.OffsetJournal),
            ("Topics:Model", Options.Model),
            ("Topics:ScorerState", Options.ScorerState),
            ("Ingest:GroupId", GroupOf("ingest")),
            ("Scorer:GroupId", GroupOf("scorer")),
            ("Sink:GroupId", GroupOf("sink")),
        };
        return settings.Select(s => $"--{s.Key}={s.Value}");
    }
}
