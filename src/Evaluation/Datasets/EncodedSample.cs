namespace EasyHard.Evaluation.Datasets;

/// <summary>A sample ready to produce: record key (the UTF-8 id), value, and the <c>content-type</c> header value.</summary>
public sealed record EncodedSample(string Id, byte[] Key, byte[] Payload, string ContentType);
