using System.Diagnostics.CodeAnalysis;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Events;

/// <summary>One line of newline-delimited call events: the event, or what is wrong with the line.</summary>
/// <param name="LineNumber">The 1-based line number.</param>
/// <param name="Event">The event, when the line is valid.</param>
/// <param name="Error">What is wrong and where (line, column, field), when it is not.</param>
public sealed record ParsedCallEvent(int LineNumber, CallEvent? Event, string? Error)
{
    /// <summary>True when <see cref="Event"/> holds the event.</summary>
    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Event is not null;
}
