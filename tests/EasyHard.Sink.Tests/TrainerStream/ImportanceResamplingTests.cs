using System.Text;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Sink.TrainerStream;

namespace EasyHard.Sink.Tests.TrainerStream;

public sealed class ImportanceResamplingTests
{
    [Theory]
    [InlineData(0.25, 1.0, 0.25)]
    [InlineData(1.0, 1.0, 1.0)]
    [InlineData(3.0, 1.0, 1.0)]
    [InlineData(0.5, 2.0, 0.25)]
    [InlineData(0.0, 1.0, 0.0)]
    public void Probability_IsMinOfOneAndWeightOverCeiling(double weight, double ceiling, double expected) =>
        Assert.Equal(expected, ImportanceResampling.Probability(weight, ceiling), 12);

    [Fact]
    public void Decide_CarriesWeightOverProbability_AndIsStablePerId()
    {
        // An emitted sample of weight 0.25 (p = 0.25) carries 1; one of weight 3 (p = 1) keeps 3.
        var ids = Enumerable.Range(0, 4000).Select(i => $"s-{i}").ToArray();
        var light = ids.Select(id => ImportanceResampling.Decide(id, 0.25, 1.0)).ToArray();
        Assert.All(light.Where(d => d.Emit), d => Assert.Equal(1f, d.Weight));
        Assert.All(ids, id => Assert.Equal((true, 3f), ImportanceResampling.Decide(id, 3.0, 1.0)));
        Assert.Equal(light, ids.Select(id => ImportanceResampling.Decide(id, 0.25, 1.0)).ToArray());

        // About a quarter emitted: 1,000 expected, standard deviation √(4000 · 0.25 · 0.75) ≈ 27.
        Assert.InRange(light.Count(d => d.Emit), 1000 - 120, 1000 + 120);

        // Unbiased: Σ emitted corrected weights ≈ Σ weights over mixed weights.
        var weights = ids.Select((_, i) => 0.05 + (i % 20) * 0.1).ToArray();
        double emitted = ids.Select((id, i) => ImportanceResampling.Decide(id, weights[i], 1.0)).Where(d => d.Emit).Sum(d => (double)d.Weight);
        Assert.InRange(emitted / weights.Sum(), 0.95, 1.05);
    }

    [Fact]
    public void Uniform_SpreadsSequentialIds_OverTheUnitInterval()
    {
        var u = Enumerable.Range(0, 10_000).Select(i => StableHash.Uniform($"s-{i}")).ToArray();
        Assert.All(u, x => Assert.InRange(x, 0.0, 1.0 - double.Epsilon));
        var deciles = u.GroupBy(x => (int)(x * 10)).Select(g => g.Count()).ToArray();
        Assert.Equal(10, deciles.Length);
        Assert.All(deciles, count => Assert.InRange(count, 850, 1150));
    }

    [Fact]
    public void Build_Resampled_LeavesOutOrCarriesTheCorrectedWeight_QuarantineUntouched()
    {
        var options = new TrainerStreamOptions { Sampling = "resample", ResampleCeiling = 1.0 };
        var topics = new TopicOptions();
        var emitted = 0;
        for (var i = 0; i < 400; i++)
        {
            var message = TrainerMessages.Build(Samples.Scored($"s-{i}", weight: 0.5f), options, topics);
            if (message is null)
            {
                continue;
            }

            emitted++;
            Assert.Equal("1", Encoding.ASCII.GetString(message.Headers!.GetLastBytes(HeaderNames.Weight)));
        }

        Assert.InRange(emitted, 200 - 50, 200 + 50);
        var quarantined = TrainerMessages.Build(Samples.Scored("s-q", weight: 0.01f, quarantined: true), options, topics)!;
        Assert.Equal("easyhard.quarantine", quarantined.Topic);
        Assert.Equal("0.01", Encoding.ASCII.GetString(quarantined.Headers!.GetLastBytes(HeaderNames.Weight)));
    }
}
