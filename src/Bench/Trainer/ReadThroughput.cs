namespace EasyHard.Bench.Trainer;

/// <summary>
/// What <c>src/Bench/python/trainer_read.py</c> measured on one topic: records per second of a bare confluent-kafka
/// consumer (values and headers touched, nothing decoded) and of the client's WeightedStream (samples decoded into
/// arrays, headers parsed), best of some alternating rounds each; a round reads the topic's <see cref="Records"/>
/// <see cref="Passes"/> times.
/// </summary>
public sealed record ReadThroughput(long Records, int Passes, int Rounds, double BareRecordsPerSecond, double ClientRecordsPerSecond, double Ratio);
