using BenchmarkDotNet.Running;
using TriggerPlugins.Benchmarks.Load;

// `load`: the real host + plugin against the emulator; anything else goes to BenchmarkDotNet (micro-benchmarks).
if (args is ["load", .. var rest])
{
    return await LoadRunner.RunAsync(LoadOptions.Parse(rest));
}

BenchmarkSwitcher.FromAssembly(typeof(LoadRunner).Assembly).Run(args);
return 0;
