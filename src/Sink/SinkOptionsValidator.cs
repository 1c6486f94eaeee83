using System.Data.Common;
using EasyHard.Core.Configuration;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.TrainerStream;
using Microsoft.Extensions.Options;

namespace EasyHard.Sink;

/// <summary>
/// Validates the values of <see cref="SinkOptions"/> that DataAnnotations cannot express (the annotations, nested
/// sections included, are checked by <see cref="KeyedValidation"/>), naming every failure by its configuration key (e.g. <c>Sink:Database:Provider</c>) so a bad config fails at
/// start with a message an operator can act on.
/// </summary>
public sealed class SinkOptionsValidator : IValidateOptions<SinkOptions>
{
    public ValidateOptionsResult Validate(string? name, SinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Database is { } database)
        {
            if (!string.IsNullOrWhiteSpace(database.Provider) && !DatabaseProviders.IsKnown(database.Provider))
            {
                failures.Add($"Sink:Database:Provider: '{database.Provider}' is not supported; use one of: {string.Join(", ", DatabaseProviders.All)}.");
            }

            if (!string.IsNullOrWhiteSpace(database.ConnectionString) && !IsWellFormed(database.ConnectionString))
            {
                failures.Add("Sink:Database:ConnectionString: not a valid connection string (expected key=value pairs separated by ';').");
            }
        }

        if (options.TrainerStream is { } stream && !string.IsNullOrWhiteSpace(stream.Mode) && !TrainerStreamModes.IsKnown(stream.Mode))
        {
            failures.Add($"Sink:TrainerStream:Mode: '{stream.Mode}' is not supported; use one of: {string.Join(", ", TrainerStreamModes.All)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsWellFormed(string connectionString)
    {
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
