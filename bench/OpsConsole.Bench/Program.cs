using OpsConsole.Bench;

// bench/run.sh drives these; each prints one line of figures on stdout (details on stderr).
return args.FirstOrDefault() switch
{
    "dispatch" => await DispatchBench.RunAsync(BenchArgs.Parse(args.Skip(1))),
    "etl-ingest" => await EtlBench.IngestAsync(BenchArgs.Parse(args.Skip(1))),
    "etl-missing" => await EtlBench.MissingAsync(BenchArgs.Parse(args.Skip(1))),
    "etl-seed-records" => await EtlBench.SeedRecordsAsync(BenchArgs.Parse(args.Skip(1))),
    "etl-export" => await EtlBench.ExportAsync(BenchArgs.Parse(args.Skip(1))),
    "yard" => await YardBench.RunAsync(BenchArgs.Parse(args.Skip(1))),
    "maintenance-analytics" => await MaintenanceAnalyticsBench.RunAsync(BenchArgs.Parse(args.Skip(1))),
    "maintenance-mqtt" => await MaintenanceMqttBench.RunAsync(BenchArgs.Parse(args.Skip(1))),
    "sync" => await SyncBench.RunAsync(BenchArgs.Parse(args.Skip(1))),
    "cluster" => await ClusterBench.RunAsync(BenchArgs.Parse(args.Skip(1))),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: OpsConsole.Bench dispatch --url URL --provider Sqlite|PostgreSql --connection CS --password P");
    return 2;
}
