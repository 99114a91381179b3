using Microsoft.AspNetCore.Authentication;

namespace TriggerPlugins.Admin.Pages;

/// <summary>Sign-out (a POST with the antiforgery token, so another site cannot sign an admin out).</summary>
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(AdminConsole.Scheme);
        return RedirectToPage("/Login");
    }
}
