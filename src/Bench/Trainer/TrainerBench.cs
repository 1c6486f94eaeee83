using System.Diagnostics;
using System.Globalization;
using EasyHard.Bench.Common;
using EasyHard.Bench.Throughput;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;
using EasyHard.Evaluation.Datasets;
using EasyHard.Scorer;

namespace EasyHard.Bench.Trainer;

/// <summary>
/// <c>easyhard bench trainer</c>: Fashion-MNIST with injected label noise through EasyHard (all roles in this process,
/// embedded cluster) to <c>examples/pytorch_trainer.py</c>, which trains through Kafka and is evaluated on the clean
/// test split. Stream 1 feeds four trainers at once, three of them on the weighted and quarantine topics: weights on,
/// weights off (every weight 1: training as if EasyHard were not there) and weights with label correction
/// (<c>easyhard.corrected_loss</c>); the fourth reads the weighted topic alone, weights on (the client's default).
/// Stream 2, a fresh pipeline on the same
/// data and seed, feeds one trainer that sends its per-sample losses back as feedback. Then a bare confluent-kafka
/// consumer and the client read stream 1's weighted topic in turn (src/Bench/python/trainer_read.py).
/// </summary>
public static class TrainerBench
{
    /// <param name="PairedWeighted">The arm also trains a twin model with the weights on its very batches (unweighted arm).</param>
    /// <param name="CorrectLabels">The arm trains on <c>easyhard.corrected_loss</c>: weights and suggested labels together.</param>
    private sealed record Arm(string Name, bool Weights, bool IncludeQuarantine, bool Feedback, bool PairedWeighted = false, bool CorrectLabels = false);

    private static readonly TimeSpan TrainerDeadline = TimeSpan.FromMinutes(10);

    /// <summary>Samples produced between two checks of the trainers' progress.</summary>
    private const int Slice = 1024;

    /// <summary>Records between two PROGRESS lines of a trainer.</summary>
    private const int ProgressEvery = 256;

    public static async Task<TrainerResult> RunAsync(TrainerSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();
        var machine = MachineDescription.DescribeTo(log);
        await PythonScript.CheckPrerequisitesAsync(settings.Interpreter, TrainerSettings.Modules, TrainerSettings.Packages, "bench trainer", "", cancellationToken);
        var data = FashionMnist.Load(settings.DataDirectory, FashionMnistSplit.Train, settings.Count);
        var samples = data.WithLabels(new NoiseInjector(settings.Noise, data.Classes, settings.Seed).Apply(data.Labels), "fm");
        var encoder = new SampleEncoder(settings.Format);
        log.WriteLine($"bench trainer: {samples.Count:N0} Fashion-MNIST samples, noise {settings.Noise}, {settings.StreamEpochs} passes through the pipeline, seed {settings.Seed}.");

        using var cluster = new EmbeddedKafkaCluster();
        var partitions = new BenchTopics("probe").Partitions;
        var maxBacklog = BenchProducer.MaxBacklogFor(BenchProducer.LargestRecordBytes(encoder.Encode(samples[0]).Payload.Length + 16, TrainerSettings.Dimension), partitions);
        var problems = new List<string>();
        var stream = new StreamRun(settings, cluster, samples, encoder, maxBacklog, log, problems);

        var (arms, read, load) = await stream.RunAsync("trainer-weights",
            [new Arm("weighted", Weights: true, IncludeQuarantine: true, Feedback: false), new Arm("unweighted", Weights: false, IncludeQuarantine: true, Feedback: false, PairedWeighted: true),
             new Arm("corrected", Weights: true, IncludeQuarantine: true, Feedback: false, CorrectLabels: true),
             new Arm("weighted-topic", Weights: true, IncludeQuarantine: false, Feedback: false)],
            measureRead: true, cancellationToken);
        var (applied, rejected, used) = (ScorerMetrics.FeedbackApplied.Value, ScorerMetrics.FeedbackRejected.Value, ScorerMetrics.FeedbackLossesUsed.Value);
        var (feedbackArms, _, _) = await stream.RunAsync("trainer-feedback", [new Arm("feedback", Weights: true, IncludeQuarantine: true, Feedback: true)],
            measureRead: false, cancellationToken);
        var replay = settings.ReplaySeeds > 0 ? await ReplayAsync(settings, stream.Recording, log, cancellationToken) : null;
        var setup = new TrainerResult.Setup(settings.Noise.ToString(), samples.Count, settings.Seed, settings.StreamEpochs, settings.Format.ToString().ToLowerInvariant(),
            settings.BatchSize, settings.Hidden, settings.LearningRate, partitions, maxBacklog, settings.ExtraConfig);
        return new TrainerResult(machine, setup, arms[0], arms[1], arms[2], arms[3], feedbackArms[0],
            (long)(ScorerMetrics.FeedbackApplied.Value - applied), (long)(ScorerMetrics.FeedbackRejected.Value - rejected),
            (long)(ScorerMetrics.FeedbackLossesUsed.Value - used), read!, load, clock.Elapsed.TotalSeconds, problems, replay);
    }

    /// <summary>
    /// Trains on the unweighted arm's recorded batches again with other weights (src/Bench/python/trainer_replay.py),
    /// once the streams are done and the cores are free.
    /// </summary>
    private static async Task<TrainerReplay> ReplayAsync(TrainerSettings settings, string recording, TextWriter log, CancellationToken cancellationToken)
    {
        try
        {
            log.WriteLine($"replay: the unweighted arm's batches, {settings.ReplaySeeds} trainer seed(s) per arm.");
            await using var script = await PythonScript.StartAsync("The replay", settings.Interpreter, settings.ReplayScript!,
                ["--recording", recording, "--data-dir", settings.DataDirectory, "--seeds", $"{settings.ReplaySeeds}", "--seed", $"{settings.Seed}",
                 "--hidden", $"{settings.Hidden}", "--learning-rate", settings.LearningRate.ToString(CultureInfo.InvariantCulture)],
                TimeSpan.FromMinutes(2), cancellationToken);
            var replay = await script.WaitAsync<TrainerReplay>(TimeSpan.FromMinutes(10 * settings.ReplaySeeds), cancellationToken);
            foreach (var arm in replay.Arms)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {arm.Name}: clean-test accuracy {100 * arm.MeanAccuracy:F2} % ({string.Join(", ", arm.Accuracies.Select(a => (100 * a).ToString("F2", CultureInfo.InvariantCulture)))})"));
            }

            return replay;
        }
        finally
        {
            if (settings.RecordingPath is null)
            {
                File.Delete(recording);
            }
        }
    }

    /// <summary>One pipeline on fresh topics, its input produced <see cref="TrainerSettings.StreamEpochs"/> times, read by trainers.</summary>
    private sealed class StreamRun(TrainerSettings settings, EmbeddedKafkaCluster cluster, IReadOnlyList<LabelledSample> samples, SampleEncoder encoder,
        int maxBacklog, TextWriter log, List<string> problems)
    {
        /// <summary>Where the unweighted arm records its batches when the run replays or keeps them.</summary>
        public string Recording { get; } = settings.RecordingPath ?? Path.Combine(Path.GetTempPath(), $"easyhard-trainer-batches-{Guid.NewGuid():N}.npz");

        public async Task<(List<TrainerArm> Arms, ReadThroughput? Read, ScorerLoad Load)> RunAsync(string phase, IReadOnlyList<Arm> arms, bool measureRead,
            CancellationToken cancellationToken)
        {
            var topics = new BenchTopics(phase);
            topics.CreateOn(cluster);
            var capacity = samples.Count + 1;
            var tracker = new ArrivalTracker(capacity);
            using var reader = new TrainerStreamReader(cluster.BootstrapServers, topics.TrainerTopics, topics.Partitions, tracker, countPerTopic: true);
            // The scorer is told its trainers' groups, as a deployment would: where they set the pace it keeps full quality.
            var trainerGroups = arms.Select((arm, i) => $"--Scorer:Load:TrainerGroups:{i}={GroupOf(topics, arm)}");
            await using var pipeline = await BenchPipeline.StartAsync(cluster.BootstrapServers, topics, TrainerSettings.Dimension, TrainerSettings.Classes,
                [$"--Scorer:Proxy:Seed={settings.Seed}", $"--Schema:ImageShape={FashionMnist.Side}x{FashionMnist.Side}", .. trainerGroups, .. settings.ExtraConfig], cancellationToken);
            var (scoredBefore, underLoadBefore) = (ScorerMetrics.SamplesScored.Value, ScorerMetrics.SamplesUnderLoad.Value);
            var batches = PipelineMetrics.For("scorer").BatchSize;
            var (batchesBefore, batchRecordsBefore) = (batches.Count, batches.Sum);
            var total = (long)samples.Count * settings.StreamEpochs;
            var trainers = new List<PythonScript>();
            try
            {
                foreach (var arm in arms)
                {
                    trainers.Add(await PythonScript.StartAsync($"The {arm.Name} trainer", settings.Interpreter, settings.Script,
                        Arguments(arm, topics, total), TimeSpan.FromMinutes(2), cancellationToken));
                }

                log.WriteLine($"{phase}: trainers {string.Join(", ", arms.Select(a => a.Name))} read {topics.Options.Weighted}.");
                using var producer = new BenchProducer(cluster.BootstrapServers, topics.Options.Input);
                var feedbackBefore = ScorerMetrics.FeedbackApplied.Value;
                for (var epoch = 0; epoch < settings.StreamEpochs; epoch++)
                {
                    if (epoch > 0)
                    {
                        if (arms.Any(a => a.Feedback))
                        {
                            await WaitForFeedbackAsync(RecordsFor(arms.First(a => a.Feedback), reader, topics), feedbackBefore, phase, epoch, cancellationToken);
                        }

                        tracker = new ArrivalTracker(capacity);
                        reader.Track(tracker);
                    }

                    var started = Stopwatch.StartNew();
                    long delivered = 0;
                    for (var first = 0; first < samples.Count; first += Slice)
                    {
                        // The mock cluster deletes what a partition holds beyond 5 MiB, read or not: the next slice
                        // waits until the slowest trainer is within the backlog, as the producer waits for the pipeline.
                        await WaitForTrainersAsync(arms, trainers, reader, topics, tracker, maxBacklog - Slice, cancellationToken);
                        var slice = first;
                        var sent = await Task.Factory.StartNew(
                            () => producer.Run(Math.Min(Slice, samples.Count - slice), i => encoder.Encode(samples[(int)i]), tracker, 0, maxBacklog,
                                LoadRunner.Stall, cancellationToken, first: slice),
                            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                        if (sent.Failed > 0)
                        {
                            problems.Add($"{phase} pass {epoch + 1}: {sent.Failed} samples were not delivered to the input topic");
                        }

                        delivered += sent.Sent - sent.Failed;
                    }

                    if (!await tracker.WaitForAllAsync(delivered, LoadRunner.Stall, cancellationToken))
                    {
                        problems.Add($"{phase} pass {epoch + 1}: {delivered - tracker.Arrived} samples never reached the trainer topics");
                    }

                    reader.ThrowIfFailed();
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  pass {epoch + 1}: {tracker.Arrived:N0} samples scored in {started.Elapsed.TotalSeconds:F1} s ({tracker.Arrived / started.Elapsed.TotalSeconds:N0}/s), {reader.RecordsOn(topics.Options.Quarantine):N0} quarantined so far"));
                }

                var load = new ScorerLoad((long)(ScorerMetrics.SamplesScored.Value - scoredBefore), (long)(ScorerMetrics.SamplesUnderLoad.Value - underLoadBefore));
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {load.UnderLoad:N0} of {load.Scored:N0} samples scored under load ({100 * load.UnderLoadShare:F0} %), in {batches.Count - batchesBefore:N0} micro-batches of {(batches.Sum - batchRecordsBefore) / Math.Max(1, batches.Count - batchesBefore):F0} records on average"));
                var results = new List<TrainerArm>();
                foreach (var trainer in trainers)
                {
                    results.Add(await trainer.WaitAsync<TrainerArm>(TrainerDeadline, cancellationToken));
                }

                var quarantined = reader.RecordsOn(topics.Options.Quarantine);
                foreach (var (arm, result) in arms.Zip(results))
                {
                    var expected = arm.IncludeQuarantine ? total : total - quarantined;
                    if (result.Records != expected)
                    {
                        problems.Add($"{phase}: the {arm.Name} trainer read {result.Records:N0} records, the stream held {expected:N0}");
                    }

                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {arm.Name}: {result.Records:N0} records, clean-test accuracy {100 * result.TestAccuracy:F2} %, {result.RecordsPerSecond:N0} records/s while training"));
                }

                ReadThroughput? read = null;
                if (measureRead)
                {
                    await using var script = await PythonScript.StartAsync("The read benchmark", settings.Interpreter, settings.ReadScript,
                        ["--bootstrap", cluster.BootstrapServers, "--topic", topics.Options.Weighted, "--rounds", $"{settings.ReadRounds}",
                         "--batch-size", $"{settings.BatchSize}"], TimeSpan.FromMinutes(1), cancellationToken);
                    read = await script.WaitAsync<ReadThroughput>(TrainerDeadline, cancellationToken);
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  read {read.Records:N0} records of {topics.Options.Weighted} × {read.Passes} passes: bare consumer {read.BareRecordsPerSecond:N0}/s, client {read.ClientRecordsPerSecond:N0}/s ({100 * read.Ratio:F0} %)"));
                }

                return (results, read, load);
            }
            finally
            {
                foreach (var trainer in trainers)
                {
                    await trainer.DisposeAsync();
                }
            }
        }

        /// <summary>
        /// Waits until every trainer is at most <paramref name="allowed"/> records, less what is still in the pipeline,
        /// behind what the trainer topics hold for it (the weighted topic; the quarantine topic too for a trainer that
        /// reads it). Trainers report their count every <see cref="ProgressEvery"/> records.
        /// </summary>
        private static async Task WaitForTrainersAsync(IReadOnlyList<Arm> arms, List<PythonScript> trainers, TrainerStreamReader reader, BenchTopics topics,
            ArrivalTracker tracker, long allowed, CancellationToken cancellationToken)
        {
            var progress = trainers.Sum(t => t.Progress);
            var since = Stopwatch.StartNew();
            while (true)
            {
                var behind = arms.Zip(trainers).Max(p => RecordsFor(p.First, reader, topics) - p.Second.Progress);
                if (behind + tracker.InFlight <= allowed)
                {
                    return;
                }

                if (trainers.FirstOrDefault(t => t.HasExited) is { } exited)
                {
                    throw new InvalidOperationException($"A trainer exited while the stream was being produced. {exited.StderrTail()}");
                }

                var now = trainers.Sum(t => t.Progress);
                if (now != progress)
                {
                    (progress, since) = (now, Stopwatch.StartNew());
                }
                else if (since.Elapsed > LoadRunner.Stall)
                {
                    throw new TimeoutException($"The trainers read nothing for {LoadRunner.Stall.TotalSeconds:F0} s while {behind:N0} records were waiting for them.");
                }

                await Task.Delay(20, cancellationToken);
            }
        }

        /// <summary>
        /// Holds the next pass until the scorer has applied the trainer's losses of every record read so far, as it
        /// would between epochs of a long stream; without the wait a short stream's next pass outruns the feedback.
        /// </summary>
        private async Task WaitForFeedbackAsync(long expected, double before, string phase, int epoch, CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            while (ScorerMetrics.FeedbackApplied.Value - before < expected)
            {
                if (waited.Elapsed > LoadRunner.Stall)
                {
                    problems.Add($"{phase} pass {epoch + 1} started with {ScorerMetrics.FeedbackApplied.Value - before:N0} of {expected:N0} feedback records applied");
                    return;
                }

                await Task.Delay(50, cancellationToken);
            }

            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  feedback of {expected:N0} records applied {waited.Elapsed.TotalSeconds:F1} s after pass {epoch} arrived"));
        }

        /// <summary>What the trainer topics hold for <paramref name="arm"/>: the weighted topic, and the quarantine topic when it reads that too.</summary>
        private static long RecordsFor(Arm arm, TrainerStreamReader reader, BenchTopics topics) =>
            reader.RecordsOn(topics.Options.Weighted) + (arm.IncludeQuarantine ? reader.RecordsOn(topics.Options.Quarantine) : 0);

        private static string GroupOf(BenchTopics topics, Arm arm) => $"{topics.Id}-{arm.Name}";

        private List<string> Arguments(Arm arm, BenchTopics topics, long total)
        {
            var names = topics.Options;
            List<string> arguments =
            [
                "--bootstrap", cluster.BootstrapServers, "--group", GroupOf(topics, arm), "--name", arm.Name,
                "--topic", names.Weighted, "--quarantine-topic", names.Quarantine, "--feedback-topic", names.Feedback,
                "--batch-size", $"{settings.BatchSize}", "--hidden", $"{settings.Hidden}",
                "--learning-rate", settings.LearningRate.ToString(CultureInfo.InvariantCulture), "--seed", $"{settings.Seed}",
                "--idle-seconds", settings.IdleSeconds.ToString(CultureInfo.InvariantCulture), "--test-dir", settings.DataDirectory,
                "--progress-every", $"{ProgressEvery}",
            ];
            if (arm.IncludeQuarantine)
            {
                // Every sample of every pass arrives on one of the two topics: the trainer can stop at the count.
                arguments.AddRange(["--include-quarantine", "--expect", $"{total}"]);
            }

            if (!arm.Weights)
            {
                arguments.Add("--no-weights");
            }

            if (arm.PairedWeighted)
            {
                arguments.Add("--paired-weighted");
                if (settings.ReplaySeeds > 0 || settings.RecordingPath is not null)
                {
                    arguments.AddRange(["--record", Recording]);
                }
            }

            if (arm.Feedback)
            {
                arguments.Add("--feedback");
            }

            if (arm.CorrectLabels)
            {
                arguments.Add("--correct-labels");
            }

            return arguments;
        }
    }
}
