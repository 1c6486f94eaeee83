using System.Reflection;
using Confluent.Kafka;
using EasyHard.Core.Hosting.Delivery;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;

namespace EasyHard.Core.Tests;

public sealed class TransactionalDeliveryTests
{
    /// <summary>
    /// The broker answers the first produce request with a refusal for good while later outputs are still being
    /// enqueued: the transaction fails and the next produce call throws an erroneous state. The refused output is
    /// still named, so that only its input is dead-lettered and the rest of the batch goes again.
    /// </summary>
    [Fact]
    public void Send_RefusalArrivingWhileOutputsAreEnqueued_NamesTheRefusedOutput()
    {
        var producer = RefusingProducer.Create();
        var delivery = new TransactionalDelivery(producer, null!, PipelineMetrics.For("ingest"), TimeProvider.System,
            TimeSpan.FromSeconds(5), journal: null, CancellationToken.None);
        OutgoingMessage[] outputs = [new("samples", [1], [1]), new("samples", [2], [2]), new("samples", [3], [3])];

        var error = Assert.Throws<UndeliverableOutputsException>(() => delivery.Send(outputs, []));

        var refused = Assert.Single(error.Refused);
        Assert.Same(outputs[0], refused.Output);
        Assert.Equal(ErrorCode.MsgSizeTooLarge, refused.Error.Code);
        Assert.IsType<ProduceException<byte[], byte[]>>(error.InnerException);
    }

    /// <summary>The first produce's delivery report is a refusal for good; every later produce finds the transaction failed.</summary>
    public class RefusingProducer : DispatchProxy
    {
        private int _produced;

        public static IProducer<byte[], byte[]> Create() => DispatchProxy.Create<IProducer<byte[], byte[]>, RefusingProducer>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod!.Name)
            {
                case "BeginTransaction":
                    return null;
                case "Produce" when _produced++ == 0:
                    var message = (Message<byte[], byte[]>)args![1]!;
                    var handler = (Action<DeliveryReport<byte[], byte[]>>)args[2]!;
                    handler(new DeliveryReport<byte[], byte[]>
                    {
                        Topic = (string)args[0]!,
                        Message = message,
                        Error = new Error(ErrorCode.MsgSizeTooLarge),
                    });
                    return null;
                case "Produce":
                    throw new ProduceException<byte[], byte[]>(new Error(ErrorCode.Local_State, "Erroneous state"),
                        new DeliveryResult<byte[], byte[]> { Message = (Message<byte[], byte[]>)args![1]! });
                default:
                    throw new NotSupportedException(targetMethod.Name);
            }
        }
    }
}
