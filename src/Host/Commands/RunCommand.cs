using System.CommandLine;
using EasyHard.Host.Composition;

namespace EasyHard.Host.Commands;

/// <summary><c>easyhard run --role all|ingest|scorer|sink</c>: runs roles until SIGTERM/Ctrl+C.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "all | ingest | scorer | sink", DefaultValueFactory = _ => "all" };
        var command = new Command("run", "Run EasyHard roles (configuration from appsettings.json, EASYHARD_* / Section__Key environment variables, or --Section:Key=value).")
        {
            role,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var app = EasyHardApp.Build(RoleNames.Parse(parse.GetValue(role)!), [.. parse.UnmatchedTokens]);
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}
