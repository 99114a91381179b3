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
            ServiceProtectionTimeScale = fields.Integer("serviceProtectionTimeScale"),
            ApplicationUsers = ReadApplicationUsers(fields.Element("applicationUsers"), source, problems),
        };
    }

    private static readonly string[] ApplicationUserFields = ["clientId", "clientSecret"];

    private static List<ApplicationUser> ReadApplicationUsers(JsonElement? element, string source, List<ValidationProblem> problems)
    {
        if (element is not { } list)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, source, "applicationUsers",
                $"must be a list of {{ \"clientId\": \"<guid>\", \"clientSecret\": \"env:NAME\" }} objects, not {JsonFields.Describe(list.ValueKind)}"));
            return [];
        }

        var users = new List<ApplicationUser>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"applicationUsers[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Error, source, at,
                    $"must be an object {{ \"clientId\": \"<guid>\", \"clientSecret\": \"env:NAME\" }}, not {JsonFields.Describe(item.ValueKind)}"));
                continue;
            }

            var user = JsonFields.Read(item, source, at, ApplicationUserFields, problems);
            users.Add(new ApplicationUser(user.String("clientId"), user.String("clientSecret")));
        }

        return users;
    }
}
