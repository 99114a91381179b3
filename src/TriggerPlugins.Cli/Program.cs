using TriggerPlugins.Cli;

return await CliApp.RunAsync(args);
