using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Admin.Tests;

/// <summary>
/// The console in Chromium, against a real host and the Dataverse emulator: sign in, accounts with a connection test,
/// configurations with live check and preview, triggers, deliveries from an event to a ticket, a dead letter retried.
/// </summary>
[Trait("Category", "Browser")]
[Trait("Category", TestCategory.Slow)]
public sealed partial class AdminConsoleBrowserTests(BrowserFixture browser, EmulatorFixture emulator) : IClassFixture<BrowserFixture>, IClassFixture<EmulatorFixture>
{
    private const string ClientId = "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20";
    private const string TenantId = "7f3c2a9e-5b1d-4c8e-9a6f-2d4b8e1c0a53";
    private const string Secret = "demo-secret-not-for-production";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public Task Sign_in_is_required_and_a_wrong_password_is_refused() => WithConsoleAsync(nameof(Sign_in_is_required_and_a_wrong_password_is_refused), async (host, page) =>
    {
        await page.GotoAsync(new Uri(host.BaseUri, "/admin/deliveries").ToString());
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/login"));
        await page.GetByLabel("User name").FillAsync(ConsoleHost.UserName);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong user name or password.");
        await Docs(page, "login");

        // By keyboard alone: the name field has the focus, Tab moves to the password, Enter signs in.
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync(ConsoleHost.UserName);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(ConsoleHost.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Deliveries" })).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/deliveries$"));

        // An API key is shown once, then only its name and first characters.
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await page.GetByLabel("Name of the new key").FillAsync("motion");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = await page.GetByLabel("Key", new() { Exact = true }).InputValueAsync();
        Assert.StartsWith("trg_", key, StringComparison.Ordinal);
        await Docs(page, "apikeys");
        await page.GotoAsync(new Uri(host.BaseUri, "/admin/apikeys").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "motion", Exact = true })).ToBeVisibleAsync();
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(Path.Combine(host.DataDirectory, "api-keys.json")), StringComparison.Ordinal);
    });

    [Fact]
    public Task An_account_made_from_the_manifest_form_passes_its_connection_test_and_its_secret_never_reaches_the_browser() =>
        WithConsoleAsync(nameof(An_account_made_from_the_manifest_form_passes_its_connection_test_and_its_secret_never_reaches_the_browser), async (host, page) =>
        {
            await SignInAsync(host, page);
            await CreateAccountAsync(host, page, "contoso", Secret);
            await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
            await Assertions.Expect(page.Locator("#check-result")).ToContainTextAsync("Connection OK");
            await Docs(page, "account");

            Assert.DoesNotContain(Secret, await page.ContentAsync(), StringComparison.Ordinal);
            Assert.Contains(Secret, await File.ReadAllTextAsync(Path.Combine(host.ConfigDirectory, "accounts", "contoso.json")), StringComparison.Ordinal);

            await page.GotoAsync(new Uri(host.BaseUri, "/admin/accounts").ToString());
            await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "contoso dynamics365 valid" })).ToBeVisibleAsync();
            await Docs(page, "accounts");
        });

    [Fact]
    public Task A_configuration_shows_its_preview_and_a_template_syntax_error_at_its_line_and_column_as_it_is_typed() =>
        WithConsoleAsync(nameof(A_configuration_shows_its_preview_and_a_template_syntax_error_at_its_line_and_column_as_it_is_typed), async (host, page) =>
        {
            await SignInAsync(host, page);
            await CreateAccountAsync(host, page, "contoso", Secret);
            await page.GotoAsync(new Uri(host.BaseUri, "/admin/configurations/edit").ToString());
            await page.GetByLabel("Name (the file configurations").FillAsync("support");
            await page.GetByLabel("Title template (Scriban").FillAsync("Call from {{ call.caller_number }}");
            await Assertions.Expect(page.Locator("#live-check [data-body]")).ToContainTextAsync("Call from +390612345678", new() { Timeout = (float)Timeout.TotalMilliseconds });

            await page.GetByLabel("Title template (Scriban").FillAsync("Call from\n{{ call.caller_number ) }}");
            await Assertions.Expect(page.Locator("#live-check")).ToContainTextAsync("title, line 2, column", new() { Timeout = (float)Timeout.TotalMilliseconds });
            await Assertions.Expect(page.Locator("#live-check [data-preview]")).ToHaveCountAsync(0);

            await page.GetByLabel("Title template (Scriban").FillAsync("Call from {{ call.caller_name }}");
            await page.GetByLabel("Sample call").SelectOptionAsync(new SelectOptionValue { Label = "Inbound call, abandoned" });
            await Assertions.Expect(page.Locator("#live-check [data-body]")).ToContainTextAsync("Call from Jane Doe", new() { Timeout = (float)Timeout.TotalMilliseconds });
            await Docs(page, "configuration");
            await AssertFitsATabletAsync(page, "configuration");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved configurations/support.json");
            Assert.Contains("{{ call.caller_name }}", await File.ReadAllTextAsync(Path.Combine(host.ConfigDirectory, "configurations", "support.json")), StringComparison.Ordinal);
        });

    [Fact]
    public Task A_trigger_made_in_the_editor_is_saved_switched_off_and_on_and_an_invalid_one_is_refused_with_its_reason() =>
        WithConsoleAsync(nameof(A_trigger_made_in_the_editor_is_saved_switched_off_and_on_and_an_invalid_one_is_refused_with_its_reason), async (host, page) =>
        {
            await SignInAsync(host, page);
            await CreateAccountAsync(host, page, "contoso", Secret);
            await CreateConfigurationAsync(host, page, "support");
            var reloads = host.Reloads;

            await page.GotoAsync(new Uri(host.BaseUri, "/admin/triggers/edit").ToString());
            await page.GetByLabel("Name (the file triggers").FillAsync("bad");
            await page.GetByLabel("call-end").CheckAsync();
            await page.GetByLabel("Condition 1 field").FillAsync("queue");
            await page.GetByLabel("Condition 1 operator").SelectOptionAsync("matches");
            await page.GetByLabel("Condition 1 value").FillAsync("([");
            await page.GetByLabel("Action 1 plugin").SelectOptionAsync("dynamics365");
            await page.GetByLabel("Action 1 account").SelectOptionAsync("contoso");
            await page.GetByLabel("Action 1 configuration").SelectOptionAsync("support");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("triggers/bad.json: conditions[0].value");
            Assert.False(File.Exists(Path.Combine(host.ConfigDirectory, "triggers", "bad.json")));
            Assert.Equal(reloads, host.Reloads);

            await CreateTriggerAsync(host, page, "support-calls");
            Assert.Equal(reloads + 1, host.Reloads);
            var toggle = page.GetByRole(AriaRole.Switch, new() { Name = "Trigger support-calls enabled" });
            await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-checked", "true");
            await toggle.ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Switch, new() { Name = "Trigger support-calls enabled" })).ToHaveAttributeAsync("aria-checked", "false");
            Assert.Contains("\"enabled\": false", await File.ReadAllTextAsync(Path.Combine(host.ConfigDirectory, "triggers", "support-calls.json")), StringComparison.Ordinal);
            await page.GetByRole(AriaRole.Switch, new() { Name = "Trigger support-calls enabled" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Switch, new() { Name = "Trigger support-calls enabled" })).ToHaveAttributeAsync("aria-checked", "true");
            await Assertions.Expect(page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "support-calls" }) })).ToContainTextAsync("valid");
            await Docs(page, "triggers");
            await page.GetByRole(AriaRole.Link, new() { Name = "support-calls" }).ClickAsync();
            await Docs(page, "trigger");
        });

    [Fact]
    public Task Condition_and_action_rows_are_added_with_a_button_by_keyboard_without_javascript() =>
        WithConsoleAsync(nameof(Condition_and_action_rows_are_added_with_a_button_by_keyboard_without_javascript), async (host, page) =>
        {
            await SignInAsync(host, page);
            await CreateAccountAsync(host, page, "contoso", Secret);
            await CreateConfigurationAsync(host, page, "support");
            await CreateConfigurationAsync(host, page, "sales");

            await page.GotoAsync(new Uri(host.BaseUri, "/admin/triggers/edit").ToString());
            await page.GetByLabel("Name (the file triggers").FillAsync("three-queues");
            await page.GetByLabel("call-end").CheckAsync();
            await page.GetByLabel("any condition").CheckAsync();
            await page.GetByLabel("Condition 1 field").FillAsync("queue");
            await page.GetByLabel("Condition 1 value").FillAsync("support");
            await page.GetByLabel("Condition 2 field").FillAsync("queue");
            await page.GetByLabel("Condition 2 value").FillAsync("sales");
            await Assertions.Expect(page.GetByLabel("Condition 3 field")).ToHaveCountAsync(0);

            // Keyboard only: Enter on the focused button posts the form; the page comes back with the new row focused
            // and everything typed so far kept (nothing is saved yet).
            await page.GetByRole(AriaRole.Button, new() { Name = "Add condition" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByLabel("Condition 3 field")).ToBeFocusedAsync();
            Assert.False(File.Exists(Path.Combine(host.ConfigDirectory, "triggers", "three-queues.json")));
            await Assertions.Expect(page.GetByLabel("Name (the file triggers")).ToHaveValueAsync("three-queues");
            await Assertions.Expect(page.GetByLabel("Condition 2 value")).ToHaveValueAsync("sales");
            await page.Keyboard.TypeAsync("queue");
            await page.GetByLabel("Condition 3 value").FillAsync("billing");

            await page.GetByLabel("Action 1 plugin").SelectOptionAsync("dynamics365");
            await page.GetByLabel("Action 1 account").SelectOptionAsync("contoso");
            await page.GetByLabel("Action 1 configuration").SelectOptionAsync("support");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add action" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByLabel("Action 2 plugin")).ToBeFocusedAsync();
            await Assertions.Expect(page.GetByLabel("Condition 3 value")).ToHaveValueAsync("billing");
            await page.GetByLabel("Action 2 plugin").SelectOptionAsync("dynamics365");
            await page.GetByLabel("Action 2 account").SelectOptionAsync("contoso");
            await page.GetByLabel("Action 2 configuration").SelectOptionAsync("sales");

            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved triggers/three-queues.json");
            using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(host.ConfigDirectory, "triggers", "three-queues.json")));
            Assert.Equal("any", saved.RootElement.GetProperty("match").GetString());
            Assert.Equal(["support", "sales", "billing"], saved.RootElement.GetProperty("conditions").EnumerateArray().Select(c => c.GetProperty("value").GetString()));
            Assert.Equal(["support", "sales"], saved.RootElement.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("configuration").GetString()));
        }, javaScript: false);

    [Fact]
    public Task The_last_trigger_is_deleted_and_the_service_runs_on_with_no_trigger() =>
        WithConsoleAsync(nameof(The_last_trigger_is_deleted_and_the_service_runs_on_with_no_trigger), async (host, page) =>
        {
            await SignInAsync(host, page);
            await CreateAccountAsync(host, page, "contoso", Secret);
            await CreateConfigurationAsync(host, page, "support");
            await CreateTriggerAsync(host, page, "support-calls");
            var reloads = host.Reloads;

            await page.GetByRole(AriaRole.Link, new() { Name = "support-calls" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Deleted triggers/support-calls.json");
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "support-calls" })).ToHaveCountAsync(0);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(host.ConfigDirectory, "triggers")));
            Assert.Equal(reloads + 1, host.Reloads);
            // The reloaded service has no trigger: an event is taken in (200, no action to report) and makes no delivery.
            using var client = new HttpClient { BaseAddress = host.BaseUri };
            using var response = await client.PostAsync("/api/v1/events", new StringContent(Admin.Pages.SampleCalls.All[0].Json, System.Text.Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            Assert.Empty(await host.Store.ListAsync(null, 10, default));
        });

    [Fact]
    public Task An_event_posted_to_the_api_shows_as_a_succeeded_delivery_with_a_link_to_its_ticket() =>
        WithConsoleAsync(nameof(An_event_posted_to_the_api_shows_as_a_succeeded_delivery_with_a_link_to_its_ticket), async (host, page) =>
        {
            await SignInAsync(host, page);
            await CreateAccountAsync(host, page, "contoso", Secret);
            await CreateConfigurationAsync(host, page, "support");
            await CreateTriggerAsync(host, page, "support-calls");

            await PostEventAsync(host, "call-1");
            await page.GotoAsync(new Uri(host.BaseUri, "/admin/deliveries").ToString());
            var row = page.Locator("tr[data-status='Succeeded']");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            var ticket = row.Locator("a.ticket");
            await Assertions.Expect(ticket).ToHaveTextAsync(new Regex("^CAS-"));
            var href = await ticket.GetAttributeAsync("href");
            Assert.StartsWith(emulator.Emulator.BaseUri.ToString(), href, StringComparison.Ordinal);
            Assert.Contains("etn=incident", href, StringComparison.Ordinal);
            await Docs(page, "deliveries");
            await AssertFitsATabletAsync(page, "deliveries");
            await row.GetByRole(AriaRole.Link).First.ClickAsync();
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("succeeded");
            await Assertions.Expect(page.Locator("a.ticket")).ToHaveTextAsync(new Regex("^CAS-"));
            await Docs(page, "delivery");

            await page.GotoAsync(new Uri(host.BaseUri, "/admin/plugins").ToString());
            await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "dynamics 365 integration" })).ToBeVisibleAsync();
            await Docs(page, "plugins");
            await page.GotoAsync(new Uri(host.BaseUri, "/admin").ToString());
            await Docs(page, "overview");
        });

    [Fact]
    public Task A_broken_secret_dead_letters_the_delivery_and_after_the_secret_is_fixed_a_retry_succeeds() =>
        WithConsoleAsync(nameof(A_broken_secret_dead_letters_the_delivery_and_after_the_secret_is_fixed_a_retry_succeeds), async (host, page) =>
        {
            await SignInAsync(host, page);
            await CreateAccountAsync(host, page, "contoso", "a-wrong-secret");
            await CreateConfigurationAsync(host, page, "support");
            await CreateTriggerAsync(host, page, "support-calls");

            await PostEventAsync(host, "call-2");
            await page.GotoAsync(new Uri(host.BaseUri, "/admin/deliveries?status=DeadLettered&code=auth.*").ToString());
            var deadLetter = page.Locator("tr[data-status='DeadLettered']");
            await Assertions.Expect(deadLetter).ToHaveCountAsync(1);
            await Assertions.Expect(deadLetter).ToContainTextAsync("AADSTS7000215");
            Assert.DoesNotContain("a-wrong-secret", await page.ContentAsync(), StringComparison.Ordinal);

            // Fix the secret: the other fields stay as stored.
            await page.GotoAsync(new Uri(host.BaseUri, "/admin/accounts/edit?name=contoso").ToString());
            await page.Locator("#f-clientSecret").FillAsync(Secret);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved accounts/contoso.json");

            await page.GotoAsync(new Uri(host.BaseUri, "/admin/deliveries?status=DeadLettered").ToString());
            await page.Locator("tr[data-status='DeadLettered'] input[type=checkbox]").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Retry selected" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 of 1 delivery moved back to pending");
            await page.GotoAsync(new Uri(host.BaseUri, "/admin/deliveries").ToString());
            await Assertions.Expect(page.Locator("tr[data-status='Succeeded'] a.ticket")).ToHaveTextAsync(new Regex("^CAS-"));
            var stored = Assert.Single(await host.Store.ListAsync(null, 10, default));
            Assert.Equal(DeliveryStatus.Succeeded, stored.Status);
        });

    [Fact]
    public async Task The_accessibility_check_reports_a_field_without_a_label()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SetContentAsync("<!doctype html><html lang=\"en\"><title>t</title><main><input id=\"unlabelled\"></main></html>");
        var (passes, problems) = await Axe.SeriousProblemsAsync(page);
        Assert.True(passes > 0);
        Assert.Contains(problems, p => p.StartsWith("label:", StringComparison.Ordinal) && p.Contains("#unlabelled", StringComparison.Ordinal));
    }

    // javaScript: false runs the page as a browser without scripts does (progressive enhancement: forms work without them).
    private async Task WithConsoleAsync(string name, Func<ConsoleHost, IPage, Task> test, bool javaScript = true)
    {
        await using var host = await ConsoleHost.StartAsync(emulator.Environment.GetValueOrDefault);
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, JavaScriptEnabled = javaScript });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        try
        {
            await test(host, page);
        }
        catch
        {
            Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
            var path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            Console.Error.WriteLine($"{name} failed; screenshot: {path}");
            throw;
        }
    }

    // A tablet in portrait (820 px): the page does not scroll sideways (wide tables scroll inside their own box).
    private static async Task AssertFitsATabletAsync(IPage page, string name)
    {
        var size = page.ViewportSize!;
        await page.SetViewportSizeAsync(820, 1180);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        await Docs(page, name + "-tablet");
        await page.SetViewportSizeAsync(size.Width, size.Height);
        Assert.True(overflow <= 0, $"{name}: the page is {overflow} px wider than a tablet's screen");
    }

    // Each page the README shows is checked by axe-core (bundled, run in the page) for serious and critical problems:
    // missing labels, contrast, roles, keyboard traps.
    private static async Task Docs(IPage page, string name)
    {
        var (passes, serious) = await Axe.SeriousProblemsAsync(page);
        Assert.True(passes > 0, $"{name}: axe-core passed no rule, so it did not check the page");
        Assert.True(serious.Count == 0, $"{name}: accessibility problems:\n{string.Join("\n", serious)}");

        if (BrowserFixture.DocsScreenshotDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
        }
    }

    private static async Task SignInAsync(ConsoleHost host, IPage page)
    {
        await page.GotoAsync(new Uri(host.BaseUri, "/admin/login").ToString());
        await page.GetByLabel("User name").FillAsync(ConsoleHost.UserName);
        await page.GetByLabel("Password").FillAsync(ConsoleHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
    }

    private async Task CreateAccountAsync(ConsoleHost host, IPage page, string name, string secret)
    {
        await page.GotoAsync(new Uri(host.BaseUri, "/admin/accounts/edit").ToString());
        await page.GetByLabel("Name (the file accounts").FillAsync(name);
        await page.GetByLabel("ClientId (Application ID, a GUID)").FillAsync(ClientId);
        await page.GetByLabel("TenantId (Directory ID GUID or domain)").FillAsync(TenantId);
        await page.Locator("#f-clientSecret").FillAsync(secret);
        await page.Locator("#f-weburl").FillAsync("env:TRIGGERS_EMULATOR_URL");
        await page.Locator("#f-authorityHost").FillAsync(emulator.Emulator.BaseUri.ToString());
        await page.Locator("#f-trustedCertificateThumbprint").FillAsync(emulator.Emulator.CertificateThumbprint);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Saved accounts/{name}.json");
    }

    private static async Task CreateConfigurationAsync(ConsoleHost host, IPage page, string name)
    {
        await page.GotoAsync(new Uri(host.BaseUri, "/admin/configurations/edit").ToString());
        await page.GetByLabel("Name (the file configurations").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Saved configurations/{name}.json");
    }

    private static async Task CreateTriggerAsync(ConsoleHost host, IPage page, string name)
    {
        await page.GotoAsync(new Uri(host.BaseUri, "/admin/triggers/edit").ToString());
        await page.GetByLabel("Name (the file triggers").FillAsync(name);
        await page.GetByLabel("Description").FillAsync("Answered support calls open a ticket.");
        await page.GetByLabel("call-end").CheckAsync();
        await page.GetByLabel("Condition 1 field").FillAsync("queue");
        await page.GetByLabel("Condition 1 operator").SelectOptionAsync("is");
        await page.GetByLabel("Condition 1 value").FillAsync("support");
        await page.GetByLabel("Action 1 plugin").SelectOptionAsync("dynamics365");
        await page.GetByLabel("Action 1 account").SelectOptionAsync("contoso");
        await page.GetByLabel("Action 1 configuration").SelectOptionAsync("support");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Saved triggers/{name}.json");
    }

    private static async Task PostEventAsync(ConsoleHost host, string id)
    {
        using var client = new HttpClient { BaseAddress = host.BaseUri };
        var body = Admin.Pages.SampleCalls.All[0].Json.Replace("sample-0001", id, StringComparison.Ordinal);
        using var response = await client.PostAsync("/api/v1/events", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, results.RootElement.GetArrayLength());
    }
}
