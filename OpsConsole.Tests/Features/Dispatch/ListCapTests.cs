using Bunit;
using OpsConsole.Features.Dispatch;
using OpsConsole.Tests.Components;

namespace OpsConsole.Tests.Features.Dispatch;

/// <summary>The task board's lists are capped (200 each); under a capped list it says so.</summary>
public sealed class ListCapTests : ComponentTestContext
{
    [Fact]
    public void ACappedList_SaysHowMuchOfItIsShown()
    {
        var cap = Render<Shown>(p => p.Add(c => c.Count, 200).Add(c => c.Of, 1234).Add(c => c.What, "oldest"));
        cap.Find("[data-testid=list-cap]").TextContent.Should().Be("Showing the oldest 200 of 1,234.");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(7, 7)]
    public void AWholeList_SaysNothing(int count, int of)
    {
        var cap = Render<Shown>(p => p.Add(c => c.Count, count).Add(c => c.Of, of).Add(c => c.What, "oldest"));
        cap.FindAll("[data-testid=list-cap]").Should().BeEmpty();
    }
}
