using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>One write inside a change set.</summary>
/// <param name="Method">POST (create) or PATCH (update).</param>
/// <param name="RelativeUrl">Relative to <c>api/data/v9.2/</c>, e.g. <c>incidents</c> or <c>phonecalls(id)</c>.</param>
/// <param name="Body">The JSON body.</param>
/// <param name="UpdateOnly">Adds <c>If-Match: *</c>: a PATCH that never creates (a missing record is 404).</param>
/// <param name="ReturnRepresentation">Adds <c>Prefer: return=representation</c>: the answer holds the record's selected columns.</param>
internal sealed record ChangeSetOperation(HttpMethod Method, string RelativeUrl, JsonObject Body, bool UpdateOnly = false, bool ReturnRepresentation = false);

/// <summary>
/// A <c>$batch</c> request holding one change set: the operations run in order in one transaction, all or nothing,
/// in one HTTP request. Format from "Execute batch operations using the Web API"
/// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api).
/// Each operation's <c>Content-ID</c> is its 1-based position, so a failure names the operation that failed.
/// </summary>
internal static class ChangeSet
{
    public static HttpContent ToContent(IReadOnlyList<ChangeSetOperation> operations, Uri webUrl)
    {
        var batch = "batch_" + Guid.NewGuid().ToString("N");
        var changeSet = "changeset_" + Guid.NewGuid().ToString("N");
        var text = new StringBuilder();
        text.Append("--").Append(batch).Append("\r\nContent-Type: multipart/mixed; boundary=").Append(changeSet).Append("\r\n\r\n");
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            text.Append("--").Append(changeSet).Append("\r\n")
                .Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ").Append(i + 1).Append("\r\n\r\n")
                .Append(operation.Method.Method).Append(' ').Append(webUrl).Append(DataverseClient.ApiPath).Append(operation.RelativeUrl).Append(" HTTP/1.1\r\n")
                .Append("Content-Type: application/json; type=entry\r\n");
            if (operation.UpdateOnly)
            {
                text.Append("If-Match: *\r\n");
            }

            if (operation.ReturnRepresentation)
            {
                text.Append("Prefer: return=representation\r\n");
            }

            text.Append("\r\n").Append(operation.Body.ToJsonString(DataverseClient.BodyOptions)).Append("\r\n");
        }

        text.Append("--").Append(changeSet).Append("--\r\n--").Append(batch).Append("--\r\n");
        var content = new StringContent(text.ToString(), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/mixed; boundary={batch}");
        return content;
    }

    /// <summary>
    /// Reads a <c>$batch</c> answer: success when every operation answered 2xx (the reply's body is then an array of
    /// their JSON bodies, null for 204); otherwise the failed operation's status and error, with its position.
    /// </summary>
    public static DataverseReply ParseReply(HttpStatusCode status, string text, TimeSpan? retryAfter, string operation, string path)
    {
        var parts = new List<(int Status, int? ContentId, JsonNode? Body)>();
        foreach (var chunk in text.Split("\n--", StringSplitOptions.None))
        {
            var at = chunk.IndexOf("HTTP/1.1 ", StringComparison.Ordinal);
            if (at < 0 || !int.TryParse(chunk.AsSpan(at + 9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var partStatus))
            {
                continue;
            }

            int? contentId = null;
            foreach (var line in chunk[..at].Split('\n'))
            {
                if (line.StartsWith("Content-ID:", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(line.AsSpan(11).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    contentId = id;
                }
            }

            var bodyStart = chunk.IndexOf("\r\n\r\n", at, StringComparison.Ordinal);
            var body = bodyStart < 0 ? null : Json(chunk[(bodyStart + 4)..].Trim());
            parts.Add((partStatus, contentId, body));
        }

        if (parts.Count == 0)
        {
            // Refused as a whole (401, 429, 5xx), or not a batch answer at all: a plain JSON error, if any.
            var whole = Json(text);
            return new DataverseReply(status, whole, retryAfter, DataverseError.From(whole), operation, path);
        }

        if (parts.FirstOrDefault(p => p.Status >= 300) is { Status: > 0 } failed)
        {
            return new DataverseReply((HttpStatusCode)failed.Status, failed.Body, retryAfter, DataverseError.From(failed.Body), operation, path)
            {
                FailedOperation = failed.ContentId,
            };
        }

        return new DataverseReply(status, new JsonArray([.. parts.Select(p => p.Body)]), retryAfter, null, operation, path);
    }

    private static JsonNode? Json(string text)
    {
        if (!text.StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
