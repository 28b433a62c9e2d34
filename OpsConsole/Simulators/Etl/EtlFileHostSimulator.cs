using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OpsConsole.Core.Etl;
using OpsConsole.Infrastructure.Database;

namespace OpsConsole.Simulators.Etl;

/// <summary>
/// The seed's remote file host (docs/upstreams/etl.md): `fetch_list2.php?branch=&amp;pos=&amp;date=` lists a day's files
/// and `download.php?file=` serves one. Everything is derived from (seed, branch, pos, date), so the same day
/// always has the same files and rows: some days have none, some file types come in several copies with different
/// row counts, a few files carry malformed rows, and branches whose id ends in 4 or 9 use the "semicolon" layout
/// that only their parser config reads right.
/// </summary>
public static partial class EtlFileHostSimulator
{
    public static readonly string[] FileTypes = ["rd5000", "rd5500"];
    private static readonly string[] Payments = ["cash", "card", "card", "card", "qr", "voucher"];
    private static readonly string[] Departments = ["DRY", "DAIRY", "FRUIT, VEG", "BAKERY", "FROZEN", "DRINKS", "HOUSEHOLD"];

    [GeneratedRegex("^(?<branch>[A-Za-z0-9][A-Za-z0-9-]{0,31})_(?<pos>[0-9]{1,2})_(?<date>[0-9]{8})_(?<type>rd[0-9]{4})_(?<n>[0-9])\\.csv$")]
    private static partial Regex FileNamePattern();

    /// <summary>The semicolon layout's branches (ids ending in 4 or 9).</summary>
    public static bool UsesSemicolonLayout(string branchId) => branchId.Length > 0 && branchId[^1] is '4' or '9';

    /// <summary>The parser config that reads a branch's files from this simulator.</summary>
    public static ParserConfig ParserFor(string branchId) => UsesSemicolonLayout(branchId)
        ? new ParserConfig
        {
            Delimiter = ";",
            HeaderRows = 2,
            DateFormat = "dd/MM/yyyy",
            TimeFormat = "HH:mm",
            DecimalSeparator = ",",
            StripFromNumbers = "€ ",
            Columns = new ParserColumns { Tnsc = 0, Date = 1, Time = 2, ItemCode = 3, Quantity = 4, Amount = 5, PaymentMethod = 6, Department = 7 },
            BadRows = BadRowPolicy.Skip,
        }
        : new ParserConfig { BadRows = BadRowPolicy.Skip };

    /// <summary>The simulator's part of the ETL feature: the demo branches that read its files.</summary>
    public static IServiceCollection AddEtlSimulator(this IServiceCollection services) => services.AddDemoData<EtlDemoBranches>();

    public static void MapEtlSimulator(this IEndpointRouteBuilder app)
    {
        var registry = app.ServiceProvider.GetRequiredService<SimulatorRegistry>();
        if (!registry.Enabled)
        {
            return;
        }
        var configuration = app.ServiceProvider.GetRequiredService<IConfiguration>();
        var group = SimulatorEndpoints.Group(app, EtlModule.FileHost);
        group.MapGet("/fetch_list2.php", (string? branch, int? pos, string? date) =>
        {
            if (!EtlBranches.IsBranchId(branch) || pos is not (>= 1 and <= 99)
                || !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return Results.BadRequest(new { error = "branch, pos and date (YYYY-MM-DD) are required" });
            }
            return Results.Ok(List(registry.Seed, branch!, pos.Value, day, Rows(configuration)));
        });
        group.MapGet("/download.php", (string? file) =>
        {
            var match = file is null ? null : FileNamePattern().Match(file);
            if (match is null || !match.Success)
            {
                return Results.NotFound(new { error = "no such file" });
            }
            var day = DateOnly.ParseExact(match.Groups["date"].Value, "yyyyMMdd", CultureInfo.InvariantCulture);
            var listed = List(registry.Seed, match.Groups["branch"].Value, int.Parse(match.Groups["pos"].Value), day, Rows(configuration));
            if (listed.All(f => f.Name != file))
            {
                return Results.NotFound(new { error = "no such file" });
            }
            return Results.Text(Content(registry.Seed, file!, Rows(configuration)), "text/csv", Encoding.UTF8);
        });
    }

    /// <summary>`Simulators:EtlRows`: rows per file when set (benchmarks); otherwise each branch's own volume.</summary>
    private static int Rows(IConfiguration configuration) => configuration.GetValue("Simulators:EtlRows", 0);

    public static IReadOnlyList<RemoteFile> List(int seed, string branch, int pos, DateOnly day, int fixedRows)
    {
        var random = new Random(Hash(seed, branch, pos, day.DayNumber));
        if (fixedRows == 0 && random.NextDouble() < 0.06)
        {
            return [];
        }
        var files = new List<RemoteFile>();
        foreach (var type in FileTypes)
        {
            var copies = fixedRows > 0 ? 1 : random.NextDouble() < 0.25 ? random.Next(2, 4) : 1;
            for (var n = 1; n <= copies; n++)
            {
                var name = $"{branch}_{pos}_{day:yyyyMMdd}_{type}_{n}.csv";
                files.Add(new RemoteFile(name, type, RowsIn(seed, name, fixedRows) * 48L));
            }
        }
        return files;
    }

    private static int RowsIn(int seed, string name, int fixedRows)
    {
        if (fixedRows > 0)
        {
            return fixedRows;
        }
        var random = new Random(Hash(seed, name, 0, 0));
        var branchVolume = 150 + Math.Abs(Hash(seed, name.Split('_')[0], 0, 0) % 600);
        // Copies of one type differ: later copies are partial uploads with fewer rows.
        var copy = name[^5] - '0';
        return Math.Max(5, (int)(branchVolume * (0.85 + random.NextDouble() * 0.3) / copy));
    }

    public static string Content(int seed, string name, int fixedRows)
    {
        var match = FileNamePattern().Match(name);
        var branch = match.Groups["branch"].Value;
        var day = DateOnly.ParseExact(match.Groups["date"].Value, "yyyyMMdd", CultureInfo.InvariantCulture);
        var rows = RowsIn(seed, name, fixedRows);
        var random = new Random(Hash(seed, name, 1, 1));
        var dirty = fixedRows == 0 && random.NextDouble() < 0.12;
        var semicolon = UsesSemicolonLayout(branch);
        var text = new StringBuilder(rows * 56);
        if (semicolon)
        {
            text.Append("POS EXPORT ").Append(name).Append("\r\n");
            text.Append("tnsc;datum;tijd;artikel;aantal;bedrag;betaling;afdeling\r\n");
        }
        else
        {
            text.Append("date,time,tnsc,item_code,dept,qty,amount,payment\n");
        }
        var pos = match.Groups["pos"].Value;
        for (var i = 0; i < rows; i++)
        {
            var seconds = 7 * 3600 + (int)((double)i / rows * 14 * 3600) + random.Next(0, 30);
            var time = TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(seconds));
            var tnsc = $"T{pos}-{day:MMdd}{i / 3 + 1:D5}";
            var item = $"ITM-{random.Next(1, 4000):D5}";
            var qty = random.Next(1, 6);
            var amount = Math.Round(qty * (0.5m + random.Next(0, 2000) / 100m), 2);
            var payment = Payments[random.Next(Payments.Length)];
            var dept = Departments[random.Next(Departments.Length)];
            var broken = dirty && random.NextDouble() < 0.01;
            if (semicolon)
            {
                var amountText = broken ? "n/a" : "€ " + amount.ToString("0.00", CultureInfo.InvariantCulture).Replace('.', ',');
                text.Append(tnsc).Append(';').Append(day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)).Append(';')
                    .Append(time.ToString("HH:mm", CultureInfo.InvariantCulture)).Append(';').Append(item).Append(';').Append(qty).Append(';')
                    .Append(amountText).Append(';').Append(payment).Append(';').Append(dept).Append("\r\n");
            }
            else if (broken)
            {
                text.Append(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',').Append(time.ToString("HH:mm:ss", CultureInfo.InvariantCulture))
                    .Append(',').Append(tnsc).Append(',').Append(item).Append('\n');
            }
            else
            {
                text.Append(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',').Append(time.ToString("HH:mm:ss", CultureInfo.InvariantCulture))
                    .Append(',').Append(tnsc).Append(',').Append(item).Append(',').Append(dept.Contains(',') ? $"\"{dept}\"" : dept).Append(',')
                    .Append(qty).Append(',').Append(amount.ToString("0.00", CultureInfo.InvariantCulture)).Append(',').Append(payment).Append('\n');
            }
        }
        return text.ToString();
    }

    private static int Hash(int seed, string text, int a, int b)
    {
        // Stable across processes (string.GetHashCode is randomised per process).
        unchecked
        {
            var h = (uint)seed * 2654435761u;
            foreach (var c in text)
            {
                h = (h ^ c) * 16777619u;
            }
            h = (h ^ (uint)a) * 16777619u;
            h = (h ^ (uint)b) * 16777619u;
            return (int)(h & 0x7fffffff);
        }
    }
}
