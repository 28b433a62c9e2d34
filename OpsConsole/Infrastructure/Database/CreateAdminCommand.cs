using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Infrastructure.Database;

/// <summary>
/// `dotnet run --project OpsConsole -- create-admin NAME`: the first admin outside Development. The password comes
/// from OPSCONSOLE_ADMIN_PASSWORD or, when that is empty, a prompt that does not echo.
/// </summary>
public static class CreateAdminCommand
{
    public const string PasswordVariable = "OPSCONSOLE_ADMIN_PASSWORD";

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "create-admin";

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (args.Length < 2 || string.IsNullOrWhiteSpace(args[1]))
        {
            Console.Error.WriteLine("usage: dotnet run --project OpsConsole -- create-admin NAME   (password from OPSCONSOLE_ADMIN_PASSWORD or a prompt)");
            return 2;
        }
        await app.Services.GetRequiredService<DatabaseInitialiser>().InitialiseAsync();
        var status = app.Services.GetRequiredService<DatabaseStatus>();
        if (!status.Ready)
        {
            Console.Error.WriteLine(status.Problem);
            return 1;
        }
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            password = Prompt($"Password for {args[1]}: ");
        }
        var users = app.Services.GetRequiredService<UserAdministration>();
        var result = await users.CreateAsync(new Actor("create-admin", [OpsRoles.Admin]), new NewUser(args[1], null, [OpsRoles.Admin], password));
        if (!result.Succeeded)
        {
            Console.Error.WriteLine($"create-admin failed: {result.Describe()}");
            return 1;
        }
        Console.WriteLine($"Admin '{args[1]}' created.");
        return 0;
    }

    private static string Prompt(string label)
    {
        Console.Write(label);
        if (Console.IsInputRedirected)
        {
            return Console.ReadLine() ?? "";
        }
        var chars = new List<char>();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.WriteLine();
                return new string([.. chars]);
            }
            if (key.Key == ConsoleKey.Backspace && chars.Count > 0)
            {
                chars.RemoveAt(chars.Count - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                chars.Add(key.KeyChar);
            }
        }
    }
}
