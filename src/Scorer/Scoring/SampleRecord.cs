namespace EasyHard.Scorer.Scoring;

/// <summary>What the scorer remembers about one sample id across exposures (epochs of a replayed stream).</summary>
/// <param name="Exposures">Times the id was scored.</param>
/// <param name="LossEma">Exponential moving average of the loss over exposures.</param>
/// <param name="NoiseLogOdds">Moving average of the raw noise log-odds over exposures (what <c>noise</c> is calibrated from).</param>
/// <param name="Difficulty">Moving average of 1 − p̄_y over exposures.</param>
/// <param name="Aum">Area under the margin (Pleiss et al. 2020): mean over exposures of log p̄_y − max_{k≠y} log p̄_k.</param>
/// <param name="ForgettingEvents">Correct → incorrect transitions of the prediction between exposures (Toneva et al. 2019).</param>
/// <param name="LastCorrect">Whether the last exposure was predicted correctly.</param>
public readonly record struct SampleRecord(
    int Exposures,
    float LossEma,
    float NoiseLogOdds,
    float Difficulty,
    float Aum,
    int ForgettingEvents,
    bool LastCorrect);
