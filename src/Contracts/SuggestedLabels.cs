using EasyHard.Contracts.V1;

namespace EasyHard.Contracts;

/// <summary>The one rule for whether a scored sample carries a suggested label.</summary>
public static class SuggestedLabels
{
    /// <summary>A probability of 0 marks "no suggestion" (an older scorer's record, or a sample that is not finite).</summary>
    public static bool HasSuggestion(this Scores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return scores.SuggestedLabelP > 0;
    }
}
