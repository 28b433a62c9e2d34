using OpsConsole.Core;
using OpsConsole;
using OpsConsole.Infrastructure.Database;

var builder = WebApplication.CreateBuilder(args);
// appsettings.json lives at the repository root and is copied beside the binaries; it is the base layer, under
// appsettings.{Environment}.json, environment variables and the command line.
var rootSettings = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
{
    Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Optional = true, ReloadOnChange = false,
};
rootSettings.ResolveFileProvider();
builder.Configuration.Sources.Insert(0, rootSettings);
builder.Services.AddOpsCore(builder.Configuration);
builder.AddOpsWeb();

var app = builder.Build();
if (CreateAdminCommand.Matches(args))
{
    return await CreateAdminCommand.RunAsync(app, args);
}
await app.Services.GetRequiredService<DatabaseInitialiser>().InitialiseAsync();
app.MapOpsEndpoints();
await app.RunAsync();
return 0;

public partial class Program;
