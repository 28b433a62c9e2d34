using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Features.Maintenance;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>An admin's machine editor: errors under their fields, the calendar's week shown, a stale version says what changed.</summary>
public sealed class MachineEditorDialogTests : MaintenanceFormTestContext
{
    private int _machine;

    protected override async Task SeedAsync()
    {
        await using var db = await DbAsync();
        _machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        db.ShiftCalendars.Add(new ShiftCalendar
        {
            Name = "Two shifts", TimeZone = "Europe/Berlin", Version = 1,
            Shifts = [new CalendarShift { Name = "Early", Days = 0b0111110, StartMinute = 360, DurationMinutes = 480 },
                      new CalendarShift { Name = "Night", Days = 0b0000010, StartMinute = 1320, DurationMinutes = 480 }],
        });
        await db.SaveChangesAsync();
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Dialog, Func<Task<bool>> Saved)> OpenAsync()
    {
        await SignInAsync(OpsRoles.Admin);
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        var machine = (await Host.Get<MachineDirectory>().GetAsync(_machine)).Value!.Machine;
        Task<bool> saved = null!;
        await provider.InvokeAsync(() => { saved = MachineEditorDialog.OpenAsync(Services.GetRequiredService<IDialogService>(), machine); });
        provider.WaitForElement("[data-testid=save-machine]");
        return (provider, () => saved);
    }

    private static string FieldText(IRenderedComponent<MudDialogProvider> dialog, string testId) =>
        dialog.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;

    [Fact]
    public async Task ABlankName_IsRefusedUnderTheName_AndAChosenCalendarShowsItsWeekInItsZone()
    {
        var (dialog, _) = await OpenAsync();
        dialog.Find("[data-testid=calendar-summary]").TextContent.Should().Contain("24/7");

        var calendar = (await Host.Get<MachineDirectory>().CalendarsAsync()).Single();
        await dialog.InvokeAsync(() => dialog.FindComponent<MudSelect<int?>>().Instance.ValueChanged.InvokeAsync(calendar.Id));
        dialog.Find("[data-testid=calendar-summary]").TextContent.Should().Contain("Europe/Berlin");
        dialog.Find("[data-day=Monday]").TextContent.Should().Contain("Early 06:00–14:00").And.Contain("Night 22:00–06:00 +1");
        dialog.Find("[data-day=Sunday]").TextContent.Should().Contain("no shift");

        dialog.Find("[data-testid=machine-name]").Change("");
        await dialog.InvokeAsync(() => dialog.Find("[data-testid=save-machine]").Click());

        dialog.WaitForAssertion(() => FieldText(dialog, "machine-name").Should().Contain("name"));
    }

    [Fact]
    public async Task AStaleVersion_SaysWhatSomeoneElseChanged_AndTheNextSaveKeepsTheseEdits()
    {
        var (dialog, saved) = await OpenAsync();
        await using (var db = await DbAsync())
        {
            await db.Machines.Where(m => m.Id == _machine).ExecuteUpdateAsync(s => s.SetProperty(m => m.Name, "Press one").SetProperty(m => m.Version, m => m.Version + 1));
        }
        dialog.Find("[data-testid=machine-cycle]").Change("42");
        await dialog.InvokeAsync(() => dialog.Find("[data-testid=save-machine]").Click());

        dialog.WaitForAssertion(() => dialog.Find("[data-testid=machine-stale]").TextContent.Should().Contain("Changed by someone else").And.Contain("name: Press 1 → Press one"));

        await dialog.InvokeAsync(() => dialog.Find("[data-testid=save-machine]").Click());
        (await saved()).Should().BeTrue();
        var machine = (await Host.Get<MachineDirectory>().GetAsync(_machine)).Value!.Machine;
        (machine.Name, machine.IdealCycleSeconds, machine.Version).Should().Be(("Press one", 42, 3), "their rename stays; this edit is applied on top");
    }
}
