using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>Admins create and edit shift calendars (ADR 0035): fields named, no overlaps, a stale version refused, audited, effective from now on.</summary>
public sealed class ShiftCalendarsTests
{
    private static readonly Actor Admin = new("admin", [OpsRoles.Admin]);
    private static readonly string[] Weekdays = ["mon", "tue", "wed", "thu", "fri"];

    private static CalendarInput TwoShifts(int? version = null, string name = "Two shifts") => new(version, name, "Europe/Berlin",
        [new ShiftInput("Early", Weekdays, "06:00", 480), new ShiftInput("Late", Weekdays, "14:00", 480)]);

    private static async Task<CoreHost> StartAsync(string provider = "Sqlite") =>
        await CoreHost.StartAsync(provider, new FakeTimeProvider(MaintenanceTestData.T0));

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task AnAdminCreatesAndEditsACalendar_TheEditReplacesTheShifts_AndBothAreAudited(string provider)
    {
        await using var host = await StartAsync(provider);
        var calendars = host.Get<ShiftCalendars>();
        var created = await calendars.CreateAsync(Admin, TwoShifts());
        created.Succeeded.Should().BeTrue(created.Describe());
        created.Value!.Version.Should().Be(1);
        created.Value.Shifts.Select(s => (s.Name, s.Days, s.StartMinute, s.DurationMinutes)).Should().Equal(("Early", 0b0111110, 360, 480), ("Late", 0b0111110, 840, 480));

        var edit = new CalendarInput(1, "Three shifts", "America/Chicago",
            [new ShiftInput("A", ["Monday", "sat"], "6:00", 480), new ShiftInput("B", ["mon"], "14:00:00", 480), new ShiftInput("Night", ["sun", "mon"], "22:00", 480)]);
        var edited = await calendars.EditAsync(Admin, created.Value.Id, edit);
        edited.Succeeded.Should().BeTrue(edited.Describe());

        var stored = (await host.Get<MachineDirectory>().CalendarsAsync()).Single(c => c.Id == created.Value.Id);
        (stored.Name, stored.TimeZone, stored.Version).Should().Be(("Three shifts", "America/Chicago", 2));
        stored.Shifts.OrderBy(s => s.StartMinute).Select(s => (s.Name, s.Days)).Should().Equal(("A", 0b1000010), ("B", 0b0000010), ("Night", 0b0000011));
        await using var db = await host.DbAsync();
        (await db.CalendarShifts.CountAsync()).Should().Be(3, "the old shifts are replaced, not kept beside the new ones");
        var audit = await db.AuditEntries.Where(a => a.Module == "maintenance").OrderBy(a => a.Id).ToListAsync();
        audit.Select(a => (a.Action, a.EntityType, a.EntityId, a.Actor)).Should().Equal(
            ("calendar.create", "ShiftCalendar", created.Value.Id.ToString(), "admin"), ("calendar.edit", "ShiftCalendar", created.Value.Id.ToString(), "admin"));
        audit[1].Before.Should().Contain("Early mon,tue,wed,thu,fri 06:00 for 480 min");
        audit[1].After.Should().Contain("Night sun,mon 22:00 for 480 min").And.Contain("America/Chicago");

        var unchanged = await calendars.EditAsync(Admin, created.Value.Id, edit with { Version = 2 });
        unchanged.Value!.Version.Should().Be(2, "saving the same calendar again changes nothing and writes no audit line");
    }

    [Fact]
    public async Task BadInput_IsNamedByField_AndNothingIsStored()
    {
        await using var host = await StartAsync();
        var result = await host.Get<ShiftCalendars>().CreateAsync(Admin, new CalendarInput(null, " ", "Mars/Olympus_Mons",
            [new ShiftInput("Early", [], "06:00", 480), new ShiftInput("", ["mon"], "25:00", 0), new ShiftInput("Late", ["someday"], "14:00", 1441), new ShiftInput("Odd", ["sun"], "14:00:30", 60)]));

        result.Outcome.Should().Be(OpsOutcome.Invalid);
        result.Errors.Keys.Should().BeEquivalentTo("name", "time_zone", "shifts[0].days", "shifts[1].name", "shifts[1].start", "shifts[1].duration_minutes",
            "shifts[2].days", "shifts[2].duration_minutes", "shifts[3].start");
        result.Errors["time_zone"].Single().Should().Contain("Mars/Olympus_Mons");
        result.Errors["shifts[2].days"].Single().Should().Contain("'someday' is not a day");
        (await host.Get<ShiftCalendars>().CreateAsync(Admin, new CalendarInput(null, "Empty", "UTC", []))).Errors.Keys.Should().Equal("shifts");
        await using var db = await host.DbAsync();
        (await db.ShiftCalendars.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task OverlappingShifts_AreRefusedUnderTheLaterStart_AlsoPastMidnightAndFromSaturdayIntoSunday_TouchingOnesAreFine()
    {
        await using var host = await StartAsync();
        var calendars = host.Get<ShiftCalendars>();
        var sameDay = await calendars.CreateAsync(Admin, new CalendarInput(null, "Same day", "UTC",
            [new ShiftInput("Early", Weekdays, "06:00", 480), new ShiftInput("Mid", ["wed"], "13:00", 240)]));
        sameDay.Errors.Keys.Should().Equal("shifts[1].start");
        sameDay.Errors["shifts[1].start"].Single().Should().Contain("overlaps Early on Wednesday");

        var pastMidnight = await calendars.CreateAsync(Admin, new CalendarInput(null, "Past midnight", "UTC",
            [new ShiftInput("Night", ["mon"], "22:00", 480), new ShiftInput("Dawn", ["tue"], "05:00", 120)]));
        pastMidnight.Errors["shifts[1].start"].Single().Should().Contain("overlaps Night on Tuesday");

        var weekend = await calendars.CreateAsync(Admin, new CalendarInput(null, "Weekend", "UTC",
            [new ShiftInput("Sunday early", ["sun"], "05:00", 60), new ShiftInput("Saturday night", ["sat"], "22:00", 480)]));
        weekend.Errors["shifts[1].start"].Single().Should().Contain("overlaps Sunday early on Sunday");

        var duplicate = await calendars.CreateAsync(Admin, new CalendarInput(null, "Twice", "UTC",
            [new ShiftInput("Early", ["mon"], "06:00", 60), new ShiftInput("early", ["tue"], "06:00", 60)]));
        duplicate.Errors.Keys.Should().Equal("shifts[1].name");

        var touching = await calendars.CreateAsync(Admin, new CalendarInput(null, "Around the clock", "UTC",
            [new ShiftInput("Early", ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], "06:00", 480),
             new ShiftInput("Late", ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], "14:00", 480),
             new ShiftInput("Night", ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], "22:00", 480)]));
        touching.Succeeded.Should().BeTrue(touching.Describe());
    }

    [Fact]
    public async Task AStaleVersion_IsAConflictWithTheCurrentOne_AMissingVersionIsNamed_AndANonAdminIsRefused()
    {
        await using var host = await StartAsync();
        var calendars = host.Get<ShiftCalendars>();
        var id = (await calendars.CreateAsync(Admin, TwoShifts())).Value!.Id;
        (await calendars.EditAsync(Admin, id, TwoShifts(1, "Renamed"))).Succeeded.Should().BeTrue();

        var stale = await calendars.EditAsync(Admin, id, TwoShifts(1, "Mine"));
        stale.Outcome.Should().Be(OpsOutcome.Conflict);
        stale.Message.Should().Contain("was changed since you read it (your version 1, now 2)");
        stale.Details!["version"].Should().Be(2);
        (await calendars.EditAsync(Admin, id, TwoShifts(null))).Errors.Keys.Should().Equal("version");
        (await calendars.EditAsync(Admin, 999_999, TwoShifts(1))).Outcome.Should().Be(OpsOutcome.NotFound);
        (await calendars.CreateAsync(Admin, TwoShifts(name: "Renamed"))).Errors.Keys.Should().Equal("name");

        var anonymous = () => calendars.EditAsync(Actor.Anonymous, id, TwoShifts(2, "Theirs"));
        await anonymous.Should().ThrowAsync<AccessRefusedException>();
        (await calendars.GetAsync(id)).Value!.Name.Should().Be("Renamed");
    }

    [Fact]
    public async Task AnEdit_AppliesToWhatComesAfter_ProductionAlreadyRecordedKeepsItsShift()
    {
        await using var host = await StartAsync();
        var calendars = host.Get<ShiftCalendars>();
        var calendar = (await calendars.CreateAsync(Admin, TwoShifts())).Value!;
        await using (var db = await host.DbAsync())
        {
            var machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
            await db.Machines.Where(m => m.Id == machine).ExecuteUpdateAsync(s => s.SetProperty(m => m.CalendarId, calendar.Id));
            db.ProductionRecords.Add(new ProductionRecord { MachineId = machine, Date = new DateOnly(2026, 12, 1), Shift = "Early", Good = 10, PlannedSeconds = 28_800,
                Source = ProductionSource.Import, UpdatedAt = MaintenanceTestData.T0.UtcDateTime });
            await db.SaveChangesAsync();
        }
        var tuesday9 = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc); // 09:00 in Berlin
        ProductionShifts.At((await calendars.GetAsync(calendar.Id)).Value, tuesday9, "UTC").Shift.Should().Be("Early");

        (await calendars.EditAsync(Admin, calendar.Id, new CalendarInput(1, "Two shifts", "Europe/Berlin",
            [new ShiftInput("Day", Weekdays, "07:00", 600)]))).Succeeded.Should().BeTrue();

        ProductionShifts.At((await calendars.GetAsync(calendar.Id)).Value, tuesday9, "UTC").Should().Be(new ShiftSlot(new DateOnly(2026, 12, 1), "Day", 36_000));
        await using var check = await host.DbAsync();
        (await check.ProductionRecords.SingleAsync()).Should().Match<ProductionRecord>(r => r.Shift == "Early" && r.PlannedSeconds == 28_800);
    }
}
