using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Sync;

/// <summary>
/// The latest model of each instance read from the model topic (what a compacted topic keeps), decoded, and which of
/// them this instance has merged already: a peer's model is averaged in once, when it is newer than the last one of
/// that instance merged and younger than <c>Scorer:Sync:MaxAgeSeconds</c>. Written by the topic's reader thread, read
/// by the scoring thread.
/// </summary>
internal sealed class PeerModels(string self, TimeSpan maxAge, TimeProvider time)
{
    private readonly Dictionary<string, Entry> latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> merged = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>A decoded model and what its message said about it.</summary>
    public sealed record Entry(PeerModel Model, long CreatedUnixMs, long SamplesSinceMerge);

    /// <summary>Keeps <paramref name="entry"/> when it is the newest of its instance; false when an equal or newer one is held.</summary>
    public bool Offer(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (gate)
        {
            if (latest.TryGetValue(entry.Model.Instance, out var held) && held.CreatedUnixMs >= entry.CreatedUnixMs)
            {
                return false;
            }

            latest[entry.Model.Instance] = entry;
            return true;
        }
    }

    /// <summary>
    /// Peers' models not merged yet and young enough, each with its merge weight (the samples it trained on since its
    /// own last merge), marked merged; stale ones are counted and skipped until a newer one comes.
    /// </summary>
    public List<(PeerModel Model, double Weight)> TakeUnmerged()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var taken = new List<(PeerModel, double)>();
        lock (gate)
        {
            foreach (var (instance, entry) in latest)
            {
                if (instance == self || (merged.TryGetValue(instance, out var at) && at >= entry.CreatedUnixMs))
                {
                    continue;
                }

                merged[instance] = entry.CreatedUnixMs;
                double age = Math.Max(0, now - entry.CreatedUnixMs) / 1000.0;
                if (age > maxAge.TotalSeconds)
                {
                    SyncMetrics.Result("stale").Inc();
                    continue;
                }

                SyncMetrics.Staleness.Observe(age);
                taken.Add((entry.Model, Math.Max(0, entry.SamplesSinceMerge)));
            }
        }

        return taken;
    }

    /// <summary>
    /// Where a starting instance begins: every instance's latest model (its own earlier incarnation's too) created within
    /// <c>MaxAgeSeconds</c> of the newest one, weighted by the samples each trained on since its last merge (at least 1); marks them merged.
    /// </summary>
    public List<(PeerModel Model, double Weight)> TakeStart()
    {
        lock (gate)
        {
            if (latest.Count == 0)
            {
                return [];
            }

            long newest = latest.Values.Max(e => e.CreatedUnixMs);
            var start = latest.Values.Where(e => newest - e.CreatedUnixMs <= maxAge.TotalMilliseconds).ToList();
            foreach (var entry in latest.Values)
            {
                merged[entry.Model.Instance] = entry.CreatedUnixMs;
            }

            return [.. start.Select(e => (e.Model, (double)Math.Max(1, e.SamplesSinceMerge)))];
        }
    }

    /// <summary>The newest message this instance itself published earlier (a restart continues its sequence), or null.</summary>
    public long? OwnLastSequence()
    {
        lock (gate)
        {
            return latest.TryGetValue(self, out var own) ? own.Model.Sequence : null;
        }
    }
}
