using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Cli.Tests;

/// <summary>
/// Issue 17: one way to log. Every product assembly declares its [LoggerMessage] methods in one
/// <c>internal static partial class Log</c>, each event id pinned as a named constant and used once in the product,
/// and no template uses <c>{EventId}</c> (structured sinks emit their own EventId field for the event's id).
/// The CLI's output folder holds every product assembly: they are read from there, in a load context of their own.
/// </summary>
public sealed partial class LogMessagesTests
{
    private static readonly string[] ProductAssemblies =
    [
        "TriggerPlugins.Host",
        "TriggerPlugins.Server",
        "TriggerPlugins.Admin",
        "triggers", // TriggerPlugins.Cli, by its assembly name
        "TriggerPlugins.Dynamics365",
        "TriggerPlugins.DataverseEmulator",
        "TriggerPlugins.Storage.PostgreSql",
    ];

    private static readonly ProductLoadContext Product = new();

    // The source-generated logs: the attribute stays on the partial method, so reflection sees what the code declares.
    private static IEnumerable<(Assembly Assembly, MethodInfo Method, LoggerMessageAttribute Message)> Messages() =>
        from name in ProductAssemblies
        let assembly = Product.LoadFromAssemblyName(new AssemblyName(name))
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let message = method.GetCustomAttribute<LoggerMessageAttribute>()
        where message is not null
        select (assembly, method, message);

    [Fact]
    public void Each_assembly_declares_its_log_messages_in_one_Log_class()
    {
        var elsewhere = Messages()
            .Where(m => m.Method.DeclaringType!.Name != "Log" || m.Method.DeclaringType.Namespace != m.Assembly.GetName().Name)
            .Select(m => $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}")
            .ToList();

        Assert.Empty(elsewhere);
        Assert.True(Messages().Count() >= 40, "the product's log messages were not found; did the reflection miss the Log classes?");
    }

    [Fact]
    public void Every_event_id_is_a_named_constant_and_used_once_in_the_product()
    {
        var messages = Messages().ToList();
        var unpinned = messages
            .Where(m => m.Method.DeclaringType!.GetField(m.Method.Name + "Id", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) is not { IsLiteral: true } field
                || (int)field.GetRawConstantValue()! != m.Message.EventId
                || m.Message.EventId == 0)
            .Select(m => $"{m.Assembly.GetName().Name}: {m.Method.Name} ({m.Message.EventId}) has no constant {m.Method.Name}Id of that value")
            .ToList();
        var shared = messages
            .GroupBy(m => m.Message.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Assembly.GetName().Name} {m.Method.Name}"))}")
            .ToList();

        Assert.Empty(unpinned);
        Assert.Empty(shared);
    }

    [Fact]
    public void No_template_names_a_value_EventId_and_every_placeholder_is_PascalCase()
    {
        var wrong = (from m in Messages()
                     from Match placeholder in Placeholder().Matches(m.Message.Message)
                     let name = placeholder.Groups["name"].Value
                     where name == "EventId" || !char.IsUpper(name[0])
                     select $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}: {{{name}}}").ToList();

        Assert.Empty(wrong);
    }

    [Fact]
    public void The_placeholder_check_sees_an_EventId_placeholder()
    {
        // Guards the regex above: a template with {EventId} must be caught, with or without a format.
        Assert.Equal("EventId", Placeholder().Match("Call {EventId} matches").Groups["name"].Value);
        Assert.Equal("At", Placeholder().Match("until {At:O}").Groups["name"].Value);
    }

    /// <summary>
    /// The product as the CLI ships it: its own assemblies, and each plugin from its folder under plugins/ with that
    /// plugin's dependencies. What the tests' own context already has (the framework, the logging abstractions) is
    /// shared, so <see cref="LoggerMessageAttribute"/> is one type on both sides.
    /// </summary>
    private sealed class ProductLoadContext() : AssemblyLoadContext("product", isCollectible: false)
    {
        private readonly AssemblyDependencyResolver[] _resolvers =
        [
            new(Path.Combine(TriggersProcess.CliDirectory, "triggers.dll")),
            .. Directory.GetDirectories(Path.Combine(TriggersProcess.CliDirectory, "plugins"))
                .SelectMany(folder => Directory.GetFiles(folder, "*.deps.json"))
                .Select(deps => new AssemblyDependencyResolver(deps[..^".deps.json".Length] + ".dll")),
        ];

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name?.StartsWith("TriggerPlugins.", StringComparison.Ordinal) != true && assemblyName.Name != "triggers")
            {
                try
                {
                    return Default.LoadFromAssemblyName(assemblyName);
                }
                catch (FileNotFoundException)
                {
                    // Not a dependency of the tests (Npgsql, System.CommandLine, ...): the product's copy below.
                }
            }

            return _resolvers.Select(r => r.ResolveAssemblyToPath(assemblyName)).FirstOrDefault(path => path is not null) is { } found
                ? LoadFromAssemblyPath(found)
                : null;
        }
    }

    [GeneratedRegex(@"\{(?<name>[^{}:,]+)(?:[,:][^{}]*)?\}")]
    private static partial Regex Placeholder();
}
