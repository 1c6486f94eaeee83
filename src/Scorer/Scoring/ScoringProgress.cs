namespace EasyHard.Scorer.Scoring;

/// <summary>
/// How far the engine has come on the stream, across restarts: the counters a checkpoint carries besides the proxy
/// and the running statistics. The scoring thread advances <see cref="ModelVersion"/> and <see cref="Batches"/>
/// before a batch's training; the batch's host-side steps advance the rest beside that training.
/// </summary>
internal sealed class ScoringProgress
{
    /// <summary>Training steps taken so far (skipped non-finite steps count too).</summary>
    public long ModelVersion { get; set; }

    /// <summary>Samples scored so far.</summary>
    public long SamplesSeen { get; set; }

    /// <summary>Running prequential accuracy of the ensemble against the given labels.</summary>
    public double Accuracy { get; set; }

    /// <summary>Micro-batches scored so far: the influence target is refreshed every so many.</summary>
    public long Batches { get; set; }

    public void Write(BinaryWriter writer)
    {
        writer.Write(ModelVersion);
        writer.Write(SamplesSeen);
        writer.Write(Accuracy);
        writer.Write(Batches);
    }

    public void Read(BinaryReader reader)
    {
        ModelVersion = reader.ReadInt64();
        SamplesSeen = reader.ReadInt64();
        Accuracy = reader.ReadDouble();
        Batches = reader.ReadInt64();
    }
}
