using BenchmarkDotNet.Running;
using TriggerPlugins.Benchmarks.Load;

// `load`: the real host + plugin against the emulator; anything else goes to BenchmarkDotNet (micro-benchmarks).
if (args is ["load", .. var rest])
{
    return await LoadRunner.RunAsync(LoadOptions.Parse(rest));
}

// `service-protection`: one account's sustained throughput at the documented per-user limits (time-scaled emulator).
if (args is ["service-protection", .. var options])
{
    return await ServiceProtectionRunner.RunAsync(options);
}

// `queue`: the SQLite queue's size and start time with many settled deliveries (retention).
if (args is ["queue", .. var queueArgs])
{
    return await TriggerPlugins.Benchmarks.Queue.QueueSizeRunner.RunAsync(queueArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(LoadRunner).Assembly).Run(args);
return 0;
