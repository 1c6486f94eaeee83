using System.Diagnostics;
using TorchSharp;

namespace EasyHard.Bench.Throughput;

/// <summary>
/// The matrix-multiply throughput this machine reaches through TorchSharp for the shapes the proxy's first layer
/// multiplies (scoring forward, training forward, weight gradient): the practical peak the scorer is held against.
/// Each shape is timed in three trials and the best counts, since a shared machine only ever slows a trial down.
/// </summary>
public static class GemmPeak
{
    public sealed record Shape(string Name, int M, int K, int N, long Iterations, double Seconds, double Gflops);

    public sealed record Result(IReadOnlyList<Shape> Shapes, double PeakGflops);

    public static Result Measure(int batchSize, int trainMinibatch, int dimension, int hidden, TimeSpan perShape, torch.Device? device = null)
    {
        device ??= torch.CPU;
        Shape[] shapes =
        [
            Run($"score forward {batchSize}x{dimension} @ {dimension}x{hidden}", batchSize, dimension, hidden, perShape, device),
            Run($"train forward {trainMinibatch}x{dimension} @ {dimension}x{hidden}", trainMinibatch, dimension, hidden, perShape, device),
            Run($"weight gradient {dimension}x{trainMinibatch} @ {trainMinibatch}x{hidden}", dimension, trainMinibatch, hidden, perShape, device),
        ];
        return new Result(shapes, shapes.Max(s => s.Gflops));
    }

    private static Shape Run(string name, int m, int k, int n, TimeSpan duration, torch.Device device) =>
        Enumerable.Range(0, 3).Select(_ => Trial(name, m, k, n, duration / 3, device)).MaxBy(s => s.Gflops)!;

    private static Shape Trial(string name, int m, int k, int n, TimeSpan duration, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(m, k, device: device);
        var b = torch.randn(k, n, device: device);
        for (var i = 0; i < 20; i++)
        {
            torch.mm(a, b).Dispose();
        }

        Synchronize(device);

        long iterations = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 16; i++)
            {
                torch.mm(a, b).Dispose();
            }

            iterations += 16;
            Synchronize(device);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        return new Shape(name, m, k, n, iterations, seconds, 2.0 * m * k * n * iterations / seconds / 1e9);
    }

    /// <summary>A GPU runs kernels asynchronously: the clock may only be read once the queued ones have finished.</summary>
    private static void Synchronize(torch.Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.synchronize(device);
        }
    }
}
