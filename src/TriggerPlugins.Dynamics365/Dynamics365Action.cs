using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Http;
using TriggerPlugins.Dynamics365.Metadata;
using TriggerPlugins.Dynamics365.Phones;
using TriggerPlugins.Dynamics365.Settings;
using TriggerPlugins.Dynamics365.Templates;
using TriggerPlugins.Dynamics365.Tickets;

namespace TriggerPlugins.Dynamics365;

/// <summary>
/// The "dynamics 365 integration" action: for a call, opens a Dynamics 365 ticket (Dataverse
/// <c>incident</c>) linked to the caller's contact and owned by the agent's Dynamics 365 user.
/// </summary>
/// <remarks>
/// One instance serves every call, concurrently. Settings are validated and parsed once per content;
/// each account keeps its token, connections and lookup caches. Expected failures are returned as
/// outcomes, never thrown.
/// </remarks>
public sealed class Dynamics365Action : IIntegrationAction, IActionPreview, IConnectionCheck, IAsyncDisposable
{
    private readonly PluginContext _context;
    private readonly ILogger _logger;
    private readonly HttpHandlers _handlers = new();
    private readonly SettingsCache _settings;
    private readonly ConcurrentDictionary<string, Lazy<AccountRuntime>> _runtimes = new(StringComparer.Ordinal);

    // Contacts are the environment's, not the account's: two accounts of one weburl share one cache and one lock per number.
    private readonly ConcurrentDictionary<string, ContactDirectory> _contactsByEnvironment = new(StringComparer.OrdinalIgnoreCase);
    private int _disposed;

    /// <summary>Creates the action; the host calls this once, with the plugin's folder and logging.</summary>
    /// <param name="context">The plugin folder (default templates), the logger factory and the clock.</param>
    public Dynamics365Action(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<Dynamics365Action>();
        _settings = new SettingsCache(context.PluginDirectory);
    }

    /// <inheritdoc/>
    public string Id => "dynamics365";

    /// <inheritdoc/>
    public ValidationReport Validate(ActionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _settings.Get(settings, refresh: true).Report;
    }

    /// <inheritdoc/>
    public async Task<ActionOutcome> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var prepared = _settings.Get(request.Settings, refresh: false);
        if (prepared.Configuration is null)
        {
            return ActionOutcome.Permanent($"The settings ({request.Settings}) are not valid: {prepared.Errors}", "settings.invalid");
        }

        DataverseMetrics.CurrentAccount = request.Settings.AccountName;
        try
        {
            var user = Runtime(prepared).Next();
            return prepared.Configuration.Calls.OneTicketPerCall
                ? await user.Calls.WriteAsync(prepared.Configuration, request, cancellationToken)
                : await user.Writer.WriteAsync(prepared.Configuration, request, cancellationToken);
        }
        catch (ActionFailure failure)
        {
            LogOutcome(failure.Outcome, request);
            return failure.Outcome;
        }
        catch (TemplateRenderException ex)
        {
            var outcome = ActionOutcome.Permanent($"A template failed on call {request.Call.Id}: {ex.Message}", "template.render-failed");
            LogOutcome(outcome, request);
            return outcome;
        }
    }

    /// <inheritdoc/>
    public Task<ActionPreview> PreviewAsync(ActionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prepared = _settings.Get(request.Settings, refresh: false);
        if (prepared.Configuration is not { } configuration)
        {
            throw new InvalidOperationException($"The settings ({request.Settings}) are not valid: {prepared.Errors}");
        }

        var call = request.Call;
        var ticket = RenderedTicket.Render(configuration, call, cancellationToken);
        var phone = PhoneNumber.Normalize(TicketWriter.CustomerNumber(call), configuration.Options.DefaultCountry);
        var newContact = IncidentBody.NewContact(call, phone, configuration.Options.DefaultCountry);
        // The looked-up ids are unknown without the network: placeholders say how each would be found.
        var customer = new CustomerReference(
            $"/contacts(<contactid of {Uri.UnescapeDataString(ContactDirectory.FindQuery(phone, configuration.PhoneColumns))}; when none matches, customerid_contact creates {newContact.ToJsonString(DataverseClient.BodyOptions)}>)",
            null);
        var owner = string.IsNullOrWhiteSpace(call.Agent?.Email)
            ? null
            : $"/systemusers(<systemuserid where internalemailaddress eq '{call.Agent.Email.Trim().ToLowerInvariant()}' and isdisabled eq false, the lowest id; absent when none matches>)";
        var incidentId = configuration.Calls.OneTicketPerCall && prepared.Account.WebUri is { } web
            ? IncidentIds.ForCall(new Uri(web.GetLeftPart(UriPartial.Authority) + "/"), call.CallKey)
            : IncidentIds.FromDelivery(request.DeliveryId);
        var body = IncidentBody.Build(incidentId, ticket, customer, owner);

        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = ticket.Title,
            ["description"] = ticket.Description,
        };
        foreach (var (name, value) in ticket.Fields)
        {
            fields[name] = value is JsonValue text && text.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null";
        }

        var json = body.ToJsonString(new System.Text.Json.JsonSerializerOptions(DataverseClient.BodyOptions) { WriteIndented = true });
        return Task.FromResult(new ActionPreview(fields, json));
    }

    /// <inheritdoc/>
    public async Task<ConnectionCheckResult> CheckConnectionAsync(ActionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // With a configuration (triggers check --configuration, or each one a trigger uses with the account), its
        // ticket columns are checked against the tenant's incident definitions too.
        var withConfiguration = settings.Configuration.ValueKind == System.Text.Json.JsonValueKind.Object && settings.Configuration.EnumerateObject().Any();
        var prepared = PreparedSettings.Prepare(settings, _context.PluginDirectory, accountOnly: !withConfiguration);
        if (!prepared.Report.IsValid)
        {
            return new ConnectionCheckResult(false, withConfiguration
                ? $"The account or configuration '{settings.ConfigurationName}' is not valid: {prepared.Errors}"
                : $"The account is not valid: {prepared.Errors}");
        }

        DataverseMetrics.CurrentAccount = settings.AccountName;
        // Every user of the account is checked: each must sign in and be a user of the environment.
        var lines = new List<string>();
        var ok = true;
        foreach (var user in Runtime(prepared).Users)
        {
            var (connected, message) = await CheckUserAsync(user.Client, cancellationToken);
            ok &= connected;
            lines.Add(message);
        }

        if (ok && prepared.Configuration is { } configuration)
        {
            var (columnsOk, columnLines) = await CheckColumnsAsync(Runtime(prepared).Users[0].Client, configuration, settings.ConfigurationName, cancellationToken);
            ok &= columnsOk;
            lines.AddRange(columnLines);
        }

        return new ConnectionCheckResult(ok, string.Join(Environment.NewLine, lines));
    }

    private static async Task<(bool Ok, IReadOnlyList<string> Lines)> CheckColumnsAsync(
        DataverseClient client, TicketConfiguration configuration, string configurationName, CancellationToken cancellationToken)
    {
        try
        {
            var columns = await IncidentColumns.LoadAsync(client, cancellationToken);
            var problems = MappingCheck.Check(configuration, columns, cancellationToken);
            return problems.Count == 0
                ? (true, [$"Configuration '{configurationName}': every ticket column exists in {client.WebUrl} and can be set on create."])
                : (false, [.. problems.Select(p => $"Configuration '{configurationName}': {p}")]);
        }
        catch (ActionFailure failure)
        {
            return (false, [$"Configuration '{configurationName}': could not read the incident column definitions: {failure.Message}"]);
        }
    }

    private static async Task<(bool Ok, string Message)> CheckUserAsync(DataverseClient client, CancellationToken cancellationToken)
    {
        try
        {
            var whoAmI = await client.SendForSuccessAsync(new DataverseRequest(HttpMethod.Get, "WhoAmI", "call WhoAmI"), cancellationToken);
            var userId = whoAmI?["UserId"]?.ToString();
            var organizationId = whoAmI?["OrganizationId"]?.ToString();
            return userId is null
                ? (false, $"{client.WebUrl} answered WhoAmI without a UserId: it does not look like a Dataverse environment.")
                : (true, $"Connected to {client.WebUrl} as user {userId} (organization {organizationId}).");
        }
        catch (ActionFailure failure)
        {
            return (false, failure.Message);
        }
    }

    /// <summary>Releases the connection pools and the accounts' clients.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var runtime in _runtimes.Values.Where(r => r.IsValueCreated))
            {
                runtime.Value.Dispose();
            }

            _runtimes.Clear();
            _handlers.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private AccountRuntime Runtime(PreparedSettings prepared)
        => _runtimes.GetOrAdd(prepared.AccountKey, _ => new Lazy<AccountRuntime>(
            () => new AccountRuntime(prepared.Account, _handlers, _context.TimeProvider, _context.LoggerFactory, Contacts(prepared.Account), _context.SharedRateLimits))).Value;

    private ContactDirectory Contacts(AccountSettings account)
        => _contactsByEnvironment.GetOrAdd(
            account.WebUri!.GetLeftPart(UriPartial.Authority),
            _ => new ContactDirectory(_context.TimeProvider, _context.LoggerFactory.CreateLogger<ContactDirectory>()));

    // The host reports every outcome (result line, dead letter, "will retry at"): this is detail for -v only.
    private void LogOutcome(ActionOutcome outcome, ActionRequest request)
    {
        switch (outcome)
        {
            case ActionFailedPermanent permanent:
                Log.PermanentFailure(_logger, request.Call.Id, request.DeliveryId, permanent.Code ?? "-", permanent.Reason);
                break;
            case ActionFailedTransient transient:
                // No "(null)": without a Retry-After the host's backoff decides when.
                Log.TransientFailure(_logger, request.Call.Id, request.DeliveryId,
                    transient.RetryAfter is { } wait ? $"retry in {Math.Ceiling(wait.TotalSeconds):0} s at the earliest" : "retried with backoff",
                    transient.Reason);
                break;
        }
    }
}
