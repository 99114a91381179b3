namespace TriggerPlugins.DataverseEmulator.Identity;

/// <summary>An Azure AD token endpoint error: OAuth error, AADSTS code and description, sent with an HTTP status.</summary>
internal sealed class AadException : Exception
{
    public AadException(int status, string error, int code, string description)
        : base($"AADSTS{code}: {description}")
    {
        Status = status;
        Error = error;
        Code = code;
    }

    public AadException()
    {
    }

    public AadException(string message)
        : base(message)
    {
    }

    public AadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Status { get; } = 400;

    public string Error { get; } = "invalid_request";

    public int Code { get; }

    /// <summary>Set for errors MSAL maps to a user interaction (e.g. consent_required).</summary>
    public string? Suberror { get; init; }
}

/// <summary>The Azure AD errors the emulator answers, with Azure AD's codes, OAuth errors, statuses and wording.</summary>
internal static class AadErrors
{
    public static AadException MissingParameter(string name) =>
        new(400, "invalid_request", 900144, $"The request body must contain the following parameter: '{name}'.");

    public static AadException PostOnly() =>
        new(400, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a GET request.");

    public static AadException UnsupportedGrant(string grant) =>
        new(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grant}'.");

    public static AadException TenantNotFound(string tenant) =>
        new(400, "invalid_request", 90002, $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.");

    public static AadException UnknownClient(string clientId, string tenant) =>
        new(400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");

    public static AadException MissingClientSecret() =>
        new(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");

    public static AadException InvalidClientSecret(Guid clientId) =>
        new(401, "invalid_client", 7000215, $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId:D}'.");

    public static AadException ExpiredClientSecret(Guid clientId) =>
        new(401, "invalid_client", 7000222, $"The provided client secret keys for app '{clientId:D}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.");

    public static AadException InvalidScope(string scope) =>
        new(400, "invalid_scope", 70011, $"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.");

    public static AadException ClientCredentialsNeedDefault(string scope) =>
        new(400, "invalid_scope", 1002012, $"The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");

    public static AadException MoreThanOneResource() =>
        new(400, "invalid_scope", 28000, "Provided value for the input parameter scope is not valid because it contains more than one resource.");

    public static AadException ResourceNotFound(string resource, string tenant) =>
        new(400, "invalid_resource", 500011, $"The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.");

    public static AadException UnknownUser(string tenant) =>
        new(400, "invalid_grant", 50034, $"The user account {{EUII Hidden}} does not exist in the {tenant} directory. To sign into this application, the account must be added to the directory.");

    public static AadException WrongPassword() =>
        new(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.");

    public static AadException MfaRequired(string resource) =>
        new(400, "invalid_grant", 50076, $"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource}'.")
        {
            Suberror = "basic_action",
        };

    public static AadException ConsentRequired(SeedApplication application) =>
        new(400, "invalid_grant", 65001, $"The user or administrator has not consented to use the application with ID '{application.ClientId:D}' named '{application.DisplayName}'. Send an interactive authorization request for this user and resource.")
        {
            Suberror = "consent_required",
        };

    public static AadException InvalidRefreshToken() =>
        new(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");

    public static AadException ExpiredRefreshToken() =>
        new(400, "invalid_grant", 700082, "The refresh token has expired due to inactivity.");

    public static AadException Unavailable() =>
        new(503, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again. (The emulator's token endpoint is down by fault injection.)");
}
