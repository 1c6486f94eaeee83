using EasyHard.Host.Commands;

// The benchmarks are a second executable (src/Bench, easyhard-bench); ./easyhard bench ... runs them.
return await CommandLineApp.RunAsync(
    CommandLineApp.Description + " Benchmarks: ./easyhard bench --help (a second executable, in a source checkout).",
    [
        RunCommand.Create(),
        ProduceCommand.Create(),
        ReplayCommand.Create(),
        KafkaCommand.Create(),
        DemoCommand.Create(),
        ReportCommand.Create(),
        TrainReferenceCommand.Create(),
    ], args);
