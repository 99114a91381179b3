using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace TriggerPlugins.Dynamics365.Templates;

/// <summary>
/// The limits every template runs under, so a hostile or careless template cannot read files,
/// stall the host or exhaust its memory.
/// </summary>
internal static class TemplateSandbox
{
    /// <summary>Iterations across all nested loops of one render.</summary>
    public const int LoopLimit = 1000;

    /// <summary>Depth of nested function calls.</summary>
    public const int RecursiveLimit = 20;

    /// <summary>Characters one render may produce; the longest incident field (description) takes 2000.</summary>
    public const int OutputLimit = 20_000;

    /// <summary>Characters of any single string a template builds (pad, repeat, conversions).</summary>
    public const int StringLimit = 20_000;

    /// <summary>How long one render may take before it is cancelled.</summary>
    public static readonly TimeSpan RenderTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    // Built once and frozen: renders run concurrently and share them, so no template may change them
    // (an assignment such as `date.format = ...` fails instead of leaking into other renders).
    private static readonly ScriptObject Builtins = Freeze(CreateBuiltins());
    private static readonly ScriptObject Helpers = Freeze(CreateHelpers());

    /// <summary>Creates a fresh context for one render; only the frozen builtins and helpers are shared.</summary>
    public static CallTemplateContext CreateContext(ScriptObject model, TemplateOptions options, bool strict, CancellationToken cancellationToken)
    {
        var context = new CallTemplateContext(Builtins, options)
        {
            LoopLimit = LoopLimit,
            LoopLimitQueryable = LoopLimit,
            RecursiveLimit = RecursiveLimit,
            LimitToString = StringLimit,
            OutputLimit = OutputLimit,
            OnOutputLimit = ScriptLimitBehavior.Truncate,
            ObjectRecursionLimit = 5,
            RegexTimeOut = RegexTimeout,
            TemplateLoader = RefusingTemplateLoader.Instance,
            StrictVariables = strict,
            // A missing value (no agent, no answer time) renders as empty text rather than failing the ticket.
            EnableRelaxedTargetAccess = true,
            EnableRelaxedMemberAccess = true,
            EnableNullIndexer = true,
            NewLine = "\n",
            CancellationToken = cancellationToken,
        };
        context.PushGlobal(Helpers);
        context.PushGlobal(model);
        // Assignments land here, not in the model.
        context.PushGlobal(new ScriptObject());
        return context;
    }

    private static ScriptObject CreateBuiltins()
    {
        var builtins = TemplateContext.GetDefaultBuiltinObject();
        // Reading the clock or random numbers would make a ticket differ between a delivery and its retry.
        if (builtins["date"] is ScriptObject date)
        {
            date.Remove("now");
            date.Remove("utc_now");
        }

        if (builtins["math"] is ScriptObject math)
        {
            math.Remove("random");
            math.Remove("uuid");
        }

        // Evaluating a string as a template would bypass the parse-time checks.
        if (builtins["object"] is ScriptObject obj)
        {
            obj.Remove("eval");
            obj.Remove("eval_template");
        }

        return builtins;
    }

    private static ScriptObject CreateHelpers()
    {
        var helpers = new ScriptObject();
        helpers.Import(typeof(TemplateFunctions));
        return helpers;
    }

    private static ScriptObject Freeze(ScriptObject scriptObject)
    {
        foreach (var value in scriptObject.Values.OfType<ScriptObject>())
        {
            Freeze(value);
        }

        scriptObject.IsReadOnly = true;
        return scriptObject;
    }
}

/// <summary>A template context that carries the configuration's zone and country to the helper functions.</summary>
internal sealed class CallTemplateContext(ScriptObject builtins, TemplateOptions options) : TemplateContext(builtins)
{
    public TemplateOptions Options { get; } = options;

    /// <summary>
    /// Lets Scriban's own <c>date.*</c> functions take the model's times: they want a DateTime, the model
    /// has DateTimeOffsets (already in the configured zone), whose clock time is what a template means.
    /// </summary>
    public override object? ToObject(SourceSpan span, object? value, Type destinationType)
        => value is DateTimeOffset time && (destinationType == typeof(DateTime) || destinationType == typeof(DateTime?))
            ? time.DateTime
            : base.ToObject(span, value, destinationType);
}

/// <summary>Refuses <c>include</c>: templates cannot read files.</summary>
internal sealed class RefusingTemplateLoader : ITemplateLoader
{
    public static RefusingTemplateLoader Instance { get; } = new();

    public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName)
        => throw new IncludeRefusedException(callerSpan);

    public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath)
        => throw new IncludeRefusedException(callerSpan);

    public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath)
        => throw new IncludeRefusedException(callerSpan);
}

/// <summary>A template tried to include another file.</summary>
internal sealed class IncludeRefusedException(SourceSpan span)
    : ScriptRuntimeException(span, "templates cannot include other files (include is disabled)");
