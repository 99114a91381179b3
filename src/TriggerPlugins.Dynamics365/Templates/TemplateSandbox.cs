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
    /// <remarks>
    /// Measured on the wall clock, not the plugin's <see cref="TimeProvider"/>: this is a watchdog on CPU spent by a
    /// runaway template (like <see cref="RegexTimeout"/>), and a render never advances a test's fake clock, so on a
    /// <c>FakeTimeProvider</c> the guard would never fire.
    /// </remarks>
    public static readonly TimeSpan RenderTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    // Built once and frozen: renders run concurrently and share them, so no template may change them
    // (an assignment such as `date.format = ...` fails instead of leaking into other renders).
    private static readonly ScriptObject Builtins = Freeze(CreateBuiltins());
    private static readonly ScriptObject Helpers = Freeze(CreateHelpers());

    /// <summary>Creates a fresh context for one render; only the frozen builtins and helpers are shared.</summary>
    public static CallTemplateContext CreateContext(ScriptObject model, TemplateOptions options, bool strict, CancellationToken cancellationToken)
    {
        var context = NewContext();
        context.Prepare(model, options, strict, cancellationToken);
        return context;
    }

    /// <summary>
    /// Takes this thread's idle context (or a new one) and prepares it for one render. Renders are
    /// synchronous, so a thread renders one template at a time and never shares its context.
    /// Give it back with <see cref="Return"/> only after a render that completed.
    /// </summary>
    public static CallTemplateContext Rent(ScriptObject model, TemplateOptions options, CancellationToken cancellationToken)
    {
        var context = _idle ?? NewContext();
        _idle = null;
        context.Prepare(model, options, strict: false, cancellationToken);
        return context;
    }

    /// <summary>
    /// Keeps a context whose render completed for the thread's next render, once it is back to its
    /// fresh state. A render that threw is never returned: an exception can leave Scriban's internal
    /// scopes and counters mid-way, so that context is dropped.
    /// </summary>
    public static void Return(CallTemplateContext context)
    {
        if (context.Clean())
        {
            _idle = context;
        }
    }

    [ThreadStatic]
    private static CallTemplateContext? _idle;

    private static CallTemplateContext NewContext()
    {
        var context = new CallTemplateContext(Builtins)
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
            // A missing value (no agent, no answer time) renders as empty text rather than failing the ticket.
            EnableRelaxedTargetAccess = true,
            EnableRelaxedMemberAccess = true,
            EnableNullIndexer = true,
            NewLine = "\n",
        };
        context.PushGlobal(Helpers);
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

/// <summary>
/// A template context that carries the configuration's zone and country to the helper functions, and the
/// copies of model objects the current render assigned to.
/// </summary>
internal sealed class CallTemplateContext(ScriptObject builtins) : TemplateContext(builtins)
{
    // Builtins and helpers: what a prepared context has below the render's own globals.
    private const int BaseGlobalCount = 2;

    private Dictionary<ModelObject, ModelObject>? _modelCopies;

    /// <summary>In strict validation, where unknown members go instead of stopping the render (see <see cref="CollectUnknownMembers"/>).</summary>
    public List<(SourceSpan Span, string Message)>? UnknownMembers { get; private set; }

    /// <summary>Makes strict validation record unknown members and go on (they render empty), so all are reported.</summary>
    public List<(SourceSpan Span, string Message)> CollectUnknownMembers() => UnknownMembers = [];

    public TemplateOptions Options { get; private set; } = TemplateOptions.Utc;

    /// <summary>Sets the context up for one render of <paramref name="model"/>.</summary>
    public void Prepare(ScriptObject model, TemplateOptions options, bool strict, CancellationToken cancellationToken)
    {
        Options = options;
        StrictVariables = strict;
        CancellationToken = cancellationToken;
        PushGlobal(model);
        // Assignments land here, not in the model.
        PushGlobal(new ScriptObject(0, autoImportStaticsFromThisType: false));
    }

    /// <summary>
    /// Brings the context back to its state before <see cref="Prepare"/>, after a render that completed;
    /// <c>false</c> when it is not in the expected state (it must not be reused then).
    /// </summary>
    public bool Clean()
    {
        if (GlobalCount != BaseGlobalCount + 2 || OutputCount != 1 || CultureCount != 0 || SourceFileCount != 0
            || Output is not StringBuilderOutput { Builder.Length: 0 })
        {
            return false;
        }

        PopGlobal();
        PopGlobal();
        _modelCopies?.Clear();
        Options = TemplateOptions.Utc;
        CancellationToken = CancellationToken.None;
        return true;
    }

    /// <summary>The copy of a shared model object this render wrote to, if any.</summary>
    public ModelObject? FindModelCopy(ModelObject shared)
        => _modelCopies is not null && _modelCopies.TryGetValue(shared, out var copy) ? copy : null;

    /// <summary>The copy of a shared model object this render writes to (made on its first write).</summary>
    public ModelObject GetOrAddModelCopy(ModelObject shared)
    {
        _modelCopies ??= new Dictionary<ModelObject, ModelObject>(ReferenceEqualityComparer.Instance);
        if (!_modelCopies.TryGetValue(shared, out var copy))
        {
            copy = shared.CopyForRender();
            _modelCopies.Add(shared, copy);
        }

        return copy;
    }

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
