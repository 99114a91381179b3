using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using TriggerPlugins.DataverseEmulator.Data;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>
/// <c>POST $batch</c> (multipart/mixed), as "Execute batch operations using the Web API" describes it
/// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api):
/// operations run in order; a change set runs in one transaction (all or nothing), and its operations may be
/// referred to by <c>Content-ID</c>; the first failure stops the batch (no <c>odata.continue-on-error</c>) and is
/// answered as one <c>application/http</c> part. The emulator runs POST and PATCH only, and is stricter than
/// Dataverse: a GET inside a batch is refused.
/// </summary>
internal sealed class BatchEndpoint(EmulatorStore store, RecordFactory records, RecordUpdate updates, Uri webApiRoot)
{
    private const int MaxOperations = 1000;

    public async Task HandleAsync(HttpContext context, Guid caller)
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/mixed", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw DataverseErrors.BadRequest($"A $batch request needs 'Content-Type: multipart/mixed; boundary=batch_<id>', not '{context.Request.ContentType}'.");
        }

        var parts = new List<BatchPart>();
        var reader = new MultipartReader(boundary, context.Request.Body);
        while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
        {
            parts.Add(await ReadPartAsync(section, context.RequestAborted));
        }

        if (parts.Sum(p => p.Operations.Count) > MaxOperations)
        {
            throw DataverseErrors.BadRequest($"A batch can hold at most {MaxOperations} operations.");
        }

        var responseBoundary = "batchresponse_" + Guid.NewGuid().ToString("D");
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            try
            {
                var results = store.Write(transaction => part.Operations.Select(o => Run(transaction, o, caller)).ToList());
                WritePart(text, responseBoundary, part, results);
            }
            catch (FailedOperation failed)
            {
                WriteError(text, responseBoundary, failed);
                break;
            }
        }

        text.Append("--").Append(responseBoundary).Append("--\r\n");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers["OData-Version"] = "4.0";
        context.Response.ContentType = $"multipart/mixed; boundary={responseBoundary}";
        await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }

    private static async Task<BatchPart> ReadPartAsync(MultipartSection section, CancellationToken cancellationToken)
    {
        if (MediaTypeHeaderValue.TryParse(section.ContentType, out var type)
            && type.MediaType.Equals("multipart/mixed", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(type.Boundary).Value is { Length: > 0 } changeSetBoundary)
        {
            var operations = new List<Operation>();
            var reader = new MultipartReader(changeSetBoundary, section.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } inner)
            {
                operations.Add(await ReadOperationAsync(inner, inChangeSet: true, cancellationToken));
            }

            return new BatchPart(changeSetBoundary, operations);
        }

        return new BatchPart(null, [await ReadOperationAsync(section, inChangeSet: false, cancellationToken)]);
    }

    private static async Task<Operation> ReadOperationAsync(MultipartSection section, bool inChangeSet, CancellationToken cancellationToken)
    {
        if (!string.Equals(section.ContentType, "application/http", StringComparison.OrdinalIgnoreCase)
            || !section.Headers!.TryGetValue("Content-Transfer-Encoding", out var encoding)
            || !string.Equals(encoding.ToString(), "binary", StringComparison.OrdinalIgnoreCase))
        {
            throw DataverseErrors.BadRequest("Each operation of a batch needs 'Content-Type: application/http' and 'Content-Transfer-Encoding: binary'.");
        }

        var contentId = section.Headers.TryGetValue("Content-ID", out var id) ? id.ToString() : null;
        if (inChangeSet && string.IsNullOrEmpty(contentId))
        {
            // Stricter than Dataverse (where it is optional): every change set operation names itself.
            throw DataverseErrors.BadRequest("Each operation of a change set needs a 'Content-ID' header.");
        }

        using var streamReader = new StreamReader(section.Body, Encoding.UTF8);
        var raw = await streamReader.ReadToEndAsync(cancellationToken);
        var cut = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = cut >= 0 ? raw[..cut] : raw;
        var body = cut >= 0 ? raw[(cut + 4)..].Trim() : "";
        var lines = head.Split("\r\n");
        var request = lines[0].Split(' ');
        if (request.Length != 3 || !request[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            throw DataverseErrors.BadRequest($"The batch operation's request line '{lines[0]}' is not '<METHOD> <URL> HTTP/1.1'.");
        }

        var headers = new HeaderDictionary();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return new Operation(contentId, request[0].ToUpperInvariant(), request[1], headers, body);
    }

    private OperationResult Run(EmulatorStore.StoreTransaction transaction, Operation operation, Guid caller)
    {
        try
        {
            var (resource, query) = Resolve(operation.Url);
            var open = resource.IndexOf('(', StringComparison.Ordinal);
            var schema = store.Schemas.Find(open < 0 ? resource : resource[..open]) ?? throw DataverseErrors.ResourceNotFound(resource);
            RecordUpdate.RequireJson(operation.Headers.ContentType.ToString());
            var body = ParseBody(operation.Body);
            switch (operation.Method)
            {
                case "POST" when open < 0:
                    var created = records.Create(transaction, schema, body, caller);
                    return updates.Created(transaction, schema, created, operation.Headers, query);
                case "PATCH" when open > 0 && resource.EndsWith(')') && Guid.TryParseExact(resource[(open + 1)..^1], "D", out var id):
                    return updates.Apply(transaction, schema, id, body, operation.Headers, query, caller);
                default:
                    throw DataverseErrors.BadRequest($"The emulator runs only 'POST <set>' and 'PATCH <set>(<guid>)' in a batch, not '{operation.Method} {operation.Url}'.");
            }
        }
        catch (DataverseException error)
        {
            throw new FailedOperation(operation.ContentId, error);
        }
    }

    private (string Resource, IQueryCollection Query) Resolve(string url)
    {
        var path = url;
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute))
        {
            if (!absolute.AbsoluteUri.StartsWith(webApiRoot.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
            {
                throw DataverseErrors.BadRequest($"The batch operation's URL '{url}' is not under {webApiRoot}.");
            }

            path = absolute.PathAndQuery;
        }

        path = path.StartsWith(WebApiEndpoint.Root, StringComparison.Ordinal) ? path[WebApiEndpoint.Root.Length..] : path.TrimStart('/');
        var question = path.IndexOf('?', StringComparison.Ordinal);
        var query = question < 0 ? new QueryCollection() : new QueryCollection(QueryHelpers.ParseQuery(path[question..]));
        return (Uri.UnescapeDataString(question < 0 ? path : path[..question]), query);
    }

    private static JsonObject ParseBody(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw DataverseErrors.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw DataverseErrors.BadRequest("The batch operation's body is not valid JSON.");
        }
    }

    private static void WritePart(StringBuilder text, string boundary, BatchPart part, List<OperationResult> results)
    {
        text.Append("--").Append(boundary).Append("\r\n");
        if (part.ChangeSetBoundary is null)
        {
            WriteOperation(text, null, results[0]);
            return;
        }

        var changeSet = "changesetresponse_" + Guid.NewGuid().ToString("D");
        text.Append("Content-Type: multipart/mixed; boundary=").Append(changeSet).Append("\r\n\r\n");
        for (var i = 0; i < results.Count; i++)
        {
            text.Append("--").Append(changeSet).Append("\r\n");
            WriteOperation(text, part.Operations[i].ContentId, results[i]);
        }

        text.Append("--").Append(changeSet).Append("--\r\n");
    }

    private static void WriteOperation(StringBuilder text, string? contentId, OperationResult result)
    {
        text.Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
        if (contentId is not null)
        {
            text.Append("Content-ID: ").Append(contentId).Append("\r\n");
        }

        text.Append("\r\nHTTP/1.1 ").Append(result.Status.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(ReasonPhrases.GetReasonPhrase(result.Status)).Append("\r\nOData-Version: 4.0\r\n");
        foreach (var (name, value) in result.Headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (result.Body is not null)
        {
            text.Append("Content-Type: application/json; odata.metadata=minimal\r\n\r\n").Append(result.Body.ToJsonString());
        }

        text.Append("\r\n\r\n");
    }

    private static void WriteError(StringBuilder text, string boundary, FailedOperation failed)
    {
        text.Append("--").Append(boundary).Append("\r\n");
        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = failed.Error.Code, ["message"] = failed.Error.Message } };
        WriteOperation(text, failed.ContentId, new OperationResult(failed.Error.Status, new Dictionary<string, string>(), body));
    }

    private sealed record BatchPart(string? ChangeSetBoundary, List<Operation> Operations);

    private sealed record Operation(string? ContentId, string Method, string Url, IHeaderDictionary Headers, string Body);

    private sealed class FailedOperation(string? contentId, DataverseException error) : Exception(error.Message)
    {
        public string? ContentId { get; } = contentId;

        public DataverseException Error { get; } = error;
    }
}
