using EasyHard.Scorer.Persistence;
using EasyHard.Scorer.Proxy;
using EasyHard.Scorer.Weighting;
using Microsoft.Extensions.Logging;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The engine's checkpoint at <c>Scorer:CheckpointPath</c>: a header (magic, format, the layout the arrays and
/// tensors were written for), the <see cref="ScoringProgress"/> counters, the class statistics, the influence
/// reservoir, the weights' window, the per-id history, the proxy (weights and optimizer state), the rehearsal buffer,
/// the neighbour vote's memory and the confident-disagreement rate estimate.
/// </summary>
internal sealed class EngineCheckpoint(
    ScorerOptions options,
    int dimension,
    int classes,
    ScoringProgress progress,
    ClassStatistics statistics,
    CleanReservoir reservoir,
    WeightRenormalizer renormalizer,
    SampleHistory history,
    ProxyEnsemble ensemble,
    RehearsalBuffer rehearsal,
    NeighbourVotes neighbours,
    ILogger logger)
{
    /// <summary>
    /// 6: format 5 followed by the confident-disagreement rate estimate (<see cref="ConfidentDisagreement"/>). 5 added
    /// the neighbour vote's memory, with its capacity and dimensions in the layout. 4 added the
    /// rehearsal buffer, with the folds and the buffer's capacity in the layout; 3 stored the ensemble's heads fused
    /// ([E, in, out] per layer) and had no rehearsal buffer; 2 held one module per head.
    /// </summary>
    private const int Format = 6;

    /// <summary>Read as format 6 up to the neighbour vote; the confident-disagreement estimate then starts empty (the rate falls back to the joint and the mixtures until it is ready).</summary>
    private const int FormatWithoutDisagreement = 5;

    /// <summary>Read as format 6 up to the rehearsal buffer; the neighbour vote's memory then starts empty and fills from the stream.</summary>
    private const int FormatWithoutNeighbours = 4;

    /// <summary>Read as format 6 up to the ensemble; the rehearsal buffer and the neighbour vote's memory then start empty and fill from the stream.</summary>
    private const int FusedFormatWithoutRehearsal = 3;

    private const string Magic = "EASYHARD-SCORER";

    /// <summary>Writes the checkpoint to <c>Scorer:CheckpointPath</c> atomically (temporary file + rename).</summary>
    public void Save()
    {
        string path = options.CheckpointPath;
        CheckpointIo.WriteAtomically(path, writer =>
        {
            writer.Write(Magic);
            writer.Write(Format);
            writer.Write(Layout());
            progress.Write(writer);
            statistics.Write(writer);
            reservoir.Write(writer);
            renormalizer.Write(writer);
            history.Write(writer);
            ensemble.Save(writer);
            rehearsal.Write(writer);
            neighbours.Write(writer);
            statistics.Disagreement.Write(writer);
        });
        ScorerMetrics.CheckpointSaves.Inc();
        ScorerLog.CheckpointSaved(logger, path, progress.ModelVersion);
    }

    /// <summary>
    /// Reads the checkpoint into the engine's state, of format 3 or of format 2 (<see cref="UnfusedCheckpoint"/>).
    /// Throws <see cref="InvalidOperationException"/> naming the file when it is of another kind, format or layout.
    /// </summary>
    public void Restore()
    {
        string path = options.CheckpointPath;
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        string found;
        int format;
        try
        {
            if (reader.ReadString() != Magic)
            {
                throw new InvalidOperationException($"Scorer checkpoint {path} is not a format-{Format} EasyHard scorer checkpoint; delete it or set Scorer:CheckpointPath.");
            }

            format = reader.ReadInt32();
            if (format != Format && format != FormatWithoutDisagreement && format != FormatWithoutNeighbours && format != FusedFormatWithoutRehearsal && format != UnfusedCheckpoint.Format)
            {
                throw new InvalidOperationException(
                    $"Scorer checkpoint {path} is format {format}, this scorer reads formats {UnfusedCheckpoint.Format}, {FusedFormatWithoutRehearsal}, {FormatWithoutNeighbours}, {FormatWithoutDisagreement} and {Format}; delete it or set Scorer:CheckpointPath, and the proxy learns again from the stream.");
            }

            found = reader.ReadString();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidOperationException($"Scorer checkpoint {path} is truncated; delete it or set Scorer:CheckpointPath.", e);
        }

        string layout = format switch
        {
            Format or FormatWithoutDisagreement => Layout(),
            FormatWithoutNeighbours => RehearsalLayout(),
            _ => ProxyLayout(),
        };
        if (found != layout)
        {
            throw new InvalidOperationException(
                $"Scorer checkpoint {path} was written for '{found}' but this scorer is '{layout}'. Delete the checkpoint or restore the matching Schema/Scorer options.");
        }

        progress.Read(reader);
        statistics.Read(reader);
        reservoir.Read(reader);
        renormalizer.Read(reader);
        history.Read(reader);
        if (format is Format or FormatWithoutDisagreement or FormatWithoutNeighbours)
        {
            ensemble.Load(reader);
            rehearsal.Read(reader);
            if (format is Format or FormatWithoutDisagreement)
            {
                neighbours.Read(reader);
            }

            if (format == Format)
            {
                statistics.Disagreement.Read(reader);
            }
            else
            {
                ScorerLog.CheckpointUpgraded(logger, path, format, Format, optimizerStateCarried: true);
            }

            return;
        }

        if (format == FusedFormatWithoutRehearsal)
        {
            ensemble.Load(reader);
            ScorerLog.CheckpointUpgraded(logger, path, format, Format, optimizerStateCarried: true);
            return;
        }

        // Format 2 differs only in the ensemble's layout: everything before it is read as format 3 reads it.
        bool optimizerCarried = UnfusedCheckpoint.LoadEnsemble(reader, ensemble);
        ScorerLog.CheckpointUpgraded(logger, path, format, Format, optimizerCarried);
    }

    /// <summary>Everything that must match for a checkpoint's arrays and tensors to fit this engine (formats 5 and 6).</summary>
    private string Layout() => FormattableString.Invariant($"{RehearsalLayout()} neighbours={neighbours.Capacity}x{neighbours.Dimensions}");

    /// <summary>The layout of format 4, which had no neighbour vote.</summary>
    private string RehearsalLayout() => FormattableString.Invariant($"{ProxyLayout()} folds={options.Proxy.Folds} rehearsal={rehearsal.Capacity}");

    /// <summary>The layout of formats 2 and 3, which had neither folds nor a rehearsal buffer.</summary>
    private string ProxyLayout() => FormattableString.Invariant(
        $"dimension={dimension} classes={classes} hidden={string.Join('-', options.Proxy.HiddenSizes)} heads={options.Proxy.EnsembleSize} optimizer={ensemble.OptimizerName} classWindow={options.Statistics.ClassWindow} reservoir={options.Statistics.InfluenceReservoirSize} renormalizationWindow={options.Weighting.RenormalizationWindow}");
}
