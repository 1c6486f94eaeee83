using EasyHard.Contracts.Codecs;

namespace EasyHard.Core.Kafka;

/// <summary>What one record decodes to: exactly one of <see cref="Value"/> and <see cref="Rejection"/> is set.</summary>
public readonly record struct Decoded<TInput>
    where TInput : class
{
    private Decoded(TInput? value, Rejection? rejection) => (Value, Rejection) = (value, rejection);

    public TInput? Value { get; }

    /// <summary>Why the record cannot be processed: a code from <see cref="RejectReasons"/> and a message naming what is wrong.</summary>
    public Rejection? Rejection { get; }

    public static Decoded<TInput> Accept(TInput value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static Decoded<TInput> Reject(string reason, string message) => new(null, new Rejection(reason, message));
}
