using System.Net;
using System.Text.Json.Nodes;

namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>A request to the Web API (relative to <c>{weburl}/api/data/v9.2/</c>).</summary>
/// <param name="Method">GET or POST.</param>
/// <param name="RelativeUrl">Path and query, already escaped.</param>
/// <param name="Operation">What the request does, for messages ("find the caller's contact").</param>
/// <param name="Body">The JSON body of a POST.</param>
/// <param name="ReturnRepresentation">Adds <c>Prefer: return=representation</c>.</param>
/// <param name="UpdateOnly">Adds <c>If-Match: *</c>: a PATCH that updates, never creates.</param>
/// <param name="ChangeSet">Sends these operations as one <c>$batch</c> change set instead of <paramref name="Body"/>.</param>
internal sealed record DataverseRequest(
    HttpMethod Method,
    string RelativeUrl,
    string Operation,
    JsonObject? Body = null,
    bool ReturnRepresentation = false,
    bool UpdateOnly = false,
    IReadOnlyList<ChangeSetOperation>? ChangeSet = null)
{
    /// <summary>A change set: <c>POST $batch</c> with the operations, in one transaction.</summary>
    public static DataverseRequest Batch(string operation, IReadOnlyList<ChangeSetOperation> operations)
        => new(HttpMethod.Post, "$batch", operation, ChangeSet: operations);
}

/// <summary>What the Web API answered.</summary>
internal sealed record DataverseReply(HttpStatusCode Status, JsonNode? Body, TimeSpan? RetryAfter, DataverseError? Error, string Operation, string Path)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>For a change set that failed: the 1-based position of the operation that failed, when Dataverse said.</summary>
    public int? FailedOperation { get; init; }
}

/// <summary>A Dataverse error body: <c>{"error":{"code":"0x80040237","message":"..."}}</c>.</summary>
internal sealed record DataverseError(string Code, string Message)
{
    /// <summary>"Cannot insert duplicate key" (0x80040237, -2147220937): a record with this id already exists.</summary>
    public bool IsDuplicateKey
        => Code.Equals("0x80040237", StringComparison.OrdinalIgnoreCase) || Code == "-2147220937";

    public static DataverseError? From(JsonNode? body)
    {
        if (body is not JsonObject root || root["error"] is not JsonObject error)
        {
            return null;
        }

        var code = error["code"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? error["code"]!.GetValue<string>() : string.Empty;
        var message = error["message"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? error["message"]!.GetValue<string>() : string.Empty;
        return new DataverseError(code, message);
    }

    public override string ToString() => string.IsNullOrEmpty(Code) ? Message : $"{Code}: {Message}";
}
