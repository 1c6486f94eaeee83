using EasyHard.Bench.Throughput;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Common;

/// <summary>
/// The steady load of the long-running benchmarks: a pool of synthetic rows with the benchmarks' label noise
/// (<see cref="ThroughputSettings.Noise"/>), cycled by index, each sample with an id of its own that ends in its index
/// (<see cref="SampleKeys"/>), so a reader of the trainer stream can tell which sample arrived.
/// </summary>
public sealed class LoadPool
{
    private readonly IReadOnlyList<LabelledSample> _pool;
    private readonly SampleEncoder _encoder;
    private readonly string _idPrefix;

    public LoadPool(int size, int dimension, int classes, int seed, SampleFormat format, string idPrefix)
    {
        var data = SyntheticDataset.Generate(size, dimension, classes, seed);
        _pool = data.WithLabels(new NoiseInjector(ThroughputSettings.Noise, classes, seed).Apply(data.Labels), "pool");
        _encoder = new SampleEncoder(format);
        _idPrefix = idPrefix;
    }

    public string IdOf(long index) => DenseDataset.Id(_idPrefix, checked((int)index));

    public EncodedSample Sample(long index) => _encoder.Encode(_pool[(int)(index % _pool.Count)] with { Id = IdOf(index) });
}
