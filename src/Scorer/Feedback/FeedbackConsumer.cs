using System.Text.Json;
using EasyHard.Core.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer.Feedback;

/// <summary>
/// Reads trainer losses from the feedback topic (<c>Topics:Feedback</c>) into <see cref="FeedbackStore"/>. A record is
/// JSON <c>{"id":"s-1","loss":0.3}</c>; anything else is rejected and counted.
/// </summary>
public sealed class FeedbackConsumer(IServiceProvider services, FeedbackStore store, IOptions<TopicOptions> topics, IOptions<ScorerOptions> options, ILogger<FeedbackConsumer> logger)
    : TopicReader(services, logger)
{
    protected override string? Topic => topics.Value.Feedback;

    protected override string GroupPrefix => $"{options.Value.GroupId}-feedback";

    protected override bool Apply(byte[]? value)
    {
        bool ok = TryParse(value, out var id, out var loss) && store.Set(id, loss);
        (ok ? ScorerMetrics.FeedbackApplied : ScorerMetrics.FeedbackRejected).Inc();
        return ok;
    }

    /// <summary>Parses <c>{"id": string, "loss": number}</c> (other fields ignored).</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out string id, out float loss)
    {
        id = string.Empty;
        loss = float.NaN;
        try
        {
            var reader = new Utf8JsonReader(value);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() ?? string.Empty : string.Empty;
                }
                else if (reader.ValueTextEquals("loss"u8))
                {
                    reader.Read();
                    loss = reader.TokenType == JsonTokenType.Number && reader.TryGetSingle(out var parsed) ? parsed : float.NaN;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return id.Length > 0 && float.IsFinite(loss) && loss >= 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
