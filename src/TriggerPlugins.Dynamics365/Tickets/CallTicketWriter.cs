using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Caching;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Phones;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// One ticket per call and environment (<c>ticketPer: call</c>): the call's first event creates the incident (its id
/// derived from the call id and the environment), later ones update it, and the event that ends the call logs it as a
/// completed phone call regarding the incident. What is known about each call's ticket is kept in memory, so in steady
/// state each event costs one request: a create, an update, or one <c>$batch</c> change set (update + phone call).
/// </summary>
/// <remarks>
/// <para>Out-of-order events: an event never overwrites a later stage of the call. Stages are call-start &lt;
/// agent-connect &lt; call-end = abandon; within a stage the later event time wins (end, else answer, else start).
/// A stale event succeeds without a request, with a note. After a restart (nothing in memory), a stale non-final
/// event is recognised by the phone call already logged for the call.</para>
/// <para>Retries and other hosts cannot make a second record: every id is derived, and a create that finds its record
/// (duplicate key) turns into an update.</para>
/// </remarks>
internal sealed class CallTicketWriter(DataverseClient client, ContactDirectory contacts, TicketWriter tickets, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan StateLifetime = TimeSpan.FromHours(24);
    private const string IncidentSelect = "incidentid,ticketnumber,_customerid_value,_ownerid_value";
    private const int MaxRounds = 3;

    private readonly TtlCache<CallTicketState> _states = new(capacity: 50_000, time);
    private readonly KeyedLocks _locks = new();

    /// <exception cref="ActionFailure">An expected failure, with its outcome.</exception>
    public async Task<ActionSucceeded> WriteAsync(TicketConfiguration configuration, ActionRequest request, CancellationToken cancellationToken)
    {
        var call = request.Call;
        var incidentId = IncidentIds.ForCall(client.WebUrl, call.CallKey);
        var key = incidentId.ToString("D");
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        var state = _states.TryGet(key, out var known) ? known : CallTicketState.Unknown;
        var stage = CallStage.Of(call);
        if (state.IsLaterThan(stage))
        {
            return Superseded(incidentId, state, call);
        }

        var ticket = await tickets.RenderAsync(configuration, call, cancellationToken);
        var notes = new List<string>(ticket.Notes);
        var owner = await tickets.FindOwnerAsync(call.Agent, notes, cancellationToken);
        var phone = PhoneNumber.Normalize(TicketWriter.CustomerNumber(call), configuration.Options.DefaultCountry);
        var plan = new Plan(configuration, call, incidentId, ticket, owner, phone);

        Written written;
        using (var contact = await contacts.ReserveAsync(client, phone, configuration.PhoneColumns, cancellationToken))
        {
            if (contact.Match.Note is not null)
            {
                notes.Add(contact.Match.Note);
            }

            try
            {
                written = await WriteWithContactAsync(plan, contact.Match.Id, state, notes, cancellationToken);
            }
            catch (ActionFailure failure)
            {
                contact.Failed(failure);
                throw;
            }

            if (contact.Match.Id is null && written.CreatedContact)
            {
                contact.Created(IncidentIds.NewContactOf(incidentId));
            }
        }

        if (written.State is not { } after)
        {
            return Superseded(incidentId, state with { PhoneCallLogged = true }, call);
        }

        _states.Set(key, after.Advance(stage), StateLifetime);
        Log.TicketWritten(logger, after.TicketNumber, incidentId, call.CallKey, call.Id, call.Kind, written.Done);

        return ActionOutcome.Success(incidentId.ToString("D"), after.TicketNumber, TicketWriter.RecordUrl(client.WebUrl, incidentId), notes);
    }

    private async Task<Written> WriteWithContactAsync(Plan plan, Guid? contactId, CallTicketState state, List<string> notes, CancellationToken cancellationToken)
    {
        var phoneCallId = IncidentIds.PhoneCallOf(plan.IncidentId);
        for (var round = 1; ; round++)
        {
            var operations = new List<(ChangeSetOperation Operation, Step Step)>();
            var createsContact = false;
            if (!state.IncidentExists)
            {
                var customer = contactId is { } id
                    ? CustomerReference.Existing(id)
                    : CustomerReference.Create(NewContact(plan));
                createsContact = contactId is null;
                operations.Add((new(HttpMethod.Post, "incidents?$select=" + IncidentSelect, IncidentBody.Build(plan.IncidentId, plan.Ticket, customer, plan.Owner), ReturnRepresentation: true), Step.CreateTicket));
            }
            else if (plan.Configuration.Calls.OnLaterEvents == LaterEvents.Update)
            {
                operations.Add((new(HttpMethod.Patch, $"incidents({plan.IncidentId:D})?$select=incidentid,ticketnumber", UpdateBody(plan), UpdateOnly: true, ReturnRepresentation: true), Step.UpdateTicket));
            }

            var partyContact = contactId ?? (createsContact ? IncidentIds.NewContactOf(plan.IncidentId) : null);
            if (plan.LogsPhoneCall && !state.PhoneCallLogged)
            {
                var body = PhoneCallBody.Create(phoneCallId, plan.IncidentId, plan.Call, plan.Configuration, plan.Phone, partyContact, plan.Owner, cancellationToken);
                operations.Add((new(HttpMethod.Post, "phonecalls", body), Step.LogPhoneCall));
                operations.Add((new(HttpMethod.Patch, $"phonecalls({phoneCallId:D})", PhoneCallBody.Close(plan.Call), UpdateOnly: true), Step.ClosePhoneCall));
            }
            else if (plan.LogsPhoneCall && plan.HasWrapUp)
            {
                // A completed phone call is read-only: reopen, update, close again, in one transaction.
                var url = $"phonecalls({phoneCallId:D})";
                operations.Add((new(HttpMethod.Patch, url, PhoneCallBody.Reopen(), UpdateOnly: true), Step.WrapUpPhoneCall));
                operations.Add((new(HttpMethod.Patch, url, PhoneCallBody.WrapUp(plan.Call), UpdateOnly: true), Step.WrapUpPhoneCall));
                operations.Add((new(HttpMethod.Patch, url, PhoneCallBody.Close(plan.Call), UpdateOnly: true), Step.WrapUpPhoneCall));
            }

            if (operations.Count == 0)
            {
                notes.Add("onLaterEvents is 'ignore': the ticket was left as the call's first event made it.");
                return new Written(state with { IncidentExists = true }, ["nothing to change"], CreatedContact: false);
            }

            var reply = await SendAsync(operations, cancellationToken);
            if (reply.IsSuccess)
            {
                var number = TicketNumber(reply, operations) ?? state.TicketNumber;
                var done = operations.Select(o => Describe(o.Step)).Distinct().ToList();
                var after = state with
                {
                    IncidentExists = true,
                    PhoneCallLogged = state.PhoneCallLogged || plan.LogsPhoneCall,
                    TicketNumber = number,
                };
                if (createsContact)
                {
                    notes.Add(plan.Phone.IsAnonymous
                        ? $"The call has no caller number; a contact named '{ContactDirectory.UnknownCallerName}' was created for such calls."
                        : "No contact had the caller's number; a new contact was created with the ticket.");
                }

                return new Written(after, done, createsContact);
            }

            var failed = FailedStep(reply, operations);
            if (round < MaxRounds && failed is (Step.CreateTicket or Step.UpdateTicket) && OwnerFallback.Refused(reply, plan.Owner) is { } refused)
            {
                // A call never loses its ticket over its owner: once more, owned by the integration user.
                tickets.OwnerRefused(plan.Call, refused, notes);
                plan = plan with { Owner = null };
                continue;
            }

            if (round >= MaxRounds || !IsDuplicate(reply) || failed is not (Step.CreateTicket or Step.LogPhoneCall))
            {
                throw new ActionFailure(DataverseErrors.ToOutcome(reply, client.WebUrl));
            }

            // An earlier attempt, event or host made it (its answer was lost, or this host restarted): update instead.
            if (failed == Step.CreateTicket)
            {
                state = state with { IncidentExists = true };
                notes.Add("The call's ticket already existed (an earlier event, attempt or host made it); it was updated, not made twice.");
                if (!plan.IsFinal && plan.Configuration.Calls.LogPhoneCall && await PhoneCallExistsAsync(phoneCallId, cancellationToken))
                {
                    // The call already ended and was logged: this event is older than what the ticket holds.
                    return new Written(null, [], CreatedContact: false);
                }
            }
            else
            {
                state = state with { PhoneCallLogged = true };
            }
        }
    }

    private Task<DataverseReply> SendAsync(List<(ChangeSetOperation Operation, Step Step)> operations, CancellationToken cancellationToken)
    {
        if (operations.Count > 1)
        {
            return client.SendAsync(DataverseRequest.Batch("update the call's ticket and log its phone call", [.. operations.Select(o => o.Operation)]), cancellationToken);
        }

        var (operation, step) = operations[0];
        return client.SendAsync(
            new DataverseRequest(operation.Method, operation.RelativeUrl, Describe(step), operation.Body, ReturnRepresentation: true, UpdateOnly: operation.UpdateOnly),
            cancellationToken);
    }

    private async Task<bool> PhoneCallExistsAsync(Guid phoneCallId, CancellationToken cancellationToken)
    {
        var reply = await client.SendAsync(
            new DataverseRequest(HttpMethod.Get, $"phonecalls({phoneCallId:D})?$select=activityid", "check whether the call was already logged as a phone call"),
            cancellationToken);
        if (reply.IsSuccess)
        {
            return true;
        }

        return reply.Status == HttpStatusCode.NotFound && reply.Error is not null
            ? false
            : throw new ActionFailure(DataverseErrors.ToOutcome(reply, client.WebUrl));
    }

    private static JsonObject NewContact(Plan plan)
    {
        var contact = IncidentBody.NewContact(plan.Call, plan.Phone, plan.Configuration.Options.DefaultCountry);
        contact.Insert(0, "contactid", IncidentIds.NewContactOf(plan.IncidentId).ToString("D"));
        return contact;
    }

    private static JsonObject UpdateBody(Plan plan)
    {
        var body = new JsonObject
        {
            ["title"] = plan.Ticket.Title,
            ["description"] = plan.Ticket.Description,
        };
        if (plan.Owner is not null)
        {
            body["ownerid@odata.bind"] = plan.Owner;
        }

        foreach (var (name, value) in plan.Ticket.Fields)
        {
            body[name] = value?.DeepClone();
        }

        return body;
    }

    private static string? TicketNumber(DataverseReply reply, List<(ChangeSetOperation Operation, Step Step)> operations)
    {
        var index = operations.FindIndex(o => o.Step is Step.CreateTicket or Step.UpdateTicket);
        if (index < 0)
        {
            return null;
        }

        var record = reply.Body is JsonArray parts ? (index < parts.Count ? parts[index] : null) : reply.Body;
        return ODataJson.Text(record, "ticketnumber");
    }

    private static Step? FailedStep(DataverseReply reply, List<(ChangeSetOperation Operation, Step Step)> operations)
        => operations.Count == 1 ? operations[0].Step
            : reply.FailedOperation is { } position && position >= 1 && position <= operations.Count ? operations[position - 1].Step
            : null;

    private static bool IsDuplicate(DataverseReply reply)
        => reply.Status == HttpStatusCode.PreconditionFailed || reply.Error?.IsDuplicateKey == true;

    private ActionSucceeded Superseded(Guid incidentId, CallTicketState state, CallEvent call)
    {
        Log.EventSuperseded(logger, call.Id, call.Kind, call.CallKey, incidentId);
        return ActionOutcome.Success(incidentId.ToString("D"), state.TicketNumber, TicketWriter.RecordUrl(client.WebUrl, incidentId),
            [$"Event {call.Id} ({call.Kind}) arrived after a later event of call {call.CallKey}; the ticket keeps the later state and was not changed."]);
    }

    private static string Describe(Step step) => step switch
    {
        Step.CreateTicket => "create the ticket (incident)",
        Step.UpdateTicket => "update the ticket (incident)",
        Step.LogPhoneCall => "log the phone call",
        Step.ClosePhoneCall => "close the phone call",
        _ => "update the phone call's wrap-up",
    };

    private enum Step
    {
        CreateTicket,
        UpdateTicket,
        LogPhoneCall,
        ClosePhoneCall,
        WrapUpPhoneCall,
    }

    private sealed record Plan(TicketConfiguration Configuration, CallEvent Call, Guid IncidentId, RenderedTicket Ticket, string? Owner, PhoneNumber Phone)
    {
        public bool IsFinal => Call.Kind is CallEventKind.CallEnd or CallEventKind.Abandon;

        public bool LogsPhoneCall => IsFinal && Configuration.Calls.LogPhoneCall;

        public bool HasWrapUp => !string.IsNullOrWhiteSpace(Call.Disposition) || !string.IsNullOrWhiteSpace(Call.RecordingReference);
    }

    private sealed record Written(CallTicketState? State, IReadOnlyList<string> Done, bool CreatedContact);
}

/// <summary>How far a call has got: its stage (start &lt; agent &lt; end) and, within a stage, the event's time.</summary>
internal readonly record struct CallStage(int Rank, DateTimeOffset At)
{
    public static CallStage Of(CallEvent call) => new(
        call.Kind switch
        {
            CallEventKind.CallStart => 1,
            CallEventKind.AgentConnect => 2,
            _ => 3,
        },
        call.EndTime ?? call.AnswerTime ?? call.StartTime);

    public bool IsAfter(CallStage other) => Rank > other.Rank || (Rank == other.Rank && At > other.At);
}

/// <summary>What this process knows about a call's ticket.</summary>
internal sealed record CallTicketState(bool IncidentExists, bool PhoneCallLogged, CallStage? Applied, string? TicketNumber)
{
    public static CallTicketState Unknown { get; } = new(false, false, null, null);

    /// <summary>True when the ticket already holds a later stage of the call than <paramref name="stage"/>.</summary>
    public bool IsLaterThan(CallStage stage) => Applied is { } applied && applied.IsAfter(stage);

    public CallTicketState Advance(CallStage stage)
        => this with { Applied = Applied is { } applied && applied.IsAfter(stage) ? applied : stage };
}
