using Confluent.Kafka;
using EasyHard.Core.Hosting.Delivery;
using EasyHard.Core.Kafka;

namespace EasyHard.Core.Tests.Loop;

/// <summary>
/// A delivery that keeps what it was given: each batch sent (its outputs and offsets) and each one completed, in order,
/// in <see cref="Events"/>. <see cref="FailSend"/> and <see cref="FailComplete"/> make chosen attempts throw a
/// transient Kafka error; <see cref="CompleteGate"/> holds a background commit until the test opens it.
/// </summary>
internal sealed class RecordingDelivery(bool completesInBackground) : IBatchDelivery
{
    private readonly Lock _lock = new();
    private readonly List<string> _events = [];
    private IReadOnlyList<TopicPartitionOffset>? _sending;
    private int _sends;
    private int _completes;

    public bool CompletesInBackground => completesInBackground;

    /// <summary>Send attempts (1, 2, ...) that throw.</summary>
    public HashSet<int> FailSend { get; } = [];

    /// <summary>Complete attempts (1, 2, ...) that throw.</summary>
    public HashSet<int> FailComplete { get; } = [];

    /// <summary>When set, a completion waits for it.</summary>
    public ManualResetEventSlim? CompleteGate { get; set; }

    /// <summary>The offsets of every batch that completed, in order.</summary>
    public List<IReadOnlyList<TopicPartitionOffset>> Committed { get; } = [];

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public void Add(string text)
    {
        lock (_lock)
        {
            _events.Add(text);
        }
    }

    public void Start()
    {
    }

    public void Reset() => _sending = null;

    public void Send(IReadOnlyList<OutgoingMessage> outputs, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        var attempt = ++_sends;
        Add($"send {Describe(offsets)}");
        if (FailSend.Contains(attempt))
        {
            throw new KafkaException(new Error(ErrorCode.Local_Transport, "scripted: broker down"));
        }

        _sending = offsets;
    }

    public void Complete()
    {
        var attempt = Interlocked.Increment(ref _completes);
        CompleteGate?.Wait(TimeSpan.FromSeconds(30));
        var offsets = _sending ?? throw new InvalidOperationException("Complete without a batch sent");
        if (FailComplete.Contains(attempt))
        {
            Add($"commit failed {Describe(offsets)}");
            throw new KafkaException(new Error(ErrorCode.Local_Transport, "scripted: commit failed"));
        }

        lock (_lock)
        {
            Committed.Add(offsets);
        }

        Add($"committed {Describe(offsets)}");
    }

    public void Dispose()
    {
    }

    /// <summary>"p0@4,p1@2": the next offset of each partition.</summary>
    public static string Describe(IEnumerable<TopicPartitionOffset> offsets) =>
        string.Join(',', offsets.OrderBy(o => o.Partition.Value).Select(o => $"p{o.Partition.Value}@{o.Offset.Value}"));
}
