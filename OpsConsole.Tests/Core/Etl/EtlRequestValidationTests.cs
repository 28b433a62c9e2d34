using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>The ETL requests are checked in Core, field by field, before anything is written.</summary>
public sealed class EtlRequestValidationTests
{
    [Theory]
    [InlineData("pos", "x", "pos")]
    [InlineData("pos", "99", "pos")]
    [InlineData("status", "stuck", "status")]
    [InlineData("from", "yesterday", "from")]
    [InlineData("finished_on", "today", "finished_on")]
    [InlineData("awaiting_data", "maybe", "awaiting_data")]
    public void AJobFilter_NamesTheBadField_WithThePrefix(string field, string value, string expected)
    {
        var input = field switch
        {
            "pos" => new JobFilterInput(Pos: value),
            "status" => new JobFilterInput(Status: value),
            "finished_on" => new JobFilterInput(FinishedOn: value),
            "awaiting_data" => new JobFilterInput(AwaitingData: value),
            _ => new JobFilterInput(From: value),
        };
        var errors = new FieldErrors();
        EtlJobsQuery.ReadFilter(errors, input, prefix: "filter.");
        errors.ToResult<bool>().Errors.Keys.Should().Equal("filter." + expected);
    }

    [Fact]
    public void AJobFilter_ReadsEmptyFieldsAsAbsent_AndTheRestAsTyped()
    {
        var errors = new FieldErrors();
        var filter = EtlJobsQuery.ReadFilter(errors, new JobFilterInput("B001", "2", "failed", "2026-11-01", "", " "));
        errors.Any.Should().BeFalse();
        filter.Should().Be(new JobFilter("B001", 2, EtlJobStatus.Failed, new DateOnly(2026, 11, 1), null, null));
    }

    [Fact]
    public void AFileFilter_NamesEachBadParameter_AndReadsTheGoodOnes()
    {
        var errors = new FieldErrors();
        EtlFilesQuery.ReadFilter(errors, new FileListInput("nope", "B001", "0", "2026-11-05", "2026-11-01", new string('x', 40)));
        errors.ToResult<bool>().Errors.Keys.Should().BeEquivalentTo(["job_id", "pos", "to", "file_type"]);

        var good = new FieldErrors();
        EtlFilesQuery.ReadFilter(good, new FileListInput(null, " B001 ", "2", "2026-11-01", null, "rd5000"))
            .Should().Be(new FileFilter(null, "B001", 2, new DateOnly(2026, 11, 1), null, "rd5000"));
        good.Any.Should().BeFalse();
    }

    [Fact]
    public async Task TheMissingRange_DefaultsToTheLast30Days_AndRefusesBackwardsOrTooLongRanges()
    {
        await using var core = await CoreHost.StartAsync();
        var missing = core.Get<EtlMissingData>();
        var errors = new FieldErrors();
        var (from, to) = missing.ReadRange(errors, null, null);
        (to.DayNumber - from.DayNumber + 1).Should().Be(EtlMissingData.DefaultDays);
        to.Should().Be(missing.Today);

        missing.ReadRange(errors, "2026-02-01", "2026-01-01", "filter.");
        missing.ReadRange(errors, "2020-01-01", "2026-01-01");
        errors.ToResult<bool>().Errors.Keys.Should().BeEquivalentTo(["filter.end", "end"]);
    }

    [Fact]
    public async Task ABranchUpsert_CreatesWithEveryField_UpdatesOnlyTheFieldsSent_AndKeepsAnOldStoredConfigReadable()
    {
        await using var core = await CoreHost.StartAsync();
        var branches = core.Get<EtlBranches>();
        (await branches.UpsertAsync(Actor.System, new BranchInput("B900", null, 2, null, null, null))).Errors.Keys.Should().Equal("name");
        var created = await branches.UpsertAsync(Actor.System, new BranchInput("B900", "Quay", 2, true, "2026-01-05", """{"bad_rows": "skip"}"""));
        created.Value!.Created.Should().BeTrue();

        var updated = await branches.UpsertAsync(Actor.System, new BranchInput("B900", null, null, false, null, null));
        updated.Value!.Created.Should().BeFalse();
        updated.Value.Branch.Should().BeEquivalentTo(new { Name = "Quay", PosCount = 2, IsActive = false, ActiveFrom = new DateOnly(2026, 1, 5) });
        updated.Value.Branch.Parser.BadRows.Should().Be(BadRowPolicy.Skip, "a config left out is kept");

        // A branch stored before the API's one naming style (camelCase) still reads.
        ParserConfig.FromJson("""{"headerRows": 2, "badRows": "skip"}""").Should().BeEquivalentTo(new { HeaderRows = 2, BadRows = BadRowPolicy.Skip });
        ParserConfig.Parse("""{"headerRows": 2}""").Errors.Keys.Should().ContainSingle().Which.Should().StartWith("parser_config", "a new config is written snake_case");
    }
}
