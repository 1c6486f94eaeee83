using EasyHard.Bench.Common;
using Xunit;

namespace EasyHard.IntegrationTests.Bench;

public sealed class BenchOutputTests
{
    [Theory]
    [InlineData(0.00123, 4, "+0.0012")]
    [InlineData(-0.004, 4, "-0.0040")]
    [InlineData(-0.00001, 4, "0.0000")]
    [InlineData(0.00001, 4, "0.0000")]
    [InlineData(0.0, 4, "0.0000")]
    [InlineData(1.106, 2, "+1.11")]
    [InlineData(-0.64, 2, "-0.64")]
    public void Signed_WritesTheSign_AndZeroWithoutOne(double value, int decimals, string expected) =>
        Assert.Equal(expected, BenchOutput.Signed(value, decimals));
}
