using System.Collections.Concurrent;

namespace TriggerPlugins.DataverseEmulator;

/// <summary>Every request the emulator received, in order of completion. Thread-safe.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    /// <summary>A copy of the requests recorded so far.</summary>
    public IReadOnlyList<RecordedRequest> Snapshot() => [.. _requests];

    /// <summary>Forgets the requests recorded so far.</summary>
    public void Clear() => _requests.Clear();

    internal void Add(RecordedRequest request) => _requests.Enqueue(request);
}
