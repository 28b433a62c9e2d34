using Microsoft.Playwright;

namespace OpsConsole.Tests.E2E;

/// <summary>What a person does in the console: sign in, wait for the live connection, look, take a screenshot.</summary>
public sealed class ConsolePage(IPage page, string baseUrl) : IAsyncDisposable
{
    public IPage Page => page;

    public static async Task<ConsolePage> OpenAsync(IBrowser browser, string baseUrl)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 860 } });
        context.SetDefaultTimeout(15_000);
        return new ConsolePage(await context.NewPageAsync(), baseUrl);
    }

    public async Task SignInAsync(string user, string password, bool expectSuccess = true)
    {
        await page.GotoAsync(baseUrl + "/account/login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        if (expectSuccess)
        {
            await page.WaitForURLAsync(url => !url.Contains("/account/login"));
            await WaitUntilLiveAsync();
        }
    }

    public Task GotoAsync(string path) => page.GotoAsync(baseUrl + path);

    /// <summary>Waits for the page's interactive circuit (the layout marks the document when it is).</summary>
    public Task WaitUntilLiveAsync() => page.WaitForSelectorAsync("html[data-circuit=live]", new() { State = WaitForSelectorState.Attached });

    public async Task<string> ScreenshotAsync(string name)
    {
        var file = Path.Combine(BrowserFixture.ArtifactsFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        return file;
    }

    /// <summary>Closing a context has no Playwright timeout of its own: a wedged browser fails the test instead of hanging the run.</summary>
    public async ValueTask DisposeAsync() => await page.Context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30));
}
