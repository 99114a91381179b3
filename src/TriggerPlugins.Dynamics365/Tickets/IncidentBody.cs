using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Phones;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>Builds the <c>POST incidents</c> body: the rendered ticket, its customer and its owner.</summary>
internal static class IncidentBody
{
    /// <summary>Phone (the <c>caseorigincode</c> choice).</summary>
    public const int PhoneOrigin = 1;

    /// <param name="incidentId">The delivery's deterministic id.</param>
    /// <param name="ticket">The rendered text and mapped fields.</param>
    /// <param name="customer">A bind (<c>/contacts(id)</c>) or a new contact object (deep insert).</param>
    /// <param name="owner">A bind (<c>/systemusers(id)</c>), or null for the integration user.</param>
    public static JsonObject Build(Guid incidentId, RenderedTicket ticket, CustomerReference customer, string? owner)
    {
        var body = new JsonObject
        {
            ["incidentid"] = incidentId.ToString("D"),
            ["title"] = ticket.Title,
            ["description"] = ticket.Description,
            ["caseorigincode"] = PhoneOrigin,
        };
        if (customer.Bind is not null)
        {
            body["customerid_contact@odata.bind"] = customer.Bind;
        }
        else
        {
            body["customerid_contact"] = customer.NewContact!.DeepClone();
        }

        if (owner is not null)
        {
            body["ownerid@odata.bind"] = owner;
        }

        foreach (var (name, value) in ticket.Fields)
        {
            body[name] = value?.DeepClone();
        }

        return body;
    }

    /// <summary>The contact created with the ticket: named after the caller id name (inbound), else the number.</summary>
    public static JsonObject NewContact(CallEvent call, PhoneNumber phone, string? defaultCountry)
    {
        if (phone.IsAnonymous)
        {
            return new JsonObject { ["lastname"] = ContactDirectory.UnknownCallerName };
        }

        var name = call.Direction == CallDirection.Inbound ? call.CallerName?.Trim() : null;
        if (string.IsNullOrEmpty(name) || !name.Any(char.IsLetter))
        {
            name = PhoneNumber.FormatForPeople(phone.AsReceived, defaultCountry);
        }

        var contact = new JsonObject();
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        // A number used as the name has no letters: it stays whole, as the last name.
        if (space > 0 && name.Any(char.IsLetter))
        {
            contact["firstname"] = FieldLimits.Truncate(name[..space], FieldLimits.ContactFirstName);
            contact["lastname"] = FieldLimits.Truncate(name[(space + 1)..].Trim(), FieldLimits.ContactLastName);
        }
        else
        {
            contact["lastname"] = FieldLimits.Truncate(name, FieldLimits.ContactLastName);
        }

        contact["telephone1"] = FieldLimits.Truncate(phone.Canonical, FieldLimits.ContactTelephone);
        return contact;
    }
}

/// <summary>The incident's customer: an existing contact (<see cref="Bind"/>) or one to create (<see cref="NewContact"/>).</summary>
internal sealed record CustomerReference(string? Bind, JsonObject? NewContact)
{
    public static CustomerReference Existing(Guid contactId) => new($"/contacts({contactId:D})", null);

    public static CustomerReference Create(JsonObject contact) => new(null, contact);
}
