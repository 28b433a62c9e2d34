using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Scheduling;

namespace OpsConsole.Tests.Core.Shared;

public sealed class SharedRulesTests
{
    [Theory]
    [InlineData("0/15 * * * * ?", true)]
    [InlineData("0 0 2 * * ?", true)]
    [InlineData("0 30 1 ? * MON-FRI", true)]
    [InlineData("* * * * *", false)]
    [InlineData("nightly", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Cron_IsValidatedAsQuartzCron(string? cron, bool valid) =>
        (JobScheduleStore.ValidateCron(cron) is null).Should().Be(valid);

    [Fact]
    public void PolicyTable_CoversEveryRole_AndAdminMayDoEverythingButClaimTasks()
    {
        OpsPolicies.RolesByPolicy.Values.SelectMany(r => r).Should().OnlyContain(r => OpsRoles.IsKnown(r));
        OpsPolicies.RolesByPolicy.Keys.Where(p => p != OpsPolicies.Dispatch).Should().OnlyContain(p => OpsPolicies.Allows(p, OpsRoles.Admin));
        OpsPolicies.Allows(OpsPolicies.Dispatch, OpsRoles.Admin).Should().BeFalse("a claim by an admin would take a task off a real worker's queue (ADR 0017)");
        OpsPolicies.Allows(OpsPolicies.Dispatch, OpsRoles.Supervisor).Should().BeFalse();
        OpsPolicies.Allows(OpsPolicies.Read, OpsRoles.Viewer).Should().BeTrue();
        OpsPolicies.Allows(OpsPolicies.Operate, OpsRoles.Viewer).Should().BeFalse();
        OpsPolicies.Allows(OpsPolicies.Supervise, OpsRoles.Operator).Should().BeFalse();
        OpsPolicies.Allows(OpsPolicies.Read, OpsRoles.Worker).Should().BeFalse("service accounts only use their own endpoints");
        OpsPolicies.Allows(OpsPolicies.Dispatch, OpsRoles.Worker).Should().BeTrue();
        OpsPolicies.Allows(OpsPolicies.PostSuggestions, OpsRoles.MlEngine).Should().BeTrue();
    }

    [Fact]
    public void AuditSummary_IsJson_AndLongSummariesAreCut()
    {
        AuditTrail.Summarise(new { Roles = new[] { "viewer" } }).Should().Be("{\"roles\":[\"viewer\"]}");
        AuditTrail.Summarise("plain words").Should().Be("plain words");
        AuditTrail.Summarise(null).Should().BeNull();
        AuditTrail.Summarise(new string('x', 10_000))!.Length.Should().Be(AuditEntry.MaxSummaryLength);
    }

    [Fact]
    public void FieldErrors_NameEachField()
    {
        var result = new FieldErrors().Required("name", " ", 10).MaxLength("note", new string('n', 11), 10).Required("ok", "fine", 10)
            .ToResult<int>();
        result.Outcome.Should().Be(OpsOutcome.Invalid);
        result.Errors.Keys.Should().BeEquivalentTo(["name", "note"]);
        result.Describe().Should().Contain("name is required").And.Contain("note must be at most 10 characters");
    }

    [Theory]
    [InlineData(null, DatabaseProvider.Sqlite)]
    [InlineData("Sqlite", DatabaseProvider.Sqlite)]
    [InlineData("PostgreSQL", DatabaseProvider.PostgreSql)]
    [InlineData("postgres", DatabaseProvider.PostgreSql)]
    [InlineData("SqlServer", DatabaseProvider.SqlServer)]
    public void DatabaseProvider_IsReadFromConfiguration(string? value, DatabaseProvider expected) =>
        DatabaseOptions.ParseProvider(value).Should().Be(expected);

    [Fact]
    public void UnknownDatabaseProvider_SaysWhichAreKnown()
    {
        var act = () => DatabaseOptions.ParseProvider("Oracle");
        act.Should().Throw<InvalidOperationException>().WithMessage("*Oracle*Sqlite, PostgreSQL or SqlServer*");
    }
}
