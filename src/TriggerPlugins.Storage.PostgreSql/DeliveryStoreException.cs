namespace TriggerPlugins.Storage.PostgreSql;

/// <summary>
/// The delivery store cannot be used as configured (unreachable server, refused login, bad <c>TRIGGERS_STORE</c>,
/// a schema from a newer build). The message is one line for the user: what is wrong, where, and how to fix it; it
/// never holds a password.
/// </summary>
public sealed class DeliveryStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeliveryStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public DeliveryStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DeliveryStoreException()
    {
    }
}
