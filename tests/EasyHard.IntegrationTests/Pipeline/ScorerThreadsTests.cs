using EasyHard.Host.Composition;
using EasyHard.Scorer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyHard.IntegrationTests.Pipeline;

/// <summary>Scorer:Threads = 0 is automatic: one core is left to the other roles' Kafka clients in a shared process.</summary>
public sealed class ScorerThreadsTests
{
    [Theory]
    [InlineData(Roles.All, "0", -1)]
    [InlineData(Roles.Scorer | Roles.Sink, "0", -1)]
    [InlineData(Roles.Scorer, "0", 0)]
    [InlineData(Roles.All, "3", 3)]
    public async Task Threads(Roles roles, string configured, int expected)
    {
        await using var app = EasyHardApp.Build(roles, ["--Kafka:BootstrapServers=embedded", $"--Scorer:Threads={configured}"]);

        var threads = app.Services.GetRequiredService<IOptions<ScorerOptions>>().Value.Threads;

        Assert.Equal(expected == -1 ? Math.Max(1, Environment.ProcessorCount - 1) : expected, threads);
    }
}
