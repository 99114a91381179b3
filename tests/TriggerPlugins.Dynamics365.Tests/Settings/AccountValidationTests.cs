using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Settings;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Settings;

public sealed class AccountValidationTests
{
    [Fact]
    public async Task A_complete_client_credentials_account_is_valid()
    {
        await using var action = TestSettings.CreateAction();
        var report = action.Validate(TestSettings.Settings());
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
        Assert.Empty(report.Problems);
    }

    [Fact]
    public async Task A_complete_username_password_account_is_valid()
    {
        await using var action = TestSettings.CreateAction();
        var account = UserAccount();
        var report = action.Validate(TestSettings.Settings(account));
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    public static TheoryData<string, JsonNode?, string> FieldErrors => new()
    {
        { "weburl", null, "is required: Web URL" },
        { "weburl", "contoso.crm4.dynamics.com", "is not an absolute URL" },
        { "weburl", "http://contoso.crm4.dynamics.com/", "must use https" },
        { "weburl", "https://contoso.example.com/", "host 'contoso.example.com' is not a Dynamics 365 host" },
        { "weburl", "https://contoso.crm4.dynamics.com/main.aspx", "must be the environment root" },
        { "weburl", "https://admin:hunter2@contoso.crm4.dynamics.com/", "must not contain a user name or password" },
        { "authorityHost", "https://admin:hunter2@login.microsoftonline.com/", "must not contain a user name or password" },
        { "clientId", null, "is required: ClientId (Application ID, a GUID)" },
        { "clientId", "my-app", "a GUID like" },
        { "tenantId", "", "is required: TenantId" },
        { "tenantId", "not a tenant", "must be the Directory (tenant) ID, a GUID, or a verified domain" },
        { "clientSecret", null, "is required for authMode 'clientCredentials'" },
        { "clientSecret", "   ", "is required for authMode 'clientCredentials'" },
        { "authMode", "certificate", "'certificate' is not allowed; expected clientCredentials or usernamePassword" },
        { "authorityHost", "https://evil.example.com/", "is not an Azure AD host" },
        { "authorityHost", "http://login.microsoftonline.com/", "must use https" },
        { "authorityHost", "https://login.microsoftonline.com/common", "without a path" },
        { "trustedCertificateThumbprint", "ABCD", "64 hexadecimal digits" },
        { "trustedCertificateThumbprint", new string('A', 64), "is honoured only for the emulator on a loopback host" },
        { "requestTimeoutSeconds", 0, "between 1 and 300 seconds" },
        { "clientId", 42, "must be a string, not a number" },
        { "applicationUsers", "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20", "must be a list of" },
        { "serviceProtectionTimeScale", 60, "is honoured only for the emulator on a loopback host" },
        { "serviceProtectionTimeScale", 0, "must be between 1 and 1000" },
        { "applicationUsers", JsonNode.Parse("""[{ "clientId": "2B8F6C1E-9D4A-4F7B-8E3C-5A1D9B7E4C20", "clientSecret": "s" }]"""), "lists a clientId twice (or the account's own clientId)" },
    };

    [Theory]
    [InlineData("""[{ "clientId": "my-app", "clientSecret": "s" }]""", "clientId", "must be the Application (client) ID of an app registration")]
    [InlineData("""[{ "clientId": "0c5d7e9f-1a2b-4c3d-8e4f-6a7b8c9d0e1f" }]""", "clientSecret", "is required: that app registration's secret")]
    public async Task Each_application_user_needs_a_client_id_and_a_secret(string users, string field, string expected)
    {
        await using var action = TestSettings.CreateAction();
        var account = TestSettings.Account(a => a["applicationUsers"] = JsonNode.Parse(users));

        var problem = Assert.Single(action.Validate(TestSettings.Settings(account)).Problems, p => p.Severity == ValidationSeverity.Error);

        Assert.Contains("applicationUsers[0]", problem.Field, StringComparison.Ordinal);
        Assert.EndsWith(field, problem.Field, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Application_users_need_client_credentials()
    {
        await using var action = TestSettings.CreateAction();
        var account = UserAccount(a => a["applicationUsers"] = JsonNode.Parse("""[{ "clientId": "0c5d7e9f-1a2b-4c3d-8e4f-6a7b8c9d0e1f", "clientSecret": "s" }]"""));

        var problem = Assert.Single(action.Validate(TestSettings.Settings(account)).Problems, p => p.Severity == ValidationSeverity.Error);

        Assert.Equal("applicationUsers", problem.Field);
        Assert.Contains("needs authMode 'clientCredentials'", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(FieldErrors))]
    public async Task Each_account_error_names_the_field_and_what_is_expected(string field, JsonNode? value, string expected)
    {
        await using var action = TestSettings.CreateAction();
        var account = TestSettings.Account(a => a[field] = value?.DeepClone());

        var report = action.Validate(TestSettings.Settings(account));

        Assert.False(report.IsValid);
        var problem = Assert.Single(report.Problems, p => p.Severity == ValidationSeverity.Error);
        Assert.Equal(field, problem.Field);
        Assert.Equal("accounts/contoso.json", problem.Source);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("username", "is required for authMode 'usernamePassword'")]
    [InlineData("password", "is required for authMode 'usernamePassword'")]
    public async Task Username_password_mode_requires_the_user_credentials(string missing, string expected)
    {
        await using var action = TestSettings.CreateAction();
        var account = UserAccount(a =>
        {
            a.Remove(missing);
        });

        var problem = Assert.Single(action.Validate(TestSettings.Settings(account)).Problems);
        Assert.Equal(missing, problem.Field);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Username_password_mode_may_go_without_a_client_secret_as_a_public_client()
    {
        await using var action = TestSettings.CreateAction();
        var account = UserAccount(a =>
        {
            a.Remove("clientSecret");
        });

        Assert.Empty(action.Validate(TestSettings.Settings(account)).Problems);
    }

    [Fact]
    public async Task A_username_that_is_not_a_sign_in_name_is_refused()
    {
        await using var action = TestSettings.CreateAction();
        var account = TestSettings.Account(a =>
        {
            a["authMode"] = "usernamePassword";
            a["username"] = "motion";
            a["password"] = "x";
        });

        var problem = Assert.Single(action.Validate(TestSettings.Settings(account)).Problems);
        Assert.Equal("username", problem.Field);
        Assert.Contains("sign-in name (user@domain)", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://127.0.0.1:5443/", null)]
    [InlineData("https://localhost:5443/", "https://localhost:5443/")]
    [InlineData("https://[::1]:5443/", "https://[::1]:5443/")]
    public async Task The_emulator_on_loopback_may_pin_its_certificate(string weburl, string? authorityHost)
    {
        await using var action = TestSettings.CreateAction();
        var account = TestSettings.Account(a =>
        {
            a["weburl"] = weburl;
            a["authorityHost"] = authorityHost;
            a["trustedCertificateThumbprint"] = string.Concat(Enumerable.Repeat("0A", 32));
        });

        var report = action.Validate(TestSettings.Settings(account));
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public async Task A_domain_tenant_and_a_national_cloud_are_accepted()
    {
        await using var action = TestSettings.CreateAction();
        var account = TestSettings.Account(a =>
        {
            a["tenantId"] = "contoso.onmicrosoft.com";
            a["weburl"] = "https://contoso.crm9.dynamics.com/";
            a["authorityHost"] = "https://login.microsoftonline.us/";
        });

        Assert.True(action.Validate(TestSettings.Settings(account)).IsValid);
    }

    [Fact]
    public async Task Unknown_fields_and_unused_passwords_are_warnings_that_keep_the_account_usable()
    {
        await using var action = TestSettings.CreateAction();
        var account = TestSettings.Account(a =>
        {
            a["webUrl2"] = "typo";
            a["password"] = "leftover-password";
        });

        var report = action.Validate(TestSettings.Settings(account));

        Assert.True(report.IsValid);
        Assert.All(report.Problems, p => Assert.Equal(ValidationSeverity.Warning, p.Severity));
        Assert.Contains(report.Problems, p => p.Field == "webUrl2" && p.Message.Contains("unknown field", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Field == "password" && p.Message.Contains("ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Field_names_are_case_insensitive_as_in_the_users_description()
    {
        await using var action = TestSettings.CreateAction();
        var account = new JsonObject
        {
            ["ClientId"] = TestSettings.ClientId,
            ["TenantId"] = TestSettings.TenantId,
            ["ClientSecret"] = TestSettings.Secret,
            ["WebUrl"] = "https://contoso.crm4.dynamics.com/",
        };

        Assert.True(action.Validate(TestSettings.Settings(account)).IsValid);
    }

    [Fact]
    public async Task No_problem_message_and_no_ToString_shows_a_secret()
    {
        const string secret = "s3cr3t-value-that-must-not-leak";
        await using var action = TestSettings.CreateAction();
        var account = TestSettings.Account(a =>
        {
            a["authMode"] = "usernamePassword";
            a["clientSecret"] = secret;
            a["password"] = secret;
            a["username"] = "not-an-upn";
            a["clientId"] = "bad";
        });

        var report = action.Validate(TestSettings.Settings(account));
        Assert.NotEmpty(report.Problems);
        Assert.All(report.Problems, p => Assert.DoesNotContain(secret, p.ToString(), StringComparison.Ordinal));

        var settings = new AccountSettings { ClientSecret = secret, Password = secret, Username = "u@contoso.com" };
        Assert.DoesNotContain(secret, settings.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_that_is_not_an_object_is_one_clear_error()
    {
        await using var action = TestSettings.CreateAction();
        var settings = TestSettings.Settings() is var s
            ? new ActionSettings
            {
                AccountName = s.AccountName,
                Account = System.Text.Json.JsonDocument.Parse("[1,2]").RootElement.Clone(),
                AccountSource = s.AccountSource,
                ConfigurationName = s.ConfigurationName,
                Configuration = s.Configuration,
                BaseDirectory = s.BaseDirectory,
            }
            : null!;

        var report = action.Validate(settings);
        Assert.Contains(report.Problems, p => p.Message.Contains("the account must be a JSON object, not an array", StringComparison.Ordinal));
    }

    private static JsonObject UserAccount(Action<JsonObject>? change = null) => TestSettings.Account(a =>
    {
        a["authMode"] = "usernamePassword";
        a["username"] = "motion@contoso.onmicrosoft.com";
        a["password"] = "Demo-Password-1";
        change?.Invoke(a);
    });
}
