using System.Text;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>
/// Where <c>titleFile</c>/<c>descriptionFile</c> may point: a regular file inside the config folder, after every
/// symbolic link on the way is resolved, of at most <see cref="MaxBytes"/>. Anything else (an absolute path elsewhere,
/// <c>../</c>, a link out of the folder, a device, a FIFO, a huge file) is refused before it is opened, so a
/// configuration can never read host files (<c>/proc/self/environ</c>, <c>/etc/shadow</c>) into a ticket, nor hang
/// or exhaust memory while validating.
/// </summary>
internal static class TemplateFiles
{
    /// <summary>The largest template file: 64 KiB.</summary>
    public const int MaxBytes = 64 * 1024;

    // Links are followed at most this deep, as Linux does (ELOOP after 40).
    private const int MaxLinkDepth = 40;

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Finds the real path of <paramref name="file"/>; false, with the reason, when it is not an allowed template file.</summary>
    public static bool TryResolve(string file, string configDirectory, out string realPath, out string problem)
    {
        problem = Check(file, configDirectory, out realPath) ?? string.Empty;
        return problem.Length == 0;
    }

    /// <summary>Reads a resolved template file, reading at most <see cref="MaxBytes"/> + 1 bytes whatever the file claims.</summary>
    public static string Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[MaxBytes + 1];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read > MaxBytes)
        {
            throw new IOException($"the file is over {MaxBytes / 1024} KB");
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer, 0, read).TrimStart('\uFEFF');
    }

    private static string? Check(string file, string configDirectory, out string real)
    {
        real = string.Empty;
        string root;
        try
        {
            root = RealPath(Path.GetFullPath(configDirectory));
            real = RealPath(Path.GetFullPath(file, configDirectory));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"'{file}' cannot be resolved ({exception.Message}); give a path inside the config folder, e.g. templates/title.sbn";
        }

        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!real.StartsWith(prefix, PathComparison))
        {
            return $"'{file}' is outside the config folder (it resolves to '{real}'); template files must be inside the config folder, e.g. templates/title.sbn";
        }

        var info = new FileInfo(real);
        if (Directory.Exists(real))
        {
            return $"'{file}' is a folder; give a template file inside the config folder, e.g. templates/title.sbn";
        }

        if (!info.Exists)
        {
            return $"'{file}' does not exist (looked for '{real}')";
        }

        // Devices, FIFOs and sockets report no size: they are refused without being opened (a FIFO would block).
        if (info.Length == 0)
        {
            return $"'{file}' is empty or not a regular file (a device, FIFO or socket); give a template file of 1 byte to {MaxBytes / 1024} KB";
        }

        if (info.Length > MaxBytes)
        {
            return $"'{file}' is {info.Length} bytes, over the {MaxBytes / 1024} KB limit for a template file";
        }

        return null;
    }

    // The path with every symbolic link resolved, component by component (what realpath(3) does), so a link anywhere
    // on the way (a linked folder, a linked file, a chain of links) is judged by where it really leads.
    private static string RealPath(string fullPath, int depth = 0)
    {
        if (depth > MaxLinkDepth)
        {
            throw new IOException("too many levels of symbolic links");
        }

        var root = Path.GetPathRoot(fullPath) ?? string.Empty;
        var current = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo entry = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (entry.LinkTarget is { } target)
            {
                next = RealPath(Path.GetFullPath(target, current), depth + 1);
            }

            current = next;
        }

        return current;
    }
}
