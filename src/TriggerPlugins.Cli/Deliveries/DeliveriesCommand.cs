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
        var filters = new FilterOptions();
        var limit = new Option<int>("--limit") { Description = "At most this many, oldest first.", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List deliveries, oldest first, with their state, attempts and last error.") { data, status, filters.Code, filters.Account, filters.Since, limit };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var opened = await StoreSelection.OpenAsync(CommonOptions.DataPath(parse.GetValue(data)), DeliveryStoreOpenMode.MustExist, cancellationToken);
            var store = opened.Store;
            var filter = filters.Read(parse) with { Status = parse.GetValue(status) is { } s ? StatusNames.Single(n => n.Value == s).Key : null };
            var deliveries = await store.ListMatchingAsync(filter, parse.GetValue(limit), cancellationToken);
            foreach (var d in deliveries)
            {
                var detail = d.Status == DeliveryStatus.Succeeded
                    ? $"{d.Number ?? d.ExternalId} {d.Url}"
                    : (d.FailureCode is null ? string.Empty : $"[{d.FailureCode}] ") + (d.LastError ?? string.Empty);
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
        var id = new Argument<string?>("delivery-id") { Description = "The id shown by `triggers deliveries list` or `triggers run`; or use the filters.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Every dead-lettered delivery." };
        var status = new Option<string?>("--status") { Description = "Only dead-lettered deliveries can be retried; accepted for clarity." };
        status.AcceptOnlyFromAmong(StatusNames[DeliveryStatus.DeadLettered]);
        var filters = new FilterOptions();
        var command = new Command("retry", "Move dead-lettered deliveries back to pending (one by id, or by --all, --code, --account, --since); the next `triggers run` delivers them first.")
        {
            data, id, all, status, filters.Code, filters.Account, filters.Since,
        };
        command.Validators.Add(result =>
        {
            var hasFilter = result.GetValue(all) || result.GetValue(status) is not null || result.GetValue(filters.Code) is not null
                || result.GetValue(filters.Account) is not null || result.GetValue(filters.Since) is not null;
            var hasId = result.GetValue(id) is not null;
            if (hasId == hasFilter)
            {
                result.AddError(hasId
                    ? "give a delivery id or filters (--all, --status, --code, --account, --since), not both."
                    : "say which deliveries to retry: a delivery id, or --all, --code <code or prefix*>, --account <name>, --since <duration>.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var opened = await StoreSelection.OpenAsync(CommonOptions.DataPath(parse.GetValue(data)), DeliveryStoreOpenMode.MustExist, cancellationToken);
            var store = opened.Store;
            var now = TimeProvider.System.GetUtcNow();
            if (parse.GetValue(id) is not { } deliveryId)
            {
                var filter = filters.Read(parse) with { Status = DeliveryStatus.DeadLettered };
                var moved = await store.RetryManyAsync(filter, now, cancellationToken);
                Console.WriteLine(moved == 0
                    ? "No dead-lettered delivery matched; nothing moved. `triggers deliveries list --status dead-lettered` shows them."
                    : $"Moved {moved} dead-lettered delivery(ies) back to pending; the next `triggers run` delivers them first.");
                return ExitCodes.Success;
            }

            if (await store.RetryAsync(deliveryId, now, cancellationToken))
            {
                Console.WriteLine($"{deliveryId}: moved back to pending; the next `triggers run` delivers it first.");
                return ExitCodes.Success;
            }

            switch (await store.GetAsync(deliveryId, cancellationToken))
            {
                case { Status: DeliveryStatus.Succeeded } done:
                    Console.WriteLine($"{deliveryId}: it succeeded ({done.Number ?? done.ExternalId} {done.Url}, {done.UpdatedAt:yyyy-MM-dd HH:mm:ss}Z); nothing to retry.");
                    return ExitCodes.Success;
                case { } waiting:
                    Console.WriteLine($"{deliveryId}: already {StatusNames[waiting.Status]}; the next `triggers run` delivers it.");
                    return ExitCodes.Success;
                default:
                    await Console.Error.WriteLineAsync($"error: no delivery '{deliveryId}' in {opened.Description}; `triggers deliveries list` shows the ids (is --data the same as the run's?).");
                    return ExitCodes.Problems;
            }
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

    /// <summary>The filters `list` and `retry` share.</summary>
    private sealed class FilterOptions
    {
        public Option<string?> Code { get; } = new("--code") { Description = "Only dead letters with this failure code, or a prefix ending in * (e.g. auth.*)." };

        public Option<string?> Account { get; } = new("--account") { Description = "Only deliveries of this account (the account file's name)." };

        public Option<TimeSpan?> Since { get; } = DurationOption.Create("--since", "Only deliveries that changed within this long");

        public DeliveryFilter Read(ParseResult parse) => new()
        {
            Code = parse.GetValue(Code),
            Account = parse.GetValue(Account),
            Since = parse.GetValue(Since) is { } since ? TimeProvider.System.GetUtcNow() - since : null,
        };
    }
}
