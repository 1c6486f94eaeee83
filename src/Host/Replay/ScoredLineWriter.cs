using System.Text.Json;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;

namespace EasyHard.Host.Replay;

/// <summary>Writes one scored sample as one JSON line (the replay output format).</summary>
public static class ScoredLineWriter
{
    public static void Write(Utf8JsonWriter json, ScoredSample scored)
    {
        var sample = scored.Canonical.Sample;
        var s = scored.Scores;
        json.WriteStartObject();
        json.WriteString("id", sample.Id);
        json.WriteNumber("label", sample.Label);
        json.WriteNumber("predicted_label", s.PredictedLabel);
        WriteFloat(json, "loss", s.Loss);
        WriteFloat(json, "self_confidence", s.SelfConfidence);
        WriteFloat(json, "margin", s.Margin);
        WriteFloat(json, "el2n", s.El2N);
        WriteFloat(json, "grad_norm", s.GradNorm);
        WriteFloat(json, "influence", s.Influence);
        WriteFloat(json, "disagreement", s.Disagreement);
        WriteFloat(json, "difficulty", s.Difficulty);
        WriteFloat(json, "noise", s.Noise);
        json.WriteNumber("suggested_label", s.SuggestedLabel);
        WriteFloat(json, "suggested_label_p", s.SuggestedLabelP);
        WriteFloat(json, "weight", scored.Weight);
        json.WriteString("bucket", scored.Bucket.ToName());
        json.WriteNumber("model_version", scored.ModelVersion);
        json.WriteBoolean("warming", scored.Warming);
        json.WriteBoolean("quarantined", scored.Quarantined);
        json.WriteNumber("line", scored.Canonical.Origin.Offset);
        json.WriteEndObject();
    }

    // Round-trippable single-precision values, not double expansions of them.
    private static void WriteFloat(Utf8JsonWriter json, string name, float value) => json.WriteNumber(name, (decimal)value);
}
