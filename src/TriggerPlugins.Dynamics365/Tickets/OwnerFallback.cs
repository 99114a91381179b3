using System.Net;
using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Dataverse;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Recognises Dataverse refusing the ticket because of its owner (the agent's user was disabled, left its business
/// unit, or was deleted since it was looked up), so the ticket can be created again, owned by the integration user.
/// </summary>
internal static class OwnerFallback
{
    public const string OwnerBind = "ownerid@odata.bind";

    /// <exception cref="OwnerRefusedException">The create bound an owner and Dataverse refused that owner.</exception>
    public static void ThrowIfOwnerRefused(DataverseReply reply, JsonObject body)
    {
        if (body[OwnerBind] is JsonValue bind && bind.TryGetValue<string>(out var reference) && Refused(reply, reference) is { } refused)
        {
            throw refused;
        }
    }

    /// <summary>The refusal, when <paramref name="reply"/> refused the owner bound as <paramref name="ownerReference"/> (<c>/systemusers(id)</c>).</summary>
    public static OwnerRefusedException? Refused(DataverseReply reply, string? ownerReference)
    {
        if (ownerReference is null || !Guid.TryParse(ownerReference.AsSpan(ownerReference.IndexOf('(') + 1).TrimEnd(')'), out var userId))
        {
            return null;
        }

        return reply.Error is { } error && IsOwnerError(reply.Status, error, userId)
            ? new OwnerRefusedException(userId, error.ToString())
            : null;
    }

    /// <summary>The note on the ticket's outcome.</summary>
    public static string Note(AgentInfo agent, string error)
        => $"Dataverse refused agent '{agent.Name ?? agent.Id}''s Dynamics 365 user as the ticket's owner ({error}); the ticket is owned by the integration user. Enable the user, or give the agent's email to an enabled user.";

    // "The specified user is either disabled or is not a member of any business unit" (a 400), or the user no longer exists (404).
    private static bool IsOwnerError(HttpStatusCode status, DataverseError error, Guid userId)
        => status switch
        {
            HttpStatusCode.BadRequest => error.Message.Contains("disabled", StringComparison.OrdinalIgnoreCase)
                || error.Message.Contains("business unit", StringComparison.OrdinalIgnoreCase),
            HttpStatusCode.NotFound => error.Message.Contains(userId.ToString("D"), StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
}

/// <summary>Dataverse refused the ticket's owner; caught by <see cref="TicketWriter"/> and <see cref="CallTicketWriter"/>, never leaves the plugin.</summary>
internal sealed class OwnerRefusedException(Guid systemUserId, string error) : Exception(error)
{
    public Guid SystemUserId { get; } = systemUserId;

    public string Error { get; } = error;
}
