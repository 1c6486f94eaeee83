using Confluent.Kafka;
using EasyHard.Core.Kafka;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>An output the producer or the broker refused for a reason that retrying cannot change.</summary>
public sealed record RefusedOutput(OutgoingMessage Output, Error Error)
{
    /// <summary>
    /// Errors that belong to one record, not to the connection: the record is too large or malformed for this
    /// producer or this topic. Sending it again fails the same way, so its input is dead-lettered instead.
    /// </summary>
    public static bool IsPermanent(ErrorCode code) => code is ErrorCode.MsgSizeTooLarge
        or ErrorCode.RecordListTooLarge or ErrorCode.InvalidMsg or ErrorCode.InvalidMsgSize or ErrorCode.InvalidRecord
        or ErrorCode.Local_BadMsg or ErrorCode.InvalidTimestamp;
}
