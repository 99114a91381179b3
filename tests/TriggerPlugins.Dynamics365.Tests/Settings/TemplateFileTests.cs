using System.Diagnostics;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Settings;

/// <summary>
/// titleFile/descriptionFile can only read a regular template file inside the config folder: host files (secrets in
/// /proc/self/environ, /etc/passwd), links out of the folder, devices and FIFOs are validation errors naming the field.
/// </summary>
public sealed class TemplateFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("d365-template-files-").FullName;

    public TemplateFileTests()
    {
        Config = Directory.CreateDirectory(Path.Combine(_root, "config")).FullName;
        Directory.CreateDirectory(Path.Combine(Config, "templates"));
        File.WriteAllText(Path.Combine(Config, "templates", "title.sbn"), "Call {{ call.id }}");
        File.WriteAllText(Path.Combine(_root, "outside.sbn"), "SECRET-OUTSIDE {{ call.id }}");
    }

    private string Config { get; }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string> Refused => new()
    {
        { "/proc/self/environ", "is outside the config folder" },
        { "/etc/passwd", "is outside the config folder" },
        { "../../../../../../etc/passwd", "is outside the config folder" },
        { "../outside.sbn", "is outside the config folder" },
        { "/dev/zero", "is outside the config folder" },
        { "templates", "is a folder" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_file_outside_the_folder_or_not_a_file_is_a_validation_error_on_the_field(string file, string expected)
    {
        var problem = await ValidateAsync("descriptionFile", file);

        Assert.Equal(("descriptionFile", ValidationSeverity.Error), (problem.Field, problem.Severity));
        Assert.StartsWith($"'{file}' {expected}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_out_of_the_folder_is_judged_by_its_target()
    {
        File.CreateSymbolicLink(Path.Combine(Config, "templates", "link.sbn"), Path.Combine(_root, "outside.sbn"));
        Directory.CreateSymbolicLink(Path.Combine(Config, "linked-folder"), _root);
        File.CreateSymbolicLink(Path.Combine(Config, "environ.sbn"), "/proc/self/environ");

        var file = await ValidateAsync("titleFile", "templates/link.sbn");
        var folder = await ValidateAsync("titleFile", "linked-folder/outside.sbn");
        var environ = await ValidateAsync("titleFile", "environ.sbn");

        Assert.Contains($"is outside the config folder (it resolves to '{Path.Combine(_root, "outside.sbn")}')", file.Message, StringComparison.Ordinal);
        Assert.Contains("is outside the config folder", folder.Message, StringComparison.Ordinal);
        Assert.Contains("is outside the config folder (it resolves to '/proc/", environ.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_inside_the_folder_is_followed()
    {
        File.CreateSymbolicLink(Path.Combine(Config, "title-link.sbn"), Path.Combine(Config, "templates", "title.sbn"));
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["titleFile"] = "title-link.sbn");

        var report = action.Validate(TestSettings.Settings(configuration: configuration, baseDirectory: Config));

        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public async Task A_file_over_64_KB_is_refused_without_being_read()
    {
        await File.WriteAllTextAsync(Path.Combine(Config, "huge.sbn"), new string('x', (64 * 1024) + 1));

        var problem = await ValidateAsync("titleFile", "huge.sbn");

        Assert.Equal("'huge.sbn' is 65537 bytes, over the 64 KB limit for a template file", problem.Message);
    }

    [Fact]
    public async Task A_fifo_is_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // FIFOs are a Unix feature; CI runs on Linux.
        }

        using (var mkfifo = Process.Start("mkfifo", Path.Combine(Config, "pipe.sbn")))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var validation = ValidateAsync("titleFile", "pipe.sbn");
        var finished = await Task.WhenAny(validation, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(validation, finished);
        Assert.Equal("'pipe.sbn' is empty or not a regular file (a device, FIFO or socket); give a template file of 1 byte to 64 KB", (await validation).Message);
    }

    private async Task<ValidationProblem> ValidateAsync(string field, string file)
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c[field] = file);

        var report = await Task.Run(() => action.Validate(TestSettings.Settings(configuration: configuration, baseDirectory: Config)));

        return Assert.Single(report.Problems);
    }
}
