using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Templates;

/// <summary>
/// One parsed Scriban template (a title, a description or a mapped field). Parsed once, when the
/// configuration is validated; rendered per call, concurrently, each render in its own sandboxed context.
/// </summary>
internal sealed partial class TicketTemplate
{
    private readonly Template _template;

    private TicketTemplate(Template template, string field, string source)
    {
        _template = template;
        Field = field;
        Source = source;
    }

    /// <summary>The configuration field the template comes from (<c>title</c>, <c>fields.new_callid</c>).</summary>
    public string Field { get; }

    /// <summary>Where the text is: a template file, or the configuration that holds it inline.</summary>
    public string Source { get; }

    /// <summary>Plain text without any Scriban code: it renders the same for every call.</summary>
    public bool IsLiteral => _template.Page?.Body?.Statements.All(s => s is ScriptRawStatement) ?? true;

    /// <summary>Parses <paramref name="text"/>; syntax errors (with line and column) go to <paramref name="problems"/>.</summary>
    public static TicketTemplate? Parse(string text, string field, string source, List<ValidationProblem> problems)
    {
        var template = Template.Parse(text, source);
        if (template.HasErrors)
        {
            foreach (var message in template.Messages.Where(m => m.Type == ParserMessageType.Error))
            {
                problems.Add(Problem(ValidationSeverity.Error, source, field, $"syntax error: {message.Message}", message.Span));
            }

            return null;
        }

        var includes = template.Page is null ? [] : IncludeFinder.Find(template.Page);
        if (includes.Count > 0)
        {
            foreach (var span in includes)
            {
                problems.Add(Problem(ValidationSeverity.Error, source, field, "templates cannot include other files: remove include", span));
            }

            return null;
        }

        return new TicketTemplate(template, field, source);
    }

    /// <summary>Renders the template for a call. A missing value renders as empty text.</summary>
    /// <exception cref="TemplateRenderException">The template broke a sandbox limit or a helper failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public string Render(CallEvent call, TemplateOptions options, CancellationToken cancellationToken)
        => Render(CallModel.Create(call, options), options, cancellationToken);

    /// <summary>
    /// Renders the template on a model from <see cref="CallModel.Create"/>, which the templates of one
    /// ticket share (it is frozen: what a template assigns stays in its own render).
    /// </summary>
    /// <exception cref="TemplateRenderException">The template broke a sandbox limit or a helper failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public string Render(ScriptObject model, TemplateOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TemplateSandbox.RenderTimeout);
        var context = TemplateSandbox.Rent(model, options, timeout.Token);
        var text = Render(context, cancellationToken);
        // Only a completed render gets here: a context that threw is dropped, never reused.
        TemplateSandbox.Return(context);
        return text;
    }

    /// <summary>
    /// Renders the template on a complete sample call with strict variables: every unknown variable or
    /// member is a warning (production rendering still works: it renders as empty text); a template that
    /// breaks a limit even on the sample call is an error.
    /// </summary>
    public IReadOnlyList<ValidationProblem> CheckStrict(TemplateOptions options)
    {
        var problems = new List<ValidationProblem>();
        var model = CallModel.Create(SampleCall.Complete, options);

        // Unknown members are collected by the model as the render goes on; an unknown global stops the render, so
        // it is recorded, defined as empty for the next pass, and the template rendered again (bounded).
        var undefinedGlobals = new ScriptObject(0, autoImportStaticsFromThisType: false);
        for (var pass = 0; pass < MaxStrictPasses; pass++)
        {
            using var timeout = new CancellationTokenSource(TemplateSandbox.RenderTimeout);
            var context = TemplateSandbox.CreateContext(model, options, strict: true, timeout.Token);
            context.PushGlobal(undefinedGlobals);
            var unknownMembers = context.CollectUnknownMembers();
            try
            {
                Render(context, CancellationToken.None);
                AddUnknownMembers(unknownMembers);
                return problems;
            }
            catch (TemplateRenderException ex) when (IsUnknownVariable(ex.InnerException) && GlobalName(ex.Reason) is { } name && !undefinedGlobals.ContainsKey(name))
            {
                AddUnknownMembers(unknownMembers);
                problems.Add(ex.ToProblem(ValidationSeverity.Warning, "unknown variable (renders as empty text): "));
                undefinedGlobals[name] = null;
            }
            catch (TemplateRenderException ex) when (IsUnknownVariable(ex.InnerException))
            {
                AddUnknownMembers(unknownMembers);
                problems.Add(ex.ToProblem(ValidationSeverity.Warning, "unknown variable (renders as empty text): "));
                return problems;
            }
            catch (TemplateRenderException ex)
            {
                AddUnknownMembers(unknownMembers);
                problems.Add(ex.ToProblem(ValidationSeverity.Error, "fails on a sample call: "));
                return problems;
            }
        }

        return problems;

        void AddUnknownMembers(List<(SourceSpan Span, string Message)> found)
        {
            foreach (var (span, message) in found)
            {
                if (!problems.Exists(p => p.Line == span.Start.Line + 1 && p.Column == span.Start.Column + 1))
                {
                    problems.Add(Problem(ValidationSeverity.Warning, Source, Field, "unknown variable (renders as empty text): " + message, span));
                }
            }

            found.Clear();
        }
    }

    // Each pass finds one more unknown global; a template with more than this many is reported in part.
    private const int MaxStrictPasses = 32;

    private static string? GlobalName(string reason)
    {
        var match = GlobalNotFound().Match(reason);
        return match.Success ? match.Groups[1].Value : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^The variable or function `([^`]+)` was not found")]
    private static partial System.Text.RegularExpressions.Regex GlobalNotFound();

    // Scriban reports an unknown global as "The variable or function `x` was not found" (it renders empty in
    // production); a call with arguments to a missing function ("The function `x` was not found") fails
    // every render, so it stays an error. Unknown members come from ModelObject.
    private static bool IsUnknownVariable(Exception? exception)
        => exception is UnknownVariableException
            || (exception is ScriptRuntimeException runtime && runtime.OriginalMessage.StartsWith("The variable or function", StringComparison.Ordinal));

    private string Render(CallTemplateContext context, CancellationToken cancellationToken)
    {
        try
        {
            return _template.Render(context);
        }
        catch (ScriptAbortException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (ScriptAbortException ex)
        {
            throw new TemplateRenderException(this, ex.Span, $"rendering took longer than {TemplateSandbox.RenderTimeout.TotalSeconds:0} s and was stopped", ex);
        }
        catch (ScriptRuntimeException ex)
        {
            throw new TemplateRenderException(this, ex.Span, ex.OriginalMessage, ex);
        }
    }

    internal static ValidationProblem Problem(ValidationSeverity severity, string source, string field, string message, SourceSpan span)
        => new(severity, source, field, message, span.Start.Line + 1, span.Start.Column + 1);

    /// <summary>Finds every use of <c>include</c> / <c>include_join</c>, so a template that reads files is refused at parse time.</summary>
    private sealed class IncludeFinder : ScriptVisitor
    {
        private readonly List<SourceSpan> _found = [];

        public static List<SourceSpan> Find(ScriptNode page)
        {
            var finder = new IncludeFinder();
            finder.Visit(page);
            return finder._found;
        }

        public override void Visit(ScriptVariableGlobal node)
        {
            if (node.Name is "include" or "include_join")
            {
                _found.Add(node.Span);
            }

            base.Visit(node);
        }
    }
}

/// <summary>A template failed while rendering: it says which template, where, and why.</summary>
internal sealed class TemplateRenderException(TicketTemplate template, SourceSpan span, string reason, Exception inner)
    : Exception($"{template.Source}({span.Start.Line + 1},{span.Start.Column + 1}): {template.Field}: {reason}", inner)
{
    public string Reason { get; } = reason;

    public ValidationProblem ToProblem(ValidationSeverity severity, string prefix)
        => TicketTemplate.Problem(severity, template.Source, template.Field, prefix + Reason, span);
}
