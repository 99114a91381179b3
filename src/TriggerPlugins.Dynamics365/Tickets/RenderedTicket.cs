using System.Globalization;
using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Settings;
using TriggerPlugins.Dynamics365.Templates;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>A call's ticket text, rendered from the configuration's templates and cut to Dataverse's limits.</summary>
/// <param name="Title">At most 200 characters, on one line.</param>
/// <param name="Description">At most 2000 characters.</param>
/// <param name="Fields">The mapped attributes, converted to their JSON types (left out when empty).</param>
/// <param name="Notes">What was shortened or left out, for the outcome.</param>
internal sealed record RenderedTicket(string Title, string Description, IReadOnlyList<KeyValuePair<string, JsonNode?>> Fields, IReadOnlyList<string> Notes)
{
    /// <summary>Choice fields that rendered an option's label: <see cref="Metadata.ChoiceLabels"/> turns each into its value.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Renders every template of <paramref name="configuration"/> for the call.</summary>
    /// <exception cref="TemplateRenderException">A template failed (a limit, a helper error).</exception>
    public static RenderedTicket Render(TicketConfiguration configuration, CallEvent call, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var options = configuration.Options;
        // One model for all the ticket's templates: it is frozen, so no render sees what another assigned.
        var model = CallModel.Create(call, options);

        // A title is one line in Dynamics views.
        var title = string.Join(' ', configuration.Title.Render(model, options, cancellationToken)
            .Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (title.Length == 0)
        {
            title = $"Phone call {call.Id}";
            notes.Add("The title template rendered empty text; the title is the call id.");
        }

        var description = configuration.Description.Render(model, options, cancellationToken).Trim();
        var fields = new List<KeyValuePair<string, JsonNode?>>();
        var labels = new List<string>();
        foreach (var mapping in configuration.Fields)
        {
            if (mapping.Template is null)
            {
                fields.Add(new(mapping.Name, mapping.Constant?.DeepClone()));
                continue;
            }

            var text = mapping.Template.Render(model, options, cancellationToken).Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (mapping.Type == FieldType.Choice && !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                labels.Add(mapping.Name);
                fields.Add(new(mapping.Name, JsonValue.Create(text)));
                continue;
            }

            var value = Convert(mapping, text, notes);
            if (value is not null)
            {
                fields.Add(new(mapping.Name, value));
            }
        }

        return new RenderedTicket(
            Cut(title, FieldLimits.IncidentTitle, "title", notes),
            Cut(description, FieldLimits.IncidentDescription, "description", notes),
            fields,
            notes) { Labels = labels };
    }

    private static JsonValue? Convert(FieldMapping mapping, string text, List<string> notes)
    {
        var invariant = CultureInfo.InvariantCulture;
        switch (mapping.Type)
        {
            case FieldType.Integer or FieldType.Choice when long.TryParse(text, NumberStyles.Integer, invariant, out var integer):
                return JsonValue.Create(integer);
            case FieldType.Decimal when decimal.TryParse(text, NumberStyles.Number, invariant, out var number):
                return JsonValue.Create(number);
            case FieldType.Boolean when bool.TryParse(text, out var flag):
                return JsonValue.Create(flag);
            case FieldType.String:
                return JsonValue.Create(mapping.MaxLength is { } max ? Cut(text, max, $"fields.{mapping.Name}", notes) : text);
            default:
                notes.Add($"fields.{mapping.Name} rendered '{FieldLimits.Truncate(text, 40)}', which is not {Article(mapping.Type)}; the attribute was left out.");
                return null;
        }
    }

    private static string Article(FieldType type) => type switch
    {
        FieldType.Integer => "a whole number",
        FieldType.Decimal => "a number",
        FieldType.Boolean => "true or false",
        _ => "text",
    };

    private static string Cut(string text, int maxLength, string field, List<string> notes)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        notes.Add($"The {field} was {text.Length} characters long; it was cut to Dataverse's {maxLength} with a trailing '{FieldLimits.Marker}'.");
        return FieldLimits.Truncate(text, maxLength);
    }
}
