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

    /// <summary>Creates a fresh context (contexts and builtins are per render: templates may assign to them).</summary>
    public static CallTemplateContext CreateContext(ScriptObject model, TemplateOptions options, bool strict, CancellationToken cancellationToken)
    {
        var context = new CallTemplateContext(CreateBuiltins(), options)
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
}

/// <summary>A template context that carries the configuration's zone and country to the helper functions.</summary>
internal sealed class CallTemplateContext(ScriptObject builtins, TemplateOptions options) : TemplateContext(builtins)
{
    public TemplateOptions Options { get; } = options;
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
