using System.CommandLine;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Cli.Deliveries;

/// <summary>`triggers deliveries`: the durable queue and its dead-letter list (list, retry, discard).</summary>
internal static class DeliveriesCommand
{
    private static readonly Dictionary<DeliveryStatus, string> StatusNames = new()
    {
        [DeliveryStatus.Pending] = "pending",
        [DeliveryStatus.InFlight] = "in-flight",
        [DeliveryStatus.Succeeded] = "succeeded",
        [DeliveryStatus.DeadLettered] = "dead-lettered",
    };

    public static Command Create()
    {
        var command = new Command("deliveries", "Inspect and administer the durable delivery queue and its dead-letter list.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Retry());
        command.Subcommands.Add(Discard());
        command.Subcommands.Add(Purge());
        return command;
    }

    private static Command List()
    {
        var data = CommonOptions.Data();
        var status = new Option<string?>("--status") { Description = "Only deliveries in this state: pending, in-flight, succeeded, dead-lettered." };
        status.AcceptOnlyFromAmong([.. StatusNames.Values]);
        var limit = new Option<int>("--limit") { Description = "At most this many, oldest first.", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List deliveries, oldest first, with their state, attempts and last error.") { data, status, limit };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var opened = await StoreSelection.OpenAsync(CommonOptions.DataPath(parse.GetValue(data)), DeliveryStoreOpenMode.MustExist, cancellationToken);
            var store = opened.Store;
            DeliveryStatus? wanted = parse.GetValue(status) is { } s ? StatusNames.Single(n => n.Value == s).Key : null;
            var deliveries = await store.ListAsync(wanted, parse.GetValue(limit), cancellationToken);
            foreach (var d in deliveries)
            {
                var detail = d.Status == DeliveryStatus.Succeeded ? $"{d.Number ?? d.ExternalId} {d.Url}" : d.LastError ?? string.Empty;
                Console.WriteLine($"{d.Id}  {StatusNames[d.Status],-13}  attempts={d.Attempts}  event={d.EventId}  trigger=\"{d.TriggerName}\"  {d.Action.Plugin}/{d.Action.Account}  {detail}");
            }

            await Console.Error.WriteLineAsync($"{deliveries.Count} delivery(ies).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Retry()
    {
        var data = CommonOptions.Data();
        var id = new Argument<string>("delivery-id") { Description = "The id shown by `triggers deliveries list`." };
        var command = new Command("retry", "Move a dead-lettered delivery back to pending; the next `triggers run` delivers it first.") { data, id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var opened = await StoreSelection.OpenAsync(CommonOptions.DataPath(parse.GetValue(data)), DeliveryStoreOpenMode.MustExist, cancellationToken);
            var store = opened.Store;
            if (await store.RetryAsync(parse.GetValue(id)!, TimeProvider.System.GetUtcNow(), cancellationToken))
            {
                Console.WriteLine($"{parse.GetValue(id)}: pending again; it runs at the next `triggers run`.");
                return ExitCodes.Success;
            }

            await Console.Error.WriteLineAsync($"error: no dead-lettered delivery '{parse.GetValue(id)}'.");
            return ExitCodes.Problems;
        });
        return command;
    }

    private static Command Discard()
    {
        var data = CommonOptions.Data();
        var id = new Argument<string>("delivery-id") { Description = "The id shown by `triggers deliveries list`." };
        var command = new Command("discard", "Remove a dead-lettered or pending delivery for good.") { data, id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var opened = await StoreSelection.OpenAsync(CommonOptions.DataPath(parse.GetValue(data)), DeliveryStoreOpenMode.MustExist, cancellationToken);
            var store = opened.Store;
            if (await store.DiscardAsync(parse.GetValue(id)!, cancellationToken))
            {
                Console.WriteLine($"{parse.GetValue(id)}: discarded.");
                return ExitCodes.Success;
            }

            await Console.Error.WriteLineAsync($"error: no dead-lettered or pending delivery '{parse.GetValue(id)}'.");
            return ExitCodes.Problems;
        });
        return command;
    }

    private static Command Purge()
    {
        var data = CommonOptions.Data();
        var before = new Option<DateTimeOffset>("--before")
        {
            Description = "Drop the call data of deliveries that succeeded before this date (ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z).",
            Required = true,
        };
        var command = new Command("purge", "Retention by hand: drop the call's personal data from succeeded deliveries, keeping ids, content hash and ticket reference. Dead letters are kept.") { data, before };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var cutoff = parse.GetValue(before);
            if (cutoff > TimeProvider.System.GetUtcNow())
            {
                await Console.Error.WriteLineAsync($"error: --before {cutoff:O} is in the future; give a past date.");
                return ExitCodes.UsageError;
            }

            await using var opened = await StoreSelection.OpenAsync(CommonOptions.DataPath(parse.GetValue(data)), DeliveryStoreOpenMode.MustExist, cancellationToken);
            var purged = await opened.Store.PurgeSettledAsync(cutoff, cancellationToken);
            Console.WriteLine($"{purged} delivery(ies) that succeeded before {cutoff:O} no longer hold call data.");
            return ExitCodes.Success;
        });
        return command;
    }
}
