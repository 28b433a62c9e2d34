using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Features.Maintenance;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>An admin's reason and failure codes: a new code refused when it exists or is malformed (under its field), an edit that keeps the code, usage counted.</summary>
public sealed class CodeEditorDialogTests : MaintenanceFormTestContext
{
    protected override async Task SeedAsync()
    {
        await using var db = await DbAsync();
        await MaintenanceTestData.CodesAsync(db);
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Dialog, Func<Task<bool>> Saved)> OpenAsync(MaintenanceCode? code, CodeKind? kind = null)
    {
        await SignInAsync(OpsRoles.Admin);
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        Task<bool> saved = null!;
        await provider.InvokeAsync(() => { saved = CodeEditorDialog.OpenAsync(Services.GetRequiredService<IDialogService>(), code, kind); });
        provider.WaitForElement("[data-testid=save-code]");
        return (provider, () => saved);
    }

    private static string FieldText(IRenderedComponent<MudDialogProvider> dialog, string testId) =>
        dialog.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;

    private async Task<MaintenanceCode?> StoredAsync(CodeKind kind, string code)
    {
        await using var db = await DbAsync();
        return await db.MaintenanceCodes.AsNoTracking().SingleOrDefaultAsync(c => c.Kind == kind && c.Code == code);
    }

    [Fact]
    public async Task ANewCode_ThatExistsOrIsMalformed_IsRefusedUnderItsField_ThenAValidOneIsSavedAsAPlannedReason()
    {
        var (dialog, saved) = await OpenAsync(null, CodeKind.Reason);
        dialog.Find("[data-testid=code-code]").Change("jam");
        dialog.Find("[data-testid=code-label]").Change("Another jam");
        await dialog.InvokeAsync(() => dialog.Find("[data-testid=save-code]").Click());
        dialog.WaitForAssertion(() => FieldText(dialog, "code-code").Should().Contain("reason code 'jam' already exists; edit it instead."));
        (await StoredAsync(CodeKind.Reason, "jam"))!.Label.Should().Be("Material jam", "the existing code is not overwritten");

        dialog.Find("[data-testid=code-code]").Change("tool change!");
        dialog.Find("[data-testid=code-label]").Change("");
        await dialog.InvokeAsync(() => dialog.Find("[data-testid=save-code]").Click());
        dialog.WaitForAssertion(() => FieldText(dialog, "code-code").Should().Contain("letters, digits"));
        FieldText(dialog, "code-label").Should().Contain("label");

        dialog.Find("[data-testid=code-code]").Change("tool-change");
        dialog.Find("[data-testid=code-label]").Change("Tool change");
        await dialog.InvokeAsync(() => dialog.Find("input[data-testid=code-planned]").Change(true));
        await dialog.InvokeAsync(() => dialog.Find("[data-testid=save-code]").Click());

        (await saved()).Should().BeTrue();
        var stored = await StoredAsync(CodeKind.Reason, "tool-change");
        (stored!.Label, stored.Planned, stored.Active).Should().Be(("Tool change", true, true));
        await using var db = await DbAsync();
        (await db.AuditEntries.CountAsync(a => a.Action == "code.upsert" && a.EntityId == "reason:tool-change")).Should().Be(1);
    }

    [Fact]
    public async Task AnEdit_KeepsKindAndCode_ChangesTheLabel_AndMakesTheCodeInactive()
    {
        var existing = await StoredAsync(CodeKind.Cause, "seal-wear");
        var (dialog, saved) = await OpenAsync(existing);
        dialog.Find("[data-testid=code-code]").HasAttribute("disabled").Should().BeTrue("stops and tickets name the code");
        dialog.FindAll("[data-testid=code-planned]").Should().BeEmpty("only a reason has a planned default");
        dialog.Find("[data-testid=code-label]").Change("Seal worn out");
        await dialog.InvokeAsync(() => dialog.Find("input[data-testid=code-active]").Change(false));
        await dialog.InvokeAsync(() => dialog.Find("[data-testid=save-code]").Click());

        (await saved()).Should().BeTrue();
        var stored = await StoredAsync(CodeKind.Cause, "seal-wear");
        (stored!.Label, stored.Active).Should().Be(("Seal worn out", false));
    }

    [Fact]
    public async Task Usage_CountsStopsPerReason_AndTicketsPerFailureCode()
    {
        await using (var db = await DbAsync())
        {
            var machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
            var start = Now.UtcDateTime.AddHours(-5);
            db.DowntimePeriods.AddRange(
                new DowntimePeriod { MachineId = machine, StartAt = start, EndAt = start.AddMinutes(10), Kind = DowntimeKind.Unplanned, ReasonCode = "jam" },
                new DowntimePeriod { MachineId = machine, StartAt = start.AddHours(1), EndAt = start.AddHours(1.5), Kind = DowntimeKind.Unplanned, ReasonCode = "jam" },
                new DowntimePeriod { MachineId = machine, StartAt = start.AddHours(2), EndAt = start.AddHours(2.5), Kind = DowntimeKind.Planned, ReasonCode = "changeover" });
            await db.SaveChangesAsync();
        }
        var usage = await Host.Get<MaintenanceCodes>().UsageAsync();
        usage.Should().BeEquivalentTo(new Dictionary<(CodeKind, string), int> { [(CodeKind.Reason, "jam")] = 2, [(CodeKind.Reason, "changeover")] = 1 });
        (await Host.Get<MaintenanceCodes>().UsageAsync(CodeKind.Problem)).Should().BeEmpty();
    }
}
