using System.CommandLine;
using TriggerPlugins.Cli.Check;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.Cli.Deliveries;
using TriggerPlugins.Cli.Demo;
using TriggerPlugins.Cli.Emulator;
using TriggerPlugins.Cli.Render;
using TriggerPlugins.Cli.Run;
using TriggerPlugins.Cli.Serve;
using TriggerPlugins.Cli.Validate;
using TriggerPlugins.Host.Delivery;

var root = new RootCommand("triggers: the TriggerPlugins host. Runs call events through triggers and their plugin actions (dynamics 365 integration).")
{
    DemoCommand.Create(),
    RunCommand.Create(),
    ServeCommand.Create(),
    ValidateCommand.Create(),
    RenderCommand.Create(),
    CheckCommand.Create(),
    DeliveriesCommand.Create(),
    EmulatorCommand.Create(),
};

var parseResult = root.Parse(args);
if (parseResult.Errors.Count > 0 && parseResult.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parseResult.Errors)
    {
        await Console.Error.WriteLineAsync($"error: {error.Message}");
    }

    await Console.Error.WriteLineAsync("Run 'triggers --help' (or 'triggers <command> --help') for usage.");
    return ExitCodes.UsageError;
}

try
{
    // Storage faults are the admin's to fix, not bugs: one line naming the file and the fix, never a stack trace.
    return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (DeliveryStoreException exception)
{
    await Console.Error.WriteLineAsync($"error: {exception.Message}");
    return ExitCodes.UsageError;
}
catch (Exception exception) when (exception is not OperationCanceledException)
{
    // A bug, not a user mistake: what System.CommandLine's default handler did (the details, exit 1).
    await Console.Error.WriteLineAsync($"error: unexpected failure, please report it: {exception}");
    return ExitCodes.Problems;
}
