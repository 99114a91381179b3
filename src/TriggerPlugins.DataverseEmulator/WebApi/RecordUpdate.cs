using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TriggerPlugins.DataverseEmulator.Data;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>
/// <c>PATCH {set}(id)</c>, alone or inside a <c>$batch</c> change set. With <c>If-Match: *</c> it only updates (a missing
/// record is 404), with <c>If-None-Match: *</c> it only creates (an existing one is 412), with neither it is an upsert.
/// <c>Prefer: return=representation</c> answers 200 with the record ("Update with data returned"), else 204.
/// Follows https://learn.microsoft.com/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api
/// and https://learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api
/// </summary>
internal sealed class RecordUpdate(EmulatorStore store, RecordFactory records, Uri webApiRoot)
{
    private static readonly HashSet<string> SingleOptions = ["$select"];

    /// <summary>Applies the PATCH in <paramref name="transaction"/>; returns the answer to send.</summary>
    public OperationResult Apply(EmulatorStore.StoreTransaction transaction, EntitySchema schema, Guid id, JsonObject body, IHeaderDictionary headers, IQueryCollection query, Guid caller)
    {
        var options = QueryOptions.Parse(query, schema, SingleOptions);
        var ifMatch = headers.IfMatch.ToString();
        var ifNoneMatch = headers.IfNoneMatch.ToString();
        if (ifMatch.Length > 0 && ifMatch != "*" || ifNoneMatch.Length > 0 && ifNoneMatch != "*")
        {
            // Stricter than Dataverse: the emulator models the '*' preconditions only, not etag values.
            throw DataverseErrors.BadRequest("The emulator supports only 'If-Match: *' (update only) and 'If-None-Match: *' (create only) on PATCH.");
        }

        var exists = transaction.Exists(schema, id);
        if (exists && ifNoneMatch == "*")
        {
            throw DataverseErrors.DuplicateKey();
        }

        if (!exists && ifMatch == "*")
        {
            throw DataverseErrors.RecordNotFound(schema, id);
        }

        if (exists)
        {
            records.Update(transaction, schema, id, body);
        }
        else
        {
            // Upsert: the key in the URL is the new record's id.
            var withKey = (JsonObject)body.DeepClone();
            withKey[schema.PrimaryKey] = id.ToString("D");
            records.Create(transaction, schema, withKey, caller);
        }

        return Answer(transaction, schema, id, headers, options, exists ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    /// <summary>The answer to a create inside a batch: 204, or 201 with the record when <c>Prefer: return=representation</c>.</summary>
    public OperationResult Created(EmulatorStore.StoreTransaction transaction, EntitySchema schema, Guid id, IHeaderDictionary headers, IQueryCollection query)
        => Answer(transaction, schema, id, headers, QueryOptions.Parse(query, schema, SingleOptions), StatusCodes.Status201Created);

    // "Create with data returned" / "Update with data returned":
    // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api#create-with-data-returned
    private OperationResult Answer(EmulatorStore.StoreTransaction transaction, EntitySchema schema, Guid id, IHeaderDictionary headers, QueryOptions options, int representationStatus)
    {
        var entityId = $"{webApiRoot.AbsoluteUri}{schema.EntitySetName}({id:D})";
        var answerHeaders = new Dictionary<string, string> { ["OData-EntityId"] = entityId };
        if (!headers["Prefer"].ToString().Contains("return=representation", StringComparison.OrdinalIgnoreCase))
        {
            return new OperationResult(StatusCodes.Status204NoContent, answerHeaders, null);
        }

        answerHeaders["Preference-Applied"] = "return=representation";
        var record = RecordProjection.Project(schema, transaction.Peek(schema, id)!, options.Select);
        record.Insert(0, "@odata.context", RecordProjection.Context(webApiRoot, schema, options.Select, single: true));
        return new OperationResult(representationStatus, answerHeaders, record);
    }

    /// <summary>A PATCH on its own: one transaction.</summary>
    public async Task HandleAsync(HttpContext context, EntitySchema schema, Guid id, Guid caller)
    {
        RequireJson(context.Request.ContentType);
        var body = await WebApiEndpoint.ReadBodyAsync(context);
        var result = store.Write(transaction => Apply(transaction, schema, id, body, context.Request.Headers, context.Request.Query, caller));
        foreach (var (name, value) in result.Headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers["OData-Version"] = "4.0";
        if (result.Body is null)
        {
            context.Response.StatusCode = result.Status;
            return;
        }

        await JsonResponses.WriteAsync(context, result.Status, result.Body, "application/json; odata.metadata=minimal");
    }

    public static void RequireJson(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataverseException(StatusCodes.Status415UnsupportedMediaType, DataverseErrors.ODataError,
                $"The content type '{contentType}' is not supported; send 'Content-Type: application/json'.");
        }
    }
}

/// <summary>One operation's answer, to write directly or as a part of a <c>$batch</c> response.</summary>
internal sealed record OperationResult(int Status, IReadOnlyDictionary<string, string> Headers, JsonObject? Body);
