namespace EasyHard.Core.Configuration;

/// <summary>
/// Configuration that cannot work, found before anything starts: each problem is one line an operator can act on,
/// naming the key (e.g. <c>Scorer:LearningRat is not a setting (did you mean Scorer:Proxy:LearningRate?)</c>).
/// </summary>
public sealed class ConfigurationErrorException : Exception
{
    public ConfigurationErrorException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems))
    {
        ArgumentNullException.ThrowIfNull(problems);
        Problems = problems;
    }

    public ConfigurationErrorException(IReadOnlyList<string> problems, Exception innerException)
        : base(string.Join(Environment.NewLine, problems), innerException)
    {
        ArgumentNullException.ThrowIfNull(problems);
        Problems = problems;
    }

    public ConfigurationErrorException()
        : this([])
    {
    }

    public ConfigurationErrorException(string message)
        : this([message])
    {
    }

    public ConfigurationErrorException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    public IReadOnlyList<string> Problems { get; }
}
