using EasyHard.Core.Hosting.Retention;

namespace EasyHard.Core.Tests;

public sealed class RetentionGapTests
{
    [Fact]
    public void PositionBelowTheLowWatermark_CountsEveryDeletedOffset_AndResumesAtTheLowWatermark()
    {
        var gap = new RetentionGap(Position: 12, Low: 466, High: 1612);

        Assert.Equal(454, gap.Lost);
        Assert.Equal(466, gap.ResumeAt);
        Assert.False(gap.BeyondEnd);
    }

    [Theory]
    [InlineData(-1001, 0, 10)] // no committed position: a new group
    [InlineData(466, 466, 1612)] // at the earliest record: nothing deleted
    [InlineData(2000, 466, 1612)] // past the end: the log was truncated or the cluster replaced
    public void NothingDeletedBeforeThePosition_LosesNothing(long position, long low, long high)
    {
        var gap = new RetentionGap(position, low, high);

        Assert.Equal(0, gap.Lost);
        Assert.Equal(low, gap.ResumeAt);
        Assert.Equal(position > high, gap.BeyondEnd);
    }
}
