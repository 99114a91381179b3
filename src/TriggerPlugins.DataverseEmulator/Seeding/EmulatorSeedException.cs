namespace TriggerPlugins.DataverseEmulator;

/// <summary>A seed file or seed object that cannot be used; the message says where and what is wrong.</summary>
public sealed class EmulatorSeedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EmulatorSeedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EmulatorSeedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EmulatorSeedException()
    {
    }
}
