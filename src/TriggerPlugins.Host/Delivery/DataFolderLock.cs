using System.Globalization;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// One process per SQLite data folder: an exclusive OS lock on <c>triggers.lock</c> in the folder (on Linux and macOS
/// <c>flock</c>, taken by .NET for <see cref="FileShare.None"/>; on Windows a share-mode lock), held until
/// <see cref="Dispose"/> or the process ends, even by <c>kill -9</c>. The holder's pid is written next to it in
/// <c>triggers.pid</c>, so the refusal can name it.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string LockFileName = "triggers.lock";

    /// <summary>The file naming the holder's process id.</summary>
    public const string PidFileName = "triggers.pid";

    private readonly FileStream _lock;

    private DataFolderLock(FileStream stream) => _lock = stream;

    /// <summary>Takes the folder's lock, creating the folder when missing; throws <see cref="DataFolderLockedException"/> when another process holds it.</summary>
    public static DataFolderLock Acquire(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var folder = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(folder);
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(folder, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = ReadHolder(folder);
            throw new DataFolderLockedException(
                $"the data folder '{folder}' is in use by another triggers process{(holder is null ? "" : $" (pid {holder})")}; stop it, or give this one another --data folder.");
        }

        File.WriteAllText(Path.Combine(folder, PidFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new DataFolderLock(stream);
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();

    private static string? ReadHolder(string folder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, PidFileName)).Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Another process holds the data folder; the message names the folder and the holder's pid.</summary>
public sealed class DataFolderLockedException(string message) : Exception(message);
