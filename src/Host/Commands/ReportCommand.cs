using System.CommandLine;
using EasyHard.Core.Configuration;
using EasyHard.Host.Composition;
using EasyHard.Sink.Reporting;
using Microsoft.Extensions.Configuration;

namespace EasyHard.Host.Commands;

/// <summary>
/// <c>easyhard report</c>: one self-contained HTML page (<c>DIR/index.html</c>) from <c>sample_scores</c> and its
/// views: overview, per-class noise and difficulty, the noise transition heatmap, distributions, the proxy over
/// time and a gallery of the most likely mislabelled samples. Class names come from <c>Schema:ClassNames</c>;
/// the gallery draws thumbnails when <c>Schema:ImageShape</c> is set.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var database = new Option<string>("--database") { Description = $"provider:connection, e.g. {DatabaseArgument.Example}", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write index.html into (created when missing)", Required = true };
        var top = new Option<int>("--top") { Description = "Samples in the gallery of suspected mislabels", DefaultValueFactory = _ => SampleReport.DefaultTop };
        var command = new Command("report", "Write an HTML report (plots, noise transitions, suspected mislabels) from the Sink's database.")
        {
            database, output, top,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(top) is var n && n < 0)
            {
                throw new ConfigurationErrorException($"--top {n}: give 0 or more samples.");
            }

            var schema = ReadSchema(CommandOverrides.From(parse));
            var path = await SampleReport.WriteAsync(
                DatabaseArgument.Parse(parse.GetValue(database)!), schema, parse.GetValue(top), parse.GetValue(output)!.FullName, TimeProvider.System, ct);
            Console.WriteLine(path);
            return 0;
        });
        return command;
    }

    /// <summary><c>Schema:ClassNames</c> and <c>Schema:ImageShape</c> from appsettings.json, the environment and the command's overrides.</summary>
    internal static ReportSchema ReadSchema(IReadOnlyList<string> overrides)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables("EASYHARD_")
            .AddCommandLine([.. overrides])
            .Build();
        if (EasyHardSections.Keys.Problems(configuration) is { Count: > 0 } unknown)
        {
            throw new ConfigurationErrorException(unknown);
        }

        var schema = configuration.GetSection(SampleSchemaOptions.SectionName).Get<SampleSchemaOptions>() ?? new SampleSchemaOptions();
        if (schema.ClassNames.Length > 0 && configuration.GetSection($"{SampleSchemaOptions.SectionName}:Classes").Value is null)
        {
            schema.Classes = schema.ClassNames.Length; // the report needs no Schema:Classes beside the names
        }

        if (ImageShape.TryParse(schema.ImageShape, out var image) && configuration.GetSection($"{SampleSchemaOptions.SectionName}:Dimension").Value is null)
        {
            schema.Dimension = (int)Math.Min(image.Size, int.MaxValue); // nor Schema:Dimension beside the shape
        }

        if (KeyedValidation.Failures(schema, SampleSchemaOptions.SectionName) is { Count: > 0 } failures)
        {
            throw new ConfigurationErrorException(failures);
        }

        return ReportSchema.From(schema);
    }
}
