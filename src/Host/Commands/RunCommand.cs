using System.CommandLine;
using EasyHard.Host.Composition;

namespace EasyHard.Host.Commands;

/// <summary><c>easyhard run --role all|ingest|scorer|sink</c>: runs roles until SIGTERM/Ctrl+C.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "all | ingest | scorer | sink", DefaultValueFactory = _ => "all" };
        role.AcceptOnlyFromAmong("all", "ingest", "scorer", "sink");
        var command = new Command("run", "Run EasyHard roles until SIGTERM or Ctrl+C.")
        {
            role,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var app = EasyHardApp.Build(RoleNames.Parse(parse.GetValue(role)!), CommandOverrides.From(parse));
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}
