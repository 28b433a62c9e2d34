namespace OpsConsole.Infrastructure.Database;

/// <summary>
/// Demo data a module adds at start, after the migrations and the demo users (Development: a console that shows
/// its modules at work on its first run). Each one decides from its own configuration whether it runs, and only
/// ever adds what is missing, so a restart changes nothing.
/// </summary>
public interface IDemoData
{
    Task SeedAsync(CancellationToken ct);
}

public static class DemoDataRegistration
{
    /// <summary>The database initialiser runs every registered <see cref="IDemoData"/>, in registration order.</summary>
    public static IServiceCollection AddDemoData<T>(this IServiceCollection services) where T : class, IDemoData =>
        services.AddSingleton<IDemoData, T>();
}
