using System.Text.RegularExpressions;
using FluentValidation;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>
/// Checks an account before any network call: what the declarations cannot say (formats, hosts, fields required by
/// the auth mode). Names, types, unconditionally required fields, defaults and choices are the manifest's, applied by
/// <see cref="AccountReader"/>. Every message names what is expected and never
/// repeats a secret's value.
/// </summary>
internal sealed partial class AccountValidator : AbstractValidator<AccountSettings>
{
    // A pinned certificate goes with the emulator, whose accounts name it as authorityHost too; the declared default
    // (the public cloud, which an account without authorityHost reads as) is left alone, since pins apply to loopback hosts only.
    private static readonly string? DefaultAuthorityHost = DeclaredFields.Account.Named("authorityHost").Default?.GetString();

    public AccountValidator()
    {
        RuleFor(a => a.WebUrl)
            .Cascade(CascadeMode.Stop)
            .Must((a, _) => a.WebUri is not null).WithMessage("is not an absolute URL; expected e.g. https://contoso.crm4.dynamics.com/")
            .Must((a, _) => string.IsNullOrEmpty(a.WebUri!.UserInfo))
            .WithMessage("must not contain a user name or password (user:password@ before the host): it would be sent to Dynamics and written to logs; the account signs in with its own credentials")
            .Must((a, _) => a.WebUri!.Scheme == Uri.UriSchemeHttps).WithMessage("must use https, e.g. https://contoso.crm4.dynamics.com/")
            .Must((a, _) => HostRules.IsDynamicsHost(a.WebUri!.IdnHost) || HostRules.IsLoopback(a.WebUri!.IdnHost))
            .WithMessage(a => $"host '{a.WebUri!.Host}' is not a Dynamics 365 host (*.dynamics.com, e.g. https://contoso.crm4.dynamics.com/) nor a loopback address (the emulator)")
            .Must((a, _) => HostRules.IsRoot(a.WebUri!)).WithMessage("must be the environment root, without a path, query or fragment, e.g. https://contoso.crm4.dynamics.com/")
            .When(a => !string.IsNullOrWhiteSpace(a.WebUrl))
            .OverridePropertyName("weburl");

        RuleFor(a => a.ClientId)
            .Cascade(CascadeMode.Stop)
            .Must(id => Guid.TryParse(id, out _)).WithMessage("must be the Application (client) ID of the app registration, a GUID like 2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20")
            .When(a => !string.IsNullOrWhiteSpace(a.ClientId))
            .OverridePropertyName("clientId");

        RuleFor(a => a.TenantId)
            .Cascade(CascadeMode.Stop)
            .Must(id => Guid.TryParse(id, out _) || TenantDomain().IsMatch(id!))
            .WithMessage("must be the Directory (tenant) ID, a GUID, or a verified domain such as contoso.onmicrosoft.com")
            .When(a => !string.IsNullOrWhiteSpace(a.TenantId))
            .OverridePropertyName("tenantId");

        // Username/password may go without a secret: the app registration is then a public client.
        RuleFor(a => a.ClientSecret)
            .NotEmpty()
            .When(a => a.Mode != AuthMode.UsernamePassword)
            .WithMessage("is required for authMode 'clientCredentials': the secret's Value from the app registration's Certificates & secrets")
            .OverridePropertyName("clientSecret");

        When(a => a.Mode == AuthMode.UsernamePassword, () =>
        {
            RuleFor(a => a.Username)
                .Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("is required for authMode 'usernamePassword': the integration user's sign-in name, e.g. motion@contoso.onmicrosoft.com")
                .Must(u => UserPrincipalName().IsMatch(u!)).WithMessage("must be the integration user's sign-in name (user@domain), e.g. motion@contoso.onmicrosoft.com")
                .OverridePropertyName("username");
            RuleFor(a => a.Password)
                .NotEmpty().WithMessage("is required for authMode 'usernamePassword': the integration user's password")
                .OverridePropertyName("password");
        });

        When(a => a.Mode == AuthMode.ClientCredentials, () =>
        {
            RuleFor(a => a.Password)
                .Empty().WithMessage("is ignored with authMode 'clientCredentials'; remove it so no unused password is stored")
                .WithSeverity(Severity.Warning)
                .OverridePropertyName("password");
        });

        When(a => !string.IsNullOrWhiteSpace(a.AuthorityHost), () =>
        {
            RuleFor(a => a.AuthorityHost)
                .Cascade(CascadeMode.Stop)
                .Must((a, _) => a.AuthorityUri is not null).WithMessage("must be an absolute URL such as https://login.microsoftonline.com/")
                .Must((a, _) => string.IsNullOrEmpty(a.AuthorityUri!.UserInfo))
                .WithMessage("must not contain a user name or password (user:password@ before the host)")
                .Must((a, _) => a.AuthorityUri!.Scheme == Uri.UriSchemeHttps).WithMessage("must use https, e.g. https://login.microsoftonline.com/")
                .Must((a, _) => HostRules.IsAzureAdHost(a.AuthorityUri!.IdnHost) || HostRules.IsLoopback(a.AuthorityUri!.IdnHost))
                .WithMessage(a => $"host '{a.AuthorityUri!.Host}' is not an Azure AD host (login.microsoftonline.com or a national cloud's) nor a loopback address (the emulator)")
                .Must((a, _) => HostRules.IsRoot(a.AuthorityUri!)).WithMessage("must be the Azure AD host only, without a path (the tenant comes from tenantId), e.g. https://login.microsoftonline.com/")
                .OverridePropertyName("authorityHost");
        });

        When(a => !string.IsNullOrWhiteSpace(a.TrustedCertificateThumbprint), () =>
        {
            RuleFor(a => a.TrustedCertificateThumbprint)
                .Cascade(CascadeMode.Stop)
                .Must((a, _) => a.NormalizedThumbprint!.Length == 64 && a.TrustedCertificateThumbprint!.All(c => char.IsAsciiHexDigit(c) || c is ':' or ' ' or '-'))
                .WithMessage("must be the SHA-256 of the emulator's certificate: 64 hexadecimal digits")
                .Must((a, _) => a.WebUri is null || HostRules.IsLoopback(a.WebUri.IdnHost))
                .WithMessage(a => $"is honoured only for the emulator on a loopback host, and weburl host '{a.WebUri!.Host}' is not loopback: remove it (a real environment's certificate is checked by the system)")
                .Must((a, _) => a.AuthorityHost == DefaultAuthorityHost || a.AuthorityUri is null || HostRules.IsLoopback(a.AuthorityUri.IdnHost))
                .WithMessage(a => $"is honoured only for the emulator on a loopback host, and authorityHost '{a.AuthorityUri!.Host}' is not loopback: remove it")
                .OverridePropertyName("trustedCertificateThumbprint");
        });

        When(a => a.ApplicationUsers.Count > 0, () =>
        {
            RuleFor(a => a.ApplicationUsers)
                .Cascade(CascadeMode.Stop)
                .Must((a, _) => a.Mode == AuthMode.ClientCredentials)
                .WithMessage("needs authMode 'clientCredentials': each entry is an app registration that is an application user of the environment")
                .Must(users => users.Count <= AccountSettings.MaxApplicationUsers)
                .WithMessage(a => $"lists {a.ApplicationUsers.Count} users; at most {AccountSettings.MaxApplicationUsers}")
                .OverridePropertyName("applicationUsers");
            RuleForEach(a => a.ApplicationUsers).ChildRules(user =>
            {
                user.RuleFor(u => u.ClientId)
                    .Cascade(CascadeMode.Stop)
                    .NotEmpty().WithMessage("is required: the Application (client) ID of another app registration, a GUID")
                    .Must(id => Guid.TryParse(id, out _)).WithMessage("must be the Application (client) ID of an app registration, a GUID like 2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20")
                    .OverridePropertyName("clientId");
                user.RuleFor(u => u.ClientSecret)
                    .NotEmpty().WithMessage("is required: that app registration's secret, e.g. \"env:D365_CLIENT_SECRET_2\"")
                    .OverridePropertyName("clientSecret");
            }).OverridePropertyName("applicationUsers");
            RuleFor(a => a.ApplicationUsers)
                .Must((a, users) => users.Select(u => u.ClientId?.Trim()).Append(a.ClientId?.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() == users.Count + 1)
                .WithMessage("lists a clientId twice (or the account's own clientId): each application user has its own budget only once")
                .OverridePropertyName("applicationUsers");
        });

        // A scale of 1 is the documented limits, right for any host; other scales are the emulator's.
        RuleFor(a => a.ServiceProtectionTimeScale)
            .Cascade(CascadeMode.Stop)
            .InclusiveBetween(1, 1000).WithMessage("must be between 1 and 1000 (the emulator's ServiceProtectionTimeScale)")
            .Must((a, scale) => scale == 1 || a.WebUri is null || HostRules.IsLoopback(a.WebUri.IdnHost))
            .WithMessage(a => $"is honoured only for the emulator on a loopback host, and weburl host '{a.WebUri!.Host}' is not loopback: remove it (Dynamics 365's limits are not time-scaled)")
            .OverridePropertyName("serviceProtectionTimeScale");

        RuleFor(a => a.RequestTimeoutSeconds)
            .InclusiveBetween(1, 300)
            .WithMessage($"must be between 1 and 300 seconds (default {DeclaredFields.Account.Named("requestTimeoutSeconds").Default})")
            .OverridePropertyName("requestTimeoutSeconds");
    }

    [GeneratedRegex(@"^(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$")]
    private static partial Regex TenantDomain();

    [GeneratedRegex(@"^[^@\s]+@([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$")]
    private static partial Regex UserPrincipalName();
}
