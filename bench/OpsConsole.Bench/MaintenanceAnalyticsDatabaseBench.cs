using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsConsole.Core;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Bench;

/// <summary>
/// Issue 18's analytics benchmark, end to end from the database: the same year as <see cref="MaintenanceAnalyticsBench"/>
/// (200 machines, 100,000 tickets, the periods and shift roll-ups of 1,000,000 machine events) written into a fresh
/// SQLite file through the console's migrations, then <see cref="MaintenanceReports.ReportAsync"/> for the whole plant
/// and year — the read (EF projections of the overlapping periods, the tickets, the production of the window's days,
/// the parts issued) and the computation — timed, with the read alone beside it. The raw machine events themselves are
/// not written: analytics never reads them (they became the periods and roll-ups), so they only add file size.
/// </summary>
public static class MaintenanceAnalyticsDatabaseBench
{
    public static async Task<string> RunAsync(BenchArgs args)
    {
        var runs = args.Int("db-runs", 7);
        var input = MaintenanceAnalyticsBench.GenerateForProfile(out var query);
        var folder = Directory.CreateTempSubdirectory("opsconsole-analytics-bench");
        var file = Path.Combine(folder.FullName, "ops.db");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:OpsConsole"] = $"Data Source={file}",
                ["Maintenance:PlantTimeZone"] = query.PlantTimeZone,
                ["Etl:FileStore"] = Path.Combine(folder.FullName, "files"),
                ["Maintenance:PhotoStore"] = Path.Combine(folder.FullName, "photos"),
            }).Build();
            var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton<IConfiguration>(configuration);
            services.AddOpsCore(configuration);
            services.AddSingleton<TimeProvider>(new FixedClock(query.Now));
            await using var provider = services.BuildServiceProvider();
            var contexts = provider.GetRequiredService<IDbContextFactory<OpsDbContext>>();
            var seed = Stopwatch.StartNew();
            await using (var db = await contexts.CreateDbContextAsync())
            {
                await db.Database.MigrateAsync();
                await SeedAsync(db, input);
            }
            var seedMs = seed.ElapsedMilliseconds;
            var reports = provider.GetRequiredService<MaintenanceReports>();
            var filter = (await reports.ReadFilterAsync(new AnalyticsFilterInput(query.From.ToString("O"), query.To.ToString("O"), null, null))).Value!;

            var cold = Stopwatch.StartNew();
            var first = await reports.ReportAsync(filter);
            var coldMs = cold.Elapsed.TotalMilliseconds;
            await reports.ReportAsync(filter);
            var total = new List<double>();
            var read = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                await reports.ReadAsync(filter);
                read.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                await reports.ReportAsync(filter);
                total.Add(watch.Elapsed.TotalMilliseconds);
            }
            total.Sort();
            read.Sort();
            var (inputRead, _, _) = await reports.ReadAsync(filter);
            var size = new FileInfo(file).Length / 1024.0 / 1024.0;
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
            var k = first.Report.Plant.Kpis;
            Console.Error.WriteLine($"database: {inputRead.Periods.Count:N0} periods, {inputRead.Tickets.Count:N0} tickets, {inputRead.Production.Count:N0} roll-ups read; " +
                                    $"plant availability {k.Availability:P1}, failures {k.Failures:N0}");
            return $"from a SQLite file ({size:F0} MB, seeded in {seedMs / 1000.0:F1} s): GET-equivalent MaintenanceReports.ReportAsync for the plant and the year (read + compute + parts) " +
                   $"median {Percentiles.Of(total, 50):F0} ms, best {total[0]:F0} ms, worst {total[^1]:F0} ms of {runs} after 2 warm-ups (target < 500 ms, aim 200 ms); " +
                   $"of which the read alone median {Percentiles.Of(read, 50):F0} ms; the process's first report {coldMs:F0} ms; load average {load}";
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task SeedAsync(OpsDbContext db, AnalyticsInput input)
    {
        // Areas, calendars and machines through EF (their ids come out 1…n, as the generated input numbers them).
        foreach (var area in input.Machines.Select(m => (m.AreaId, m.AreaName)).Distinct().OrderBy(a => a.AreaId))
        {
            db.MaintenanceAreas.Add(new Area { Name = area.AreaName });
        }
        foreach (var calendar in input.Machines.Where(m => m.Calendar is not null).Select(m => m.Calendar!).DistinctBy(c => c.Id).OrderBy(c => c.Id))
        {
            db.ShiftCalendars.Add(new ShiftCalendar
            {
                Name = $"Calendar {calendar.Id}", TimeZone = calendar.TimeZone, Version = 1,
                Shifts = [.. calendar.Shifts.Select((s, i) => new CalendarShift { Name = $"Shift {i + 1}", Days = s.Days, StartMinute = s.StartMinute, DurationMinutes = s.DurationMinutes })],
            });
        }
        await db.SaveChangesAsync();
        foreach (var m in input.Machines)
        {
            db.Machines.Add(new Machine { Code = m.Name, Name = m.Name, AreaId = m.AreaId, CalendarId = m.Calendar?.Id, IdealCycleSeconds = 20 + m.Id % 40, Version = 1 });
        }
        await db.SaveChangesAsync();

        // Tickets, periods and roll-ups as ingest writes them: prepared inserts in one transaction.
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var transaction = connection.BeginTransaction();
        Insert(connection, transaction, "INSERT INTO maintenance_tickets (Id, Title, MachineId, Kind, Priority, Status, Origin, ReportedBy, CreatedAt, UpdatedAt, FirstStartedAt, ResolvedAt, ProblemCode, Reopened, Version) " +
                                        "VALUES ($0, 'Stopped', $1, $2, $3, $4, 'downtime', 'bench', $5, $5, $6, $7, $8, 0, 1)",
            input.Tickets.Select(t => new object?[] { t.Id, t.MachineId, t.Kind.Wire(), t.Priority.Wire(), t.Status.Wire(), t.CreatedAt, t.FirstInProgressAt, t.ResolvedAt, t.FailureCode }));
        Insert(connection, transaction, "INSERT INTO maintenance_downtime (Id, MachineId, StartAt, EndAt, Kind, ReasonCode, TicketId, Origin, MicroStop, OpenMachineId, UpdatedAt) " +
                                        "VALUES ($0, $1, $2, $3, $4, $5, $6, 'state', 0, $7, $2)",
            input.Periods.Select(p => new object?[] { p.Id, p.MachineId, p.Start, p.End, p.Kind.Wire(), p.ReasonCode, p.TicketId, p.End is null ? p.MachineId : null }));
        Insert(connection, transaction, "INSERT INTO maintenance_production (MachineId, Date, Shift, Good, Scrap, RunSeconds, PlannedSeconds, Source, UpdatedAt) " +
                                        "VALUES ($0, $1, $2, $3, $4, $5, $6, 'telemetry', $7)",
            input.Production.Select(r => new object?[] { r.MachineId, r.Date, r.Shift, r.Good, r.Scrap, (int)r.RunSeconds, (int)r.PlannedSeconds, DateTime.UtcNow }));
        await transaction.CommitAsync();
    }

    private static void Insert(SqliteConnection connection, SqliteTransaction transaction, string sql, IEnumerable<object?[]> rows)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        SqliteParameter[]? parameters = null;
        foreach (var row in rows)
        {
            parameters ??= [.. row.Select((_, i) => command.Parameters.Add(new SqliteParameter($"${i}", null)))];
            for (var i = 0; i < row.Length; i++)
            {
                parameters[i].Value = row[i] ?? DBNull.Value;
            }
            command.ExecuteNonQuery();
        }
    }

    private sealed class FixedClock(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(now, DateTimeKind.Utc));
    }
}
