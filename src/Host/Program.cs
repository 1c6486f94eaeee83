using System.CommandLine;
using EasyHard.Host.Commands;
using EasyHard.Host.Commands.Bench;
using EasyHard.Host.Composition;

NativeThreading.PreferPassiveOpenMpWaits();
NativeHeap.KeepTensorBuffersInHeap();

var root = new RootCommand("EasyHard: scores streaming training samples for difficulty, label noise and influence, and emits reweighted streams.")
{
    RunCommand.Create(),
    ProduceCommand.Create(),
    ReplayCommand.Create(),
    KafkaCommand.Create(),
    DemoCommand.Create(),
    BenchCommand.Create(),
    TrainReferenceCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
