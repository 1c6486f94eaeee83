using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Datasets;

public sealed class NoiseSpecTests
{
    [Theory]
    [InlineData("none", NoiseKind.None, 0.0)]
    [InlineData("NONE", NoiseKind.None, 0.0)]
    [InlineData("symmetric:0.4", NoiseKind.Symmetric, 0.4)]
    [InlineData(" pairflip : 0.3 ", NoiseKind.PairFlip, 0.3)]
    [InlineData("symmetric:1", NoiseKind.Symmetric, 1.0)]
    [InlineData("pairflip:0", NoiseKind.PairFlip, 0.0)]
    public void Parse_ValidSpec_GivesKindAndRate(string text, NoiseKind kind, double rate)
    {
        var spec = NoiseSpec.Parse(text);

        Assert.Equal(kind, spec.Kind);
        Assert.Equal(rate, spec.Rate);
    }

    [Theory]
    [InlineData("", "expected 'none'")]
    [InlineData("symmetric", "expected 'none'")]
    [InlineData("gaussian:0.2", "unknown kind 'gaussian'")]
    [InlineData("symmetric:abc", "rate 'abc' is not a number")]
    [InlineData("symmetric:1.5", "outside [0, 1]")]
    [InlineData("pairflip:-0.1", "outside [0, 1]")]
    [InlineData("pairflip:NaN", "is not a number")]
    public void Parse_InvalidSpec_ThrowsFormatExceptionSayingWhy(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => NoiseSpec.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("symmetric:0.4")]
    [InlineData("pairflip:0.25")]
    public void ToString_RoundTripsThroughParse(string text)
    {
        Assert.Equal(text, NoiseSpec.Parse(text).ToString());
    }
}
