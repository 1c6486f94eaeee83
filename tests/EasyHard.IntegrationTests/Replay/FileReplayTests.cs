using System.IO.Compression;
using System.Text;
using System.Text.Json;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Replay;
using EasyHard.Scorer;

namespace EasyHard.IntegrationTests.Replay;

public sealed class FileReplayTests
{
    [Fact]
    public void Replay_GzippedFileWithBadLines_ScoresEveryValidLineAndReportsBadOnesByLineNumber()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-replay-").FullName;
        var input = Path.Combine(directory, "in.jsonl.gz");
        var output = Path.Combine(directory, "out.jsonl");
        var data = SyntheticDataset.Generate(600, dimension: 8, classes: 10, seed: 3);
        var samples = data.WithLabels(new NoiseInjector(NoiseSpec.None, 10, 3).Apply(data.Labels), "r");
        var encoder = new SampleEncoder(SampleFormat.Json);
        var lines = samples.Select(s => Encoding.UTF8.GetString(encoder.Encode(s).Payload)).ToList();
        lines.Insert(10, "{not json");
        lines.Insert(20, """{"id":"x","features":[1,2,3],"label":1}""");
        lines.Insert(30, """{"id":"y","features":[1,2,3,4,5,6,7,8],"label":99}""");
        using (var gz = new GZipStream(File.Create(input), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gz))
        {
            lines.ForEach(writer.WriteLine);
        }

        var errors = new StringWriter();
        var options = new ScorerOptions { CheckpointPath = Path.Combine(directory, "ckpt"), CheckpointIntervalSeconds = 0, Statistics = { WarmupSamples = 100 } };
        var result = new FileReplay(options, classes: 10, dimension: null, errors).Run(input, output);

        Assert.Equal(8, result.Dimension);
        Assert.Equal(600, result.Scored);
        Assert.Equal(3, result.Rejected);
        Assert.Contains(":11: unparsable_json", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains(":21: wrong_dimension", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains(":31: label_out_of_range", errors.ToString(), StringComparison.Ordinal);
        var scored = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(samples.Select(s => s.Id), scored.Select(e => e.GetProperty("id").GetString()));
        string[] fields = ["id", "label", "predicted_label", "loss", "self_confidence", "margin", "el2n", "grad_norm", "influence", "difficulty", "noise", "weight", "bucket", "model_version"];
        Assert.All(scored, e => Assert.All(fields, f => Assert.True(e.TryGetProperty(f, out _), $"missing {f}")));
        Assert.True(scored[^1].GetProperty("model_version").GetInt64() > 0);
    }

    [Fact]
    public void Replay_WithAnImageShape_ScoresWithTheImageFeatures_AndRefusesAShapeThatIsNotTheSamples()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-replay-image-").FullName;
        var input = Path.Combine(directory, "in.jsonl");
        var data = SyntheticDataset.Generate(400, dimension: 16, classes: 10, seed: 5);
        var samples = data.WithLabels(new NoiseInjector(NoiseSpec.None, 10, 5).Apply(data.Labels), "i");
        var encoder = new SampleEncoder(SampleFormat.Json);
        File.WriteAllLines(input, samples.Select(s => Encoding.UTF8.GetString(encoder.Encode(s).Payload)));
        ScorerOptions Options(string name) => new()
        {
            CheckpointPath = Path.Combine(directory, name), CheckpointIntervalSeconds = 0, Statistics = { WarmupSamples = 100 },
            Proxy = { ImageFilters = 4, ImagePooling = 2 },
        };

        var withImages = Options("images.ckpt");
        var result = new FileReplay(withImages, classes: 10, dimension: null, TextWriter.Null, new(1, 4, 4)).Run(input, Path.Combine(directory, "images.jsonl"));
        new FileReplay(Options("pixels.ckpt"), classes: 10, dimension: null, TextWriter.Null).Run(input, Path.Combine(directory, "pixels.jsonl"));

        Assert.Equal(16, result.Dimension);
        Assert.Equal(400, result.Scored);
        Assert.NotEqual(File.ReadAllText(Path.Combine(directory, "pixels.jsonl")), File.ReadAllText(Path.Combine(directory, "images.jsonl")));
        var refused = Assert.Throws<InvalidDataException>(() =>
            new FileReplay(Options("wrong.ckpt"), classes: 10, dimension: null, TextWriter.Null, new(1, 5, 5)).Run(input, Path.Combine(directory, "wrong.jsonl")));
        Assert.Contains("Schema:ImageShape holds 25 values but the samples of", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_TwoPasses_WritesTheSecondOnly_ScoredOutOfFold_AndDetectsNoiseBetterThanOnePass()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-replay-passes-").FullName;
        var input = Path.Combine(directory, "in.jsonl");
        var data = SyntheticDataset.Generate(3000, dimension: 16, classes: 10, seed: 4);
        var noisy = new NoiseInjector(new NoiseSpec(NoiseKind.Symmetric, 0.3), 10, 4).Apply(data.Labels);
        var samples = data.WithLabels(noisy, "p");
        var encoder = new SampleEncoder(SampleFormat.Json);
        File.WriteAllLines(input, samples.Select(s => Encoding.UTF8.GetString(encoder.Encode(s).Payload)).Prepend("{not json"));

        double Auroc(int passes)
        {
            var output = Path.Combine(directory, $"out-{passes}.jsonl");
            var errors = new StringWriter();
            var options = new ScorerOptions { CheckpointPath = Path.Combine(directory, $"ckpt-{passes}"), CheckpointIntervalSeconds = 0, Statistics = { WarmupSamples = 200 } };
            var result = new FileReplay(options, classes: 10, dimension: 16, errors).Run(input, output, passes);
            Assert.Equal(3000, result.Scored);
            Assert.Equal(1, result.Rejected);

            // The end-of-stream rate estimates the replay prints, around the 30 % injected; the confident disagreement
            // the closest of them, the calibrated rate half of it and half the joint's and the mixtures'.
            var rates = result.NoiseRate;
            Assert.True(Math.Abs(rates.Disagreement - 0.3) < 0.06, $"confident disagreement {rates.Disagreement:F3}, joint {rates.Joint:F3}, mixtures {rates.Mixture:F3}");
            Assert.InRange(rates.Calibrated, Math.Min(rates.Disagreement, (rates.Joint + rates.Mixture) / 2) - 0.05, Math.Max(rates.Disagreement, (rates.Joint + rates.Mixture) / 2) + 0.05);

            // A bad line is reported once, not once per pass.
            Assert.Single(errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            var scored = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(samples.Select(s => s.Id), scored.Select(e => e.GetProperty("id").GetString()));
            return EasyHard.Evaluation.Metrics.Auroc.Compute([.. scored.Select(e => e.GetProperty("noise").GetDouble())], noisy.IsNoisy);
        }

        double one = Auroc(1), two = Auroc(2);
        Assert.True(two > one, $"noise AUROC with two passes {two:F4}, with one {one:F4}");
    }
}
