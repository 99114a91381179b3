using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Plugins;

/// <summary>
/// Loads one plugin's entry assembly into its own load context and creates its action.
/// Every refusal is a <see cref="PluginRefusedException"/> whose message is fit to show an admin.
/// </summary>
internal static class PluginActivator
{
    private static readonly string ContractAssemblyName = typeof(IIntegrationAction).Assembly.GetName().Name!;

    // Only these assemblies (and, as McMaster resolves them, their own references: the framework and
    // Microsoft.Extensions.DependencyInjection.Abstractions) are unified with the host; everything else the
    // plugin ships is private to it. PreferSharedTypes stays off on purpose: it would make every assembly
    // the host happens to have loaded win over the plugin's own copy, leaking the host's versions into plugins.
    private static readonly Type[] SharedTypes = [typeof(IIntegrationAction), typeof(ILogger)];

    public static LoadedPlugin Load(string folder, PluginManifest manifest, PluginContext context)
    {
        var entryPath = Path.Combine(folder, manifest.EntryAssembly);
        if (!File.Exists(entryPath))
        {
            throw new PluginRefusedException(
                $"the entry assembly '{manifest.EntryAssembly}' named by {PluginManifest.FileName} is not in the folder");
        }

        CheckContractReference(entryPath, manifest.EntryAssembly);

        var loader = PluginLoader.CreateFromAssemblyFile(entryPath, SharedTypes);
        try
        {
            var assembly = LoadEntryAssembly(loader, manifest.EntryAssembly);
            var actionType = FindActionType(assembly, manifest.EntryAssembly);
            var action = Create(actionType, context);
            if (!string.Equals(action.Id, manifest.Id, StringComparison.OrdinalIgnoreCase))
            {
                DisposeRefused(action);
                throw new PluginRefusedException(
                    $"{actionType.FullName}.Id is '{action.Id}' but {PluginManifest.FileName} says the id is '{manifest.Id}'; they must be equal");
            }

            return new LoadedPlugin(manifest, folder, action, context.TimeProvider.GetUtcNow(), loader);
        }
        catch
        {
            loader.Dispose();
            throw;
        }
    }

    // An action refused for its id is never handed out, so it is disposed here: IAsyncDisposable first (the contract's
    // way, IIntegrationAction's remarks), else IDisposable. Load is synchronous (it runs once per folder at start or reload),
    // so the asynchronous disposal is waited for here.
    private static void DisposeRefused(IIntegrationAction action)
    {
        if (action is IAsyncDisposable asyncDisposable)
        {
            asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        else
        {
            (action as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Why a plugin built against <paramref name="contract"/> cannot run on this host, or <see langword="null"/> if it can:
    /// the major version must be equal, and the minor version no newer than the host's (a newer minor may use members this host lacks).
    /// </summary>
    public static string? Incompatibility(Version contract)
    {
        if (contract.Major == ContractVersion.Major && contract.Minor <= ContractVersion.Minor)
        {
            return null;
        }

        var rule = contract.Major == ContractVersion.Major
            ? $"it needs contract {contract.Major}.{contract.Minor} or later"
            : $"this host loads plugins built for contract {ContractVersion.Major}.x only";
        return $"the plugin was built for contract {contract.ToString(3)} but this host implements contract {ContractVersion.Current}: {rule}";
    }

    // Reads the assembly's metadata without loading it, so a foreign or mismatched assembly never enters a load context.
    private static void CheckContractReference(string entryPath, string entryAssembly)
    {
        Version? referenced = null;
        try
        {
            using var stream = File.OpenRead(entryPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw new PluginRefusedException($"'{entryAssembly}' is not a .NET assembly");
            }

            var metadata = pe.GetMetadataReader();
            if (!metadata.IsAssembly)
            {
                throw new PluginRefusedException($"'{entryAssembly}' is a .NET module, not an assembly");
            }

            foreach (var handle in metadata.AssemblyReferences)
            {
                var reference = metadata.GetAssemblyReference(handle);
                if (metadata.StringComparer.Equals(reference.Name, ContractAssemblyName))
                {
                    referenced = reference.Version;
                }
            }
        }
        catch (BadImageFormatException)
        {
            throw new PluginRefusedException($"'{entryAssembly}' is not a .NET assembly");
        }

        if (referenced is null)
        {
            throw new PluginRefusedException(
                $"no public class in '{entryAssembly}' implements IIntegrationAction: it does not even reference {ContractAssemblyName}");
        }

        if (Incompatibility(referenced) is { } reason)
        {
            throw new PluginRefusedException($"'{entryAssembly}' references {ContractAssemblyName} {referenced}: {reason}");
        }
    }

    private static Assembly LoadEntryAssembly(PluginLoader loader, string entryAssembly)
    {
        try
        {
            return loader.LoadDefaultAssembly();
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or FileNotFoundException)
        {
            throw new PluginRefusedException($"'{entryAssembly}' could not be loaded: {ex.Message}", ex);
        }
    }

    private static Type FindActionType(Assembly assembly, string entryAssembly)
    {
        Type[] exported;
        try
        {
            exported = assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or FileLoadException or FileNotFoundException or TypeLoadException)
        {
            // A missing private dependency shows up here: name it rather than the generic "unable to load types".
            var detail = ex is ReflectionTypeLoadException { LoaderExceptions: [{ } first, ..] } ? first.Message : ex.Message;
            throw new PluginRefusedException($"the types of '{entryAssembly}' could not be read: {detail}", ex);
        }

        var candidates = exported
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && typeof(IIntegrationAction).IsAssignableFrom(t))
            .ToList();
        return candidates switch
        {
            [var single] => single,
            [] => throw new PluginRefusedException($"no public class in '{entryAssembly}' implements IIntegrationAction"),
            _ => throw new PluginRefusedException(
                $"{candidates.Count} public classes in '{entryAssembly}' implement IIntegrationAction ({string.Join(", ", candidates.Select(t => t.FullName))}); a plugin has exactly one"),
        };
    }

    private static IIntegrationAction Create(Type type, PluginContext context)
    {
        object?[] arguments;
        var constructor = type.GetConstructor([typeof(PluginContext)]);
        if (constructor is not null)
        {
            arguments = [context];
        }
        else
        {
            constructor = type.GetConstructor(Type.EmptyTypes)
                ?? throw new PluginRefusedException(
                    $"{type.FullName} has no public constructor taking a PluginContext, nor a parameterless one");
            arguments = [];
        }

        try
        {
            return (IIntegrationAction)constructor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        }
        catch (Exception ex)
        {
            throw new PluginRefusedException($"the constructor of {type.FullName} failed: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }
}

/// <summary>A plugin folder cannot be loaded; the message says why, for an admin.</summary>
internal sealed class PluginRefusedException : Exception
{
    public PluginRefusedException(string message)
        : base(message)
    {
    }

    public PluginRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PluginRefusedException()
    {
    }
}
