using System.Text;

namespace TriggerPlugins.Admin.Config;

/// <summary>Writes a file so that readers see the old content or the new one, never a half-written file.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to a temporary file in the same folder, flushes it, then renames it over <paramref name="path"/>.</summary>
    /// <param name="ownerOnly">Readable by the owner only (mode 600 on Unix): for files that hold password or key hashes.</param>
    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken, bool ownerOnly = false)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (ownerOnly && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            // A rename within one folder is atomic on POSIX file systems and NTFS.
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
