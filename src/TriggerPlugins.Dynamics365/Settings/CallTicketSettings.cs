using System.Text.Json;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Templates;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>Whether a call gets one ticket (the default) or each matching event its own.</summary>
internal enum TicketPer
{
    Call,
    Event,
}

/// <summary>What the events after a call's first do to its ticket (<c>onLaterEvents</c>).</summary>
internal enum LaterEvents
{
    /// <summary>Update the ticket with the re-rendered title, description and fields (the default).</summary>
    Update,

    /// <summary>Leave the ticket as the first event made it (the phone call is still logged at the end).</summary>
    Ignore,

    /// <summary>Open a new ticket for each later event, as <c>ticketPer: event</c> does.</summary>
    NewTicket,
}

/// <summary>How a configuration follows a call through its events, and logs it as a phone call.</summary>
/// <param name="TicketPer"><c>ticketPer</c>: <c>call</c> (default) or <c>event</c>.</param>
/// <param name="OnLaterEvents"><c>onLaterEvents</c>: <c>update</c> (default), <c>ignore</c> or <c>newTicket</c>.</param>
/// <param name="LogPhoneCall"><c>logPhoneCall</c>: log the ended call as a completed phone call regarding the ticket (default true).</param>
/// <param name="PhoneCallSubject"><c>phoneCallSubject</c>: the phone call's subject template (default <see cref="DefaultPhoneCallSubject"/>).</param>
internal sealed record CallTicketSettings(TicketPer TicketPer, LaterEvents OnLaterEvents, bool LogPhoneCall, TicketTemplate? PhoneCallSubject)
{
    public const string DefaultPhoneCallSubject =
        "{{ if call.direction == \"outbound\" }}Call to{{ else }}Call from{{ end }} {{ call.customer_name ?? call.customer_number ?? \"an unknown number\" }}";

    /// <summary>One ticket per call: true unless <c>ticketPer</c> is <c>event</c> or later events open tickets of their own.</summary>
    public bool OneTicketPerCall => TicketPer == TicketPer.Call && OnLaterEvents != LaterEvents.NewTicket;

    /// <summary>Reads the four fields; their choices and defaults are the manifest's. Null when one has an error (reported).</summary>
    public static CallTicketSettings? Read(JsonFields fields, string source, List<ValidationProblem> problems)
    {
        var per = fields.Choice<TicketPer>("ticketPer");
        var later = fields.Choice<LaterEvents>("onLaterEvents");
        var log = fields.Boolean("logPhoneCall");
        var subject = TicketTemplate.Parse(fields.String("phoneCallSubject") ?? DefaultPhoneCallSubject, "phoneCallSubject", source, problems);
        return per is null || later is null || subject is null ? null : new CallTicketSettings(per.Value, later.Value, log, subject);
    }
}
