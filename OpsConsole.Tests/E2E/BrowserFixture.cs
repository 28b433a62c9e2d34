using Microsoft.Playwright;

namespace OpsConsole.Tests.E2E;

/// <summary>One headless Debian Chromium for all end-to-end tests (Playwright's own browser download is never used).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public static string ArtifactsFolder
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable("OPSCONSOLE_TEST_ARTIFACTS") is { Length: > 0 } configured
                ? configured
                : Path.Combine(AppContext.BaseDirectory, "artifacts");
            var screenshots = Path.Combine(folder, "screenshots");
            Directory.CreateDirectory(screenshots);
            return screenshots;
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: ./test.sh installs Debian's chromium.");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// The every-page sweep (six minutes of axe checks on every page) in a Chromium of its own, so that it runs beside the
/// other end-to-end tests instead of after them: the browser tests were the suite's longest chain.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SweepBrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser-sweep";
}
