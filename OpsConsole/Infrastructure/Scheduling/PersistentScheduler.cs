using OpsConsole.Core;
using OpsConsole.Core.Shared.Data;
using Quartz;

namespace OpsConsole.Infrastructure.Scheduling;

/// <summary>
/// `Scheduler:Store=Persistent`: Quartz's ADO store on the console's own PostgreSQL or SQL Server database,
/// clustered so that several instances share the schedule and each fire runs once. SQLite stays in memory (Quartz
/// refuses clustering on it).
/// </summary>
public static class PersistentScheduler
{
    public static void Configure(IQuartzBuilder q, IConfiguration configuration)
    {
        var database = CoreServiceCollectionExtensions.ReadDatabaseOptions(configuration);
        // One trigger per acquisition round: a batch would hold triggers on this node that another could fire (ADR 0040).
        q.ConfigureScheduler(s => s.MaxBatchSize = 1);
        q.UsePersistentStore(store =>
        {
            switch (database.Provider)
            {
                case DatabaseProvider.PostgreSql:
                    store.UsePostgres(database.ConnectionString);
                    break;
                case DatabaseProvider.SqlServer:
                    store.UseSqlServer(database.ConnectionString);
                    break;
                default:
                    throw new InvalidOperationException("Scheduler:Store=Persistent needs Database:Provider PostgreSQL or SqlServer.");
            }
            store.UseSystemTextJsonSerializer();
            store.ProvisionSchema();
            store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(5));
        });
    }
}
