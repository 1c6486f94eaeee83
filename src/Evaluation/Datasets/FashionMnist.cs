using System.Buffers.Binary;
using System.IO.Compression;

namespace EasyHard.Evaluation.Datasets;

/// <summary>
/// Reads Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) from its IDX files, gzip-compressed as distributed
/// (<c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>, <c>t10k-*</c>) or already unpacked.
/// Pixels 0..255 become floats in [0, 1]; each image is one row of 784 features, row-major.
/// IDX format: big-endian int32 magic (0x00000803 for ubyte 3-D images, 0x00000801 for ubyte 1-D labels),
/// then one big-endian int32 per dimension, then the bytes.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package used by CI and the images puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public const int Side = 28;
    public const int Dimension = Side * Side;
    public const int Classes = 10;

    private const int ImagesMagic = 0x00000803;
    private const int LabelsMagic = 0x00000801;

    /// <summary>Class names by label index, from the dataset's documentation.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>True when both files of <paramref name="split"/> are present in <paramref name="directory"/>.</summary>
    public static bool IsAvailable(string directory = DefaultDirectory, FashionMnistSplit split = FashionMnistSplit.Train) =>
        Locate(directory, FilePrefix(split) + "-images-idx3-ubyte") is not null && Locate(directory, FilePrefix(split) + "-labels-idx1-ubyte") is not null;

    /// <summary>Loads one split, or only its first <paramref name="limit"/> images.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file of the split is missing.</exception>
    /// <exception cref="InvalidDataException">A file is not the IDX file it should be, or images and labels disagree.</exception>
    public static DenseDataset Load(string directory = DefaultDirectory, FashionMnistSplit split = FashionMnistSplit.Train, int? limit = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must not be negative");
        }

        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(
                $"Fashion-MNIST directory '{directory}' does not exist; install the dataset there (CI and the images do) or point to another directory");
        }

        var prefix = FilePrefix(split);
        var labels = ReadLabels(Require(directory, prefix + "-labels-idx1-ubyte"), limit);
        var (features, count) = ReadImages(Require(directory, prefix + "-images-idx3-ubyte"), limit);
        if (count != labels.Length)
        {
            throw new InvalidDataException($"Fashion-MNIST {split}: {count} images but {labels.Length} labels");
        }

        return new DenseDataset($"fashion-mnist-{split.ToString().ToLowerInvariant()}", Dimension, Classes, features, labels);
    }

    private static string FilePrefix(FashionMnistSplit split) => split == FashionMnistSplit.Train ? "train" : "t10k";

    private static string? Locate(string directory, string name)
    {
        foreach (var candidate in (ReadOnlySpan<string>)[Path.Combine(directory, name + ".gz"), Path.Combine(directory, name)])
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Require(string directory, string name) =>
        Locate(directory, name) ?? throw new FileNotFoundException($"Fashion-MNIST file '{name}.gz' (or '{name}') is missing in '{directory}'", Path.Combine(directory, name + ".gz"));

    private static Stream Open(string path)
    {
        var file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static int[] ReadLabels(string path, int? limit)
    {
        using var stream = new BufferedStream(Open(path), 1 << 16);
        var count = ReadHeader(stream, path, LabelsMagic, dimensions: 1)[0];
        var take = Math.Min(count, limit ?? count);
        var bytes = new byte[take];
        ReadExactly(stream, bytes, path);
        var labels = new int[take];
        for (var i = 0; i < take; i++)
        {
            labels[i] = bytes[i];
            if (labels[i] >= Classes)
            {
                throw new InvalidDataException($"'{path}': label {labels[i]} at index {i} is outside [0, {Classes})");
            }
        }

        return labels;
    }

    private static (float[] Features, int Count) ReadImages(string path, int? limit)
    {
        using var stream = new BufferedStream(Open(path), 1 << 16);
        var dims = ReadHeader(stream, path, ImagesMagic, dimensions: 3);
        if (dims[1] != Side || dims[2] != Side)
        {
            throw new InvalidDataException($"'{path}': images are {dims[1]}×{dims[2]}, expected {Side}×{Side}");
        }

        var count = Math.Min(dims[0], limit ?? dims[0]);
        var features = new float[(long)count * Dimension];
        var chunk = new byte[Dimension * 256];
        for (var done = 0; done < count;)
        {
            var rows = Math.Min(256, count - done);
            var bytes = chunk.AsSpan(0, rows * Dimension);
            ReadExactly(stream, bytes, path);
            var target = features.AsSpan(done * Dimension, bytes.Length);
            for (var i = 0; i < bytes.Length; i++)
            {
                target[i] = bytes[i] / 255f;
            }

            done += rows;
        }

        return (features, count);
    }

    private static int[] ReadHeader(Stream stream, string path, int magic, int dimensions)
    {
        Span<byte> header = stackalloc byte[4 * (1 + dimensions)];
        ReadExactly(stream, header, path);
        var actual = BinaryPrimitives.ReadInt32BigEndian(header);
        if (actual != magic)
        {
            throw new InvalidDataException($"'{path}' is not an IDX file of {dimensions}-D unsigned bytes: magic 0x{actual:X8}, expected 0x{magic:X8}");
        }

        var dims = new int[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header[(4 * (i + 1))..]);
            if (dims[i] < 0)
            {
                throw new InvalidDataException($"'{path}': dimension {i} is negative ({dims[i]})");
            }
        }

        return dims;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{path}' ends early: it is truncated or its header lies", e);
        }
    }
}
