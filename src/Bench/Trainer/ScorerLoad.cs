namespace EasyHard.Bench.Trainer;

/// <summary>Samples the scorer scored, and those it scored with the under-load settings (easyhard_scorer_samples_under_load_total).</summary>
public sealed record ScorerLoad(long Scored, long UnderLoad)
{
    public double UnderLoadShare => Scored == 0 ? 0 : (double)UnderLoad / Scored;
}
