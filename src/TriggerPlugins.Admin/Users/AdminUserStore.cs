using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity;

namespace TriggerPlugins.Admin.Users;

/// <summary>One admin of the console, as stored in <c>admin-users.json</c> (the password only as a salted hash).</summary>
public sealed class AdminUser
{
    /// <summary>The sign-in name.</summary>
    public required string UserName { get; init; }

    /// <summary>ASP.NET Core Identity's PasswordHasher v3 format: PBKDF2 with HMAC-SHA512, 100,000 iterations, 128-bit salt.</summary>
    public required string PasswordHash { get; set; }

    /// <summary>Failed sign-ins since the last successful one.</summary>
    public int FailedAttempts { get; set; }

    /// <summary>Until when sign-in is refused after too many failures.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>The result of a sign-in attempt.</summary>
public enum SignInResult
{
    /// <summary>Name and password are right.</summary>
    Succeeded,

    /// <summary>Unknown name or wrong password (the two are not told apart).</summary>
    Failed,

    /// <summary>Too many failures: refused until the lockout ends, even with the right password.</summary>
    LockedOut,
}

/// <summary>
/// The console's admins, in <c>admin-users.json</c> in the data folder. Passwords are hashed with ASP.NET Core
/// Identity's <see cref="PasswordHasher{TUser}"/> (shared framework, no extra package); after
/// <see cref="MaxFailedAttempts"/> failures in a row an admin is locked out for <see cref="LockoutDuration"/>.
/// </summary>
public sealed class AdminUserStore : IDisposable
{
    /// <summary>The file, in the data folder.</summary>
    public const string FileName = "admin-users.json";

    /// <summary>Failed sign-ins in a row that lock an admin out.</summary>
    public const int MaxFailedAttempts = 5;

    /// <summary>The shortest password <see cref="AddAsync"/> accepts.</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>How long a lockout lasts.</summary>
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly PasswordHasher<AdminUser> _hasher = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Releases the lock that serialises writes to the file (the service container disposes the singleton).</summary>
    public void Dispose() => _gate.Dispose();
    private readonly string _path;
    private readonly TimeProvider _timeProvider;

    /// <summary>The store in <paramref name="dataDirectory"/>.</summary>
    public AdminUserStore(string dataDirectory, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _path = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        _timeProvider = timeProvider;
    }

    /// <summary>The file the admins are stored in.</summary>
    public string FilePath => _path;

    /// <summary>Checks a user name for <see cref="AddAsync"/>; null when it is fine, otherwise what is wrong.</summary>
    public static string? CheckUserName(string userName) =>
        userName.Length is 0 or > 64 || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@')
            ? $"user name '{userName}' is not allowed: use 1 to 64 letters, digits, '.', '-', '_' or '@'"
            : null;

    /// <summary>Checks a password for <see cref="AddAsync"/>; null when it is fine, otherwise what is wrong.</summary>
    public static string? CheckPassword(string password) =>
        password.Length < MinimumPasswordLength ? $"the password is too short: use at least {MinimumPasswordLength} characters" : null;

    /// <summary>Adds an admin, or sets the password of an existing one (which also lifts a lockout). Returns true when the admin is new.</summary>
    /// <exception cref="ArgumentException">The name or password is not allowed (see <see cref="CheckUserName"/> and <see cref="CheckPassword"/>).</exception>
    public async Task<bool> AddAsync(string userName, string password, CancellationToken cancellationToken)
    {
        if ((CheckUserName(userName) ?? CheckPassword(password)) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        return await UpdateAsync(users =>
        {
            var existing = users.Find(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase));
            var user = existing ?? new AdminUser { UserName = userName, PasswordHash = string.Empty };
            user.PasswordHash = _hasher.HashPassword(user, password);
            user.FailedAttempts = 0;
            user.LockedUntil = null;
            if (existing is null)
            {
                users.Add(user);
            }

            return existing is null;
        }, cancellationToken);
    }

    /// <summary>True when at least one admin exists.</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellationToken) => (await ReadAsync(cancellationToken)).Count > 0;

    /// <summary>Checks a name and password, counting failures and locking out after <see cref="MaxFailedAttempts"/>.</summary>
    public Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken) =>
        UpdateAsync(users =>
        {
            var user = users.Find(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase));
            if (user is null)
            {
                // Hash anyway, so an unknown name takes as long as a wrong password.
                _hasher.VerifyHashedPassword(new AdminUser { UserName = userName, PasswordHash = string.Empty }, DummyHash, password);
                return SignInResult.Failed;
            }

            var now = _timeProvider.GetUtcNow();
            if (user.LockedUntil is { } until && until > now)
            {
                return SignInResult.LockedOut;
            }

            var verified = _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
            if (verified == PasswordVerificationResult.Failed)
            {
                user.FailedAttempts++;
                if (user.FailedAttempts >= MaxFailedAttempts)
                {
                    user.FailedAttempts = 0;
                    user.LockedUntil = now + LockoutDuration;
                    return SignInResult.LockedOut;
                }

                return SignInResult.Failed;
            }

            if (verified == PasswordVerificationResult.SuccessRehashNeeded)
            {
                user.PasswordHash = _hasher.HashPassword(user, password);
            }

            user.FailedAttempts = 0;
            user.LockedUntil = null;
            return SignInResult.Succeeded;
        }, cancellationToken);

    private static readonly string DummyHash = new PasswordHasher<AdminUser>().HashPassword(new AdminUser { UserName = "-", PasswordHash = string.Empty }, "not a password");

    private async Task<List<AdminUser>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        await using var stream = File.OpenRead(_path);
        return await JsonSerializer.DeserializeAsync<List<AdminUser>>(stream, JsonOptions, cancellationToken) ?? [];
    }

    private async Task<T> UpdateAsync<T>(Func<List<AdminUser>, T> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var users = await ReadAsync(cancellationToken);
            var before = JsonSerializer.Serialize(users, JsonOptions);
            var result = change(users);
            var after = JsonSerializer.Serialize(users, JsonOptions);
            if (after != before)
            {
                await AtomicFile.WriteAsync(_path, after, cancellationToken, ownerOnly: true);
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }
}
