using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Alerts;

public static class AlertsData
{
    extension(OpsDbContext db)
    {
        public DbSet<Alert> Alerts => db.Set<Alert>();
    }
}
