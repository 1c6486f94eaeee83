using EasyHard.Bench.Common;

namespace EasyHard.IntegrationTests.Bench;

public sealed class JitActivityTests
{
    [Fact]
    public void ShareOf_IsCompileTimeOverWallTime()
    {
        var activity = new JitActivity(12, TimeSpan.FromSeconds(0.5));

        Assert.Equal(0.25, activity.ShareOf(2), 12);
        Assert.Equal(0, activity.ShareOf(0));
    }

    [Fact]
    public void Since_CountsMethodsCompiledInBetween()
    {
        var before = JitActivity.Now();
        var compiled = CompileSomethingNew();

        var since = JitActivity.Since(before);

        Assert.Equal(42, compiled);
        Assert.True(since.Methods >= 1, $"{since.Methods} methods");
        Assert.True(since.Time >= TimeSpan.Zero);
    }

    // A generic method over a fresh value type is compiled on its first call.
    private static int CompileSomethingNew() => Identity(new Marker(42)).Value;

    private static T Identity<T>(T value) => value;

    private readonly record struct Marker(int Value);
}
