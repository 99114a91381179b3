using Spectre.Console;
using Spectre.Console.Rendering;

namespace TriggerPlugins.Cli.Demo;

/// <summary>
/// The demo's result, laid out for the terminal's width: the full table from <see cref="FullWidth"/> columns, a
/// table of four columns (call and trigger, ticket, title, contact and owner, with the notes under the title) from
/// <see cref="CompactWidth"/>, and below that one block per ticket, so 80 columns stay readable.
/// </summary>
internal static class DemoTable
{
    /// <summary>The narrowest terminal that shows every column side by side.</summary>
    public const int FullWidth = 160;

    /// <summary>The narrowest terminal that shows a table at all.</summary>
    public const int CompactWidth = 100;

    private const string Title = "Call events -> Dynamics 365 tickets";

    /// <summary>One line of the result. <paramref name="Ticket"/> is markup; the rest is plain text.</summary>
    public sealed record Row(string Call, string Trigger, string Ticket, string Title, string Contact, string Owner, string Notes);

    public static IRenderable Build(IReadOnlyList<Row> rows, int width)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (width >= FullWidth)
        {
            var table = new Table().Border(TableBorder.Rounded).Title(Title);
            table.AddColumns("Call", "Trigger", "Ticket", "Title", "Contact", "Owner", "Notes");
            foreach (var row in rows)
            {
                table.AddRow(E(row.Call), E(row.Trigger), row.Ticket, E(row.Title), E(row.Contact), E(row.Owner), E(row.Notes));
            }

            return table;
        }

        if (width >= CompactWidth)
        {
            var table = new Table().Border(TableBorder.Rounded).Title(Title);
            table.AddColumns("Call / trigger", "Ticket", "Title / notes", "Contact / owner");
            foreach (var row in rows)
            {
                var title = row.Notes.Length == 0 ? E(row.Title) : $"{E(row.Title)}\n[grey]{E(row.Notes)}[/]";
                table.AddRow($"{E(row.Call)}\n{E(row.Trigger)}", row.Ticket, title, $"{E(row.Contact)}\n{E(row.Owner)}");
            }

            return table;
        }

        var blocks = new List<IRenderable> { new Markup($"[bold]{E(Title)}[/]") };
        foreach (var row in rows)
        {
            var body = row.Title == "-" ? string.Empty : $"{E(row.Title)}\ncontact: {E(row.Contact)}, owner: {E(row.Owner)}";
            if (row.Notes.Length > 0)
            {
                body += (body.Length > 0 ? "\n" : string.Empty) + $"[grey]{E(row.Notes)}[/]";
            }

            blocks.Add(new Text(string.Empty));
            blocks.Add(new Markup($"{row.Ticket} {E(row.Call.Replace('\n', ' '))} ({E(row.Trigger)})"));
            blocks.Add(new Padder(new Markup(body), new Padding(2, 0, 0, 0)));
        }

        return new Rows(blocks);
    }

    private static string E(string text) => Markup.Escape(text);
}
