using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;

namespace EasyHard.IntegrationTests.Infrastructure;

/// <summary>Unique topic and group names per test, as configuration overrides for <c>EasyHardApp</c>.</summary>
public sealed class TestTopics
{
    public TestTopics(string prefix)
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, prefix.Length + 33)];
        Id = id;
        Options = new TopicOptions
        {
            Input = $"{id}.in",
            Samples = $"{id}.samples",
            Scored = $"{id}.scored",
            Weighted = $"{id}.weighted",
            Quarantine = $"{id}.quarantine",
            DeadLetter = $"{id}.dlq",
            Feedback = $"{id}.feedback",
            OffsetJournal = $"{id}.offsets",
            Model = $"{id}.model",
            ScorerState = $"{id}.scorer-state",
        };
    }

    public string Id { get; }

    public TopicOptions Options { get; }

    public void CreateOn(EmbeddedKafkaCluster cluster, int partitions = 4) => cluster.CreateTopics(Options.All(), partitions);

    public IEnumerable<string> ConfigArgs() =>
    [
        $"--Topics:Input={Options.Input}",
        $"--Topics:Samples={Options.Samples}",
        $"--Topics:Scored={Options.Scored}",
        $"--Topics:Weighted={Options.Weighted}",
        $"--Topics:Quarantine={Options.Quarantine}",
        $"--Topics:DeadLetter={Options.DeadLetter}",
        $"--Topics:Feedback={Options.Feedback}",
        $"--Topics:OffsetJournal={Options.OffsetJournal}",
        $"--Topics:Model={Options.Model}",
        $"--Topics:ScorerState={Options.ScorerState}",
        $"--Ingest:GroupId={Id}-ingest",
        $"--Scorer:GroupId={Id}-scorer",
        $"--Sink:GroupId={Id}-sink",
    ];
}
