namespace EasyHard.Core.Configuration;

/// <summary>
/// How a setting that is an enum (a choice) is spelled in configuration, help, errors and checkpoints: its member's
/// name in lower case (<c>ComputeDevice.Cuda</c> → <c>cuda</c>). The binder reads any case.
/// </summary>
public static class Choices
{
    public static string Name(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.ToString().ToLowerInvariant();
    }

    /// <summary>"auto, cpu, cuda": every name of <paramref name="choice"/>, for a message.</summary>
    public static string Names(Type choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return string.Join(", ", Enum.GetNames(choice).Select(n => n.ToLowerInvariant()));
    }
}
