using Confluent.Kafka;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Core.Tests;

public sealed class KafkaLogForwarderTests
{
    private static LogMessage ConnectFailed(int afterMs) =>
        new("rdkafka#consumer-1", SyslogLevel.Error, "FAIL", $"127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after {afterMs}ms in state CONNECT)");

    [Fact]
    public void OnLog_SameFailureRepeated_WrittenOncePerWindowWithTheRepeatCount()
    {
        var time = new FakeTimeProvider();
        var logger = new ListLogger();
        var forwarder = new KafkaLogForwarder(logger, time);

        for (int i = 0; i < 9_223; i++)
        {
            forwarder.OnLog<object?>(null, ConnectFailed(i % 7));
        }

        Assert.Single(logger.Lines);
        Assert.Equal(LogLevel.Error, logger.Lines[0].Level);
        Assert.Contains("Connection refused", logger.Lines[0].Text, StringComparison.Ordinal);

        time.Advance(KafkaLogForwarder.Window);
        forwarder.OnLog<object?>(null, ConnectFailed(3));

        Assert.Equal(2, logger.Lines.Count);
        Assert.Contains("repeated 9222 times", logger.Lines[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void OnLog_ManyDifferentMessages_CappedPerWindow_AndTheDropReported()
    {
        var time = new FakeTimeProvider();
        var logger = new ListLogger();
        var forwarder = new KafkaLogForwarder(logger, time);

        for (int i = 0; i < 100; i++)
        {
            forwarder.OnLog<object?>(null, new LogMessage("rdkafka", SyslogLevel.Warning, "TOPIC", $"topic {new string('x', i % 50)}{(char)('a' + (i / 50))} is unknown"));
        }

        Assert.Equal(KafkaLogForwarder.MaxLinesPerWindow, logger.Lines.Count);

        time.Advance(KafkaLogForwarder.Window);
        forwarder.OnLog<object?>(null, new LogMessage("rdkafka", SyslogLevel.Warning, "TOPIC", "something new"));

        Assert.Contains("80 other lines dropped by the rate limit", logger.Lines[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void OnError_TransientIsWarning_FatalIsError()
    {
        var logger = new ListLogger();
        var forwarder = new KafkaLogForwarder(logger, new FakeTimeProvider(), "Kafka:BootstrapServers=kafka:9092");

        forwarder.OnError<object?>(null, new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down"));
        forwarder.OnError<object?>(null, new Error(ErrorCode.Local_Fatal, "fenced", isFatal: true));

        Assert.Equal([LogLevel.Warning, LogLevel.Error], logger.Lines.Select(l => l.Level));
        Assert.Contains("Local_AllBrokersDown: 1/1 brokers are down (check Kafka:BootstrapServers=kafka:9092)", logger.Lines[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("check", logger.Lines[1].Text, StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Text)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }
}
