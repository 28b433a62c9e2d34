using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Files;
using OpsConsole.Simulators.Etl;
using OpsConsole.Tests.Features.Etl;
using OpsConsole.Tests.TestSupport;
using SkiaSharp;

namespace OpsConsole.Tests.Features.Cluster;

/// <summary>
/// Two consoles on one PostgreSQL database with the database file store (issue 20, item 7; ADR 0041): what instance A
/// stored (a raw ETL download, a ticket photo) instance B serves through the same API, although each has a local folder
/// of its own; a file whose content is gone is a 404 ProblemDetails, not a 500.
/// </summary>
public sealed class ClusterFilesTests(ClusterFilesTests.TwoInstances apps) : IClassFixture<ClusterFilesTests.TwoInstances>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class TwoInstances : IAsyncLifetime
    {
        public OpsAppFactory A { get; private set; } = null!;
        public OpsAppFactory B { get; private set; } = null!;
        public string AFolder { get; } = Path.Combine(TestDatabases.NewTempFolder(), "files");

        public async ValueTask InitializeAsync()
        {
            var database = TestDatabases.NewPostgres();
            A = new OpsAppFactory(database, new Dictionary<string, string?>
            {
                ["Files:Store"] = "Database", ["Cluster:InstanceId"] = "a", ["Etl:FileStore"] = AFolder, ["Etl:LeaseSeconds"] = "6",
            });
            var address = A.StartKestrel();
            using (var admin = await A.ClientAsAsync("admin"))
            {
                var created = await admin.PostAsJsonAsync("/api/branches", new
                {
                    id = "B004", name = "Shop B004", pos_count = 2, is_active = true, active_from = Day.AddDays(-30).ToString("yyyy-MM-dd"),
                    parser_config = JsonDocument.Parse(EtlFileHostSimulator.ParserFor("B004").ToJson()).RootElement,
                }, Ct);
                created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
            }
            // Started once A has created the schema (two at the same instant is the scale-out issue's start-up test).
            B = new OpsAppFactory(database, new Dictionary<string, string?>
            {
                ["Files:Store"] = "Database", ["Cluster:InstanceId"] = "b", ["Etl:FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files"),
                ["Upstreams:etl:BaseUrl"] = $"{address}/sim/etl/",
            });
            using var warm = await B.ClientAsAsync("viewer");
        }

        public async ValueTask DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
        }
    }

    private static readonly DateOnly Day = EtlApiTests.DayWithFiles("B004", 1);

    [Fact]
    public async Task ARawFileDownloadedByA_IsServedByB_AndOneWhoseContentIsGoneIs404()
    {
        using var opA = await apps.A.ClientAsAsync("operator");
        using var opB = await apps.B.ClientAsAsync("operator");
        var fetch = await opA.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B004", pos = 1, date = Day.ToString("yyyy-MM-dd") }, Ct);
        fetch.StatusCode.Should().Be(HttpStatusCode.Accepted, await fetch.Content.ReadAsStringAsync(Ct));
        var jobId = (await fetch.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("job_id").GetString()!;
        var detail = await EtlApiTests.WaitForAsync(opA, jobId, "succeeded", "failed");
        detail.GetProperty("job").GetProperty("status").GetString().Should().Be("succeeded", detail.ToString());

        var files = detail.GetProperty("files").EnumerateArray().ToList();
        files.Should().NotBeEmpty();
        foreach (var file in files)
        {
            var id = file.GetProperty("id").GetString();
            foreach (var client in new[] { opB, opA })
            {
                var download = await client.GetAsync($"/api/files/{id}/download", Ct);
                download.StatusCode.Should().Be(HttpStatusCode.OK);
                Convert.ToHexStringLower(SHA256.HashData(await download.Content.ReadAsByteArrayAsync(Ct))).Should().Be(file.GetProperty("checksum").GetString());
            }
            (await opB.GetAsync($"/api/files/{id}/preview", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        (Directory.Exists(apps.AFolder) ? Directory.EnumerateFiles(apps.AFolder, "*", SearchOption.AllDirectories) : [])
            .Should().BeEmpty("with the database store nothing is kept in the instance's own folder");

        var gone = files[0];
        await using (var db = await apps.A.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct))
        {
            var sha = gone.GetProperty("checksum").GetString();
            await db.Set<StoredFileRow>().Where(f => f.Area == EtlFileStore.AreaName && f.Sha256 == sha).ExecuteDeleteAsync(Ct);
        }
        var missing = await opB.GetAsync($"/api/files/{gone.GetProperty("id").GetString()}/download", Ct);
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        missing.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await opB.GetAsync($"/api/files/{Guid.NewGuid()}/download", Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task APhotoUploadedOnA_IsServedByB_AndAMissingOneIs404()
    {
        int machine;
        await using (var db = await apps.A.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct))
        {
            machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        }
        using var opA = await apps.A.ClientAsAsync("operator");
        using var opB = await apps.B.ClientAsAsync("operator");
        var ticket = await opA.PostAsync("/api/maintenance/tickets",
            new StringContent($$"""{"title": "Oil leak", "machine_id": {{machine}}, "priority": "high"}""", Encoding.UTF8, "application/json"), Ct);
        ticket.StatusCode.Should().Be(HttpStatusCode.Created, await ticket.Content.ReadAsStringAsync(Ct));
        var id = (await ticket.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        using var bitmap = new SKBitmap(64, 48);
        bitmap.Erase(SKColors.OrangeRed);
        var jpeg = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
        var upload = new ByteArrayContent(jpeg);
        upload.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");

        var stored = await opA.PostAsync($"/api/maintenance/tickets/{id}/photos", new MultipartFormDataContent { { upload, "file", "leak.jpg" } }, Ct);

        stored.StatusCode.Should().Be(HttpStatusCode.Created, await stored.Content.ReadAsStringAsync(Ct));
        var photo = await stored.Content.ReadFromJsonAsync<JsonElement>(Ct);
        foreach (var url in new[] { photo.GetProperty("url").GetString()!, photo.GetProperty("thumbnail_url").GetString()! })
        {
            var onB = await opB.GetAsync(url, Ct);
            onB.StatusCode.Should().Be(HttpStatusCode.OK, url);
            onB.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
            (await onB.Content.ReadAsByteArrayAsync(Ct)).Should().Equal(await opA.GetByteArrayAsync(url, Ct));
        }

        var unknown = await opB.GetAsync($"/api/maintenance/tickets/{id}/photos/999999", Ct);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        unknown.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        await using (var db = await apps.B.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct))
        {
            await db.Set<StoredFileRow>().Where(f => f.Area == PhotoFileStore.AreaName).ExecuteDeleteAsync(Ct);
        }
        var missing = await opB.GetAsync(photo.GetProperty("url").GetString(), Ct);
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await missing.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString().Should().Contain("missing from the photo store");
    }
}
