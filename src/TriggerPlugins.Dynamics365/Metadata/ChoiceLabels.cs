using System.Text.Json.Nodes;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Tickets;

namespace TriggerPlugins.Dynamics365.Metadata;

/// <summary>
/// Turns the labels that choice fields rendered ("High") into option values (1), with the incident choice columns'
/// options read once from the tenant's metadata (<see cref="IncidentColumns.ChoicesQuery"/>) and kept for the life of
/// the plugin: a configuration that maps values only never sends that request.
/// </summary>
internal sealed class ChoiceLabels(DataverseClient client) : IDisposable
{
    private readonly SemaphoreSlim _loading = new(1, 1);

    public void Dispose() => _loading.Dispose();
    private IReadOnlyDictionary<string, IReadOnlyList<ChoiceOption>>? _options;

    /// <exception cref="ActionFailure">The metadata could not be read (a 429 is transient, as for any request).</exception>
    public async Task<RenderedTicket> ResolveAsync(RenderedTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.Labels.Count == 0)
        {
            return ticket;
        }

        var options = await OptionsAsync(cancellationToken);
        var notes = new List<string>(ticket.Notes);
        var fields = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var (name, value) in ticket.Fields)
        {
            if (!ticket.Labels.Contains(name))
            {
                fields.Add(new(name, value));
                continue;
            }

            var label = value?.GetValue<string>() ?? "";
            var column = new ColumnDefinition(name, "Picklist", true, options.GetValueOrDefault(name) ?? []);
            if (column.FindOption(label) is { } option)
            {
                fields.Add(new(name, JsonValue.Create(option.Value)));
            }
            else
            {
                notes.Add(column.Options.Count == 0
                    ? $"fields.{name} rendered '{label}', but labels are resolved only for the incident's Picklist columns, and '{name}' is not one; map the option's value. The field was left out."
                    : $"fields.{name} rendered '{label}', which is not an option (options: {column.DescribeOptions()}); the field was left out.");
            }
        }

        return ticket with { Fields = fields, Notes = notes, Labels = [] };
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<ChoiceOption>>> OptionsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _options) is { } known)
        {
            return known;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            // A failed read is not kept: the next ticket tries again.
            return _options ??= await IncidentColumns.LoadChoicesAsync(client, cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }
}
