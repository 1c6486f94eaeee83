using Dapper;
using EasyHard.Evaluation.Datasets;
using EasyHard.Evaluation.Metrics;
using Microsoft.Data.Sqlite;

namespace EasyHard.Host.Demo;

/// <summary>What the demo measured, read back from the SQLite sink and compared with the injected truth.</summary>
public sealed record DemoSummary(
    long SamplesIn, long Malformed, long Scored, long Emitted, long DeadLettered, long Quarantined, long LostToRetention, long SqlRows,
    double NoiseAuroc, long EvaluatedRows, double MeanWeightNoisy, double MeanWeightClean, double MeanNoise, double TrueNoiseRate,
    double NoiseCalibrationError, string DatabasePath, TimeSpan Elapsed)
{
    private sealed record Row(string sample_id, double noise, double weight, long warming);

    /// <summary>
    /// Scores of the samples scored after warm-up against whether their label was flipped: ranked (AUROC) and as
    /// probabilities (expected calibration error).
    /// </summary>
    public static async Task<(double Auroc, long Rows, double NoisyWeight, double CleanWeight, double MeanNoise, double CalibrationError, long SqlRows)> EvaluateAsync(
        string databasePath, IReadOnlyList<LabelledSample> truth)
    {
        var isNoisy = truth.ToDictionary(s => s.Id, s => s.IsNoisy, StringComparer.Ordinal);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        var rows = (await connection.QueryAsync<Row>("SELECT sample_id, noise, weight, warming FROM sample_scores")).ToList();
        var scored = rows.Where(r => r.warming == 0 && isNoisy.ContainsKey(r.sample_id)).ToList();
        var (noise, flipped) = (scored.Select(r => r.noise).ToList(), scored.Select(r => isNoisy[r.sample_id]).ToList());
        var auroc = Auroc.Compute(noise, flipped);
        static double MeanOr(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();
        return (auroc, scored.Count,
            MeanOr(scored.Where(r => isNoisy[r.sample_id]).Select(r => r.weight)),
            MeanOr(scored.Where(r => !isNoisy[r.sample_id]).Select(r => r.weight)),
            MeanOr(noise),
            flipped.Contains(true) ? CalibrationError.Compute(noise, flipped) : double.NaN,
            rows.Count);
    }

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("EasyHard demo summary");
        output.WriteLine($"  samples in           {SamplesIn,10:N0} valid + {Malformed:N0} malformed");
        output.WriteLine($"  scored               {Scored,10:N0}");
        output.WriteLine($"  emitted to trainers  {Emitted,10:N0}  (easyhard.weighted + easyhard.quarantine; {Quarantined:N0} quarantined)");
        output.WriteLine($"  dead-lettered        {DeadLettered,10:N0}");
        output.WriteLine(LostToRetention == 0
            ? $"  lost to retention    {LostToRetention,10:N0}"
            : $"  lost to retention    {LostToRetention,10:N0}  deleted by the mock cluster's retention before they were read (offsets in the log)");
        output.WriteLine($"  noise AUROC          {NoiseAuroc,10:F4}  over {EvaluatedRows:N0} samples scored after warm-up, against the injected truth");
        output.WriteLine($"  mean weight          {MeanWeightNoisy,10:F3}  noisy  vs {MeanWeightClean:F3} clean");
        output.WriteLine($"  mean noise score     {MeanNoise,10:F3}  (true noise rate {TrueNoiseRate:F3})");
        output.WriteLine($"  noise calibration    {NoiseCalibrationError,10:F3}  expected calibration error (0: of the samples scored p, a share p is mislabelled)");
        output.WriteLine($"  SQL rows             {SqlRows,10:N0}  in {DatabasePath}");
        output.WriteLine($"  elapsed              {Elapsed.TotalSeconds,10:F1} s");
    }
}
