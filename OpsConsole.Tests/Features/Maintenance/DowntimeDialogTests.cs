using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Features.Maintenance;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>The machine page's downtime forms: a stop entered after the fact in the plant's time, Core's refusals under their fields, a correction.</summary>
public sealed class DowntimeDialogTests : MaintenanceFormTestContext
{
    private int _machine;
    private PlantTime _plant = null!;

    protected override async Task SeedAsync()
    {
        await using var db = await DbAsync();
        await MaintenanceTestData.CodesAsync(db);
        _machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        var calendar = new ShiftCalendar { Name = "Days", TimeZone = "Europe/Berlin", Version = 1 };
        db.ShiftCalendars.Add(calendar);
        await db.SaveChangesAsync();
        await db.Machines.Where(m => m.Id == _machine).ExecuteUpdateAsync(s => s.SetProperty(m => m.CalendarId, calendar.Id));
        var machine = await db.Machines.AsNoTracking().SingleAsync(m => m.Id == _machine);
        _plant = PlantTime.For(machine, [calendar], new MaintenanceOptions());
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Dialog, Func<Task<bool>> Saved)> OpenAsync(DowntimePeriod? period = null)
    {
        await SignInAsync(OpsRoles.Operator);
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        Task<bool> saved = null!;
        await provider.InvokeAsync(() => { saved = DowntimeDialog.OpenAsync(Services.GetRequiredService<IDialogService>(), "M1", _machine, _plant, [], period); });
        provider.WaitForElement("[data-testid=save-downtime]");
        return (provider, () => saved);
    }

    private static string FieldText(IRenderedComponent<MudDialogProvider> dialog, string testId) =>
        dialog.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;

    private static async Task SaveAsync(IRenderedComponent<MudDialogProvider> dialog) =>
        await dialog.InvokeAsync(() => dialog.Find("[data-testid=save-downtime]").Click());

    [Fact]
    public async Task AStopEnteredAfterTheFact_IsReadInThePlantsZone_AndEachRefusalIsShownUnderItsField()
    {
        await using (var db = await DbAsync())
        {
            db.DowntimePeriods.Add(new DowntimePeriod { MachineId = _machine, StartAt = new DateTime(2026, 12, 7, 6, 0, 0, DateTimeKind.Utc),
                EndAt = new DateTime(2026, 12, 7, 6, 30, 0, DateTimeKind.Utc), Kind = DowntimeKind.Unplanned, UpdatedAt = Now.UtcDateTime });
            await db.SaveChangesAsync();
        }
        var (dialog, saved) = await OpenAsync();
        dialog.Markup.Should().Contain("Start (Europe/Berlin)").And.Contain("End (Europe/Berlin)");

        await SaveAsync(dialog);
        dialog.WaitForAssertion(() => FieldText(dialog, "downtime-start").Should().Contain("Start is required: a date and time in Europe/Berlin."));

        dialog.Find("[data-testid=downtime-start]").Change("2026-12-07T09:00");
        dialog.Find("[data-testid=downtime-end]").Change("2026-12-07T08:00");
        await SaveAsync(dialog);
        dialog.WaitForAssertion(() => FieldText(dialog, "downtime-end").Should().Contain("end_at must be after start_at."));

        dialog.Find("[data-testid=downtime-start]").Change("2026-12-07T07:15");
        dialog.Find("[data-testid=downtime-end]").Change("2026-12-07T07:45");
        await SaveAsync(dialog);
        // 07:15 in Berlin is 06:15 UTC, inside the 06:00–06:30 UTC stop.
        dialog.WaitForAssertion(() => FieldText(dialog, "downtime-start").Should().Contain("overlaps period"));

        dialog.Find("[data-testid=downtime-start]").Change("2026-12-07T09:00");
        dialog.Find("[data-testid=downtime-end]").Change("2026-12-07T09:40");
        await dialog.InvokeAsync(() => dialog.FindComponents<MudSelect<string>>()[0].Instance.ValueChanged.InvokeAsync("changeover"));
        await SaveAsync(dialog);

        (await saved()).Should().BeTrue();
        await using var check = await DbAsync();
        var entered = await check.DowntimePeriods.SingleAsync(p => p.Origin == DowntimeOrigin.Entered);
        (entered.StartAt, entered.EndAt).Should().Be((new DateTime(2026, 12, 7, 8, 0, 0), new DateTime(2026, 12, 7, 8, 40, 0)), "Berlin is UTC+1 in December");
        (entered.Kind, entered.ReasonCode).Should().Be((DowntimeKind.Planned, "changeover"), "left to the reason, a planned reason makes a planned stop");
    }

    [Fact]
    public async Task ACorrection_ChangesKindReasonAndNote_AndKeepsTheTimes()
    {
        long id;
        await using (var db = await DbAsync())
        {
            var period = new DowntimePeriod { MachineId = _machine, StartAt = new DateTime(2026, 12, 6, 6, 0, 0, DateTimeKind.Utc),
                EndAt = new DateTime(2026, 12, 6, 7, 0, 0, DateTimeKind.Utc), Kind = DowntimeKind.Unplanned, UpdatedAt = Now.UtcDateTime };
            db.DowntimePeriods.Add(period);
            await db.SaveChangesAsync();
            id = period.Id;
        }
        var (dialog, saved) = await OpenAsync(await Host.Get<DowntimeLog>().ListAsync(_machine, null, null, new(1, 10)).ContinueWith(t => t.Result.Value!.Items.Single()));
        dialog.Find("[data-testid=downtime-period]").TextContent.Should().Be("2026-12-06 07:00 – 2026-12-06 08:00 (Europe/Berlin)");
        dialog.FindAll("[data-testid=downtime-start]").Should().BeEmpty("a correction does not move the times");

        await dialog.InvokeAsync(() => dialog.FindComponent<MudSelect<DowntimeKind?>>().Instance.ValueChanged.InvokeAsync(DowntimeKind.Excluded));
        await dialog.InvokeAsync(() => dialog.FindComponents<MudSelect<string>>()[0].Instance.ValueChanged.InvokeAsync("jam"));
        dialog.Find("textarea[data-testid=downtime-note]").Change("Test run after the tool change");
        await SaveAsync(dialog);

        (await saved()).Should().BeTrue();
        await using var check = await DbAsync();
        var corrected = await check.DowntimePeriods.SingleAsync(p => p.Id == id);
        (corrected.Kind, corrected.ReasonCode, corrected.Note, corrected.UpdatedBy).Should().Be((DowntimeKind.Excluded, "jam", "Test run after the tool change", OpsRoles.Operator));
    }

    [Fact]
    public async Task AViewer_SeesTheStops_WithoutEnterOrCorrect()
    {
        await SignInAsync(OpsRoles.Viewer);
        var machine = (await Host.Get<MachineDirectory>().GetAsync(_machine)).Value!.Machine;
        var period = new DowntimePeriod { Id = 9, MachineId = _machine, StartAt = new DateTime(2026, 12, 6, 6, 0, 0, DateTimeKind.Utc), EndAt = new DateTime(2026, 12, 6, 7, 0, 0, DateTimeKind.Utc) };

        var cut = Render<MachineDowntime>(p => p.Add(c => c.Machine, machine).Add(c => c.Plant, _plant).Add(c => c.Periods, [period]).Add(c => c.CanOperate, false));

        cut.Find("[data-testid=periods] thead").TextContent.Should().Contain("Start (Europe/Berlin)");
        cut.Find("[data-period='9']").TextContent.Should().Contain("2026-12-06 07:00");
        cut.FindAll("[data-testid=enter-stop], [data-correct]").Should().BeEmpty();
    }
}
