using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Kafka;

/// <summary>
/// librdkafka's log lines and errors, through the host's logger instead of straight to standard error. A client that
/// cannot reach its brokers repeats the same complaint many times a second (9,223 connect failures in a minute were
/// seen before EasyHard logged anything), which buries what matters. So a message is written at most once per
/// <see cref="Window"/> per shape (the text with its numbers masked: ports, durations and counts vary between
/// repeats), with the number of repeats suppressed meanwhile, and at most <see cref="MaxLinesPerWindow"/> lines per
/// window in all.
/// </summary>
public sealed partial class KafkaLogForwarder
{
    /// <summary>How long an identical message stays quiet after being written.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>Lines of every shape together per window; the rest are counted and reported with the next line.</summary>
    public const int MaxLinesPerWindow = 20;

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Shape> _shapes = new(StringComparer.Ordinal);
    private readonly Lock _budgetLock = new();
    private readonly string? _connectionSetting;
    private DateTimeOffset _budgetStart = DateTimeOffset.MinValue;
    private int _linesInWindow;
    private long _overBudget;

    /// <param name="logger">Where the lines go.</param>
    /// <param name="time">The clock of the windows.</param>
    /// <param name="connectionSetting">The setting to check when brokers cannot be reached, e.g.
    /// <c>Kafka:BootstrapServers=kafka:9092</c>, added to those errors.</param>
    public KafkaLogForwarder(ILogger logger, TimeProvider time, string? connectionSetting = null)
    {
        _logger = logger;
        _time = time;
        _connectionSetting = connectionSetting;
    }

    /// <summary>For <c>SetLogHandler</c> of any client builder.</summary>
    public void OnLog<TClient>(TClient client, LogMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Forward(Level(message.Level), message.Name, $"{message.Facility}: {message.Message}");
    }

    /// <summary>For <c>SetErrorHandler</c>: librdkafka retries everything but fatal errors by itself, so those are warnings.</summary>
    public void OnError<TClient>(TClient client, Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var unreachable = error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport or ErrorCode.Local_Resolve;
        var hint = unreachable && _connectionSetting is not null ? $" (check {_connectionSetting})" : string.Empty;
        Forward(error.IsFatal ? LogLevel.Error : LogLevel.Warning, client is IClient c ? c.Name : "kafka", $"{error.Code}: {error.Reason}{hint}");
    }

    private void Forward(LogLevel level, string client, string text)
    {
        if (!_logger.IsEnabled(level))
        {
            return;
        }

        var now = _time.GetUtcNow();
        var shape = _shapes.GetOrAdd($"{level}|{Numbers().Replace(OwnSuppressionNote().Replace(text, string.Empty), "#")}", _ => new Shape());
        long suppressed;
        lock (shape)
        {
            if (shape.LastWritten is { } last && now - last < Window)
            {
                shape.Suppressed++;
                return;
            }

            if (!TakeBudget(now))
            {
                shape.Suppressed++;
                return;
            }

            suppressed = shape.Suppressed;
            (shape.LastWritten, shape.Suppressed) = (now, 0);
        }

        var overBudget = Interlocked.Exchange(ref _overBudget, 0);
        if (suppressed == 0 && overBudget == 0)
        {
            LogKafka(_logger, level, client, text);
        }
        else
        {
            LogKafkaAfterSuppressed(_logger, level, client, text, suppressed, overBudget);
        }
    }

    private bool TakeBudget(DateTimeOffset now)
    {
        lock (_budgetLock)
        {
            if (now - _budgetStart >= Window)
            {
                (_budgetStart, _linesInWindow) = (now, 0);
            }

            if (_linesInWindow >= MaxLinesPerWindow)
            {
                _overBudget++;
                return false;
            }

            _linesInWindow++;
            return true;
        }
    }

    private static LogLevel Level(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    [LoggerMessage(Message = "librdkafka {Client}: {Text}")]
    private static partial void LogKafka(ILogger logger, LogLevel level, string client, string text);

    [LoggerMessage(Message = "librdkafka {Client}: {Text} (repeated {Suppressed} times since last written; {OverBudget} other lines dropped by the rate limit)")]
    private static partial void LogKafkaAfterSuppressed(ILogger logger, LogLevel level, string client, string text, long suppressed, long overBudget);

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();

    // librdkafka's own, coarser deduplication appends this to a repeated message; it is not part of what went wrong.
    [GeneratedRegex(@", \d+ identical error\(s\) suppressed")]
    private static partial Regex OwnSuppressionNote();

    private sealed class Shape
    {
        public DateTimeOffset? LastWritten { get; set; }

        public long Suppressed { get; set; }
    }
}
