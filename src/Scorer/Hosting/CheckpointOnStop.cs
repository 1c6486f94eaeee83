using EasyHard.Scorer.Scoring;
using Microsoft.Extensions.Hosting;

namespace EasyHard.Scorer.Hosting;

/// <summary>
/// Saves the proxy's checkpoint when the host stops. Registered before the scorer's Kafka worker, so it
/// stops after it (hosted services stop in reverse order): the last drained batch is in the checkpoint.
/// </summary>
public sealed class CheckpointOnStop(ScoringEngine engine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        engine.SaveCheckpoint();
        return Task.CompletedTask;
    }
}
