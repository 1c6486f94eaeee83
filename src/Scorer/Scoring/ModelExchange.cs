using EasyHard.Contracts.V1;
using EasyHard.Scorer.Proxy;
using EasyHard.Scorer.Sync;
using Google.Protobuf;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The engine's side of scale-out: its proxy and class statistics as a <see cref="ModelSnapshot"/>, a peer's snapshot
/// checked against this engine's layout, and the weighted merge of peers into the engine (<see cref="ParameterAveraging"/>,
/// <see cref="StatisticsAveraging"/>). The optimizer state, the rehearsal buffer, the influence reservoir and the per-id
/// history stay each instance's own.
/// </summary>
internal sealed class ModelExchange(ProxyEnsemble ensemble, ClassStatistics statistics, ScoringProgress progress, ScorerOptions options)
{
    /// <summary>The snapshot encoding this scorer writes and reads: 2, parameters block-wise in 8 bits (<see cref="BlockwiseInt8"/>).</summary>
    public const uint Format = 2;

    /// <summary>Everything that must match for a peer's arrays to fit this engine.</summary>
    public string Layout { get; } = FormattableString.Invariant(
        $"dimension={ensemble.Dimension} classes={ensemble.Classes} hidden={string.Join('-', ensemble.HiddenSizes)} heads={ensemble.EnsembleSize} folds={options.Proxy.Folds} classWindow={statistics.Window}");

    public ModelSnapshot Export(string instance, long sequence, long samplesSinceMerge, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            statistics.Write(writer);
        }

        return new ModelSnapshot
        {
            Format = Format,
            Instance = instance,
            Layout = Layout,
            Sequence = sequence,
            SamplesSinceMerge = samplesSinceMerge,
            SamplesSeen = progress.SamplesSeen,
            ModelVersion = progress.ModelVersion,
            CreatedUnixMs = now.ToUnixTimeMilliseconds(),
            Parameters = ByteString.CopyFrom(BlockwiseInt8.Encode(ensemble.ExportParameters())),
            Statistics = ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length),
        };
    }

    /// <summary>The snapshot's parameters and statistics, or null with the reason (a metric label) when they cannot merge here.</summary>
    public PeerModel? Decode(ModelSnapshot snapshot, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        reason = null;
        if (snapshot.Format != Format)
        {
            reason = "format";
            return null;
        }

        if (snapshot.Layout != Layout)
        {
            reason = "layout";
            return null;
        }

        if (BlockwiseInt8.Decode(snapshot.Parameters.Span, ensemble.ParameterCount) is not { } parameters)
        {
            reason = "malformed";
            return null;
        }

        var peerStatistics = ClassStatistics.From(statistics.Classes, options.Statistics);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(snapshot.Statistics.ToByteArray()));
            peerStatistics.Read(reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                reason = "malformed";
                return null;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            reason = "malformed";
            return null;
        }

        return new PeerModel(snapshot.Instance, snapshot.Sequence, snapshot.ModelVersion, parameters, peerStatistics);
    }

    /// <summary>
    /// Replaces the engine's parameters and statistics by the weighted mean of its own (weight <paramref name="ownWeight"/>,
    /// 0 to adopt the peers' mean) and the peers'; the model version becomes the largest of them, so it never goes back.
    /// </summary>
    public void Merge(IReadOnlyList<(PeerModel Model, double Weight)> peers, double ownWeight)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var own = ensemble.ExportParameters();
        List<(float[] Values, double Weight)> parameters = [(own, ownWeight), .. peers.Select(p => (p.Model.Parameters, p.Weight))];
        List<(ClassStatistics Statistics, double Weight)> merged = [(statistics, ownWeight), .. peers.Select(p => (p.Model.Statistics, p.Weight))];
        ensemble.ImportParameters(ParameterAveraging.Average(parameters));
        StatisticsAveraging.Merge(statistics, merged);
        progress.ModelVersion = Math.Max(progress.ModelVersion, peers.Max(p => p.Model.ModelVersion));
    }
}

/// <summary>A peer instance's snapshot, decoded and checked against this engine's layout.</summary>
internal sealed record PeerModel(string Instance, long Sequence, long ModelVersion, float[] Parameters, ClassStatistics Statistics);
