using TriggerPlugins.DataverseEmulator.Data;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>An answer in Dataverse's error shape: <c>{"error":{"code":"0x...","message":"..."}}</c> with an HTTP status.</summary>
internal sealed class DataverseException : Exception
{
    public DataverseException(int status, string code, string message)
        : base(message)
    {
        Status = status;
        Code = code;
    }

    public DataverseException()
    {
    }

    public DataverseException(string message)
        : base(message)
    {
    }

    public DataverseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Status { get; } = 500;

    public string Code { get; } = "0x80040216";

    /// <summary>Seconds for a <c>Retry-After</c> header (429 answers only).</summary>
    public int? RetryAfterSeconds { get; init; }
}

/// <summary>The Dataverse errors the emulator answers, with Dataverse's codes and wording.</summary>
internal static class DataverseErrors
{
    // OData request errors (parsing, unknown names) all carry this code in Dataverse.
    public const string ODataError = "0x80060888";

    public static DataverseException ResourceNotFound(string segment) =>
        new(404, "0x8006088a", $"Resource not found for the segment '{segment}'.");

    public static DataverseException UnknownProperty(string name, EntitySchema schema) =>
        new(400, "0x0", $"Could not find a property named '{name}' on type '{schema.TypeName}'.");

    public static DataverseException UndeclaredPropertyInBody(string name, EntitySchema schema) =>
        new(400, ODataError, $"The property '{name}' does not exist on type '{schema.TypeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.");

    public static DataverseException UndeclaredNavigation(string name) =>
        new(400, ODataError, $"An undeclared property '{name}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.");

    public static DataverseException RecordNotFound(EntitySchema schema, Guid id) =>
        new(404, "0x80040217", $"Entity '{schema.LogicalName}' With Id = {id:D} Does Not Exist");

    public static DataverseException DuplicateKey() =>
        new(412, "0x80040237", "A record with matching key values already exists.");

    public static DataverseException TooLong(AttributeDefinition attribute, EntitySchema schema) =>
        new(400, "0x80044331", $"A validation error occurred.  The length of the '{attribute.Name}' attribute of the '{schema.LogicalName}' entity exceeded the maximum allowed length of '{attribute.MaxLength}'.");

    public static DataverseException OptionOutOfRange(AttributeDefinition attribute, EntitySchema schema, long value) =>
        new(400, "0x8004431a", $"A validation error occurred. The value {value} of '{attribute.Name}' on record of type '{schema.LogicalName}' is outside the valid range. Accepted Values: {string.Join(',', attribute.Options!.Order())}");

    public static DataverseException CannotConvert(string literal, string edmType) =>
        new(400, ODataError, $"Cannot convert the literal '{literal}' to the expected type '{edmType}'.");

    public static DataverseException LookupWrittenDirectly() =>
        new(400, "0x80048d19", "CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.");

    public static DataverseException NotValidForCreate(AttributeDefinition attribute, EntitySchema schema) =>
        new(400, "0x80040203", $"The attribute '{attribute.Name}' of the '{schema.LogicalName}' entity is not valid for create: Dataverse sets it.");

    // A record cannot be owned by a disabled user: Dataverse refuses the assignment with this message. Follows
    // https://learn.microsoft.com/troubleshoot/power-platform/dynamics-365-sales/specified-user-is-either-disabled-or-is-not-a-member-of-any-business-unit
    // (KB 2755914) and "Disable a user" in https://learn.microsoft.com/power-platform/admin/create-users (disabled users keep their records
    // and email but cannot own new ones). The emulator answers it for every owner bind to a systemuser with isdisabled = true.
    public static DataverseException DisabledOwner() =>
        new(400, "0x80040225", "The specified user is either disabled or is not a member of any business unit.");

    public static DataverseException InvalidArgument(string message) => new(400, "0x80040203", message);

    public static DataverseException BadRequest(string message) => new(400, ODataError, message);

    public static DataverseException NotMemberOfOrganization() =>
        new(403, "0x80072560", "The user is not a member of the organization.");

    /// <summary>"Number of requests exceeded the limit" (-2147015902).</summary>
    public const string RequestsLimitCode = "0x80072322";

    public static DataverseException ServiceProtectionLimit(int limit, TimeSpan window, int retryAfterSeconds) =>
        new(429, RequestsLimitCode, $"Number of requests exceeded the limit of {limit} over time window of {(int)Math.Ceiling(window.TotalSeconds)} seconds.")
        {
            RetryAfterSeconds = retryAfterSeconds,
        };

    // "Number of concurrent requests exceeded the limit of 52", error code -2147015898 (0x80072326), per
    // https://learn.microsoft.com/power-apps/developer/data-platform/api-limits.
    public static DataverseException ConcurrencyLimit(int limit) =>
        new(429, "0x80072326", $"Number of concurrent requests exceeded the limit of {limit}.")
        {
            RetryAfterSeconds = 1,
        };

    public static DataverseException ExecutionTimeLimit(int retryAfterSeconds) =>
        new(429, "0x80072321", "Combined execution time of incoming requests exceeded limit of 1,200,000 milliseconds over time window of 300 seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.")
        {
            RetryAfterSeconds = retryAfterSeconds,
        };

    public static DataverseException ServiceUnavailable() =>
        new(503, "0x80040216", "An unexpected error occurred. The service is temporarily unavailable (fault injected by the emulator).");

    public static DataverseException MethodNotAllowed(string method, string resource) =>
        new(405, ODataError, $"The HTTP method '{method}' is not supported on '{resource}' by the emulator; it serves GET on entity sets and records, POST on entity sets and GET WhoAmI.");
}
