using System.Text.Json.Nodes;
using TriggerPlugins.Dynamics365.Templates;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>A validated configuration: its templates parsed once, ready to render for every call.</summary>
internal sealed record TicketConfiguration(
    TicketTemplate Title,
    TicketTemplate Description,
    TemplateOptions Options,
    IReadOnlyList<FieldMapping> Fields)
{
    /// <summary>The contact columns the caller's number is looked up in (<c>phoneColumns</c>), in order of preference.</summary>
    public IReadOnlyList<string> PhoneColumns { get; init; } = [Tickets.ContactDirectory.PhoneColumn];

    /// <summary>One ticket per call, later events, the phone call (contract 1.1).</summary>
    public CallTicketSettings Calls { get; init; } = new(TicketPer.Call, LaterEvents.Update, LogPhoneCall: false, PhoneCallSubject: null);

    /// <summary>Every template of the configuration, for strict checks.</summary>
    public IEnumerable<TicketTemplate> Templates
        => new[] { Title, Description, Calls.PhoneCallSubject }.Concat(Fields.Select(f => f.Template)).OfType<TicketTemplate>();
}

/// <summary>How a mapped attribute's rendered text is sent.</summary>
internal enum FieldType
{
    String,
    Integer,
    Decimal,
    Boolean,

    /// <summary>A choice column: an option's value (a whole number) or its label, resolved with the tenant's metadata.</summary>
    Choice,
}

/// <summary>
/// An extra incident attribute: a template (rendered per call, then converted to <see cref="Type"/>)
/// or a JSON constant sent as written.
/// </summary>
internal sealed record FieldMapping(string Name, TicketTemplate? Template, JsonNode? Constant, FieldType Type, int? MaxLength);
