using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Metadata;
using TriggerPlugins.Dynamics365.Phones;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Opens the ticket for one call: owner by the agent's email, customer by the caller's number, then
/// one <c>POST incidents</c>. In steady state (known caller, known agent) that POST is the only request.
/// </summary>
internal sealed class TicketWriter(DataverseClient client, ContactDirectory contacts, UserDirectory users, ILogger logger) : IDisposable
{
    private const string IncidentSelect = "incidentid,ticketnumber,_customerid_value,_ownerid_value";

    private readonly ChoiceLabels _choices = new(client);

    public void Dispose() => _choices.Dispose();

    /// <summary>Renders the ticket, with the labels that choice fields rendered turned into option values.</summary>
    internal async Task<RenderedTicket> RenderAsync(TicketConfiguration configuration, CallEvent call, CancellationToken cancellationToken)
        => await _choices.ResolveAsync(RenderedTicket.Render(configuration, call, cancellationToken), cancellationToken);

    /// <exception cref="ActionFailure">An expected failure, with its outcome.</exception>
    public async Task<ActionSucceeded> WriteAsync(TicketConfiguration configuration, ActionRequest request, CancellationToken cancellationToken)
    {
        var call = request.Call;
        var ticket = await RenderAsync(configuration, call, cancellationToken);
        var notes = new List<string>(ticket.Notes);
        var incidentId = IncidentIds.FromDelivery(request.DeliveryId);
        var owner = await FindOwnerAsync(call.Agent, notes, cancellationToken);

        var phone = PhoneNumber.Normalize(CustomerNumber(call), configuration.Options.DefaultCountry);
        CreatedIncident created;
        using (var contact = await contacts.ReserveAsync(client, phone, configuration.PhoneColumns, cancellationToken))
        {
            var match = contact.Match;
            if (match.Note is not null)
            {
                notes.Add(match.Note);
            }

            var customer = match.Id is { } id
                ? CustomerReference.Existing(id)
                : CustomerReference.Create(IncidentBody.NewContact(call, phone, configuration.Options.DefaultCountry));
            var body = IncidentBody.Build(incidentId, ticket, customer, owner);
            try
            {
                created = await CreateWithOwnerFallbackAsync(incidentId, body, ticket, call, notes, cancellationToken);
            }
            catch (ActionFailure failure)
            {
                contact.Failed(failure);
                throw;
            }

            if (customer.NewContact is not null && created.CustomerId is { } contactId)
            {
                contact.Created(contactId);
                notes.Add(phone.IsAnonymous
                    ? $"The call has no caller number; a contact named '{ContactDirectory.UnknownCallerName}' was created for such calls."
                    : "No contact had the caller's number; a new contact was created with the ticket.");
            }
        }

        if (created.AlreadyExisted)
        {
            notes.Add("The ticket had already been created by an earlier attempt of this delivery; no second ticket was made.");
        }

        Log.TicketCreated(logger, created.TicketNumber, incidentId, call.Id, request.DeliveryId, request.Attempt);

        return ActionOutcome.Success(incidentId.ToString("D"), created.TicketNumber, RecordUrl(client.WebUrl, incidentId), notes);
    }

    /// <summary>Where a person opens the incident: <c>{weburl}/main.aspx?etn=incident&amp;id=...&amp;pagetype=entityrecord</c>.</summary>
    public static Uri RecordUrl(Uri webUrl, Guid incidentId)
        => new(webUrl, $"main.aspx?etn=incident&id={incidentId:D}&pagetype=entityrecord");

    /// <summary>The customer's number: the caller on inbound calls, the called number on outbound ones.</summary>
    public static string? CustomerNumber(CallEvent call)
        => call.Direction == CallDirection.Inbound ? call.CallerNumber : call.CalledNumber;

    internal async Task<string?> FindOwnerAsync(AgentInfo? agent, List<string> notes, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(agent?.Email))
        {
            notes.Add(agent is null
                ? "The call has no agent; the ticket is owned by the integration user."
                : $"Agent '{agent.Name ?? agent.Id}' has no email in the contact center; the ticket is owned by the integration user.");
            return null;
        }

        var user = await users.FindAsync(client, agent.Email, cancellationToken);
        if (user is null)
        {
            notes.Add($"No enabled Dynamics 365 user has the primary email (internalemailaddress) {agent.Email} of agent '{agent.Name ?? agent.Id}'; the ticket is owned by the integration user. Give the agent's enabled Dynamics 365 user that email, or correct the agent's email in the contact center, to assign future tickets.");
            Log.OwnerNotFound(logger, agent.Email);

            return null;
        }

        if (user.Note is not null)
        {
            notes.Add(user.Note);
        }

        return $"/systemusers({user.Id:D})";
    }

    private async Task<CreatedIncident> CreateWithOwnerFallbackAsync(Guid incidentId, JsonObject body, RenderedTicket ticket, CallEvent call, List<string> notes, CancellationToken cancellationToken)
    {
        try
        {
            return await CreateIncidentAsync(incidentId, body, ticket, cancellationToken);
        }
        catch (OwnerRefusedException refused)
        {
            // A call never loses its ticket over its owner: once more, owned by the integration user.
            OwnerRefused(call, refused, notes);
            body.Remove(OwnerFallback.OwnerBind);
            return await CreateIncidentAsync(incidentId, body, ticket, cancellationToken);
        }
    }

    /// <summary>Forgets the agent's user (it may be enabled again later), logs the refusal and notes it on the outcome.</summary>
    internal void OwnerRefused(CallEvent call, OwnerRefusedException refused, List<string> notes)
    {
        users.Forget(call.Agent!.Email!);
        Log.OwnerRefused(logger, call.Id, refused.SystemUserId, refused.Error);
        notes.Add(OwnerFallback.Note(call.Agent, refused.Error));
    }

    private async Task<CreatedIncident> CreateIncidentAsync(Guid incidentId, JsonObject body, RenderedTicket ticket, CancellationToken cancellationToken)
    {
        var reply = await client.SendAsync(
            new DataverseRequest(HttpMethod.Post, "incidents?$select=" + IncidentSelect, "create the ticket (incident)", body, ReturnRepresentation: true),
            cancellationToken);
        if (reply.IsSuccess)
        {
            return new CreatedIncident(
                ODataJson.Text(reply.Body, "ticketnumber"),
                ODataJson.Id(reply.Body, "_customerid_value"),
                AlreadyExisted: false);
        }

        // The id is the delivery's: "duplicate key" means an earlier attempt created it (its answer was lost).
        if (reply.Status == HttpStatusCode.PreconditionFailed || reply.Error?.IsDuplicateKey == true)
        {
            var existing = await client.SendForSuccessAsync(
                new DataverseRequest(HttpMethod.Get, $"incidents({incidentId:D})?$select=incidentid,ticketnumber", "read the ticket created by an earlier attempt"),
                cancellationToken);
            return new CreatedIncident(ODataJson.Text(existing, "ticketnumber"), null, AlreadyExisted: true);
        }

        OwnerFallback.ThrowIfOwnerRefused(reply, body);
        throw new ActionFailure(DataverseErrors.ToOutcome(reply, client.WebUrl, ticket.Fields.Select(f => f.Key)));
    }

    private sealed record CreatedIncident(string? TicketNumber, Guid? CustomerId, bool AlreadyExisted);
}
