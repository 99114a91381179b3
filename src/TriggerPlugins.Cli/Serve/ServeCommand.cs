using System.CommandLine;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Server;
using TriggerPlugins.Server.Security;
using TriggerPlugins.Storage.PostgreSql;

namespace TriggerPlugins.Cli.Serve;

/// <summary>`triggers serve`: parses the options and runs <see cref="TriggersServer"/> (src/TriggerPlugins.Server) until SIGTERM or Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var plugins = CommonOptions.Plugins();
        var data = CommonOptions.Data();
        var verbose = CommonOptions.Verbose();
        var urls = new Option<string>("--urls") { Description = "Where to listen (Kestrel URLs, ';'-separated).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var anonymous = new Option<bool>("--allow-anonymous-loopback") { Description = "Accept requests without an API key, from this machine (loopback) only." };
        var grace = DurationOption.Create("--grace-period", "On stop, how long deliveries in flight may run to their end before they are released");
        var baseDelay = DurationOption.Create("--retry-base-delay", "First wait before retrying a transient failure; doubles each time, with jitter");
        var maxDelay = DurationOption.Create("--retry-max-delay", "Longest wait between two attempts (Retry-After may ask for more)");
        var deadline = DurationOption.Create("--retry-deadline", "How long a delivery keeps being retried before it is dead-lettered");
        var concurrency = new Option<int?>("--max-concurrency-per-account") { Description = "Actions running at once per account (Dynamics allows 52 per user)." };
        var lease = DurationOption.Create("--lease-duration", "How long a claimed delivery stays this host's; after it (the host died), another host takes it. Longer than --attempt-timeout");
        var attemptTimeout = DurationOption.Create("--attempt-timeout", "How long one attempt may run before it is cancelled and retried");

        var command = new Command("serve", "Run as an always-on service: HTTP intake (POST /api/v1/events), delivery workers, health, metrics, config reload.")
        {
            config, plugins, data, urls, anonymous, grace, baseDelay, maxDelay, deadline, concurrency, lease, attemptTimeout, verbose,
        };
        command.Subcommands.Add(AddKey());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var delivery = new DeliveryOptions();
            delivery.BaseDelay = parse.GetValue(baseDelay) ?? delivery.BaseDelay;
            delivery.MaxDelay = parse.GetValue(maxDelay) ?? delivery.MaxDelay;
            delivery.Deadline = parse.GetValue(deadline) ?? delivery.Deadline;
            delivery.MaxConcurrencyPerAccount = parse.GetValue(concurrency) ?? delivery.MaxConcurrencyPerAccount;
            delivery.AttemptTimeout = parse.GetValue(attemptTimeout) ?? delivery.AttemptTimeout;
            var workers = new WorkerOptions();
            workers.GracePeriod = parse.GetValue(grace) ?? workers.GracePeriod;
            workers.LeaseDuration = parse.GetValue(lease) ?? workers.LeaseDuration;
            var options = new ServerOptions
            {
                ConfigDirectory = parse.GetValue(config)!.FullName,
                DataDirectory = CommonOptions.DataPath(parse.GetValue(data)),
                PluginsDirectory = CommonOptions.PluginsPath(parse.GetValue(plugins)),
                Urls = parse.GetValue(urls)!,
                EnvironmentApiKey = Environment.GetEnvironmentVariable(ServerOptions.ApiKeyVariable),
                Store = DeliveryStores.FromEnvironment(),
                AllowAnonymousLoopback = parse.GetValue(anonymous),
                Delivery = delivery,
                Workers = workers,
            };
            var level = parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information;
            TriggersServer server;
            try
            {
                server = await TriggersServer.CreateAsync(options, logging => logging.SetMinimumLevel(level), cancellationToken);
            }
            catch (ServerStartException exception)
            {
                foreach (var problem in exception.Problems)
                {
                    await Console.Error.WriteLineAsync($"error: {problem}");
                }

                return ExitCodes.UsageError;
            }

            await using (server)
            {
                try
                {
                    await server.RunAsync(cancellationToken);
                }
                catch (IOException exception) when (exception.InnerException is System.Net.Sockets.SocketException || exception.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
                {
                    await Console.Error.WriteLineAsync($"error: cannot listen on {options.Urls}: {exception.Message} Choose another address with --urls.");
                    return ExitCodes.UsageError;
                }
            }

            // A stop (SIGTERM, Ctrl+C) is the normal end of a service: deliveries were drained or released.
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command AddKey()
    {
        var data = CommonOptions.Data();
        var name = new Option<string>("--name") { Description = "A name for the key (who uses it), e.g. motion-prod.", Required = true };
        var command = new Command("add-key", "Create an API key for `triggers serve`; it is printed once and stored hashed in the data folder.") { data, name };
        command.SetAction(async (parse, _) =>
        {
            try
            {
                var key = ApiKeys.Add(CommonOptions.DataPath(parse.GetValue(data)), parse.GetValue(name)!);
                await Console.Out.WriteLineAsync(key);
                await Console.Error.WriteLineAsync("Keep this key: it is stored hashed and cannot be shown again. A running `triggers serve` reads new keys at its next start.");
                return ExitCodes.Success;
            }
            catch (Exception exception) when (exception is InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"error: {exception.Message}");
                return ExitCodes.UsageError;
            }
        });
        return command;
    }
}
