using System.Diagnostics.CodeAnalysis;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts.V1;

namespace EasyHard.Ingest.Parsing;

/// <summary>Outcome of parsing one record: exactly one of <see cref="Sample"/> and <see cref="Rejection"/> is set.</summary>
public readonly struct SampleParseResult
{
    private SampleParseResult(CanonicalSample? sample, Rejection? rejection)
    {
        Sample = sample;
        Rejection = rejection;
    }

    public CanonicalSample? Sample { get; }

    public Rejection? Rejection { get; }

    [MemberNotNullWhen(true, nameof(Sample))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsAccepted => Sample is not null;

    public static SampleParseResult Accepted(CanonicalSample sample) => new(sample ?? throw new ArgumentNullException(nameof(sample)), null);

    public static SampleParseResult Rejected(Rejection rejection) => new(null, rejection ?? throw new ArgumentNullException(nameof(rejection)));

    public static SampleParseResult Rejected(string reason, string message) => new(null, new Rejection(reason, message));

    public override string ToString() => IsAccepted ? $"accepted {Sample.Sample.Id}" : $"rejected {Rejection}";
}
