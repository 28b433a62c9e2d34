using Bunit;
using MudBlazor;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Features.Maintenance;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>The ticket page's "Parts used": parts named by number and name, the ledger's refusal under the quantity, viewers read only.</summary>
public sealed class TicketPartsFormTests : MaintenanceFormTestContext
{
    private int _part;
    private long _ticket;

    protected override async Task SeedAsync()
    {
        await using (var db = await DbAsync())
        {
            _part = await MaintenanceTestData.PartAsync(db);
            var machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
            _ticket = (await Host.Get<TicketService>().CreateAsync(MaintenanceTestData.Operator, new NewTicket("Spindle noise", null, machine, null, null, null, null))).Value!.Id;
        }
        (await Host.Get<PartsLedger>().RecordAsync(MaintenanceTestData.Operator, _part, new MovementInput("receipt", 2, null, null, null))).Succeeded.Should().BeTrue();
    }

    private async Task<TicketDetail> DetailAsync() => (await Host.Get<TicketService>().GetAsync(_ticket)).Value!;

    private static string FieldText(IRenderedComponent<TicketParts> cut, string testId) =>
        cut.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;

    private async Task<IRenderedComponent<TicketParts>> RenderAsync(string role, Action? changed = null)
    {
        await SignInAsync(role);
        Render<MudPopoverProvider>();
        var detail = await DetailAsync();
        return Render<TicketParts>(p => p.Add(c => c.Detail, detail).Add(c => c.CanOperate, role != OpsRoles.Viewer)
            .Add(c => c.OnChanged, () => changed?.Invoke()));
    }

    private async Task ChoosePartAsync(IRenderedComponent<TicketParts> cut)
    {
        var stock = (await Host.Get<PartsLedger>().GetAsync(_part)).Value!;
        var picker = cut.FindComponent<MudAutocomplete<PartStock>>();
        await cut.InvokeAsync(() => picker.Instance.SelectOptionAsync(stock));
    }

    [Fact]
    public async Task IssuingMoreThanIsLeft_IsRefusedUnderTheQuantity_ThenARightQuantityIsRecorded_AndListedByPartNumberAndName()
    {
        var changed = 0;
        var cut = await RenderAsync(OpsRoles.Operator, () => changed++);
        await ChoosePartAsync(cut);
        cut.WaitForAssertion(() => FieldText(cut, "part-picker").Should().Contain("2 pcs available"));
        cut.Find("[data-testid=part-quantity]").Change("3");

        await cut.InvokeAsync(() => cut.Find("[data-testid=part-record]").Click());

        cut.WaitForAssertion(() => FieldText(cut, "part-quantity").Should().Contain("Only 2 pcs of BRG-6204 on hand; 3 cannot be taken."));
        changed.Should().Be(0);

        cut.Find("[data-testid=part-quantity]").Change("2");
        await cut.InvokeAsync(() => cut.Find("[data-testid=part-record]").Click());
        cut.WaitForAssertion(() => changed.Should().Be(1));
        cut.Render(p => p.Add(c => c.Detail, DetailAsync().GetAwaiter().GetResult()));

        var row = cut.Find("[data-testid=ticket-parts] tbody tr");
        row.TextContent.Should().Contain("BRG-6204").And.Contain("Bearing 6204").And.Contain("issue").And.NotContain("part ");
        (await Host.Get<PartsLedger>().GetAsync(_part)).Value!.OnHand.Should().Be(0);
    }

    [Fact]
    public async Task RecordingWithoutAPart_NamesThePartField()
    {
        var cut = await RenderAsync(OpsRoles.Operator);

        await cut.InvokeAsync(() => cut.Find("[data-testid=part-record]").Click());

        cut.WaitForAssertion(() => FieldText(cut, "part-picker").Should().Contain("Part is required"));
    }

    [Fact]
    public async Task AViewer_SeesThePartsUsed_WithoutTheForm()
    {
        await Host.Get<PartsLedger>().RecordAsync(MaintenanceTestData.Operator, _part, new MovementInput("issue", 1, null, _ticket, null));

        var cut = await RenderAsync(OpsRoles.Viewer);

        cut.Find("[data-testid=ticket-parts]").TextContent.Should().Contain("BRG-6204");
        cut.FindAll("[data-testid=ticket-parts-form]").Should().BeEmpty();
    }
}
