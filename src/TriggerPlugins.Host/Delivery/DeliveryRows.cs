using System.Data.Common;
using System.Text.Json;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// The row format every SQL delivery store shares (SQLite, PostgreSQL): the column list, the status names stored,
/// and reading a row back into a <see cref="DeliveryRecord"/>. Only the time columns differ between databases.
/// </summary>
public static class DeliveryRows
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = "id, event_id, event_json, trigger_name, action_index, plugin, account, configuration, status, attempts, created_at, updated_at, next_attempt_at, window_start, last_error, external_id, number, url, notes, event_hash, failure_code, call_key, seq, lease_owner, lease_expires_at";

    /// <summary>How a status is stored.</summary>
    public static string StatusText(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.InFlight => "in-flight",
        DeliveryStatus.Succeeded => "succeeded",
        _ => "dead-lettered",
    };

    /// <summary>The status stored as <paramref name="text"/>.</summary>
    public static DeliveryStatus ParseStatus(string text) => text switch
    {
        "pending" => DeliveryStatus.Pending,
        "in-flight" => DeliveryStatus.InFlight,
        "succeeded" => DeliveryStatus.Succeeded,
        "dead-lettered" => DeliveryStatus.DeadLettered,
        _ => throw new InvalidDataException($"Unknown delivery status '{text}' in the delivery store."),
    };

    /// <summary>The record in the current row (selected with <see cref="Columns"/>); <paramref name="time"/> reads a time column.</summary>
    public static DeliveryRecord Read(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> time)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(time);
        return new()
        {
            Id = reader.GetString(0),
            EventId = reader.GetString(1),
            EventJson = reader.GetString(2),
            TriggerName = reader.GetString(3),
            ActionIndex = reader.GetInt32(4),
            Action = new TriggerAction(reader.GetString(5), reader.GetString(6), reader.GetString(7)),
            Status = ParseStatus(reader.GetString(8)),
            Attempts = reader.GetInt32(9),
            CreatedAt = time(reader, 10),
            UpdatedAt = time(reader, 11),
            NextAttemptAt = time(reader, 12),
            RetryWindowStart = time(reader, 13),
            LastError = reader.IsDBNull(14) ? null : reader.GetString(14),
            ExternalId = reader.IsDBNull(15) ? null : reader.GetString(15),
            Number = reader.IsDBNull(16) ? null : reader.GetString(16),
            Url = reader.IsDBNull(17) ? null : new Uri(reader.GetString(17)),
            Notes = reader.IsDBNull(18) ? [] : JsonSerializer.Deserialize<string[]>(reader.GetString(18)) ?? [],
            EventHash = reader.IsDBNull(19) ? null : reader.GetString(19),
            FailureCode = reader.IsDBNull(20) ? null : reader.GetString(20),
            CallKey = reader.GetString(21),
            Sequence = reader.GetInt64(22),
            LeaseOwner = reader.IsDBNull(23) ? null : reader.GetString(23),
            LeaseExpiresAt = reader.IsDBNull(24) ? null : time(reader, 24),
        };
    }
}
