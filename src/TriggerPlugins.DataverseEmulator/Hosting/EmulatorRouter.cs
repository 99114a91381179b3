using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TriggerPlugins.DataverseEmulator.Identity;
using TriggerPlugins.DataverseEmulator.WebApi;

namespace TriggerPlugins.DataverseEmulator.Hosting;

/// <summary>
/// Sends each request to the Web API or to Azure AD by its path, records it and logs one line per request.
/// </summary>
internal sealed class EmulatorRouter(
    WebApiEndpoint webApi,
    TokenEndpoint token,
    DiscoveryEndpoints discovery,
    RequestLog requests,
    TimeProvider clock,
    ILogger<DataverseEmulator> logger)
{
    /// <summary>Key of the <see cref="HttpContext.Items"/> flag set when fault injection drops the connection.</summary>
    public static readonly object DroppedKey = new();

    public async Task HandleAsync(HttpContext context)
    {
        var at = clock.GetUtcNow();
        var elapsed = Stopwatch.StartNew();
        try
        {
            await DispatchAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or a dropped-connection fault aborted the request).
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            Log.UnexpectedError(logger, ex, context.Request.Method, context.Request.Path.Value);
            await JsonResponses.WriteErrorAsync(context, new DataverseException(500, "0x80040216", "An unexpected error occurred in the emulator."));
        }
        finally
        {
            var dropped = context.Items.ContainsKey(DroppedKey) || context.RequestAborted.IsCancellationRequested;
            var status = dropped ? 0 : context.Response.StatusCode;
            var caller = context.Items.TryGetValue(typeof(TokenPrincipal), out var principal) ? ((TokenPrincipal)principal!).Name
                : context.Items.TryGetValue(typeof(RecordedCaller), out var named) ? ((RecordedCaller)named!).Name
                : null;
            var path = context.Request.Path.Value ?? "/";
            requests.Add(new RecordedRequest(at, context.Request.Method, path, context.Request.QueryString.Value ?? "", status, caller));
            Log.Answered(logger, context.Request.Method, path, status, elapsed.ElapsedMilliseconds);
            if (context.Items.ContainsKey(DroppedKey))
            {
                // Only now, so that the request is in the log before the client sees its connection drop.
                context.Abort();
            }
        }
    }

    private Task DispatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith(WebApiEndpoint.Root, StringComparison.Ordinal))
        {
            return webApi.HandleAsync(context, Uri.UnescapeDataString(path[WebApiEndpoint.Root.Length..]));
        }

        var segments = path.Trim('/').Split('/');
        if (segments is ["api", "data", var version, ..])
        {
            return JsonResponses.WriteErrorAsync(context, DataverseErrors.ResourceNotFound(version));
        }

        return segments switch
        {
            [var tenant, "oauth2", "v2.0", "token"] => token.HandleAsync(context, Uri.UnescapeDataString(tenant)),
            ["common", var realm, var username] when realm.Equals("userrealm", StringComparison.OrdinalIgnoreCase)
                => discovery.UserRealmAsync(context, Uri.UnescapeDataString(username)),
            [var tenant, "v2.0", ".well-known", "openid-configuration"] => discovery.OpenIdConfigurationAsync(context, Uri.UnescapeDataString(tenant)),
            [_, "discovery", "instance"] => discovery.InstanceDiscoveryAsync(context),
            _ => NotFoundAsync(context),
        };
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(
            $"The Dataverse emulator serves /api/data/v9.2/ and Azure AD's /{{tenant}}/oauth2/v2.0/token; nothing at '{context.Request.Path}'.",
            context.RequestAborted);
    }
}
