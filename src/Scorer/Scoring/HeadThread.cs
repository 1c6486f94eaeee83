using System.Runtime.ExceptionServices;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// A thread of its own that runs the scoring thread's work for one range of the ensemble's heads, one item at a
/// time: <see cref="Post"/> hands it an item and <see cref="Wait"/> joins it. A dedicated thread rather than the
/// pool's, because libtorch keeps its settings per thread (the OpenMP and MKL thread counts, which the
/// constructor's <c>initialize</c> sets once there), and a pool thread would be a different one each batch.
/// </summary>
internal sealed class HeadThread : IDisposable
{
    private readonly Thread thread;
    private readonly SemaphoreSlim posted = new(0);
    private readonly ManualResetEventSlim done = new(true);
    private Action? work;
    private ExceptionDispatchInfo? failure;
    private Exception? initializationFailure;
    private volatile bool stopping;

    public HeadThread(string name, Action initialize)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        thread = new Thread(() => Loop(initialize)) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Starts <paramref name="item"/> on this thread. The previous item must have been joined.</summary>
    public void Post(Action item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!done.IsSet)
        {
            throw new InvalidOperationException("The previous item has not been joined.");
        }

        done.Reset();
        work = item;
        posted.Release();
    }

    /// <summary>Waits for the posted item and rethrows what it threw.</summary>
    public void Wait()
    {
        done.Wait();
        if (initializationFailure is not null)
        {
            throw new InvalidOperationException($"{thread.Name} could not start: {initializationFailure.Message}", initializationFailure);
        }

        var thrown = Interlocked.Exchange(ref failure, null);
        thrown?.Throw();
    }

    private void Loop(Action initialize)
    {
        try
        {
            initialize();
        }
        catch (Exception ex)
        {
            initializationFailure = ex;
        }

        while (true)
        {
            posted.Wait();
            if (stopping)
            {
                return;
            }

            try
            {
                if (initializationFailure is null)
                {
                    work!();
                }
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                work = null;
                done.Set();
            }
        }
    }

    public void Dispose()
    {
        done.Wait();
        stopping = true;
        posted.Release();
        thread.Join();
        posted.Dispose();
        done.Dispose();
    }
}
