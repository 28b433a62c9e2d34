using System.Globalization;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Infrastructure.Database;

namespace OpsConsole.Simulators.Etl;

/// <summary>
/// Demo branches (`Etl:DemoBranches`, on in Development with the simulators): a dozen shops whose parser configs read
/// this simulator's layouts. When they are created, the last days are queued at once (what the hourly scan would
/// do), so a first run shows the runners at work.
/// </summary>
public sealed class EtlDemoBranches(EtlBranches branches, EtlMissingScan scan, TimeProvider time, SimulatorOptions simulators, IConfiguration configuration,
    IHostEnvironment environment) : IDemoData
{
    private static readonly string[] Names = ["Harbour Street", "Old Market", "Station Square", "Riverside", "North Gate", "Mill Lane",
        "Castle Hill", "Bridge Road", "Parkside", "West End", "Canal Wharf", "High Street"];

    public async Task SeedAsync(CancellationToken ct)
    {
        if (!simulators.Enabled || !configuration.GetValue("Etl:DemoBranches", environment.IsDevelopment()) || (await branches.ListAsync(ct)).Count > 0)
        {
            return;
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        for (var i = 0; i < Names.Length; i++)
        {
            var id = $"B{i + 1:D3}";
            var activeFrom = today.AddDays(-60 + i * 3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await branches.UpsertAsync(Actor.System, new BranchInput(id, Names[i], i % 4 == 3 ? 3 : 2, true, activeFrom,
                EtlFileHostSimulator.ParserFor(id).ToJson()), ct);
        }
        await scan.QueueUnfetchedAsync(ct);
    }
}
