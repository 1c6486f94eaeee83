using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

public sealed class HistoryTests
{
    [Fact]
    public void Observe_SecondExposure_AveragesAndCountsForgetting()
    {
        var history = new SampleHistory(10);
        history.Observe("a", 1f, 2f, 0.4f, 1.0f, correct: true);
        var r = history.Observe("a", 3f, 0f, 0.8f, -1.0f, correct: false);

        Assert.Equal(2, r.Exposures);
        Assert.Equal(2f, r.LossEma, 5);          // blend max(1/2, 0.3) = 0.5
        Assert.Equal(1f, r.NoiseLogOdds, 5);
        Assert.Equal(0.6f, r.Difficulty, 5);
        Assert.Equal(0f, r.Aum, 5);              // mean of margins 1 and −1
        Assert.Equal(1, r.ForgettingEvents);     // correct → incorrect
        Assert.False(r.LastCorrect);

        r = history.Observe("a", 0f, 0f, 0f, 2f, correct: true);
        Assert.Equal(2f * (2f / 3f), r.LossEma, 5); // blend 1/3
        Assert.Equal(2f / 3f, r.Aum, 5);
        Assert.Equal(1, r.ForgettingEvents);     // incorrect → correct is not a forgetting event
    }

    [Fact]
    public void Observe_OverCapacity_EvictsLeastRecentlySeen()
    {
        var history = new SampleHistory(2);
        history.Observe("a", 1, 0, 0, 0, true);
        history.Observe("b", 1, 0, 0, 0, true);
        history.Observe("a", 1, 0, 0, 0, true);
        history.Observe("c", 1, 0, 0, 0, true);

        Assert.Equal(2, history.Count);
        Assert.Equal(1, history.Evictions);
        Assert.True(history.TryGet("a", out _));
        Assert.False(history.TryGet("b", out _));
    }

    [Fact]
    public void WriteRead_RoundTrip_KeepsRecordsAndOrder()
    {
        var history = new SampleHistory(3);
        history.Observe("a", 1, 0.5f, 0.2f, 0.1f, true);
        history.Observe("b", 2, 0.6f, 0.3f, 0.2f, false);
        history.Observe("a", 3, 0.7f, 0.4f, 0.3f, false);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            history.Write(writer);
        }

        stream.Position = 0;
        var restored = new SampleHistory(3);
        restored.Read(new BinaryReader(stream));

        Assert.True(restored.TryGet("a", out var a));
        history.TryGet("a", out var original);
        Assert.Equal(original, a);
        restored.Observe("c", 0, 0, 0, 0, true);
        restored.Observe("d", 0, 0, 0, 0, true);
        Assert.False(restored.TryGet("b", out _)); // b was least recently seen before the save
    }
}
