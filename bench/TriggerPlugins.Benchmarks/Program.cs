using BenchmarkDotNet.Running;
using TriggerPlugins.Benchmarks.Hosts;
using TriggerPlugins.Benchmarks.Intake;
using TriggerPlugins.Benchmarks.Load;

// `load`: the real host + plugin against the emulator; anything else goes to BenchmarkDotNet (micro-benchmarks).
if (args is ["load", .. var rest])
{
    return await LoadRunner.RunAsync(LoadOptions.Parse(rest));
}

// `intake`: `triggers serve` in process under 32 HTTP clients (single events, NDJSON batches of 100).
if (args is ["intake", .. var intakeArgs])
{
    return await IntakeRunner.RunAsync(intakeArgs);
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

// `hosts`: 1, 2 and 3 `triggers serve` hosts on one PostgreSQL queue (accepted events/s, delivered tickets/s).
if (args is ["hosts", .. var hostsArgs])
{
    return await HostsRunner.RunAsync(hostsArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(LoadRunner).Assembly).Run(args);
return 0;
