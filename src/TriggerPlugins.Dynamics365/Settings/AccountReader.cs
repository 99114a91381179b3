using System.Text.Json;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>Reads an account's JSON object into <see cref="AccountSettings"/>; shape problems go to the list.</summary>
internal static class AccountReader
{
    public static AccountSettings Read(JsonElement account, string source, List<ValidationProblem> problems)
    {
        var fields = JsonFields.Read(account, source, "account", AccountSettings.FieldNames, problems);
        return new AccountSettings
        {
            AuthModeText = fields.String("authMode"),
            Username = fields.String("username"),
            Password = fields.String("password"),
            ClientId = fields.String("clientId"),
            TenantId = fields.String("tenantId"),
            ClientSecret = fields.String("clientSecret"),
            WebUrl = fields.String("weburl"),
            AuthorityHost = fields.String("authorityHost"),
            TrustedCertificateThumbprint = fields.String("trustedCertificateThumbprint"),
            RequestTimeoutSeconds = fields.Integer("requestTimeoutSeconds"),
        };
    }
}
