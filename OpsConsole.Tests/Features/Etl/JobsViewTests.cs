using OpsConsole.Components.Shared;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Features.Etl;

namespace OpsConsole.Tests.Features.Etl;

/// <summary>The dashboard's "failed today" link is the jobs page's own address for that view, under the API's names.</summary>
public sealed class JobsViewTests
{
    [Fact]
    public void FailuresOfADay_AreAnAddressTheJobsPageAndTheApiReadTheSameWay()
    {
        var day = new DateOnly(2026, 12, 7);
        var href = JobsView.FailuresOn(day).Href();

        href.Should().Be("/etl/jobs?status=failed&sort=finished&finished_on=2026-12-07&awaiting_data=false");
        var errors = new FieldErrors();
        JobsView.Read(QueryText.Parse(href), errors, null!).Should().Be(JobsView.FailuresOn(day));
        errors.Any.Should().BeFalse();
        JobsView.Default.Href().Should().Be("/etl/jobs");
        JobsView.AwaitingData.Href().Should().Be("/etl/jobs?sort=finished&awaiting_data=true");
    }
}
