using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using TriggerPlugins.Admin.Users;

namespace TriggerPlugins.Admin.Pages;

/// <summary>Sign-in: name and password checked against <see cref="AdminUserStore"/>, with lockout.</summary>
public sealed class LoginModel(AdminUserStore users, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty]
    public string UserName { get; set; } = string.Empty;

    [BindProperty]
    public string Password { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public bool NoAdmins { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => NoAdmins = !await users.AnyAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await users.SignInAsync(UserName, Password, cancellationToken);
        switch (result)
        {
            case Users.SignInResult.Succeeded:
                var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, UserName)], AdminConsole.Scheme);
                await HttpContext.SignInAsync(AdminConsole.Scheme, new ClaimsPrincipal(identity));
                Log.SignedIn(logger, UserName);
                return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) ? url : AdminConsole.BasePath);
            case Users.SignInResult.LockedOut:
                Log.LockedOut(logger, UserName);
                Error = $"Too many failed sign-ins: this admin is locked out for {AdminUserStore.LockoutDuration.TotalMinutes:0} minutes. "
                    + "To unlock it now, set a new password on the server with `triggers admin add-user`.";
                break;
            default:
                Log.SignInFailed(logger, UserName);
                Error = "Wrong user name or password.";
                break;
        }

        NoAdmins = !await users.AnyAsync(cancellationToken);
        return Page();
    }
}
