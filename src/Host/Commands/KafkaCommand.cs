using System.CommandLine;
using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;

namespace EasyHard.Host.Commands;

/// <summary>
/// <c>easyhard kafka</c>: runs librdkafka's mock cluster as its own process and prints its bootstrap address,
/// so roles in separate processes (and any Kafka client) can share it.
/// </summary>
public static class KafkaCommand
{
    public static Command Create()
    {
        var brokers = new Option<int>("--brokers") { Description = "Number of mock brokers", DefaultValueFactory = _ => 3 };
        // The same key and default as `easyhard run` (Topics:Partitions), so both sides agree when neither is given.
        var partitions = new Option<int>("--Topics:Partitions", "--partitions")
        {
            Description = "Partitions of the topics created up front",
            DefaultValueFactory = _ => new TopicOptions().Partitions,
        };
        var bootstrapFile = new Option<FileInfo?>("--bootstrap-file") { Description = "Also write the bootstrap address to this file" };
        var command = new Command("kafka", "Run an embedded Kafka (librdkafka mock cluster) and print its bootstrap address.")
        {
            brokers, partitions, bootstrapFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var cluster = new EmbeddedKafkaCluster(parse.GetValue(brokers));
            cluster.CreateTopics(new TopicOptions().All(), parse.GetValue(partitions));
            Console.WriteLine($"bootstrap: {cluster.BootstrapServers}");
            Console.WriteLine(EmbeddedKafkaCluster.RetentionNotice(parse.GetValue(partitions)));
            // Roles reaching it by address recognise it by its cluster id (Delivery:OffsetJournal=auto turns the journal on).
            Console.WriteLine($"cluster id: {MockClusterNative.ClusterId(cluster.Handle, TimeSpan.FromSeconds(10))} (librdkafka mock cluster: roles keep their offsets in the offset journal)");
            if (parse.GetValue(bootstrapFile) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, cluster.BootstrapServers, ct);
            }

            Console.WriteLine("Embedded Kafka is running; Ctrl+C stops it.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM: normal end.
            }

            return 0;
        });
        return command;
    }
}
