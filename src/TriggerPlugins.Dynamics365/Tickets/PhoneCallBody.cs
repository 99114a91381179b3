using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Phones;
using TriggerPlugins.Dynamics365.Settings;
using TriggerPlugins.Dynamics365.Templates;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// The <c>phonecall</c> activity that logs an ended call on its ticket, as the phonecall EntityType reference names
/// its columns (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/phonecall):
/// created open, regarding the incident, with its from/to activity parties, then closed with an update.
/// </summary>
internal static class PhoneCallBody
{
    public const int PhoneCallSubject = 200;
    public const int PhoneCallDescription = 2000;
    public const int PhoneNumberLength = 200;

    /// <summary>participationtypemask: Sender (from).</summary>
    public const int Sender = 1;

    /// <summary>participationtypemask: To Recipient.</summary>
    public const int ToRecipient = 2;

    /// <summary>Completed phone call statuses: Made (outbound) and Received (inbound).</summary>
    public const int Made = 2;
    public const int Received = 4;

    /// <param name="activityId">The phone call's derived id.</param>
    /// <param name="incidentId">The ticket it is regarding.</param>
    /// <param name="contactId">The caller's contact, or null when unknown.</param>
    /// <param name="owner">The agent's user bind (<c>/systemusers(id)</c>), or null.</param>
    public static JsonObject Create(
        Guid activityId, Guid incidentId, CallEvent call, TicketConfiguration configuration, PhoneNumber phone, Guid? contactId, string? owner, CancellationToken cancellationToken)
    {
        var subject = configuration.Calls.PhoneCallSubject?.Render(CallModel.Create(call, configuration.Options), configuration.Options, cancellationToken).Trim();
        var outbound = call.Direction == CallDirection.Outbound;
        var body = new JsonObject
        {
            ["activityid"] = activityId.ToString("D"),
            ["subject"] = FieldLimits.Truncate(string.IsNullOrEmpty(subject) ? $"Phone call {call.CallKey}" : subject, PhoneCallSubject),
            ["directioncode"] = outbound,
            ["actualdurationminutes"] = (int)Math.Ceiling(call.TotalSeconds / 60.0),
            ["description"] = Description(call),
            ["regardingobjectid_incident_phonecall@odata.bind"] = $"/incidents({incidentId:D})",
        };
        if (!phone.IsAnonymous)
        {
            body["phonenumber"] = FieldLimits.Truncate(phone.Canonical, PhoneNumberLength);
        }

        if (owner is not null)
        {
            body["ownerid@odata.bind"] = owner;
        }

        // The customer calls the agent (inbound) or the agent calls the customer (outbound).
        var customer = contactId is { } id ? Party("partyid_contact", $"/contacts({id:D})") : null;
        var agent = owner is null ? null : Party("partyid_systemuser", owner);
        var (from, to) = outbound ? (agent, customer) : (customer, agent);
        var parties = new JsonArray();
        if (from is not null)
        {
            from["participationtypemask"] = Sender;
            parties.Add(from);
        }

        if (to is not null)
        {
            to["participationtypemask"] = ToRecipient;
            parties.Add(to);
        }

        if (parties.Count > 0)
        {
            body["phonecall_activity_parties"] = parties;
        }

        return body;
    }

    /// <summary>Closes the phone call as completed: Made when outbound, Received when inbound.</summary>
    public static JsonObject Close(CallEvent call)
        => new() { ["statecode"] = 1, ["statuscode"] = call.Direction == CallDirection.Outbound ? Made : Received };

    /// <summary>Reopens a completed phone call so its description can change (wrap-up after the call was logged).</summary>
    public static JsonObject Reopen() => new() { ["statecode"] = 0, ["statuscode"] = 1 };

    /// <summary>The wrap-up update of a logged phone call.</summary>
    public static JsonObject WrapUp(CallEvent call)
        => new() { ["description"] = Description(call), ["actualdurationminutes"] = (int)Math.Ceiling(call.TotalSeconds / 60.0) };

    /// <summary>What the call was: queue, agent, times, disposition and the recording link when known.</summary>
    public static string Description(CallEvent call)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $"Call {call.CallKey}, {(call.Direction == CallDirection.Outbound ? "outbound" : "inbound")}, {call.Status.ToString().ToLowerInvariant()}.");
        Line(text, "Queue", call.Queue);
        Line(text, "Route", call.Route);
        Line(text, "Agent", call.Agent?.Name ?? call.Agent?.Email);
        Line(text, "Talk time", call.TalkSeconds > 0 ? call.TalkSeconds.ToString(invariant) + " s" : null);
        Line(text, "Disposition", call.Disposition);
        Line(text, "Recording", call.RecordingReference);
        return FieldLimits.Truncate(text.ToString(), PhoneCallDescription);
    }

    private static void Line(StringBuilder text, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            text.Append('\n').Append(label).Append(": ").Append(value.Trim());
        }
    }

    private static JsonObject Party(string navigation, string bind) => new() { [navigation + "@odata.bind"] = bind };
}
