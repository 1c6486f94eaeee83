using System.Collections.Concurrent;
using Confluent.Kafka;
using EasyHard.Core.Kafka;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>
/// The delivery reports of one attempt at a batch: how many are outstanding, which outputs were refused for good
/// (<see cref="RefusedOutput.IsPermanent"/>) and the first other error. Reports arrive on librdkafka's poll thread.
/// </summary>
internal sealed class DeliveryReports
{
    private readonly ConcurrentQueue<RefusedOutput> _refused = new();
    private int _pending;
    private Error? _firstError;

    public int Pending => Volatile.Read(ref _pending);

    public bool AnyRefused => !_refused.IsEmpty;

    /// <summary>A delivery handler for <paramref name="output"/>; call once per produce that librdkafka accepted.</summary>
    public Action<DeliveryReport<byte[], byte[]>> Expect(OutgoingMessage output)
    {
        Interlocked.Increment(ref _pending);
        return report =>
        {
            if (report.Error.IsError)
            {
                Failed(output, report.Error);
            }

            Interlocked.Decrement(ref _pending);
        };
    }

    /// <summary>Undoes <see cref="Expect"/> for a produce that librdkafka refused: no report will come for it.</summary>
    public void Forget() => Interlocked.Decrement(ref _pending);

    /// <summary>Records a failure of <paramref name="output"/>, at produce time or in its delivery report.</summary>
    public void Failed(OutgoingMessage output, Error error)
    {
        if (RefusedOutput.IsPermanent(error.Code))
        {
            _refused.Enqueue(new RefusedOutput(output, error));
        }
        else
        {
            Interlocked.CompareExchange(ref _firstError, error, null);
        }
    }

    /// <summary>Throws <see cref="UndeliverableOutputsException"/> when outputs were refused for good, else the first other error.</summary>
    public void ThrowIfFailed(Exception? inner = null)
    {
        ThrowIfRefused(inner);
        if (_firstError is { } error)
        {
            throw new KafkaException(error);
        }
    }

    /// <summary>Throws <see cref="UndeliverableOutputsException"/> (with <paramref name="inner"/>) when outputs were refused for good.</summary>
    public void ThrowIfRefused(Exception? inner = null)
    {
        if (!_refused.IsEmpty)
        {
            throw new UndeliverableOutputsException([.. _refused], inner);
        }
    }

    /// <summary>
    /// After a transaction failed: waits up to <paramref name="limit"/> for a refusal's report to arrive (the
    /// coordinator may fail the commit before the poll thread has handed the report over), or for every report.
    /// </summary>
    public void AwaitRefusalOrAll(TimeSpan limit)
    {
        var deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (_refused.IsEmpty && Pending > 0 && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(5);
        }
    }
}
