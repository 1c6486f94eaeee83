using System.IO.Compression;
using System.Text;
using System.Text.Json;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts.V1;
using EasyHard.Ingest.Parsing;
using EasyHard.Scorer;
using EasyHard.Scorer.Scoring;

namespace EasyHard.Host.Replay;

/// <summary>
/// Streams a JSON-lines file through the same Ingest → Scorer core as the Kafka pipeline, in arrival order,
/// with the same micro-batching and online learning. Bad lines are reported with their line number and skipped.
/// With several passes the proxy trains on the whole file first and only the last pass is written: with the
/// cross-fitted ensemble (<c>Scorer:Proxy:Folds</c>) every sample of that pass is scored by heads that never trained on it,
/// which is K-fold cross-validation of the file.
/// </summary>
/// <param name="image">The samples' <c>Schema:ImageShape</c>, where they are images: the proxy then sees their image features
/// too (<c>Scorer:Proxy:ImageFilters</c>), as the pipeline's scorer does.</param>
public sealed class FileReplay(ScorerOptions scorerOptions, int classes, int? dimension, TextWriter errors, ImageShape? image = null)
{
    /// <param name="NoiseRate">The stream's label-noise rate as the scorer estimates it at the end: the rate <c>noise</c> is
    /// calibrated to and the estimates it weighs (<c>Scorer:Statistics:ConfidentRateShare</c>, <c>:JointRateShare</c>).</param>
    public sealed record Result(long Lines, long Scored, long Rejected, int Dimension, long ModelVersion, NoiseRateEstimates NoiseRate);

    public Result Run(string inputPath, string outputPath, int passes = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 1);
        var resolvedDimension = dimension ?? FirstValidDimension(inputPath)
            ?? throw new InvalidDataException($"{inputPath} has no valid sample to take the feature dimension from.");
        var parser = new SampleParser(new SampleSchemaOptions
        {
            Dimension = resolvedDimension,
            Classes = classes,
            MaxRecordBytes = 64 * 1024 * 1024,
        });
        if (image is { } shape && shape.Size != resolvedDimension)
        {
            throw new InvalidDataException($"Schema:ImageShape holds {shape.Size} values but the samples of {inputPath} have {resolvedDimension} features.");
        }

        using var engine = new ScoringEngine(scorerOptions, resolvedDimension, classes, image: image);
        using var output = File.Create(outputPath);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        var newline = "\n"u8.ToArray();
        var pending = new List<CanonicalSample>(scorerOptions.Batching.MaxBatchSize);
        long lines = 0, scored = 0, rejected = 0;
        bool lastPass = false;

        void Flush() => Write(engine.Score(pending));

        void Write(IReadOnlyList<ScoredSample> results)
        {
            pending.Clear();
            if (!lastPass)
            {
                return;
            }

            foreach (var result in results)
            {
                ScoredLineWriter.Write(json, result);
                json.Flush();
                output.Write(newline);
                json.Reset();
                scored++;
            }
        }

        for (int pass = 1; pass <= passes; pass++)
        {
            lastPass = pass == passes;
            lines = 0;
            rejected = 0;
            ReplayPass(pass == 1);
        }

        return new Result(lines, scored, rejected, resolvedDimension, engine.ModelVersion, engine.NoiseRateEstimates());

        void ReplayPass(bool reportRejections)
        {
            foreach (var line in ReadLines(inputPath))
            {
                lines++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var origin = new Origin { Topic = Path.GetFileName(inputPath), Partition = 0, Offset = lines };
                var parsed = parser.Parse(Encoding.UTF8.GetBytes(line), ContentTypesJson, ReadOnlySpan<byte>.Empty, origin);
                if (!parsed.IsAccepted)
                {
                    rejected++;
                    if (reportRejections)
                    {
                        errors.WriteLine($"{inputPath}:{lines}: {parsed.Rejection}");
                    }

                    continue;
                }

                pending.Add(parsed.Sample!);
                if (pending.Count == scorerOptions.Batching.MaxBatchSize)
                {
                    Flush();
                }
            }

            if (pending.Count > 0)
            {
                Flush();
            }

            // Samples held back by Scorer:Proxy:ScoreDelaySamples, in arrival order like the rest.
            Write(engine.Flush());
        }
    }

    private const string ContentTypesJson = Contracts.ContentTypes.Json;

    private static int? FirstValidDimension(string path)
    {
        foreach (var line in ReadLines(path))
        {
            if (!string.IsNullOrWhiteSpace(line)
                && SampleJsonCodec.TryParse(Encoding.UTF8.GetBytes(line), out var sample, out _)
                && sample.Features.Count > 0)
            {
                return sample.Features.Count;
            }
        }

        return null;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
