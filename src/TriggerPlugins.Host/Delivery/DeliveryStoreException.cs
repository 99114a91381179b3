namespace TriggerPlugins.Host.Delivery;

/// <summary>What went wrong with the delivery store, so a caller can answer it (exit 2, HTTP 503) without parsing text.</summary>
public enum DeliveryStoreFault
{
    /// <summary>There is no queue at the path (read-only commands never create one).</summary>
    Missing,

    /// <summary>The file is empty, not a SQLite database, corrupted, or not a delivery queue.</summary>
    Damaged,

    /// <summary>The file or its folder cannot be written (permissions, read-only file system).</summary>
    ReadOnly,

    /// <summary>Another process holds the database's lock longer than the store waits.</summary>
    Locked,

    /// <summary>The disk (or the file system's quota) is full: intake must stop; what is queued is kept.</summary>
    DiskFull,

    /// <summary>Any other storage failure (I/O error, a newer schema).</summary>
    Other,
}

/// <summary>
/// A storage failure with a one-line message for the admin that names the file and what to do. Thrown by the store
/// instead of the driver's exception, so no command shows a stack trace for a storage fault.
/// </summary>
public sealed class DeliveryStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeliveryStoreException(DeliveryStoreFault fault, string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Fault = fault;
        Path = path;
    }

    /// <summary>What went wrong.</summary>
    public DeliveryStoreFault Fault { get; }

    /// <summary>The database file.</summary>
    public string Path { get; }
}

/// <summary>How <see cref="SqliteDeliveryStore.OpenAsync(string, DeliveryStoreOpenMode, CancellationToken)"/> treats a missing or damaged file.</summary>
public enum DeliveryStoreOpenMode
{
    /// <summary>Creates the queue when there is none (commands that run deliveries).</summary>
    CreateIfMissing,

    /// <summary>Refuses to open when there is no queue (read-only and admin commands: they never create one).</summary>
    MustExist,

    /// <summary>Moves a damaged or empty file aside (<c>deliveries.db.damaged-*</c>) and starts an empty queue: the admin's explicit choice.</summary>
    ReplaceDamaged,
}
