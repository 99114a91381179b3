using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace TriggerPlugins.Admin.Config;

/// <summary>What a save did: saved, or refused with the problems the loader found.</summary>
public sealed record SaveResult(bool Saved, IReadOnlyList<ValidationProblem> Problems);

/// <summary>
/// The config folder as the console edits it: the files as they are (for the forms), the folder as the host loads it
/// (for lists and checks), and saves that the host's own loader validates before anything is written.
/// </summary>
public sealed class ConfigFolder : IDisposable
{
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly SemaphoreSlim _saveGate = new(1, 1);

    /// <summary>Releases the lock that serialises writes to the file (the service container disposes the singleton).</summary>
    public void Dispose() => _saveGate.Dispose();
    private readonly AdminConsoleOptions _options;
    private readonly PluginCatalog _plugins;
    private readonly IAdminConsoleEvents _events;

    /// <summary>The config folder named by the console's options.</summary>
    public ConfigFolder(IOptions<AdminConsoleOptions> options, PluginCatalog plugins, IAdminConsoleEvents events)
    {
        _options = options.Value;
        _plugins = plugins;
        _events = events;
    }

    /// <summary>The folder (full path).</summary>
    public string Directory => Path.GetFullPath(_options.ConfigDirectory);

    /// <summary>Reads the environment for <c>env:NAME</c> references.</summary>
    public Func<string, string?> Environment => _options.Environment;

    /// <summary>Checks a file name given in a form; null when it is fine, otherwise what is wrong.</summary>
    public static string? CheckName(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > 64 || !char.IsAsciiLetterOrDigit(name[0])
        || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? "use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit (it becomes the file name)"
            : null;

    /// <summary>Loads the folder the way the host does (plugins validate their settings).</summary>
    public TriggerConfiguration Load() => ConfigurationLoader.Load(Directory, _plugins, _options.Environment);

    /// <summary>The names of the files in <paramref name="kind"/> (<c>accounts</c>, <c>configurations</c>, <c>triggers</c>).</summary>
    public IReadOnlyList<string> Names(string kind)
    {
        var folder = Path.Combine(Directory, kind);
        return System.IO.Directory.Exists(folder)
            ? [.. System.IO.Directory.EnumerateFiles(folder, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>A file as written (no <c>env:</c> resolution), or null when it is missing or not a JSON object.</summary>
    public JsonObject? Read(string kind, string name)
    {
        if (CheckName(name) is not null)
        {
            return null;
        }

        var path = Path.Combine(Directory, kind, name + ".json");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Validates the folder as it would be with <paramref name="content"/> saved as <c>kind/name.json</c>, with the host's
    /// loader, on a copy; when the file has no errors and no other file gains one, writes it (temporary file, then
    /// rename) and tells the host to reload.
    /// </summary>
    public Task<SaveResult> SaveAsync(string kind, string name, JsonObject content, CancellationToken cancellationToken) =>
        ChangeAsync(kind, name, content.ToJsonString(WriteOptions) + "\n", cancellationToken);

    /// <summary>Deletes <c>kind/name.json</c> when no other file gains an error without it (e.g. a trigger using the account).</summary>
    public Task<SaveResult> DeleteAsync(string kind, string name, CancellationToken cancellationToken) =>
        ChangeAsync(kind, name, null, cancellationToken);

    private async Task<SaveResult> ChangeAsync(string kind, string name, string? json, CancellationToken cancellationToken)
    {
        if (CheckName(name) is { } problem)
        {
            return new SaveResult(false, [new ValidationProblem(ValidationSeverity.Error, $"{kind}/", "name", $"'{name}': {problem}")]);
        }

        var path = Path.Combine(Directory, kind, name + ".json");
        await _saveGate.WaitAsync(cancellationToken);
        try
        {
            var source = $"{kind}/{name}.json";
            var before = Load().Problems.Where(p => p.Severity == ValidationSeverity.Error).Select(p => p.ToString()).ToHashSet();
            // The copy holds the accounts' secrets: CreateTempSubdirectory makes it readable by this user only (mode 700).
            var copy = System.IO.Directory.CreateTempSubdirectory("triggers-admin-").FullName;
            IReadOnlyList<ValidationProblem> refused;
            try
            {
                CopyFolder(Directory, copy);
                var target = Path.Combine(copy, kind, name + ".json");
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (json is null)
                {
                    File.Delete(target);
                }
                else
                {
                    await File.WriteAllTextAsync(target, json, cancellationToken);
                }

                refused = [.. ConfigurationLoader.Load(copy, _plugins, _options.Environment).Problems
                    .Where(p => p.Severity == ValidationSeverity.Error && (p.Source == source || !before.Contains(p.ToString())))];
            }
            finally
            {
                TryDelete(copy);
            }

            if (refused.Count > 0)
            {
                return new SaveResult(false, refused);
            }

            if (json is null)
            {
                File.Delete(path);
            }
            else
            {
                await AtomicFile.WriteAsync(path, json, cancellationToken);
            }
        }
        finally
        {
            _saveGate.Release();
        }

        await _events.ConfigurationSavedAsync(cancellationToken);
        return new SaveResult(true, []);
    }

    private static void CopyFolder(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        if (!System.IO.Directory.Exists(from))
        {
            return;
        }

        foreach (var folder in System.IO.Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            // Empty folders too: the loader reports a missing accounts/, configurations/ or triggers/ folder.
            System.IO.Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder)));
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (Path.GetFileName(file).StartsWith('.'))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A temporary copy left behind is harmless.
        }
    }
}
