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
    [InlineData(3.0, 1.0, 3.0)]
    [InlineData(2.5, 0.5, 5.0)]
    [InlineData(0.5, 2.0, 0.25)]
    [InlineData(0.0, 1.0, 0.0)]
    [InlineData(-1.0, 1.0, 0.0)]
    [InlineData(double.NaN, 1.0, 0.0)]
    [InlineData(1000.0, 0.1, ImportanceResampling.MaxCopies)]
    public void ExpectedCopies_IsWeightOverCeiling(double weight, double ceiling, double expected) =>
        Assert.Equal(expected, ImportanceResampling.ExpectedCopies(weight, ceiling), 12);

    [Fact]
    public void Decide_DrawsFloorOrCeilingCopies_ByTheIdsUniform_EachCarryingTheCeiling()
    {
        // w / c = 2.3: three copies where the id's uniform draw is under 0.3, two otherwise; each copy weighs c.
        var ids = Enumerable.Range(0, 2000).Select(i => $"s-{i}").ToArray();
        foreach (var id in ids)
        {
            var expected = StableHash.Uniform(id) < 0.3 ? 3 : 2;
            Assert.Equal((expected, 0.5f), ImportanceResampling.Decide(id, 1.15, 0.5));
        }

        // w / c = 0.25: one copy where the draw is under 0.25, none otherwise (then no weight either).
        foreach (var id in ids)
        {
            Assert.Equal(StableHash.Uniform(id) < 0.25 ? (1, 1f) : (0, 0f), ImportanceResampling.Decide(id, 0.25, 1.0));
        }

        // A whole multiple of c: exactly that many copies, whatever the draw.
        Assert.All(ids, id => Assert.Equal((3, 1f), ImportanceResampling.Decide(id, 3.0, 1.0)));
        Assert.All(ids, id => Assert.Equal((0, 0f), ImportanceResampling.Decide(id, 0.0, 1.0)));
    }

    [Fact]
    public void Decide_IsStablePerId_AndUnbiased()
    {
        var ids = Enumerable.Range(0, 4000).Select(i => $"s-{i}").ToArray();
        Assert.Equal(ids.Select(id => ImportanceResampling.Decide(id, 1.7, 1.0)), ids.Select(id => ImportanceResampling.Decide(id, 1.7, 1.0)));

        // Σ copies · corrected weight ≈ Σ weights over mixed weights (the copies' expectation is exact: only the
        // fractional part is drawn, ±0.5 a sample at most).
        var weights = ids.Select((_, i) => 0.05 + (i % 40) * 0.1).ToArray();
        double emitted = ids.Select((id, i) => ImportanceResampling.Decide(id, weights[i], 1.0)).Sum(d => d.Copies * (double)d.Weight);
        Assert.InRange(emitted / weights.Sum(), 0.98, 1.02);
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
    public void Build_Resampled_EmitsTheDrawnCopies_WithTheCorrectedWeight_QuarantineUntouched()
    {
        var options = new TrainerStreamOptions { Sampling = "resample", ResampleCeiling = 1.0 };
        var topics = new TopicOptions();
        for (var i = 0; i < 400; i++)
        {
            var id = $"s-{i}";
            var light = TrainerMessages.Build(Samples.Scored(id, weight: 0.5f), options, topics);
            Assert.Equal(StableHash.Uniform(id) < 0.5 ? 1 : 0, light.Count);
            var heavy = TrainerMessages.Build(Samples.Scored(id, weight: 2.5f), options, topics);
            Assert.Equal(StableHash.Uniform(id) < 0.5 ? 3 : 2, heavy.Count);
            Assert.All(light.Concat(heavy), message =>
            {
                Assert.Equal("easyhard.weighted", message.Topic);
                Assert.Equal(id, Encoding.UTF8.GetString(message.Key!));
                Assert.Equal("1", Encoding.ASCII.GetString(message.Headers!.GetLastBytes(HeaderNames.Weight)));
            });
        }

        var quarantined = TrainerMessages.Build(Samples.Scored("s-q", weight: 0.01f, quarantined: true), options, topics).Single();
        Assert.Equal("easyhard.quarantine", quarantined.Topic);
        Assert.Equal("0.01", Encoding.ASCII.GetString(quarantined.Headers!.GetLastBytes(HeaderNames.Weight)));

        // Sampling=all: one record whatever the weight.
        Assert.Single(TrainerMessages.Build(Samples.Scored("s-all", weight: 2.5f), new TrainerStreamOptions(), topics));
    }
}
