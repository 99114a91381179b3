using System.CommandLine;
using System.Text;
using TriggerPlugins.Admin.Users;
using TriggerPlugins.Cli.Common;

namespace TriggerPlugins.Cli.Admin;

/// <summary>`triggers admin add-user`: creates an admin of the console (or sets a new password), from the server's shell.</summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var command = new Command("admin", "Administer the admin console's users.");
        command.Subcommands.Add(AddUser());
        return command;
    }

    private static Command AddUser()
    {
        var data = CommonOptions.Data();
        var user = new Option<string>("--user", "-u") { Description = "The admin's sign-in name (letters, digits, '.', '-', '_', '@').", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin")
        {
            Description = $"Read the password from the first line of standard input (for scripts). Otherwise it is asked for twice, hidden. At least {AdminUserStore.MinimumPasswordLength} characters.",
        };
        var command = new Command("add-user", "Create an admin of the console with a hashed password (or set a new password, which also ends a lockout).")
        {
            data, user, passwordStdin,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(user)!;
            if (AdminUserStore.CheckUserName(name) is { } nameProblem)
            {
                await Console.Error.WriteLineAsync($"error: --user: {nameProblem}.");
                return ExitCodes.UsageError;
            }

            var password = parse.GetValue(passwordStdin) ? await Console.In.ReadLineAsync(cancellationToken) : Prompt();
            if (password is null)
            {
                await Console.Error.WriteLineAsync("error: no password given (standard input was empty, or the two entries differ).");
                return ExitCodes.UsageError;
            }

            if (AdminUserStore.CheckPassword(password) is { } passwordProblem)
            {
                await Console.Error.WriteLineAsync($"error: {passwordProblem}.");
                return ExitCodes.UsageError;
            }

            var store = new AdminUserStore(CommonOptions.DataPath(parse.GetValue(data)), TimeProvider.System);
            var created = await store.AddAsync(name, password, cancellationToken);
            Console.WriteLine(created
                ? $"Admin '{name}' created in {store.FilePath}. Sign in at /admin of `triggers serve`."
                : $"Admin '{name}': password changed in {store.FilePath} (any lockout is lifted).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string? Prompt()
    {
        if (Console.IsInputRedirected)
        {
            Console.Error.WriteLine("error: standard input is not a terminal: use --password-stdin to read the password from it.");
            return null;
        }

        var first = ReadHidden("Password: ");
        var second = ReadHidden("Password again: ");
        return first == second ? first : null;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return text.ToString();
    }
}
