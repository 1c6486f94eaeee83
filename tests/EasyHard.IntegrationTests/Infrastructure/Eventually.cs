using System.Diagnostics;

namespace EasyHard.IntegrationTests.Infrastructure;

/// <summary>Waits on a condition with a deadline (never a bare sleep as synchronization).</summary>
public static class Eventually
{
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan deadline, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"Not reached within {deadline.TotalSeconds:F0}s: {describe()}");
            }

            await Task.Delay(200);
        }
    }
}
