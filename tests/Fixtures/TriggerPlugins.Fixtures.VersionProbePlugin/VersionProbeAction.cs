using System.Reflection;
using Newtonsoft.Json;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Fixtures.VersionProbePlugin;

/// <summary>
/// Serializes the call with its own Newtonsoft.Json and reports that library's file version in the outcome's notes.
/// Once disposed it answers with a permanent failure, so tests can see through the contract that the host disposed it;
/// when its folder holds a <see cref="RecordDisposalFile"/>, disposing also writes <see cref="DisposedFile"/> there, so a
/// test can see the disposal of an instance the host never handed out (one refused for its id).
/// </summary>
public sealed class VersionProbeAction : IIntegrationAction, IAsyncDisposable
{
    /// <summary>The note's prefix, followed by the file version (for example <c>Newtonsoft.Json 13.0.1.25517</c>).</summary>
    public const string NotePrefix = "Newtonsoft.Json ";

    /// <summary>The reason of the outcome after disposal.</summary>
    public const string DisposedReason = "the version probe was disposed";

    /// <summary>The file that asks the probe to record its disposal.</summary>
    public const string RecordDisposalFile = "record-disposal";

    /// <summary>The file the probe writes when disposed, if asked to.</summary>
    public const string DisposedFile = "disposed";

    private readonly string _folder;
    private int _disposed;

    public VersionProbeAction(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _folder = context.PluginDirectory;
    }

    public string Id => "version-probe";

    public ValidationReport Validate(ActionSettings settings) => ValidationReport.Valid;

    public Task<ActionOutcome> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Volatile.Read(ref _disposed) != 0)
        {
            return Task.FromResult<ActionOutcome>(ActionOutcome.Permanent(DisposedReason));
        }

        var library = typeof(JsonConvert).Assembly;
        var version = library.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version ?? "unknown";
        var body = JsonConvert.SerializeObject(new { callId = request.Call.Id });
        return Task.FromResult<ActionOutcome>(ActionOutcome.Success(request.DeliveryId, notes: [NotePrefix + version, body]));
    }

    public ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, 1);
        if (File.Exists(Path.Combine(_folder, RecordDisposalFile)))
        {
            File.WriteAllText(Path.Combine(_folder, DisposedFile), "disposed");
        }

        return ValueTask.CompletedTask;
    }
}
