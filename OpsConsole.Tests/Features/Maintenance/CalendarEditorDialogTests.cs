using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Features.Maintenance;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>An admin's shift calendar editor: days as toggle buttons, every error under its own field, a saved calendar returned.</summary>
public sealed class CalendarEditorDialogTests : MaintenanceFormTestContext
{
    private async Task<(IRenderedComponent<MudDialogProvider> Dialog, Func<Task<ShiftCalendar?>> Saved)> OpenAsync(ShiftCalendar? calendar = null)
    {
        await SignInAsync(OpsRoles.Admin);
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        Task<ShiftCalendar?> saved = null!;
        await provider.InvokeAsync(() => { saved = CalendarEditorDialog.OpenAsync(Services.GetRequiredService<IDialogService>(), calendar, "Europe/Berlin"); });
        provider.WaitForElement("[data-testid=save-calendar]");
        return (provider, () => saved);
    }

    private static string FieldText(IRenderedComponent<MudDialogProvider> dialog, string testId, int row = 0) =>
        dialog.FindAll($"[data-testid={testId}]")[row].Closest(".mud-input-control")!.TextContent;

    private static Task ClickAsync(IRenderedComponent<MudDialogProvider> dialog, string selector) =>
        dialog.InvokeAsync(() => dialog.Find(selector).Click());

    [Fact]
    public async Task ErrorsShowUnderTheirFields_AnOverlapUnderTheLaterStart_NoDaysUnderTheDays()
    {
        var (dialog, _) = await OpenAsync();
        dialog.Find("[data-testid=calendar-zone]").GetAttribute("value").Should().Be("Europe/Berlin", "a new calendar starts in the plant's zone");
        dialog.FindAll("[data-testid=shift-row] [aria-pressed=true]").Select(b => b.GetAttribute("data-day")).Should()
            .Equal("Monday", "Tuesday", "Wednesday", "Thursday", "Friday");

        await ClickAsync(dialog, "[data-testid=add-shift]");
        dialog.FindAll("[data-testid=shift-name]")[1].Change("Late");
        dialog.FindAll("[data-testid=shift-start]")[1].Change("10:00");
        dialog.FindAll("[data-testid=shift-length]")[1].Change("480");
        dialog.Find("[data-testid=calendar-zone]").Change("Europe/Atlantis");
        foreach (var day in new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" })
        {
            await ClickAsync(dialog, $"[data-testid=shift-row]:first-child [data-day={day}]");
        }
        dialog.Find("[data-testid=shift-row]:first-child [data-day=Monday]").GetAttribute("aria-pressed").Should().Be("false");
        await ClickAsync(dialog, "[data-testid=save-calendar]");

        dialog.WaitForAssertion(() => FieldText(dialog, "calendar-name").Should().Contain("name"));
        FieldText(dialog, "calendar-zone").Should().Contain("Europe/Atlantis").And.Contain("not a known IANA time zone");
        dialog.Find("[data-testid=shift-days-error]").TextContent.Should().Contain("choose at least one day");

        await ClickAsync(dialog, "[data-testid=shift-row]:first-child [data-day=Wednesday]");
        dialog.Find("[data-testid=calendar-zone]").Change("Europe/Berlin");
        dialog.Find("[data-testid=calendar-name]").Change("Two shifts");
        await ClickAsync(dialog, "[data-testid=save-calendar]");

        dialog.WaitForAssertion(() => FieldText(dialog, "shift-start", 1).Should().Contain("overlaps Early on Wednesday"));
        FieldText(dialog, "calendar-name").Should().NotContain("required");
        dialog.FindAll("[data-testid=shift-days-error]").Should().BeEmpty();
    }

    [Fact]
    public async Task AValidCalendar_IsSavedAndReturned_WithTheLengthShownAsAnEnd()
    {
        var (dialog, saved) = await OpenAsync();
        dialog.Find("[data-testid=calendar-name]").Change("Day shift");
        dialog.FindAll("[data-testid=shift-length]")[0].Change("1020");
        dialog.WaitForAssertion(() => FieldText(dialog, "shift-length").Should().Contain("ends 23:00"));
        await ClickAsync(dialog, "[data-testid=add-shift]");
        dialog.FindAll("[data-testid=shift-name]")[1].Change("Night");
        dialog.FindAll("[data-testid=shift-start]")[1].Change("23:00");
        dialog.FindAll("[data-testid=shift-length]")[1].Change("420");
        dialog.WaitForAssertion(() => FieldText(dialog, "shift-length", 1).Should().Contain("ends 06:00 next day"));
        await ClickAsync(dialog, "[data-testid=save-calendar]");

        var calendar = await saved();
        calendar.Should().NotBeNull();
        var stored = (await Host.Get<ShiftCalendars>().GetAsync(calendar!.Id)).Value!;
        (stored.Name, stored.TimeZone, stored.Version).Should().Be(("Day shift", "Europe/Berlin", 1));
        stored.Shifts.Select(s => (s.Name, s.Days, s.StartMinute, s.DurationMinutes)).Should().Equal(("Early", 0b0111110, 360, 1020), ("Night", 0b0111110, 1380, 420));
    }
}
