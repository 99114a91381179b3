using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TriggerPlugins.DataverseEmulator.Data;
using TriggerPlugins.DataverseEmulator.Faults;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>
/// <c>/api/data/v9.2/**</c>: faults first, then the bearer token, the service protection budget, the OData headers,
/// and finally the entity sets and WhoAmI.
/// </summary>
internal sealed class WebApiEndpoint(
    EmulatorFaults faults,
    FaultInjector randomFaults,
    ServiceProtectionBudget budget,
    CallerResolver callers,
    EmulatorStore store,
    RecordFactory records,
    Uri webApiRoot,
    Guid organizationTenant)
{
    public const string Root = "/api/data/v9.2/";

    private static readonly HashSet<string> CollectionOptions = ["$select", "$filter", "$top"];
    private static readonly HashSet<string> SingleOptions = ["$select"];

    private readonly RecordUpdate _updates = new(store, records, webApiRoot);

    public async Task HandleAsync(HttpContext context, string resource)
    {
        var settings = faults.Snapshot();
        var arrivedAt = budget.Now;
        if (settings.Latency > TimeSpan.Zero)
        {
            await Task.Delay(settings.Latency, context.RequestAborted);
        }

        var fault = randomFaults.Draw(settings);
        if (fault == RandomFault.DropConnection)
        {
            // The router records the request, then aborts the connection: a client that sees the drop finds it logged.
            context.Items[Hosting.EmulatorRouter.DroppedKey] = true;
            return;
        }

        var caller = await callers.ResolveAsync(context);
        if (caller is null)
        {
            return;
        }

        var entered = false;
        try
        {
            if (settings.ServiceProtectionConcurrency is { } concurrency)
            {
                entered = budget.TryEnter(caller.Principal.Name, concurrency);
                if (!entered)
                {
                    throw DataverseErrors.ConcurrencyLimit(concurrency);
                }
            }

            if (settings.ServiceProtectionLimit is { } limit)
            {
                // Time-scaled: the window and the count shrink together, so the allowed rate is the documented one.
                var scaledLimit = Math.Max(1, (int)Math.Ceiling(limit / settings.ServiceProtectionTimeScale));
                var scaledWindow = settings.ServiceProtectionWindow / settings.ServiceProtectionTimeScale;
                if (!budget.TryConsume(caller.Principal.Name, scaledLimit, scaledWindow, arrivedAt, out var wait))
                {
                    throw DataverseErrors.ServiceProtectionLimit(scaledLimit, scaledWindow, WholeSeconds(wait));
                }
            }

            if (fault == RandomFault.TooManyRequests)
            {
                throw DataverseErrors.ExecutionTimeLimit(WholeSeconds(settings.RetryAfter));
            }

            if (fault == RandomFault.ServerError)
            {
                throw DataverseErrors.ServiceUnavailable();
            }

            CheckODataHeaders(context.Request);
            await RouteAsync(context, resource, caller);
        }
        catch (DataverseException error)
        {
            await JsonResponses.WriteErrorAsync(context, error);
            if (error.Code == DataverseErrors.RequestsLimitCode)
            {
                await context.Response.CompleteAsync();
                budget.Answered(caller.Principal.Name);
            }
        }
        finally
        {
            if (entered)
            {
                budget.Leave(caller.Principal.Name);
            }
        }
    }

    private async Task RouteAsync(HttpContext context, string resource, Caller caller)
    {
        var method = context.Request.Method;
        if (resource is "WhoAmI" or "WhoAmI()")
        {
            RequireMethod(method, resource, HttpMethods.Get);
            await WhoAmIAsync(context, caller);
            return;
        }

        if (resource == "$batch")
        {
            RequireMethod(method, resource, HttpMethods.Post);
            await new BatchEndpoint(store, records, _updates, webApiRoot).HandleAsync(context, caller.SystemUserId);
            return;
        }

        if (resource.StartsWith(MetadataEndpoint.EntityDefinitions, StringComparison.Ordinal))
        {
            RequireMethod(method, resource, HttpMethods.Get);
            await WriteODataAsync(context, StatusCodes.Status200OK, MetadataEndpoint.Attributes(store.Schemas, resource, context.Request.Query, webApiRoot));
            return;
        }

        var open = resource.IndexOf('(', StringComparison.Ordinal);
        var setName = open < 0 ? resource : resource[..open];
        var schema = store.Schemas.Find(setName) ?? throw DataverseErrors.ResourceNotFound(setName);
        if (open < 0)
        {
            RequireMethod(method, resource, HttpMethods.Get, HttpMethods.Post);
            await (HttpMethods.IsGet(method) ? QueryAsync(context, schema) : CreateAsync(context, schema, caller));
            return;
        }

        if (!resource.EndsWith(')') || !Guid.TryParseExact(resource[(open + 1)..^1], "D", out var id))
        {
            throw DataverseErrors.BadRequest($"Bad Request - Error in query syntax: the key in '{resource}' must be a GUID, e.g. {setName}(00000000-0000-0000-0000-000000000001).");
        }

        RequireMethod(method, resource, HttpMethods.Get, HttpMethods.Patch);
        await (HttpMethods.IsPatch(method) ? _updates.HandleAsync(context, schema, id, caller.SystemUserId) : RetrieveAsync(context, schema, id));
    }

    private async Task QueryAsync(HttpContext context, EntitySchema schema)
    {
        var options = QueryOptions.Parse(context.Request.Query, schema, CollectionOptions);
        var matches = store.Query(schema, r => options.Filter?.Matches(r) ?? true, options.Top);
        var body = new JsonObject
        {
            ["@odata.context"] = RecordProjection.Context(webApiRoot, schema, options.Select, single: false),
            ["value"] = new JsonArray([.. matches.Select(r => RecordProjection.Project(schema, r, options.Select))]),
        };
        await WriteODataAsync(context, StatusCodes.Status200OK, body);
    }

    private async Task RetrieveAsync(HttpContext context, EntitySchema schema, Guid id)
    {
        var options = QueryOptions.Parse(context.Request.Query, schema, SingleOptions);
        var record = store.Find(schema, id) ?? throw DataverseErrors.RecordNotFound(schema, id);
        var body = RecordProjection.Project(schema, record, options.Select);
        body.Insert(0, "@odata.context", RecordProjection.Context(webApiRoot, schema, options.Select, single: true));
        await WriteODataAsync(context, StatusCodes.Status200OK, body);
    }

    private async Task CreateAsync(HttpContext context, EntitySchema schema, Caller caller)
    {
        var options = QueryOptions.Parse(context.Request.Query, schema, SingleOptions);
        if (context.Request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataverseException(StatusCodes.Status415UnsupportedMediaType, DataverseErrors.ODataError,
                $"The content type '{context.Request.ContentType}' is not supported; send 'Content-Type: application/json'.");
        }

        var body = await ReadBodyAsync(context);
        var id = store.Write(transaction => records.Create(transaction, schema, body, caller.SystemUserId));
        var entityId = $"{webApiRoot.AbsoluteUri}{schema.EntitySetName}({id:D})";
        context.Response.Headers["OData-EntityId"] = entityId;
        var prefer = context.Request.Headers["Prefer"].ToString();
        if (!prefer.Contains("return=representation", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers["OData-Version"] = "4.0";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.Headers["Preference-Applied"] = "return=representation";
        context.Response.Headers.Location = entityId;
        var created = RecordProjection.Project(schema, store.Find(schema, id)!, options.Select);
        created.Insert(0, "@odata.context", RecordProjection.Context(webApiRoot, schema, options.Select, single: true));
        await WriteODataAsync(context, StatusCodes.Status201Created, created);
    }

    private async Task WhoAmIAsync(HttpContext context, Caller caller)
    {
        var body = new JsonObject
        {
            ["@odata.context"] = $"{webApiRoot.AbsoluteUri}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
            ["BusinessUnitId"] = StableId("businessunit").ToString("D"),
            ["UserId"] = caller.SystemUserId.ToString("D"),
            ["OrganizationId"] = StableId("organization").ToString("D"),
        };
        await WriteODataAsync(context, StatusCodes.Status200OK, body);
    }

    internal static async Task<JsonObject> ReadBodyAsync(HttpContext context)
    {
        try
        {
            var node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return node as JsonObject ?? throw DataverseErrors.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw DataverseErrors.BadRequest(
                $"Invalid JSON in the request body at line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}.");
        }
    }

    private static void CheckODataHeaders(HttpRequest request)
    {
        foreach (var name in new[] { "OData-MaxVersion", "OData-Version" })
        {
            var value = request.Headers[name].ToString();
            if (value != "4.0")
            {
                throw DataverseErrors.BadRequest(value.Length == 0
                    ? $"The request has no '{name}' header; the emulator requires 'OData-MaxVersion: 4.0' and 'OData-Version: 4.0'."
                    : $"The '{name}' header value '{value}' is not supported; use '4.0'.");
            }
        }

        var accept = request.Headers.Accept.ToString();
        if (!accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal))
        {
            throw new DataverseException(accept.Length == 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status406NotAcceptable, DataverseErrors.ODataError,
                accept.Length == 0
                    ? "The request has no 'Accept' header; the emulator requires 'Accept: application/json'."
                    : $"The 'Accept' header '{accept}' does not allow 'application/json', the only format the Web API answers in.");
        }
    }

    private static void RequireMethod(string method, string resource, params string[] allowed)
    {
        if (!allowed.Any(a => string.Equals(a, method, StringComparison.OrdinalIgnoreCase)))
        {
            throw DataverseErrors.MethodNotAllowed(method, resource);
        }
    }

    private static Task WriteODataAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.Headers["OData-Version"] = "4.0";
        return JsonResponses.WriteAsync(context, status, body, "application/json; odata.metadata=minimal");
    }

    private static int WholeSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private Guid StableId(string purpose) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{purpose}:{organizationTenant:D}")).AsSpan(0, 16));
}
