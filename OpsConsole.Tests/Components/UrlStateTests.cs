using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OpsConsole.Components.Shared;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Etl;
using OpsConsole.Features.Dispatch;
using OpsConsole.Features.Etl;

namespace OpsConsole.Tests.Components;

/// <summary>The shared mechanism behind every list page's address (ADR 0018), on the jobs and suggestions views.</summary>
public sealed class UrlStateTests : ComponentTestContext
{
    private readonly BunitNavigationManager _navigation;
    private readonly UrlStates _states;
    private int _addressChanges;

    public UrlStateTests()
    {
        _navigation = Services.GetRequiredService<BunitNavigationManager>();
        _states = new UrlStates(_navigation, Services.GetRequiredService<ISnackbar>(), Services);
    }

    private UrlState<TView> Open<TView>(string address) where TView : class, IUrlView<TView>
    {
        _navigation.NavigateTo(address);
        var url = _states.Bind<TView>(interactive: true, () =>
        {
            _addressChanges++;
            return Task.CompletedTask;
        });
        url.Rendered();
        return url;
    }

    private string Address => "/" + _navigation.ToBaseRelativePath(_navigation.Uri);

    [Fact]
    public void Bind_ReadsTheViewUnderTheApisNames()
    {
        using var url = Open<JobsView>("/etl/jobs?status=failed&branch=B001&pos=2&from=2026-11-01&q=timeout&sort=branch&desc=true&page=2&page_size=100");

        url.Value.Should().Be(new JobsView(new JobFilter("B001", 2, EtlJobStatus.Failed, new DateOnly(2026, 11, 1), null, "timeout"), JobSort.Branch, true, 2, 100));
        url.Ignored.Should().BeNull();
    }

    [Fact]
    public void Set_WritesOnlyWhatDiffersFromTheDefaultView()
    {
        using var url = Open<JobsView>("/etl/jobs");

        url.Set(url.Value with { Filter = new JobFilter("B001", Status: EtlJobStatus.Failed), Page = 2 });
        Address.Should().Be("/etl/jobs?branch=B001&status=failed&page=2");

        url.Set(url.Value with { PageSize = 50, Page = 1 });
        Address.Should().Be("/etl/jobs?branch=B001&status=failed", "50 rows is the default page size and page 1 the default page");

        url.Set(JobsView.Default);
        Address.Should().Be("/etl/jobs");
        _addressChanges.Should().Be(0, "the page's own changes are not reported back to it as the address changing");
    }

    [Theory]
    [InlineData(JobSort.Branch, true, "/etl/jobs?sort=branch&desc=true")]
    [InlineData(JobSort.Branch, false, "/etl/jobs?sort=branch")]
    [InlineData(JobSort.Date, false, "/etl/jobs?desc=false")]
    [InlineData(JobSort.Created, true, "/etl/jobs?sort=created")]
    public void Set_WritesTheDirectionOnlyWhereTheApiWouldReadAnotherOne(JobSort sort, bool descending, string expected)
    {
        using var url = Open<JobsView>("/etl/jobs");

        url.Set(url.Value.SortedBy(sort, descending));

        Address.Should().Be(expected);
        using var again = Open<JobsView>(expected);
        again.Value.Should().Be(url.Value, "the address reads back as the same view");
    }

    [Fact]
    public void BadParameters_FallBackToTheirDefault_AreNamed_AndLeaveTheAddressWithoutAHistoryEntry()
    {
        using var url = Open<JobsView>("/etl/jobs?page=abc&status=bogus&branch=B001&page_size=100000");

        url.Value.Should().Be(JobsView.Default with { Filter = new JobFilter("B001") });
        url.Ignored.Should().Contain("page must be a whole number").And.Contain("status must be one of").And.Contain("page_size must be");
        Address.Should().Be("/etl/jobs?branch=B001");
        _navigation.History.First().Options.ReplaceHistoryEntry.Should().BeTrue();
    }

    [Fact]
    public void ARangeThatRunsBackwards_DropsTheParameterCoreNames_AndKeepsTheOther()
    {
        using var url = Open<JobsView>("/etl/jobs?from=2026-11-10&to=2026-11-01");

        url.Value.Filter.Should().Be(new JobFilter(From: new DateOnly(2026, 11, 10)));
        url.Ignored.Should().Contain("to must not be before from");
    }

    [Fact]
    public void AChoicePushes_TypingPushesOnceThenReplaces_AndACursorMoveReplaces()
    {
        using var url = Open<JobsView>("/etl/jobs");
        var before = _navigation.History.Count;

        url.Set(url.Value.Filtered(url.Value.Filter with { Status = EtlJobStatus.Failed }));
        url.Set(url.Value.Filtered(url.Value.Filter with { Text = "t" }), UrlHistory.Typing);
        url.Set(url.Value.Filtered(url.Value.Filter with { Text = "ti" }), UrlHistory.Typing);
        url.Set(url.Value.Filtered(url.Value.Filter with { Text = "tim" }), UrlHistory.Typing);
        url.Set(url.Value with { Page = 3 });

        // bUnit keeps history as the browser does: a replace takes the place of the entry before it.
        var entries = _navigation.History.Take(_navigation.History.Count - before).Reverse().Select(h => h.Uri).ToList();
        entries.Should().Equal("http://localhost/etl/jobs?status=failed", "http://localhost/etl/jobs?status=failed&q=tim",
            "http://localhost/etl/jobs?status=failed&q=tim&page=3");
    }

    [Fact]
    public void BackOrALink_ChangesTheView_AndTellsThePage()
    {
        using var url = Open<JobsView>("/etl/jobs?status=failed");
        var generation = url.Generation;

        _navigation.NavigateTo("/etl/jobs?status=queued&page=2");

        url.Value.Should().Be(JobsView.Default with { Filter = new JobFilter(Status: EtlJobStatus.Queued), Page = 2 });
        url.Generation.Should().Be(generation + 1);
        _addressChanges.Should().Be(1);
        _states.LastAddress("/etl/jobs").Should().Be("/etl/jobs?status=queued&page=2", "a breadcrumb back to the list lands on this view");
    }

    [Fact]
    public void AnotherPagesAddress_IsNotThisPagesView()
    {
        using var url = Open<JobsView>("/etl/jobs?status=failed");

        _navigation.NavigateTo("/etl/records?branch=B001");

        url.Value.Filter.Status.Should().Be(EtlJobStatus.Failed);
        _addressChanges.Should().Be(0);
    }

    [Fact]
    public void ASelectedRow_IsWrittenUnderItsApiName()
    {
        using var url = Open<SuggestionsView>("/dispatch/suggestions?min_qty=3&sort=largest_qty&suggestion_id=31");

        url.Value.Should().Be(new SuggestionsView(new SuggestionFilter(MinQty: 3), SuggestionOrder.LargestQty, 31));
        url.Set(url.Value with { SuggestionId = 34 }, UrlHistory.Replace);
        Address.Should().Be("/dispatch/suggestions?min_qty=3&sort=largest_qty&suggestion_id=34");

        using var bad = Open<SuggestionsView>("/dispatch/suggestions?min_qty=5&max_qty=2&suggestion_id=-1");
        bad.Value.Should().Be(new SuggestionsView(new SuggestionFilter(MinQty: 5), SuggestionOrder.Oldest, null));
        bad.Ignored.Should().Contain("max_qty").And.Contain("suggestion_id");
    }

    [Fact]
    public void BeforeThePagesFirstRender_AWriteWaits_SoThatTheRouterHasTakenOverNavigation()
    {
        _navigation.NavigateTo("/etl/jobs?status=bogus");
        var entries = _navigation.History.Count;

        using var url = _states.Bind<JobsView>(interactive: true, () => Task.CompletedTask);
        url.Set(url.Value with { Page = 2 });
        _navigation.History.Count.Should().Be(entries);

        url.Rendered();
        Address.Should().Be("/etl/jobs?page=2");
        _navigation.History.First().Options.ReplaceHistoryEntry.Should().BeFalse("the page's own choice before its first render still gets its history entry");
    }

    [Fact]
    public void BeforeThePageIsInteractive_NothingIsWritten()
    {
        _navigation.NavigateTo("/etl/jobs?page=abc");
        var entries = _navigation.History.Count;

        using var url = _states.Bind<JobsView>(interactive: false, () => Task.CompletedTask);
        url.Set(url.Value with { Page = 2 });

        _navigation.History.Count.Should().Be(entries, "a prerender has no browser history; the interactive render writes");
        url.Value.Page.Should().Be(2);
    }
}
