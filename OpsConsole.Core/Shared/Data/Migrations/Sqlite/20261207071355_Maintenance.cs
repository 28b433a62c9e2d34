using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Maintenance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "maintenance_areas",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_areas", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_calendars",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_calendars", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_codes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Planned = table.Column<bool>(type: "INTEGER", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_codes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_parts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Number = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Location = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ReorderLevel = table.Column<int>(type: "INTEGER", nullable: false),
                    ReorderQuantity = table.Column<int>(type: "INTEGER", nullable: false),
                    LeadTimeDays = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitCost = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    LedgerVersion = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_parts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_calendar_shifts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CalendarId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Days = table.Column<int>(type: "INTEGER", nullable: false),
                    StartMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    DurationMinutes = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_calendar_shifts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_calendar_shifts_maintenance_calendars_CalendarId",
                        column: x => x.CalendarId,
                        principalTable: "maintenance_calendars",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_machines",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AreaId = table.Column<int>(type: "INTEGER", nullable: false),
                    Criticality = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    IdealCycleSeconds = table.Column<double>(type: "REAL", nullable: true),
                    CalendarId = table.Column<int>(type: "INTEGER", nullable: true),
                    OpenTicketOnDown = table.Column<bool>(type: "INTEGER", nullable: false),
                    Feed = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    MonitoringId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    StateSource = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    StateSince = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastDataAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSeq = table.Column<long>(type: "INTEGER", nullable: true),
                    SequenceGaps = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    StateVersion = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_machines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_machines_maintenance_areas_AreaId",
                        column: x => x.AreaId,
                        principalTable: "maintenance_areas",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_maintenance_machines_maintenance_calendars_CalendarId",
                        column: x => x.CalendarId,
                        principalTable: "maintenance_calendars",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_machine_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MachineId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Seq = table.Column<long>(type: "INTEGER", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 24, nullable: true),
                    Message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_machine_events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_machine_events_maintenance_machines_MachineId",
                        column: x => x.MachineId,
                        principalTable: "maintenance_machines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_production",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MachineId = table.Column<int>(type: "INTEGER", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Shift = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Good = table.Column<int>(type: "INTEGER", nullable: false),
                    Scrap = table.Column<int>(type: "INTEGER", nullable: false),
                    RunSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    PlannedSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_production", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_production_maintenance_machines_MachineId",
                        column: x => x.MachineId,
                        principalTable: "maintenance_machines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_tickets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    MachineId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Priority = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    ReportedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AssignedTo = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    StatusReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ProblemCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CauseCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    RemedyCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FirstStartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CancelledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Reopened = table.Column<int>(type: "INTEGER", nullable: false),
                    OpenFailureMachineId = table.Column<int>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_tickets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_tickets_maintenance_machines_MachineId",
                        column: x => x.MachineId,
                        principalTable: "maintenance_machines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_downtime",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MachineId = table.Column<int>(type: "INTEGER", nullable: false),
                    StartAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    ReasonCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: true),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    MicroStop = table.Column<bool>(type: "INTEGER", nullable: false),
                    OpenMachineId = table.Column<int>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_downtime", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_downtime_maintenance_machines_MachineId",
                        column: x => x.MachineId,
                        principalTable: "maintenance_machines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_maintenance_downtime_maintenance_tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "maintenance_tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_part_movements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PartId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_part_movements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_part_movements_maintenance_parts_PartId",
                        column: x => x.PartId,
                        principalTable: "maintenance_parts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_maintenance_part_movements_maintenance_tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "maintenance_tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_part_reservations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PartId = table.Column<int>(type: "INTEGER", nullable: false),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_part_reservations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_part_reservations_maintenance_parts_PartId",
                        column: x => x.PartId,
                        principalTable: "maintenance_parts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_maintenance_part_reservations_maintenance_tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "maintenance_tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_ticket_comments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: false),
                    Author = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_ticket_comments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_ticket_comments_maintenance_tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "maintenance_tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_ticket_history",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Before = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    After = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_ticket_history", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_ticket_history_maintenance_tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "maintenance_tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_ticket_photos",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: false),
                    CommentId = table.Column<long>(type: "INTEGER", nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ThumbnailSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Width = table.Column<int>(type: "INTEGER", nullable: false),
                    Height = table.Column<int>(type: "INTEGER", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_ticket_photos", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_ticket_photos_maintenance_ticket_comments_CommentId",
                        column: x => x.CommentId,
                        principalTable: "maintenance_ticket_comments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_maintenance_ticket_photos_maintenance_tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "maintenance_tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_areas_Name",
                table: "maintenance_areas",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_calendar_shifts_CalendarId",
                table: "maintenance_calendar_shifts",
                column: "CalendarId");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_calendars_Name",
                table: "maintenance_calendars",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_codes_Kind_Code",
                table: "maintenance_codes",
                columns: new[] { "Kind", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_downtime_MachineId_StartAt",
                table: "maintenance_downtime",
                columns: new[] { "MachineId", "StartAt" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_downtime_OpenMachineId",
                table: "maintenance_downtime",
                column: "OpenMachineId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_downtime_TicketId",
                table: "maintenance_downtime",
                column: "TicketId");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_machine_events_MachineId_OccurredAt",
                table: "maintenance_machine_events",
                columns: new[] { "MachineId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_machine_events_MachineId_Seq",
                table: "maintenance_machine_events",
                columns: new[] { "MachineId", "Seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_machine_events_OccurredAt",
                table: "maintenance_machine_events",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_machines_AreaId_Name",
                table: "maintenance_machines",
                columns: new[] { "AreaId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_machines_CalendarId",
                table: "maintenance_machines",
                column: "CalendarId");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_machines_Code",
                table: "maintenance_machines",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_machines_State",
                table: "maintenance_machines",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_part_movements_PartId_OccurredAt_Id",
                table: "maintenance_part_movements",
                columns: new[] { "PartId", "OccurredAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_part_movements_TicketId",
                table: "maintenance_part_movements",
                column: "TicketId");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_part_reservations_PartId",
                table: "maintenance_part_reservations",
                column: "PartId");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_part_reservations_TicketId_PartId",
                table: "maintenance_part_reservations",
                columns: new[] { "TicketId", "PartId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_parts_Number",
                table: "maintenance_parts",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_production_Date",
                table: "maintenance_production",
                column: "Date");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_production_MachineId_Date_Shift",
                table: "maintenance_production",
                columns: new[] { "MachineId", "Date", "Shift" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_ticket_comments_TicketId_Id",
                table: "maintenance_ticket_comments",
                columns: new[] { "TicketId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_ticket_history_TicketId_Id",
                table: "maintenance_ticket_history",
                columns: new[] { "TicketId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_ticket_photos_CommentId",
                table: "maintenance_ticket_photos",
                column: "CommentId");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_ticket_photos_TicketId_Id",
                table: "maintenance_ticket_photos",
                columns: new[] { "TicketId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_tickets_AssignedTo",
                table: "maintenance_tickets",
                column: "AssignedTo");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_tickets_MachineId_Status",
                table: "maintenance_tickets",
                columns: new[] { "MachineId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_tickets_OpenFailureMachineId",
                table: "maintenance_tickets",
                column: "OpenFailureMachineId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_tickets_Status_CreatedAt",
                table: "maintenance_tickets",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "maintenance_calendar_shifts");

            migrationBuilder.DropTable(
                name: "maintenance_codes");

            migrationBuilder.DropTable(
                name: "maintenance_downtime");

            migrationBuilder.DropTable(
                name: "maintenance_machine_events");

            migrationBuilder.DropTable(
                name: "maintenance_part_movements");

            migrationBuilder.DropTable(
                name: "maintenance_part_reservations");

            migrationBuilder.DropTable(
                name: "maintenance_production");

            migrationBuilder.DropTable(
                name: "maintenance_ticket_history");

            migrationBuilder.DropTable(
                name: "maintenance_ticket_photos");

            migrationBuilder.DropTable(
                name: "maintenance_parts");

            migrationBuilder.DropTable(
                name: "maintenance_ticket_comments");

            migrationBuilder.DropTable(
                name: "maintenance_tickets");

            migrationBuilder.DropTable(
                name: "maintenance_machines");

            migrationBuilder.DropTable(
                name: "maintenance_areas");

            migrationBuilder.DropTable(
                name: "maintenance_calendars");
        }
    }
}
