using System.Net.Http.Json;
using System.Text.Json;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// Issue 17 items 7 and 14 on the heatmap: a day waiting for data has a look of its own (not failed), and queued and
/// running differ in colour and in a mark, so no state needs colours told apart; the legend shows the same, and every
/// state's colour stands out from the page (3:1) in light and dark mode.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EtlHeatmapStatesE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?>
    {
        ["Etl:FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files"),
    });
    private readonly EtlFailuresSetUp _days = new();
    private string _base = "";

    public async ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        await _days.RunAsync(_base);
        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        // One day left queued: the runners stay paused.
        (await admin.PostAsync("/api/scheduler/jobs/etl.runners/pause", null)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B001", pos = 1, date = EtlFailuresSetUp.Text(_days.SpareDay) })).EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>
    /// Each state's look as the legend's swatch has it: its fill, its ring (box-shadow) and the mark drawn inside it
    /// (::after), and the contrast of its main colour against the page's surface.
    /// </summary>
    private const string LooksScript = """
        () => {
          const rgb = t => { const m = (t || '').match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(',').map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
          const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
          const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
          const surface = rgb(getComputedStyle(document.querySelector('.hm-rowhead')).backgroundColor);
          const looks = {};
          for (const el of document.querySelectorAll('[data-testid=heatmap-legend] .hm-swatch')) {
            const state = el.parentElement.dataset.state, s = getComputedStyle(el), a = getComputedStyle(el, '::after');
            const fill = rgb(s.backgroundColor), ring = rgb(s.boxShadow);
            const main = fill && fill.a > 0.5 ? fill : ring;
            looks[state] = {
              fill: s.backgroundColor, image: s.backgroundImage, ring: s.boxShadow,
              mark: a.content === 'none' ? 'none' : [a.width, a.height, a.borderLeftWidth, a.borderRadius, a.backgroundImage, a.boxShadow].join('|'),
              contrast: main ? contrast(main, surface) : 0,
            };
          }
          return JSON.stringify(looks);
        }
        """;

    private sealed record Look(string Fill, string Image, string Ring, string Mark, double Contrast);

    [Fact]
    public async Task WaitingQueuedAndRunning_EachHaveALookOfTheirOwn_NotOnlyAColour_InLightAndDarkMode()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        await console.GotoAsync($"/etl/missing?start={EtlFailuresSetUp.Text(_days.ActiveFrom)}&end={EtlFailuresSetUp.Text(EtlFailuresSetUp.Today)}");
        await console.WaitUntilLiveAsync();
        var page = console.Page;

        // B001 is row 0, B004 row 1; the columns start at ActiveFrom.
        int Column(DateOnly day) => day.DayNumber - _days.ActiveFrom.DayNumber;
        await page.Locator($"td[data-c='0:{Column(_days.WaitDay)}'].hm-waiting").WaitForAsync();
        (await page.Locator($"td[data-c='0:{Column(_days.WaitDay)}']").GetAttributeAsync("title")).Should().Contain("waiting for data");
        (await page.Locator("tr[data-row=B004-1] td.hm-failed").CountAsync()).Should().Be(3);
        (await page.Locator("td.hm-failed").CountAsync()).Should().Be(3, "no file on the host is not a failure");
        await page.Locator($"td[data-c='0:{Column(_days.SpareDay)}'].hm-queued").WaitForAsync();
        (await page.Locator("[data-testid=missing-summary]").InnerTextAsync()).Should().Contain("1 waiting for data").And.Contain("3 failed").And.Contain("1 queued");

        foreach (var mode in new[] { "light", "dark" })
        {
            if (mode == "dark")
            {
                await page.Keyboard.PressAsync("t");
                await page.Locator(".ops-shell[data-theme=dark]").WaitForAsync();
            }
            var looks = JsonDocument.Parse(await page.EvaluateAsync<string>(LooksScript)).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => new Look(
                p.Value.GetProperty("fill").GetString()!, p.Value.GetProperty("image").GetString()!, p.Value.GetProperty("ring").GetString()!,
                p.Value.GetProperty("mark").GetString()!, p.Value.GetProperty("contrast").GetDouble()));
            var (queued, running, waiting, missing, failed) = (looks["queued"], looks["running"], looks["waiting"], looks["missing"], looks["failed"]);

            queued.Fill.Should().Be("rgba(0, 0, 0, 0)", "queued is hollow: a ring");
            queued.Ring.Should().Contain("inset");
            running.Fill.Should().NotBe("rgba(0, 0, 0, 0)", "running is filled");
            queued.Mark.Should().NotBe("none").And.NotBe(running.Mark, "queued's dot and running's 'play' mark are different shapes");
            running.Mark.Should().NotBe("none");
            waiting.Mark.Should().NotBe("none", "waiting for data is missing with a mark");
            missing.Mark.Should().Be("none");
            failed.Mark.Should().NotBe("none", "failed has a cross, so it is not told from ok by red and green alone");
            looks.Values.Select(l => (l.Fill, l.Image, l.Ring, l.Mark)).Should().OnlyHaveUniqueItems($"every state looks different in {mode} mode");
            foreach (var state in new[] { "ok", "waiting", "failed", "queued", "running" })
            {
                looks[state].Contrast.Should().BeGreaterThanOrEqualTo(3, $"{state} stands out from the page in {mode} mode (WCAG non-text contrast)");
            }

            // The grid's queued cell looks like the legend's.
            var cell = await page.EvaluateAsync<string>($"() => {{ const s = getComputedStyle(document.querySelector(\"td[data-c='0:{Column(_days.SpareDay)}']\")); return s.backgroundColor + s.boxShadow; }}");
            cell.Should().Be(queued.Fill + queued.Ring);
            await page.Locator("[data-testid=heatmap-legend]").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsFolder, $"heatmap-legend-{mode}.png") });
            await console.ScreenshotAsync($"heatmap-states-{mode}");
        }

        using var api = await ApiClients.SignedInAsync(_base, "viewer");
        var map = await api.GetFromJsonAsync<JsonElement>($"/api/missing?start={EtlFailuresSetUp.Text(_days.WaitDay)}&end={EtlFailuresSetUp.Text(_days.WaitDay)}");
        map.GetProperty("B001").GetProperty("1").EnumerateArray().Select(d => d.GetString()).Should().Equal(EtlFailuresSetUp.Text(_days.WaitDay));
    }
}
