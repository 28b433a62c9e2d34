using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace OpsConsole.Tests.Infrastructure.Auth;

/// <summary>The key ring that signs cookies and tokens is encrypted at rest when a certificate is configured, and said when it is not.</summary>
public sealed class KeyRingProtectionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("opsconsole-keyring-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task WithACertificate_TheStoredKeysAreEncrypted_AndTokensSurviveARestart()
    {
        var pfx = Path.Combine(_folder, "keyring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=OpsConsole key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"), TestContext.Current.CancellationToken);
        }
        var settings = new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = pfx, ["DataProtection:CertificatePassword"] = "pfx-password" };
        var database = TestDatabases.NewSqlite();
        string token;
        await using (var first = new OpsAppFactory(database, settings))
        {
            token = await first.TokenAsync("viewer");
            await using var db = await first.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
            var keys = await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(TestContext.Current.CancellationToken);
            keys.Should().NotBeEmpty().And.OnlyContain(x => x!.Contains("encryptedSecret") && !x.Contains("<masterKey"),
                "the key material is stored only encrypted with the certificate");
        }
        await using var second = new OpsAppFactory(database, settings);
        using var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await client.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.OK, "the restarted console decrypts its key ring with the certificate");
    }

    [Fact]
    public async Task WithoutACertificate_OutsideDevelopment_TheStartWarns()
    {
        var logs = new CollectedLogs();
        await using var app = new OpsAppFactory().WithServices(s => s.AddSingleton<ILoggerProvider>(logs));
        _ = app.Services;
        logs.Warnings.Should().Contain(w => w.Contains("stored unencrypted") && w.Contains("DataProtection:CertificatePath"));
    }

    [Fact]
    public async Task AnUnreadableCertificate_StopsTheStart_NamingTheKey()
    {
        var bogus = Path.Combine(_folder, "bogus.pfx");
        await File.WriteAllTextAsync(bogus, "not a certificate", TestContext.Current.CancellationToken);
        await using var app = new OpsAppFactory(null, new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = bogus });
        var start = () => app.Services;
        start.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("DataProtection:CertificatePath");
    }

    private sealed class CollectedLogs : ILoggerProvider
    {
        public List<string> Warnings { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CollectedLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Warning)
                {
                    lock (owner.Warnings)
                    {
                        owner.Warnings.Add(formatter(state, exception));
                    }
                }
            }
        }
    }
}
