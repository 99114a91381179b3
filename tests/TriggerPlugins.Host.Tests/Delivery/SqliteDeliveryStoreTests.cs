using Microsoft.Data.Sqlite;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Tests.Delivery;

public sealed class SqliteDeliveryStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private readonly ConfigFolder _data = new();
    private SqliteDeliveryStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteDeliveryStore.OpenAsync(_data.Path);

    public Task DisposeAsync()
    {
        _store.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }

    internal static NewDelivery Delivery(string eventId = "call-1", string trigger = "inbound", int index = 0, string account = "contoso") =>
        NewDelivery.For(
            new PlannedAction(DeliveryIds.Create(eventId, trigger, index), trigger, index, new TriggerAction("dynamics365", account, "default")),
            Calls.Answered(eventId));

    [Fact]
    public async Task Enqueue_adds_a_pending_delivery_due_now()
    {
        var delivery = Delivery();

        var result = await _store.EnqueueAsync(delivery, T0, default);

        Assert.True(result.Created);
        Assert.Equal((delivery.Id, "call-1", "inbound", DeliveryStatus.Pending, 0, T0, T0), (result.Record.Id, result.Record.EventId, result.Record.TriggerName, result.Record.Status, result.Record.Attempts, result.Record.NextAttemptAt, result.Record.RetryWindowStart));
        Assert.Equal(delivery.EventJson, result.Record.EventJson);
        Assert.Equal(new TriggerAction("dynamics365", "contoso", "default"), result.Record.Action);
    }

    [Fact]
    public async Task Enqueue_of_a_known_id_adds_nothing_and_reports_the_stored_state()
    {
        await _store.EnqueueAsync(Delivery(), T0, default);
        await _store.TryClaimAsync(Delivery().Id, T0, default);
        await _store.MarkSucceededAsync(Delivery().Id, ActionOutcome.Success("id-1", "CAS-1"), T0, default);

        var again = await _store.EnqueueAsync(Delivery(), T0.AddMinutes(5), default);

        Assert.False(again.Created);
        Assert.Equal((DeliveryStatus.Succeeded, "CAS-1", T0), (again.Record.Status, again.Record.Number, again.Record.CreatedAt));
        Assert.Single(await _store.ListAsync(null, 10, default));
    }

    [Fact]
    public async Task A_claim_takes_a_due_pending_delivery_once_and_counts_the_attempt()
    {
        await _store.EnqueueAsync(Delivery(), T0, default);

        var claimed = await _store.TryClaimAsync(Delivery().Id, T0, default);
        var second = await _store.TryClaimAsync(Delivery().Id, T0, default);

        Assert.Equal((DeliveryStatus.InFlight, 1), (claimed?.Status, claimed?.Attempts));
        Assert.Null(second);
    }

    [Fact]
    public async Task Success_records_the_outcome()
    {
        await _store.EnqueueAsync(Delivery(), T0, default);
        await _store.TryClaimAsync(Delivery().Id, T0, default);

        Assert.True(await _store.MarkSucceededAsync(Delivery().Id, ActionOutcome.Success("ext-1", "CAS-01000", new Uri("https://crm.example/1"), ["agent not found"]), T0.AddSeconds(1), default));

        var record = await _store.GetAsync(Delivery().Id, default);
        Assert.Equal((DeliveryStatus.Succeeded, "ext-1", "CAS-01000", new Uri("https://crm.example/1"), T0.AddSeconds(1)), (record!.Status, record.ExternalId, record.Number, record.Url, record.UpdatedAt));
        Assert.Equal(["agent not found"], record.Notes);
        Assert.False(await _store.MarkSucceededAsync(Delivery().Id, ActionOutcome.Success("ext-2"), T0, default));
    }

    [Fact]
    public async Task A_rescheduled_delivery_cannot_be_claimed_before_it_is_due()
    {
        await _store.EnqueueAsync(Delivery(), T0, default);
        await _store.TryClaimAsync(Delivery().Id, T0, default);

        await _store.RescheduleAsync(Delivery().Id, T0.AddSeconds(30), "HTTP 503", T0, default);

        var record = await _store.GetAsync(Delivery().Id, default);
        Assert.Equal((DeliveryStatus.Pending, T0.AddSeconds(30), "HTTP 503"), (record!.Status, record.NextAttemptAt, record.LastError));
        Assert.Null(await _store.TryClaimAsync(Delivery().Id, T0.AddSeconds(29), default));
        Assert.Equal(2, (await _store.TryClaimAsync(Delivery().Id, T0.AddSeconds(30), default))?.Attempts);
    }

    [Fact]
    public async Task A_dead_letter_can_be_retried_with_a_new_window_or_discarded()
    {
        await _store.EnqueueAsync(Delivery("a"), T0, default);
        await _store.EnqueueAsync(Delivery("b"), T0, default);
        foreach (var id in new[] { Delivery("a").Id, Delivery("b").Id })
        {
            await _store.TryClaimAsync(id, T0, default);
            await _store.DeadLetterAsync(id, "invalid client secret", "auth.invalid-secret", T0, default);
        }

        Assert.Equal(2, (await _store.ListAsync(DeliveryStatus.DeadLettered, 10, default)).Count);
        Assert.True(await _store.RetryAsync(Delivery("a").Id, T0.AddHours(1), default));
        Assert.False(await _store.RetryAsync(Delivery("a").Id, T0.AddHours(1), default));
        Assert.True(await _store.DiscardAsync(Delivery("b").Id, default));

        var retried = await _store.GetAsync(Delivery("a").Id, default);
        Assert.Equal((DeliveryStatus.Pending, T0.AddHours(1), T0.AddHours(1), "invalid client secret"), (retried!.Status, retried.NextAttemptAt, retried.RetryWindowStart, retried.LastError));
        Assert.Null(await _store.GetAsync(Delivery("b").Id, default));
        Assert.Empty(await _store.ListAsync(DeliveryStatus.DeadLettered, 10, default));
    }

    [Theory]
    [InlineData("auth.*", null, null, "a,b")]
    [InlineData("auth.invalid-secret", null, null, "a")]
    [InlineData("auth.invalid", null, null, "")]
    [InlineData(null, "fabrikam", null, "b,c")]
    [InlineData("auth.*", "fabrikam", null, "b")]
    [InlineData(null, null, 30, "c")]
    [InlineData(null, null, null, "a,b,c")]
    public async Task Retry_many_moves_only_the_dead_letters_the_filter_matches(string? code, string? account, int? sinceMinutes, string expected)
    {
        await DeadLetterAsync("a", "contoso", "auth.invalid-secret", T0);
        await DeadLetterAsync("b", "fabrikam", "auth.missing-privilege", T0);
        await DeadLetterAsync("c", "fabrikam", "data.invalid", T0.AddHours(1));
        await _store.EnqueueAsync(Delivery("pending", account: "contoso"), T0, default);
        var filter = new DeliveryFilter { Code = code, Account = account, Since = sinceMinutes is { } m ? T0.AddMinutes(m) : null };

        var moved = await _store.RetryManyAsync(filter, T0.AddHours(2), default);

        var pending = (await _store.ListMatchingAsync(new DeliveryFilter { Status = DeliveryStatus.Pending }, 10, default)).Select(r => r.EventId).Where(e => e != "pending");
        Assert.Equal(expected, string.Join(',', pending.Order(StringComparer.Ordinal)));
        Assert.Equal(expected.Length == 0 ? 0 : expected.Split(',').Length, moved);
        Assert.Equal(3 - moved, (await _store.ListMatchingAsync(new DeliveryFilter { Status = DeliveryStatus.DeadLettered }, 10, default)).Count);
    }

    [Fact]
    public async Task A_store_of_version_1_gets_the_failure_code_column_on_open()
    {
        using var old = new ConfigFolder();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(old.Path, SqliteDeliveryStore.FileName)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE deliveries (id TEXT NOT NULL PRIMARY KEY, event_id TEXT NOT NULL, event_json TEXT NOT NULL, trigger_name TEXT NOT NULL, action_index INTEGER NOT NULL, plugin TEXT NOT NULL, account TEXT NOT NULL, configuration TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, window_start INTEGER NOT NULL, last_error TEXT, external_id TEXT, number TEXT, url TEXT, notes TEXT); PRAGMA user_version = 1;";
            command.ExecuteNonQuery();
        }

        using var store = await SqliteDeliveryStore.OpenAsync(old.Path);
        await store.EnqueueAsync(Delivery(), T0, default);
        await store.TryClaimAsync(Delivery().Id, T0, default);
        await store.DeadLetterAsync(Delivery().Id, "wrong secret", "auth.invalid-secret", T0, default);

        Assert.Equal("auth.invalid-secret", (await store.GetAsync(Delivery().Id, default))!.FailureCode);
    }

    private async Task DeadLetterAsync(string eventId, string account, string code, DateTimeOffset at)
    {
        var id = Delivery(eventId, account: account).Id;
        await _store.EnqueueAsync(Delivery(eventId, account: account), at, default);
        await _store.TryClaimAsync(id, at, default);
        await _store.DeadLetterAsync(id, "failed", code, at, default);
    }

    [Fact]
    public async Task A_succeeded_or_in_flight_delivery_cannot_be_discarded()
    {
        await _store.EnqueueAsync(Delivery(), T0, default);
        await _store.TryClaimAsync(Delivery().Id, T0, default);

        Assert.False(await _store.DiscardAsync(Delivery().Id, default));
        await _store.MarkSucceededAsync(Delivery().Id, ActionOutcome.Success("x"), T0, default);
        Assert.False(await _store.DiscardAsync(Delivery().Id, default));
    }

    [Fact]
    public async Task Deliveries_survive_a_reopen_and_in_flight_ones_are_recovered()
    {
        await _store.EnqueueAsync(Delivery("a"), T0, default);
        await _store.EnqueueAsync(Delivery("b"), T0, default);
        await _store.TryClaimAsync(Delivery("a").Id, T0, default);
        _store.Dispose();

        _store = await SqliteDeliveryStore.OpenAsync(_data.Path);
        var recovered = await _store.RecoverInFlightAsync(T0.AddMinutes(1), default);

        Assert.Equal(1, recovered);
        var records = await _store.ListAsync(DeliveryStatus.Pending, 10, default);
        Assert.Equal(new[] { Delivery("a").Id, Delivery("b").Id }.Order(), records.Select(r => r.Id).Order());
        Assert.Equal(1, records.Single(r => r.Id == Delivery("a").Id).Attempts);
        Assert.NotNull(await _store.TryClaimAsync(Delivery("a").Id, T0.AddMinutes(1), default));
    }

    [Fact]
    public async Task The_database_is_in_wal_mode()
    {
        await using var connection = new SqliteConnection($"Data Source={_store.Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", await command.ExecuteScalarAsync());
        Assert.Equal(SqliteDeliveryStore.FileName, Path.GetFileName(_store.Path));
    }

    [Fact]
    public async Task A_claim_walks_its_accounts_pending_deliveries_in_order_instead_of_sorting_the_backlog()
    {
        // A backlog large enough for the planner's choice to matter: with the (status, next_attempt_at) index it would
        // sort every pending delivery at each claim.
        await _store.EnqueueManyAsync([.. Enumerable.Range(0, 2000).Select(i => Delivery($"call-{i}"))], T0, default);

        var plan = await PlanAsync(SqliteDeliveryStore.DueOfAccountSql, p =>
        {
            p.AddWithValue("$account", "contoso");
            p.AddWithValue("$now", T0.ToUnixTimeMilliseconds());
            p.AddWithValue("$take", 16);
        });

        Assert.Contains(plan, step => step.Contains("USING INDEX deliveries_due_by_account (status=? AND account=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.Equal(16, (await _store.ClaimDueAsync(new DeliveryClaim("worker", T0, TimeSpan.FromMinutes(10), 16, 16, new Dictionary<string, int>()), default)).Count);
    }

    [Theory]
    [InlineData(DeliveryStatus.DeadLettered, null)]
    [InlineData(DeliveryStatus.DeadLettered, "contoso")]
    [InlineData(DeliveryStatus.Pending, "contoso")]
    public async Task A_list_filtered_by_status_reads_that_status_from_an_index_not_the_whole_queue(DeliveryStatus status, string? account)
    {
        await _store.EnqueueManyAsync([.. Enumerable.Range(0, 200).Select(i => Delivery($"call-{i}"))], T0, default);
        var filter = new DeliveryFilter { Status = status, Account = account, Code = "auth.*" };

        var plan = await PlanAsync(SqliteDeliveryStore.ListSql(filter, "updated_at DESC, id DESC"), p =>
        {
            SqliteDeliveryStore.BindFilter(p, filter);
            p.AddWithValue("$limit", 1000);
        });

        Assert.Contains(plan, step => step.StartsWith("SEARCH deliveries USING INDEX", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN deliveries", StringComparison.Ordinal));
        Assert.Empty(await _store.ListRecentAsync(filter, 10, default));
        Assert.Equal(status == DeliveryStatus.Pending ? 200 : 0, (await _store.ListRecentAsync(filter with { Code = null }, 1000, default)).Count);
    }

    // The steps of SQLite's query plan for sql, as EXPLAIN QUERY PLAN words them.
    private async Task<List<string>> PlanAsync(string sql, Action<SqliteParameterCollection> bind)
    {
        await using var connection = new SqliteConnection($"Data Source={_store.Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        bind(command.Parameters);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }
}
