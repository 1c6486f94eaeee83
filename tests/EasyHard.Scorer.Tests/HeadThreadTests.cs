using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

public sealed class HeadThreadTests
{
    [Fact]
    public void Post_RunsOnTheThreadItWasInitializedOn_AndWaitJoinsIt()
    {
        int initializedOn = -1, ranOn = -2;
        using var thread = new HeadThread("test heads", () => initializedOn = Environment.CurrentManagedThreadId);

        thread.Post(() => ranOn = Environment.CurrentManagedThreadId);
        thread.Wait();

        Assert.Equal(initializedOn, ranOn);
        Assert.NotEqual(Environment.CurrentManagedThreadId, ranOn);
    }

    [Fact]
    public void Wait_RethrowsWhatTheItemThrew_AndTheNextItemStillRuns()
    {
        using var thread = new HeadThread("test heads", () => { });
        thread.Post(() => throw new InvalidOperationException("boom"));
        Assert.Equal("boom", Assert.Throws<InvalidOperationException>(thread.Wait).Message);

        bool ran = false;
        thread.Post(() => ran = true);
        thread.Wait();
        Assert.True(ran);
    }

    [Fact]
    public void Post_BeforeThePreviousItemWasJoined_Throws()
    {
        using var gate = new ManualResetEventSlim();
        using var thread = new HeadThread("test heads", () => { });
        thread.Post(gate.Wait);

        Assert.Throws<InvalidOperationException>(() => thread.Post(() => { }));
        gate.Set();
        thread.Wait();
    }

    [Fact]
    public void Wait_AfterAFailedStart_NamesTheThreadAndTheCause()
    {
        using var thread = new HeadThread("test heads", () => throw new InvalidOperationException("no torch"));
        thread.Post(() => { });

        var thrown = Assert.Throws<InvalidOperationException>(thread.Wait);
        Assert.Contains("test heads", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("no torch", thrown.Message, StringComparison.Ordinal);
    }
}
