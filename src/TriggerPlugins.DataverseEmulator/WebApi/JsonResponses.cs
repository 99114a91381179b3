using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>Writes JSON answers.</summary>
internal static class JsonResponses
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static async Task WriteAsync(HttpContext context, int status, JsonNode body, string contentType = "application/json; charset=utf-8")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body.ToJsonString(Compact), context.RequestAborted);
    }

    /// <summary>A Dataverse error answer, with <c>Retry-After</c> for 429.</summary>
    public static Task WriteErrorAsync(HttpContext context, DataverseException error)
    {
        context.Response.Headers["OData-Version"] = "4.0";
        if (error.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message } };
        return WriteAsync(context, error.Status, body, "application/json; odata.metadata=minimal");
    }
}
