using System.Text.Json;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>
/// Reads an account's JSON object into <see cref="AccountSettings"/> by the manifest's <c>accountFields</c>
/// (types, required fields, defaults and choices come from there); shape problems go to the list.
/// </summary>
internal static class AccountReader
{
    // An application user's own fields: the manifest declares applicationUsers as a list; its items are declared here.
    private static readonly DeclaredField[] ApplicationUserFields =
    [
        new("clientId", "the Application (client) ID of another app registration", DeclaredType.String),
        new("clientSecret", "that app registration's secret", DeclaredType.String),
    ];

    public static AccountSettings Read(JsonElement account, string source, List<ValidationProblem> problems)
    {
        var fields = JsonFields.Read(account, source, "account", DeclaredFields.Account, problems);
        var settings = new AccountSettings
        {
            Mode = fields.Choice<AuthMode>("authMode"),
            Username = fields.String("username"),
            Password = fields.String("password"),
            ClientId = fields.String("clientId"),
            TenantId = fields.String("tenantId"),
            ClientSecret = fields.String("clientSecret"),
            WebUrl = fields.String("weburl"),
            AuthorityHost = fields.String("authorityHost"),
            TrustedCertificateThumbprint = fields.String("trustedCertificateThumbprint"),
            RequestTimeoutSeconds = fields.IntegerOrDefault("requestTimeoutSeconds"),
            ServiceProtectionTimeScale = fields.IntegerOrDefault("serviceProtectionTimeScale"),
            ApplicationUsers = ReadApplicationUsers(
                fields.List("applicationUsers", "must be a list of { \"clientId\": \"<guid>\", \"clientSecret\": \"env:NAME\" } objects"), source, problems),
        };
        fields.EnsureEveryFieldRead();
        return settings;
    }

    private static List<ApplicationUser> ReadApplicationUsers(JsonElement? element, string source, List<ValidationProblem> problems)
    {
        if (element is not { } list)
        {
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
