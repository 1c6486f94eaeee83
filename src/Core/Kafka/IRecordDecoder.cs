using Confluent.Kafka;

namespace EasyHard.Core.Kafka;

/// <summary>Reads a role's input from a record's bytes and headers, or says why it cannot.</summary>
public interface IRecordDecoder<TInput>
    where TInput : class
{
    /// <summary>The record's input, or its rejection. Bad input is a rejection, never an exception: a decoder that
    /// throws has a defect, and <see cref="DecodingStage{TInput}"/> dead-letters the record as <c>parser_error</c>.</summary>
    Decoded<TInput> Decode(ConsumeResult<byte[], byte[]> record);
}
