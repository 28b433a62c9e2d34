using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>The maintenance forms in a real browser: a part recorded on a ticket, a stop entered after the fact, an admin giving a machine its shift calendar.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MaintenanceFormsE2ETests(BrowserFixture browser, SharedKestrelApp app) : IClassFixture<SharedKestrelApp>
{
    private async Task<OpsDbContext> DbAsync() => await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();

    private async Task<Machine> MachineAsync()
    {
        await using var db = await DbAsync();
        var id = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        return await db.Machines.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    private static ILocator Field(IPage page, string testId) => page.Locator($"[data-testid={testId}] input, input[data-testid={testId}], textarea[data-testid={testId}]").First;

    private async Task<ConsolePage> OpenAsync(string user, string path)
    {
        var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync(user, OpsAppFactory.Password);
        await console.GotoAsync(path);
        await console.WaitUntilLiveAsync();
        return console;
    }

    [Fact]
    public async Task AnOperator_RecordsAPartUsedOnATicket_AndItIsListedByNumberAndName()
    {
        var machine = await MachineAsync();
        var number = $"SEAL-{Guid.NewGuid():N}"[..12];
        int part;
        await using (var db = await DbAsync())
        {
            part = await MaintenanceTestData.PartAsync(db, number);
        }
        await app.Services.GetRequiredService<PartsLedger>().RecordAsync(Actor.System, part, new MovementInput("receipt", 5, null, null, null));
        using var api = await ApiClients.SignedInAsync(app.BaseUrl, "operator");
        var created = await api.PostAsJsonAsync("/api/maintenance/tickets", new { title = "Ram seal leaks", machine_id = machine.Id });
        var ticket = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await using var console = await OpenAsync("operator", $"/maintenance/tickets/{ticket}");

        // The whole search text in one input event: typed key by key at machine speed, the picker's first keys can land
        // before it is ready (the box then read "AL-246" for "SEAL-246") and a click can hit a list being replaced.
        var picker = Field(console.Page, "part-picker");
        await picker.FillAsync(number[..8]);
        await Assertions.Expect(picker).ToHaveValueAsync(number[..8]);
        // A click can land on a list that a search still under way replaces a moment later (the pick is then lost, and a
        // person clicks again): up to three picks, each given 5 s to show the part's stock.
        var stock = console.Page.GetByText("5 pcs available (5 on hand, 0 reserved)");
        for (var pick = 1; ; pick++)
        {
            await console.Page.Locator($"[data-part='{number}']").ClickAsync();
            try
            {
                await stock.WaitForAsync(new() { Timeout = 5_000 });
                break;
            }
            catch (TimeoutException) when (pick < 3)
            {
                if (!await console.Page.Locator($"[data-part='{number}']").IsVisibleAsync())
                {
                    await picker.FillAsync(number[..8]);
                }
            }
        }
        // A search the typing started may still open the list again after the pick; Escape closes it, as a person would.
        await Field(console.Page, "part-picker").PressAsync("Escape");
        await Field(console.Page, "part-quantity").FillAsync("2");
        await console.Page.ClickAsync("[data-testid=part-record]");
        await console.Page.GetByText($"issue 2 pcs {number} recorded").WaitForAsync();

        await console.Page.Locator("[data-testid=ticket-parts] tbody tr", new() { HasTextString = number }).GetByText("Bearing 6204").WaitForAsync();
        await console.Page.Locator("[data-testid=ticket-history]").GetByText($"issue 2 pcs {number}").WaitForAsync();
    }

    [Fact]
    public async Task AnOperator_EntersAStopAfterTheFact_AndItsRowAppears()
    {
        var machine = await MachineAsync();
        await using var console = await OpenAsync("operator", $"/maintenance/machines/{machine.Id}");
        await console.Page.Locator("[data-testid=periods] thead", new() { HasTextString = "Start (UTC)" }).WaitForAsync();
        (await console.Page.Locator("[data-testid=edit-machine]").CountAsync()).Should().Be(0, "master data is an admin's");

        await console.Page.ClickAsync("[data-testid=enter-stop]");
        var start = DateTime.UtcNow.AddHours(-3);
        await Field(console.Page, "downtime-start").FillAsync(start.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await Field(console.Page, "downtime-end").FillAsync(start.AddHours(-1).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await console.Page.ClickAsync("[data-testid=save-downtime]");
        await console.Page.GetByText("end_at must be after start_at.").WaitForAsync();
        await Field(console.Page, "downtime-end").FillAsync(start.AddMinutes(25).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await Field(console.Page, "downtime-note").FillAsync("Jam found on the night round");
        await console.Page.ClickAsync("[data-testid=save-downtime]");

        var row = console.Page.Locator("[data-testid=periods] tbody tr", new() { HasTextString = "Jam found on the night round" });
        await row.GetByText(start.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).WaitForAsync();
        (await row.TextContentAsync()).Should().Contain("25 min");
    }

    [Fact]
    public async Task AnAdmin_GivesAMachineAShiftCalendar_AndItsTimesTurnToTheCalendarsZone()
    {
        var machine = await MachineAsync();
        var name = $"Weekdays {Guid.NewGuid():N}"[..16];
        await using (var db = await DbAsync())
        {
            db.ShiftCalendars.Add(new ShiftCalendar
            {
                Name = name, TimeZone = "Europe/Berlin", Version = 1,
                Shifts = [new CalendarShift { Name = "Early", Days = 0b0111110, StartMinute = 360, DurationMinutes = 480 }],
            });
            await db.SaveChangesAsync();
        }
        await using var console = await OpenAsync("admin", $"/maintenance/machines/{machine.Id}");

        await console.Page.ClickAsync("[data-testid=edit-machine]");
        await console.Page.Locator(".mud-dialog .mud-input-control:has([data-testid=machine-calendar])").First.ClickAsync();
        await console.Page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = name }).ClickAsync();
        await console.Page.Locator("[data-testid=calendar-summary] [data-day=Monday]", new() { HasTextString = "Early 06:00–14:00" }).WaitForAsync();
        await console.Page.ClickAsync("[data-testid=save-machine]");

        await console.Page.Locator("[data-testid=periods] thead", new() { HasTextString = "Start (Europe/Berlin)" }).WaitForAsync();
        await using var db2 = await DbAsync();
        (await db2.Machines.Where(m => m.Id == machine.Id).Select(m => m.CalendarId).SingleAsync()).Should().NotBeNull();
    }

    [Fact]
    public async Task TheTicketsList_HasAKeyboardCursor_InTheAddress_AndEnterOpensTheHighlightedTicket()
    {
        var machine = await MachineAsync();
        var tag = $"cur{Guid.NewGuid():N}"[..11];
        using var api = await ApiClients.SignedInAsync(app.BaseUrl, "operator");
        foreach (var name in new[] { $"{tag} first", $"{tag} second" })
        {
            (await api.PostAsJsonAsync("/api/maintenance/tickets", new { title = name, machine_id = machine.Id })).EnsureSuccessStatusCode();
        }
        await using var console = await OpenAsync("viewer", $"/maintenance/tickets?q={tag}");
        await console.Page.Locator("[data-testid=tickets] tbody tr:has(td a)").Nth(1).WaitForAsync();

        await console.Page.Keyboard.PressAsync("j");
        await console.Page.Keyboard.PressAsync("j");
        var second = console.Page.Locator("tr.ops-row-cursor");
        await second.Locator("[data-cursor]").WaitForAsync();
        var title = (await second.Locator("td").Nth(1).TextContentAsync())!.Trim();
        await console.Page.Locator("[data-testid=cursor-note]", new() { HasTextString = "row 2 of 2. Enter opens it." }).WaitForAsync();
        await console.Page.WaitForURLAsync(url => url.Contains("ticket_id="));

        await console.Page.Keyboard.PressAsync("Enter");
        await console.Page.GetByRole(AriaRole.Heading, new() { NameString = title, Exact = false }).WaitForAsync();
        await console.Page.GoBackAsync();
        await console.Page.Locator("tr.ops-row-cursor", new() { HasTextString = title }).WaitForAsync();
    }
}
