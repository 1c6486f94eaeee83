using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Datasets;

/// <summary>
/// Runs against the real files. CI installs the dataset at <see cref="FashionMnist.DefaultDirectory"/>, so a
/// missing dataset fails these tests rather than skipping them.
/// </summary>
public sealed class FashionMnistTests
{
    [Fact]
    public void Load_Train_Has60000ImagesOf784PixelsInUnitRange()
    {
        var data = FashionMnist.Load(FashionMnist.DefaultDirectory, FashionMnistSplit.Train);

        Assert.Equal(60_000, data.Count);
        Assert.Equal(784, data.Dimension);
        Assert.Equal(10, data.Classes);
        Assert.Equal(60_000L * 784, data.Features.LongLength);
        Assert.All(data.Labels, label => Assert.InRange(label, 0, 9));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6_000, data.Labels.Count(label => label == c)));
        Assert.Equal(0f, data.Features.Min());
        Assert.Equal(1f, data.Features.Max());
        Assert.InRange(data.Features.Average(), 0.2, 0.4);
    }

    [Fact]
    public void Load_Test_Has10000Images()
    {
        var data = FashionMnist.Load(FashionMnist.DefaultDirectory, FashionMnistSplit.Test);

        Assert.Equal(10_000, data.Count);
        Assert.All(data.Labels, label => Assert.InRange(label, 0, 9));
    }

    [Fact]
    public void Load_WithLimit_ReadsFirstImagesOnly()
    {
        var full = FashionMnist.Load(FashionMnist.DefaultDirectory, FashionMnistSplit.Test);

        var first = FashionMnist.Load(FashionMnist.DefaultDirectory, FashionMnistSplit.Test, limit: 100);

        Assert.Equal(100, first.Count);
        Assert.Equal(full.Labels[..100], first.Labels);
        Assert.Equal(full.Row(99).ToArray(), first.Row(99).ToArray());
    }

    [Fact]
    public void Load_MissingDirectory_SaysWhere()
    {
        var missing = Path.Combine(Path.GetTempPath(), "easyhard-no-such-dir-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithWrongMagic_IsInvalidData()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-idx-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(directory, "t10k-labels-idx1-ubyte"), [0, 0, 8, 3, 0, 0, 0, 1, 5]);
            File.WriteAllBytes(Path.Combine(directory, "t10k-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28]);

            var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(directory, FashionMnistSplit.Test));

            Assert.Contains("magic 0x00000803, expected 0x00000801", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
