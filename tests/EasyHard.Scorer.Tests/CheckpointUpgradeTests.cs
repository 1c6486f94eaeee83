using System.Globalization;
using EasyHard.Contracts.V1;
using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

/// <summary>
/// Fixtures/scorer-format2-{adam,sgd}.ckpt were written by the scorer of checkpoint format 2 (one module per head)
/// with the options of <see cref="Options"/>: three batches of 32 from <c>TestData.Clusters(128, 16, 4, 0.2,
/// seed: 11)</c>, then saved. The same scorer then gave the mean probabilities in the matching .expected.txt on the
/// first 8 samples of the fourth batch ("before"), trained on that batch, and gave them again ("after").
/// </summary>
public sealed class CheckpointUpgradeTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void Checkpoint_Format2_RestoresSameProbabilitiesAndCounters(string optimizer)
    {
        var expected = Expected(optimizer);

        using var engine = new ScoringEngine(Options(CopyFixture(optimizer), optimizer), 16, 4);

        Assert.Equal(expected["savedModelVersion"][0], engine.ModelVersion);
        Assert.Equal(expected["savedSamplesSeen"][0], engine.SamplesSeen);
        AssertClose(expected["before"], engine.PredictMeanProbabilities(Probe()));
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void Checkpoint_Format2_TrainingContinuesOnTheSameTrajectory(string optimizer)
    {
        using var engine = new ScoringEngine(Options(CopyFixture(optimizer), optimizer), 16, 4);

        engine.Score(FourthBatch());

        // The step depends on the optimizer's state: one from fresh Adam moments or an empty momentum buffer lands
        // elsewhere (here by about 6e-4 for Adam, 8e-5 for SGD).
        var expected = Expected(optimizer);
        Assert.Equal(expected["modelVersion"][0], engine.ModelVersion);
        Assert.Equal(expected["samplesSeen"][0], engine.SamplesSeen);
        AssertClose(expected["after"], engine.PredictMeanProbabilities(Probe()));
    }

    [Fact]
    public void Checkpoint_Format2_IsSavedBackAsTheCurrentFormat()
    {
        var path = CopyFixture("adam");
        using var upgraded = new ScoringEngine(Options(path, "adam"), 16, 4);
        upgraded.SaveCheckpoint();

        using var restored = new ScoringEngine(Options(path, "adam"), 16, 4);

        using var reader = new BinaryReader(File.OpenRead(path));
        Assert.Equal("EASYHARD-SCORER", reader.ReadString());
        Assert.Equal(6, reader.ReadInt32());
        Assert.Equal(upgraded.ModelVersion, restored.ModelVersion);
        AssertClose(upgraded.PredictMeanProbabilities(Probe()), restored.PredictMeanProbabilities(Probe()));
    }

    [Fact]
    public void Checkpoint_UnknownFormat_FailsFastNamingTheReadableFormats()
    {
        var path = TestData.TempCheckpoint();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write("EASYHARD-SCORER");
            writer.Write(1);
            writer.Write("dimension=16 classes=4");
        }

        var error = Assert.Throws<InvalidOperationException>(() => new ScoringEngine(TestData.Options(path), 16, 4));
        Assert.Contains("format 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("formats 2, 3, 4, 5 and 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_Format3_LoadsWithAnEmptyRehearsalBuffer_AndContinuesAsTheEngineThatWroteIt()
    {
        // A format-3 checkpoint is format 6 without the rehearsal buffer, the neighbour vote's memory and the
        // disagreement estimate at its end and without folds, rehearsal and neighbour capacities in its layout: written
        // here from an engine that had none of them (Folds 1, no rehearsal, no vote).
        var options = Options(TestData.TempCheckpoint(), "adam");
        var (samples, _) = TestData.Clusters(128, 16, 4, 0.2, seed: 11);
        using var writer = new ScoringEngine(options, 16, 4);
        writer.Score([.. samples.Take(96)]);
        writer.SaveCheckpoint();
        Downgrade(options.CheckpointPath, 3, layout => layout[..layout.IndexOf(" folds=", StringComparison.Ordinal)],
            EmptyRehearsalBytes + EmptyNeighbourBytes + DisagreementBytes(writer));

        using var upgraded = new ScoringEngine(options, 16, 4);
        Assert.Equal(writer.ModelVersion, upgraded.ModelVersion);
        var a = writer.Score(FourthBatch());
        var b = upgraded.Score(FourthBatch());
        Assert.Equal(a.Select(r => r.Scores.Noise), b.Select(r => r.Scores.Noise));
        AssertClose(writer.PredictMeanProbabilities(Probe()), upgraded.PredictMeanProbabilities(Probe()));
    }

    [Fact]
    public void Checkpoint_Format4_LoadsWithAnEmptyNeighbourMemory_AndKeepsTheProxy()
    {
        // A format-4 checkpoint is format 6 without the neighbour vote's memory and the disagreement estimate at its end
        // and without the vote's capacity in the layout.
        var (options, writer) = SavedWithVote();
        using var disposeWriter = writer;
        Assert.Equal(96, writer.Neighbours.Size);
        int memoryBytes;
        using (var buffer = new MemoryStream())
        using (var section = new BinaryWriter(buffer))
        {
            writer.Neighbours.Write(section);
            section.Flush();
            memoryBytes = (int)buffer.Length;
        }

        Downgrade(options.CheckpointPath, 4, layout => layout[..layout.IndexOf(" neighbours=", StringComparison.Ordinal)], memoryBytes + DisagreementBytes(writer));

        using var upgraded = new ScoringEngine(options, 16, 4);
        Assert.Equal(writer.ModelVersion, upgraded.ModelVersion);
        Assert.Equal(0, upgraded.Neighbours.Size);
        AssertClose(writer.PredictMeanProbabilities(Probe()), upgraded.PredictMeanProbabilities(Probe()));
        upgraded.Score(FourthBatch());
        Assert.Equal(32, upgraded.Neighbours.Size);
    }

    [Fact]
    public void Checkpoint_Format5_KeepsTheNeighbourMemory_AndContinuesAsTheEngineThatWroteIt()
    {
        var (options, writer) = SavedWithVote();
        using var disposeWriter = writer;

        // Another seed draws another projection, which the checkpoint's replaces.
        var restoredOptions = Options(options.CheckpointPath, "adam");
        restoredOptions.Neighbours.Weight = 0.3;
        restoredOptions.Neighbours.Dimensions = 8;
        restoredOptions.Proxy.Seed = 5;
        using var restored = new ScoringEngine(restoredOptions, 16, 4);
        Assert.Equal(96, restored.Neighbours.Size);
        var a = writer.Score(FourthBatch());
        var b = restored.Score(FourthBatch());
        Assert.Equal(a.Select(r => r.Scores.Noise), b.Select(r => r.Scores.Noise));
        Assert.Equal(a.Select(r => r.Scores.Difficulty), b.Select(r => r.Scores.Difficulty));
    }

    [Fact]
    public void Checkpoint_Format5_LoadsWithAnEmptyDisagreementEstimate_AndKeepsTheRest()
    {
        // A format-5 checkpoint is format 6 without the disagreement estimate at its end; the layout is the same.
        var (options, writer) = SavedWithVote();
        using var disposeWriter = writer;
        Assert.True(writer.Statistics.Disagreement.Count.Sum() > 0);
        Downgrade(options.CheckpointPath, 5, layout => layout, DisagreementBytes(writer));

        using var upgraded = new ScoringEngine(options, 16, 4);
        Assert.Equal(writer.ModelVersion, upgraded.ModelVersion);
        Assert.Equal(96, upgraded.Neighbours.Size);
        Assert.Equal(0, upgraded.Statistics.Disagreement.Count.Sum());
        Assert.Equal(0, upgraded.Statistics.Disagreement.Tallies[1]);
        AssertClose(writer.PredictMeanProbabilities(Probe()), upgraded.PredictMeanProbabilities(Probe()));
    }

    [Fact]
    public void Checkpoint_Format6_KeepsTheDisagreementEstimate()
    {
        var options = Options(TestData.TempCheckpoint(), "adam");
        var (samples, _) = TestData.Clusters(128, 16, 4, 0.2, seed: 11);
        using var writer = new ScoringEngine(options, 16, 4);
        writer.Score([.. samples.Take(96)]);
        writer.SaveCheckpoint();

        using var restored = new ScoringEngine(options, 16, 4);
        var (saved, loaded) = (writer.Statistics.Disagreement, restored.Statistics.Disagreement);
        Assert.Equal(saved.Confidences, loaded.Confidences);
        Assert.Equal(saved.Count, loaded.Count);
        Assert.Equal(saved.Next, loaded.Next);
        Assert.Equal(saved.Thresholds, loaded.Thresholds);
        Assert.Equal(saved.Tallies, loaded.Tallies);
    }

    /// <summary>
    /// An engine with the neighbour vote on (8 dimensions, below the 16 features: the projection is saved too) that
    /// scored the first 96 samples of the fixture's clusters and saved its checkpoint.
    /// </summary>
    private static (ScorerOptions Options, ScoringEngine Writer) SavedWithVote()
    {
        var options = Options(TestData.TempCheckpoint(), "adam");
        options.Neighbours.Weight = 0.3;
        options.Neighbours.Dimensions = 8;
        var writer = new ScoringEngine(options, 16, 4);
        writer.Score([.. TestData.Clusters(128, 16, 4, 0.2, seed: 11).Samples.Take(96)]);
        writer.SaveCheckpoint();
        return (options, writer);
    }

    /// <summary>Rewrites a format-6 checkpoint as an older <paramref name="format"/>: its header's format and layout, and its last <paramref name="droppedBytes"/> left out.</summary>
    private static void Downgrade(string path, int format, Func<string, string> layout, int droppedBytes)
    {
        var bytes = File.ReadAllBytes(path);
        using var input = new BinaryReader(new MemoryStream(bytes));
        using var output = new BinaryWriter(File.Create(path));
        output.Write(input.ReadString());
        Assert.Equal(6, input.ReadInt32());
        output.Write(format);
        output.Write(layout(input.ReadString()));
        output.Write(bytes.AsSpan((int)input.BaseStream.Position, bytes.Length - (int)input.BaseStream.Position - droppedBytes));
    }

    /// <summary>The bytes of an engine's disagreement estimate in its checkpoint (its size does not depend on its contents).</summary>
    private static int DisagreementBytes(ScoringEngine engine)
    {
        using var buffer = new MemoryStream();
        using var section = new BinaryWriter(buffer);
        engine.Statistics.Disagreement.Write(section);
        section.Flush();
        return (int)buffer.Length;
    }

    /// <summary>An empty rehearsal buffer in a checkpoint: size, offered and three empty arrays (a length each).</summary>
    private const int EmptyRehearsalBytes = 4 + 8 + (3 * 4);

    /// <summary>The memory of a vote that is off: size, offered, no projection and three empty arrays.</summary>
    private const int EmptyNeighbourBytes = 4 + 8 + 1 + (3 * 4);

    /// <summary>The options the fixture was written with; the checkpoint's header must match them.</summary>
    private static ScorerOptions Options(string path, string optimizer) => new()
    {
        Device = ComputeDevice.Cpu,
        Proxy =
        {
            HiddenSizes = [8],
            EnsembleSize = 3,
            Optimizer = Enum.Parse<ProxyOptimizer>(optimizer, ignoreCase: true),
            LearningRate = 3e-3,
            LearningRateStartFactor = 1, // the fixture was trained at a constant rate
            Folds = 1,
            RehearsalRatio = 0,
            SelfPacedThreshold = 0, // and every sample in full
        },
        Statistics = { WarmupSamples = 0, ClassWindow = 16, InfluenceReservoirSize = 4, SampleHistoryCapacity = 8 },
        Weighting = { LossPolicyBurnInSamples = 0, RenormalizationWindow = 16 },
        Neighbours = { Weight = 0 }, // the fixture's scorer had no neighbour vote
        CheckpointPath = path,
        CheckpointIntervalSeconds = 0,
        Batching = new() { MaxBatchSize = 32, MaxBatchDelayMs = 50 },
    };

    /// <summary>The batch the fixture's scorer trained on after saving.</summary>
    private static List<CanonicalSample> FourthBatch() =>
        [.. TestData.Clusters(128, 16, 4, 0.2, seed: 11).Samples.Skip(96)];

    private static List<CanonicalSample> Probe() => FourthBatch().Take(8).ToList();

    private static string CopyFixture(string optimizer)
    {
        var path = TestData.TempCheckpoint();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", $"scorer-format2-{optimizer}.ckpt"), path);
        return path;
    }

    private static Dictionary<string, double[]> Expected(string optimizer) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", $"scorer-format2-{optimizer}.expected.txt"))
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => parts[1..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"probability {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual) =>
        AssertClose(expected.Select(p => (double)p).ToArray(), actual);
}
