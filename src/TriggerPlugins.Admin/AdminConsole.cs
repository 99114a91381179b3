using System.Reflection;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TriggerPlugins.Admin.ApiKeys;
using TriggerPlugins.Admin.Users;

namespace TriggerPlugins.Admin;

/// <summary>
/// Mounts the admin console under <c>/admin</c> in an ASP.NET Core host. The host registers the
/// <see cref="Host.Plugins.PluginCatalog"/> and the <see cref="Host.Delivery.IDeliveryStore"/> it runs with, and may
/// register an <see cref="IAdminConsoleEvents"/> to reload after a save.
/// </summary>
public static class AdminConsole
{
    /// <summary>The cookie authentication scheme of the console (separate from any scheme of the host's APIs).</summary>
    public const string Scheme = "TriggerPluginsAdmin";

    /// <summary>The authorization policy every console page but sign-in requires.</summary>
    public const string Policy = "TriggerPluginsAdmin";

    /// <summary>How long a sign-in lasts without use (the cookie slides while the admin works).</summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(8);

    /// <summary>Where the console lives.</summary>
    public const string BasePath = "/admin";

    /// <summary>Registers the console's pages, sign-in and stores.</summary>
    public static IServiceCollection AddAdminConsole(this IServiceCollection services, Action<AdminConsoleOptions> configure)
    {
        services.AddOptions<AdminConsoleOptions>()
            .Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConfigDirectory), "admin console: ConfigDirectory is empty: set it to the config folder the service runs")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "admin console: DataDirectory is empty: set it to the service's data folder (admins and API keys are stored there)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAdminConsoleEvents, NoAdminConsoleEvents>();
        services.TryAddSingleton(sp => new AdminUserStore(sp.GetRequiredService<IOptions<AdminConsoleOptions>>().Value.DataDirectory, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ApiKeyStore(sp.GetRequiredService<IOptions<AdminConsoleOptions>>().Value.DataDirectory, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ConfigFolder>();
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.LoginPath = BasePath + "/login";
            options.LogoutPath = BasePath + "/logout";
            options.AccessDeniedPath = BasePath + "/login";
            options.Cookie.Name = "triggers-admin";
            options.Cookie.Path = BasePath;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = CookieLifetime;
            options.SlidingExpiration = true;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        services.Configure<RouteOptions>(options => options.LowercaseUrls = true);
        var assembly = typeof(AdminConsole).Assembly;
        services.AddRazorPages(options =>
            {
                options.Conventions.AuthorizeAreaFolder("Admin", "/", Policy);
                options.Conventions.AllowAnonymousToAreaPage("Admin", "/Login");
            })
            .ConfigureApplicationPartManager(parts =>
            {
                // A host whose entry assembly references the console finds it on its own; a test host may not. The
                // assembly's factory gives both its code and its compiled Razor pages.
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    if (!parts.ApplicationParts.Any(p => p.GetType() == part.GetType() && p.Name == part.Name))
                    {
                        parts.ApplicationParts.Add(part);
                    }
                }
            });
        return services;
    }

    /// <summary>Maps the console's pages and its two static files (CSS, script: embedded, no npm step).</summary>
    public static IEndpointRouteBuilder MapAdminConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(BasePath + "/assets/{file}", (string file) =>
        {
            var stream = typeof(AdminConsole).Assembly.GetManifestResourceStream("admin/" + file);
            var type = file.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript";
            return stream is null ? Results.NotFound() : Results.Stream(stream, type);
        }).AllowAnonymous();
        endpoints.MapRazorPages();
        return endpoints;
    }
}
