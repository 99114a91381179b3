using System.Net;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>Maps an unexpected Web API answer to an outcome whose message tells an admin what to do.</summary>
internal static partial class DataverseErrors
{
    /// <param name="reply">The answer.</param>
    /// <param name="webUrl">The environment, for messages.</param>
    /// <param name="mappedFields">The columns the configuration's fields mapping wrote in the request, if any: a 400 that
    /// names one of them gets a hint about the mapping; any other 400 does not.</param>
    public static ActionOutcome ToOutcome(DataverseReply reply, Uri webUrl, IEnumerable<string>? mappedFields = null)
    {
        var said = reply.Error is { } error ? $": {Shorten(error.ToString())}" : string.Empty;
        var status = (int)reply.Status;
        return reply.Status switch
        {
            HttpStatusCode.TooManyRequests => ActionOutcome.Transient(
                $"Dataverse service protection limits were hit while trying to {reply.Operation} (HTTP 429{said}); retry after {Seconds(reply.RetryAfter)}.",
                reply.RetryAfter),
            HttpStatusCode.Unauthorized => ActionOutcome.Permanent(
                $"Dataverse at {webUrl} rejected the access token twice while trying to {reply.Operation} (HTTP 401{said}). With clientCredentials, add the app registration as an application user of the environment (Power Platform admin center > Environments > Settings > Application users) with a security role; with usernamePassword, check the user has a Dynamics 365 license and access to the environment.",
                "dataverse.unauthorized"),
            HttpStatusCode.Forbidden when reply.Error?.Code == NotMemberOfOrganization => ActionOutcome.Permanent(
                $"The app or user signed in is not a user of the environment {webUrl} (HTTP 403{said}). Add the app registration as an application user (Power Platform admin center > Environments > Settings > Application users) with a security role, or give the integration user access to the environment.",
                "dataverse.forbidden"),
            HttpStatusCode.Forbidden => ActionOutcome.Permanent(
                $"The integration user lacks a privilege to {reply.Operation} (HTTP 403{said}). Check its security roles: it needs Read on Contact and User, Create on Contact and Case, and Append/Append To on both.",
                "dataverse.forbidden"),
            HttpStatusCode.NotFound when reply.Error is null => ActionOutcome.Permanent(
                $"weburl {webUrl} does not look like a Dataverse environment: {reply.Path} answered 404. Use the environment URL shown in the Power Platform admin center, e.g. https://contoso.crm4.dynamics.com/.",
                "dataverse.not-found"),
            HttpStatusCode.NotFound => ActionOutcome.Permanent(
                $"Dataverse could not {reply.Operation} (HTTP 404{said}).",
                "dataverse.not-found"),
            HttpStatusCode.PreconditionFailed => ActionOutcome.Permanent(
                $"Dataverse refused to {reply.Operation} (HTTP 412{said}).",
                "dataverse.precondition-failed"),
            HttpStatusCode.BadRequest => ActionOutcome.Permanent(
                $"Dataverse refused to {reply.Operation} (HTTP 400{said}).{BadRequestHint(reply.Error, mappedFields)}",
                "dataverse.bad-request"),
            _ when status >= 500 || reply.Status == HttpStatusCode.RequestTimeout => ActionOutcome.Transient(
                $"Dataverse failed to {reply.Operation} (HTTP {status}{said}).",
                reply.RetryAfter),
            _ => ActionOutcome.Permanent(
                $"Dataverse answered HTTP {status} while trying to {reply.Operation}{said}.",
                "dataverse.unexpected"),
        };
    }

    /// <summary>"The user is not a member of the organization": signed in to Azure AD, unknown to the environment.</summary>
    private const string NotMemberOfOrganization = "0x80072560";

    /// <summary>
    /// Which field a 400 concerns: a mapped field the message names gets the mapping hint; another quoted name is only
    /// pointed at (the mapping is not the cause then).
    /// </summary>
    internal static string BadRequestHint(DataverseError? error, IEnumerable<string>? mappedFields)
    {
        if (error is null || error.Message.Length == 0)
        {
            return string.Empty;
        }

        var mapped = mappedFields?.FirstOrDefault(f => error.Message.Contains($"'{f}'", StringComparison.Ordinal));
        if (mapped is not null)
        {
            return $" The field '{mapped}' comes from the configuration's fields mapping: check that the column exists on the table and that the value has its type.";
        }

        var named = QuotedName().Match(error.Message);
        return named.Success ? $" It concerns '{named.Groups[1].Value}'." : string.Empty;
    }

    [System.Text.RegularExpressions.GeneratedRegex("'([A-Za-z_][A-Za-z0-9_]*)'")]
    private static partial System.Text.RegularExpressions.Regex QuotedName();

    private static string Seconds(TimeSpan? wait) => wait is { } value ? $"{Math.Ceiling(value.TotalSeconds):0} s" : "a while";

    private static string Shorten(string text) => text.Length > 500 ? text[..500] + "…" : text;
}
