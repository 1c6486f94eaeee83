using EasyHard.Bench.Commands;
using EasyHard.Host.Commands;

// easyhard-bench: the benchmarks, apart from the product. ./easyhard bench <name> ... runs `easyhard-bench bench <name> ...`,
// so its commands, help and errors read exactly as the product's.
return await CommandLineApp.RunAsync(CommandLineApp.Description, [BenchCommand.Create()], args);
