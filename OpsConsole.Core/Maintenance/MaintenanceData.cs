using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>The Maintenance module's tables: its sets on the one context, and one configuration per entity.</summary>
public static class MaintenanceData
{
    extension(OpsDbContext db)
    {
        public DbSet<Area> MaintenanceAreas => db.Set<Area>();
        public DbSet<ShiftCalendar> ShiftCalendars => db.Set<ShiftCalendar>();
        public DbSet<CalendarShift> CalendarShifts => db.Set<CalendarShift>();
        public DbSet<Machine> Machines => db.Set<Machine>();
        public DbSet<DowntimePeriod> DowntimePeriods => db.Set<DowntimePeriod>();
        public DbSet<Ticket> Tickets => db.Set<Ticket>();
        public DbSet<TicketComment> TicketComments => db.Set<TicketComment>();
        public DbSet<TicketPhoto> TicketPhotos => db.Set<TicketPhoto>();
        public DbSet<TicketHistory> TicketHistory => db.Set<TicketHistory>();
        public DbSet<MaintenanceCode> MaintenanceCodes => db.Set<MaintenanceCode>();
        public DbSet<Part> Parts => db.Set<Part>();
        public DbSet<PartMovement> PartMovements => db.Set<PartMovement>();
        public DbSet<PartReservation> PartReservations => db.Set<PartReservation>();
        public DbSet<ProductionRecord> ProductionRecords => db.Set<ProductionRecord>();
        public DbSet<MachineEvent> MachineEvents => db.Set<MachineEvent>();
        public DbSet<TicketEventOutbox> TicketEventOutbox => db.Set<TicketEventOutbox>();
        public DbSet<MaintenanceSchedule> MaintenanceSchedules => db.Set<MaintenanceSchedule>();
    }

    /// <summary>An enum stored as its wire name (<c>in_progress</c>), the same words as the API.</summary>
    internal static PropertyBuilder<TEnum> AsWire<TEnum>(this PropertyBuilder<TEnum> property) where TEnum : struct, Enum =>
        property.HasConversion(new ValueConverter<TEnum, string>(v => v.Wire(), v => Parse<TEnum>(v))).HasMaxLength(24);

    internal static PropertyBuilder<TEnum?> AsWire<TEnum>(this PropertyBuilder<TEnum?> property) where TEnum : struct, Enum =>
        property.HasConversion(new ValueConverter<TEnum?, string?>(v => v.HasValue ? v.Value.Wire() : null, v => v == null ? null : Parse<TEnum>(v)))
            .HasMaxLength(24);

    private static TEnum Parse<TEnum>(string wire) where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().First(e => e.Wire() == wire);
}

internal sealed class AreaConfiguration : IEntityTypeConfiguration<Area>
{
    public void Configure(EntityTypeBuilder<Area> builder)
    {
        builder.ToTable("maintenance_areas");
        builder.Property(a => a.Name).HasMaxLength(100);
        builder.Property(a => a.Description).HasMaxLength(500);
        builder.HasIndex(a => a.Name).IsUnique();
    }
}

internal sealed class ShiftCalendarConfiguration : IEntityTypeConfiguration<ShiftCalendar>
{
    public void Configure(EntityTypeBuilder<ShiftCalendar> builder)
    {
        builder.ToTable("maintenance_calendars");
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.Property(c => c.TimeZone).HasMaxLength(64);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasIndex(c => c.Name).IsUnique();
        builder.HasMany(c => c.Shifts).WithOne().HasForeignKey(s => s.CalendarId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CalendarShiftConfiguration : IEntityTypeConfiguration<CalendarShift>
{
    public void Configure(EntityTypeBuilder<CalendarShift> builder)
    {
        builder.ToTable("maintenance_calendar_shifts");
        builder.Property(s => s.Name).HasMaxLength(50);
    }
}

internal sealed class MachineConfiguration : IEntityTypeConfiguration<Machine>
{
    public void Configure(EntityTypeBuilder<Machine> builder)
    {
        builder.ToTable("maintenance_machines");
        builder.Property(m => m.Code).HasMaxLength(Machine.MaxCodeLength);
        builder.Property(m => m.Name).HasMaxLength(Machine.MaxNameLength);
        builder.Property(m => m.MonitoringId).HasMaxLength(100);
        builder.Property(m => m.Criticality).AsWire();
        builder.Property(m => m.Feed).AsWire();
        builder.Property(m => m.State).AsWire();
        builder.Property(m => m.StateSource).AsWire();
        builder.Property(m => m.Version).IsConcurrencyToken();
        builder.Property(m => m.StateVersion).IsConcurrencyToken();
        builder.HasIndex(m => m.Code).IsUnique();
        builder.HasIndex(m => new { m.AreaId, m.Name });
        builder.HasIndex(m => m.State);
        builder.HasOne<Area>().WithMany().HasForeignKey(m => m.AreaId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ShiftCalendar>().WithMany().HasForeignKey(m => m.CalendarId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DowntimePeriodConfiguration : IEntityTypeConfiguration<DowntimePeriod>
{
    public void Configure(EntityTypeBuilder<DowntimePeriod> builder)
    {
        builder.ToTable("maintenance_downtime");
        builder.Property(p => p.Kind).AsWire();
        builder.Property(p => p.Origin).AsWire();
        builder.Property(p => p.ReasonCode).HasMaxLength(MaintenanceCodes.MaxCodeLength);
        builder.Property(p => p.Note).HasMaxLength(500);
        builder.Property(p => p.UpdatedBy).HasMaxLength(256);
        // One open period per machine, whatever races: the database refuses a second.
        builder.HasIndex(p => p.OpenMachineId).IsUnique();
        builder.HasIndex(p => new { p.MachineId, p.StartAt });
        builder.HasIndex(p => p.TicketId);
        builder.HasOne<Machine>().WithMany().HasForeignKey(p => p.MachineId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Ticket>().WithMany().HasForeignKey(p => p.TicketId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> builder)
    {
        builder.ToTable("maintenance_tickets");
        builder.Property(t => t.Title).HasMaxLength(Ticket.MaxTitleLength);
        builder.Property(t => t.Description).HasMaxLength(Ticket.MaxDescriptionLength);
        builder.Property(t => t.ReportedBy).HasMaxLength(256);
        builder.Property(t => t.AssignedTo).HasMaxLength(256);
        builder.Property(t => t.StatusReason).HasMaxLength(Ticket.MaxReasonLength);
        builder.Property(t => t.ProblemCode).HasMaxLength(MaintenanceCodes.MaxCodeLength);
        builder.Property(t => t.CauseCode).HasMaxLength(MaintenanceCodes.MaxCodeLength);
        builder.Property(t => t.RemedyCode).HasMaxLength(MaintenanceCodes.MaxCodeLength);
        builder.Property(t => t.Kind).AsWire();
        builder.Property(t => t.Priority).AsWire();
        builder.Property(t => t.Status).AsWire();
        builder.Property(t => t.Origin).AsWire();
        // The version is the concurrency token: a save based on an older read is refused, whoever saved in between.
        builder.Property(t => t.Version).IsConcurrencyToken();
        // One open failure ticket per machine: a flapping machine links its stops to it instead of opening ten.
        builder.HasIndex(t => t.OpenFailureMachineId).IsUnique();
        // One open planned ticket per schedule: two generator runs racing cannot both insert one (ADR 0030).
        builder.HasIndex(t => t.OpenScheduleId).IsUnique();
        builder.HasIndex(t => t.ScheduleId);
        builder.HasOne<MaintenanceSchedule>().WithMany().HasForeignKey(t => t.ScheduleId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => new { t.Status, t.CreatedAt });
        builder.HasIndex(t => new { t.MachineId, t.Status });
        builder.HasIndex(t => t.AssignedTo);
        builder.HasOne<Machine>().WithMany().HasForeignKey(t => t.MachineId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TicketCommentConfiguration : IEntityTypeConfiguration<TicketComment>
{
    public void Configure(EntityTypeBuilder<TicketComment> builder)
    {
        builder.ToTable("maintenance_ticket_comments");
        builder.Property(c => c.Author).HasMaxLength(256);
        builder.Property(c => c.Body).HasMaxLength(TicketComment.MaxBodyLength);
        builder.HasIndex(c => new { c.TicketId, c.Id });
        builder.HasOne<Ticket>().WithMany().HasForeignKey(c => c.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TicketPhotoConfiguration : IEntityTypeConfiguration<TicketPhoto>
{
    public void Configure(EntityTypeBuilder<TicketPhoto> builder)
    {
        builder.ToTable("maintenance_ticket_photos");
        builder.Property(p => p.FileName).HasMaxLength(255);
        builder.Property(p => p.Sha256).HasMaxLength(64);
        builder.Property(p => p.ThumbnailSha256).HasMaxLength(64);
        builder.Property(p => p.ContentType).HasMaxLength(64);
        builder.Property(p => p.UploadedBy).HasMaxLength(256);
        builder.HasIndex(p => new { p.TicketId, p.Id });
        builder.HasOne<Ticket>().WithMany().HasForeignKey(p => p.TicketId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<TicketComment>().WithMany().HasForeignKey(p => p.CommentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TicketHistoryConfiguration : IEntityTypeConfiguration<TicketHistory>
{
    public void Configure(EntityTypeBuilder<TicketHistory> builder)
    {
        builder.ToTable("maintenance_ticket_history");
        builder.Property(h => h.Actor).HasMaxLength(256);
        builder.Property(h => h.Action).HasMaxLength(32);
        builder.Property(h => h.Field).HasMaxLength(64);
        builder.Property(h => h.Before).HasMaxLength(TicketHistory.MaxValueLength);
        builder.Property(h => h.After).HasMaxLength(TicketHistory.MaxValueLength);
        builder.HasIndex(h => new { h.TicketId, h.Id });
        builder.HasOne<Ticket>().WithMany().HasForeignKey(h => h.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MaintenanceCodeConfiguration : IEntityTypeConfiguration<MaintenanceCode>
{
    public void Configure(EntityTypeBuilder<MaintenanceCode> builder)
    {
        builder.ToTable("maintenance_codes");
        builder.Property(c => c.Kind).AsWire();
        builder.Property(c => c.Code).HasMaxLength(MaintenanceCodes.MaxCodeLength);
        builder.Property(c => c.Label).HasMaxLength(200);
        builder.HasIndex(c => new { c.Kind, c.Code }).IsUnique();
    }
}

internal sealed class PartConfiguration : IEntityTypeConfiguration<Part>
{
    public void Configure(EntityTypeBuilder<Part> builder)
    {
        builder.ToTable("maintenance_parts");
        builder.Property(p => p.Number).HasMaxLength(Part.MaxNumberLength);
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.Property(p => p.Unit).HasMaxLength(16);
        builder.Property(p => p.Location).HasMaxLength(100);
        builder.Property(p => p.UnitCost).HasPrecision(12, 2);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => p.Number).IsUnique();
    }
}

internal sealed class PartMovementConfiguration : IEntityTypeConfiguration<PartMovement>
{
    public void Configure(EntityTypeBuilder<PartMovement> builder)
    {
        builder.ToTable("maintenance_part_movements");
        builder.Property(m => m.Kind).AsWire();
        builder.Property(m => m.Reason).HasMaxLength(PartMovement.MaxReasonLength);
        builder.Property(m => m.Actor).HasMaxLength(256);
        // On hand (a sum per part) and the back-dated check (a part's lines in time order) read this index.
        builder.HasIndex(m => new { m.PartId, m.OccurredAt, m.Id });
        builder.HasIndex(m => m.TicketId);
        builder.HasOne<Part>().WithMany().HasForeignKey(m => m.PartId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Ticket>().WithMany().HasForeignKey(m => m.TicketId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PartReservationConfiguration : IEntityTypeConfiguration<PartReservation>
{
    public void Configure(EntityTypeBuilder<PartReservation> builder)
    {
        builder.ToTable("maintenance_part_reservations");
        builder.Property(r => r.CreatedBy).HasMaxLength(256);
        builder.HasIndex(r => new { r.TicketId, r.PartId }).IsUnique();
        builder.HasIndex(r => r.PartId);
        builder.HasOne<Part>().WithMany().HasForeignKey(r => r.PartId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Ticket>().WithMany().HasForeignKey(r => r.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProductionRecordConfiguration : IEntityTypeConfiguration<ProductionRecord>
{
    public void Configure(EntityTypeBuilder<ProductionRecord> builder)
    {
        builder.ToTable("maintenance_production");
        builder.Property(r => r.Shift).HasMaxLength(50);
        builder.Property(r => r.Source).AsWire();
        // The import's idempotent upsert key: the same file twice changes nothing.
        builder.HasIndex(r => new { r.MachineId, r.Date, r.Shift }).IsUnique();
        builder.HasIndex(r => r.Date);
        builder.HasOne<Machine>().WithMany().HasForeignKey(r => r.MachineId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MachineEventConfiguration : IEntityTypeConfiguration<MachineEvent>
{
    public void Configure(EntityTypeBuilder<MachineEvent> builder)
    {
        builder.ToTable("maintenance_machine_events");
        builder.Property(e => e.Kind).AsWire();
        builder.Property(e => e.Source).AsWire();
        builder.Property(e => e.State).AsWire();
        builder.Property(e => e.Message).HasMaxLength(500);
        builder.Property(e => e.Payload).HasMaxLength(MachineEvent.MaxPayloadLength);
        // An MQTT message is stored once: (machine, seq) is unique; events without a sequence number are not constrained.
        builder.HasIndex(e => new { e.MachineId, e.Seq }).IsUnique();
        builder.HasIndex(e => new { e.MachineId, e.OccurredAt });
        builder.HasIndex(e => e.OccurredAt);
        builder.HasOne<Machine>().WithMany().HasForeignKey(e => e.MachineId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TicketEventOutboxConfiguration : IEntityTypeConfiguration<TicketEventOutbox>
{
    public void Configure(EntityTypeBuilder<TicketEventOutbox> builder)
    {
        builder.ToTable("maintenance_ticket_event_outbox");
        builder.Property(e => e.Payload).HasMaxLength(TicketEventOutbox.MaxPayloadLength);
        builder.Property(e => e.LastError).HasMaxLength(500);
        // The relay reads what is still to publish in id order, and prunes by age.
        builder.HasIndex(e => new { e.PublishedAt, e.Id });
        builder.HasIndex(e => e.CreatedAt);
    }
}

internal sealed class MaintenanceScheduleConfiguration : IEntityTypeConfiguration<MaintenanceSchedule>
{
    public void Configure(EntityTypeBuilder<MaintenanceSchedule> builder)
    {
        builder.ToTable("maintenance_schedules");
        builder.Property(s => s.Title).HasMaxLength(MaintenanceSchedule.MaxTitleLength);
        builder.Property(s => s.Description).HasMaxLength(MaintenanceSchedule.MaxDescriptionLength);
        builder.Property(s => s.UpdatedBy).HasMaxLength(256);
        builder.Property(s => s.Priority).AsWire();
        builder.Property(s => s.Trigger).AsWire();
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.HasIndex(s => new { s.MachineId, s.Title });
        builder.HasIndex(s => s.Enabled);
        builder.HasOne<Machine>().WithMany().HasForeignKey(s => s.MachineId).OnDelete(DeleteBehavior.Restrict);
    }
}
