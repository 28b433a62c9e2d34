using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Yard;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>The hostler view's filter as its address sends it (status, q).</summary>
public sealed class YardViewFilterTests
{
    [Fact]
    public void Read_TakesAKnownStatusInAnyCase_AndATrimmedSearch()
    {
        var errors = new FieldErrors();

        YardViewFilter.Read(errors, "Busy", "  TRL-7 ").Should().Be(new YardViewFilter("busy", "TRL-7"));
        errors.Any.Should().BeFalse();
    }

    [Fact]
    public void Read_AnUnknownStatus_IsNamedWithTheChoices_AndReadsAsEveryHostler()
    {
        var errors = new FieldErrors();

        YardViewFilter.Read(errors, "asleep", null).Should().Be(new YardViewFilter(null, null));
        errors.Describe().Should().Be("status must be one of available, busy, break or offline.");
    }
}
