using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MaintenanceSchedules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "OpenScheduleId",
                table: "maintenance_tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ScheduleId",
                table: "maintenance_tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "maintenance_schedules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MachineId = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Priority = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Interval = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    BaselineAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    BaselineDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    BaselineCycles = table.Column<long>(type: "INTEGER", nullable: false),
                    BaselineRunSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    LastGeneratedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastTicketId = table.Column<long>(type: "INTEGER", nullable: true),
                    LastDoneAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_schedules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_maintenance_schedules_maintenance_machines_MachineId",
                        column: x => x.MachineId,
                        principalTable: "maintenance_machines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "saved_views",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Page = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Query = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    OwnerName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Shared = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saved_views", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_tickets_OpenScheduleId",
                table: "maintenance_tickets",
                column: "OpenScheduleId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_tickets_ScheduleId",
                table: "maintenance_tickets",
                column: "ScheduleId");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_schedules_Enabled",
                table: "maintenance_schedules",
                column: "Enabled");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_schedules_MachineId_Title",
                table: "maintenance_schedules",
                columns: new[] { "MachineId", "Title" });

            migrationBuilder.CreateIndex(
                name: "IX_saved_views_Page_OwnerId_Name",
                table: "saved_views",
                columns: new[] { "Page", "OwnerId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_saved_views_Page_Shared",
                table: "saved_views",
                columns: new[] { "Page", "Shared" });

            migrationBuilder.AddForeignKey(
                name: "FK_maintenance_tickets_maintenance_schedules_ScheduleId",
                table: "maintenance_tickets",
                column: "ScheduleId",
                principalTable: "maintenance_schedules",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_maintenance_tickets_maintenance_schedules_ScheduleId",
                table: "maintenance_tickets");

            migrationBuilder.DropTable(
                name: "maintenance_schedules");

            migrationBuilder.DropTable(
                name: "saved_views");

            migrationBuilder.DropIndex(
                name: "IX_maintenance_tickets_OpenScheduleId",
                table: "maintenance_tickets");

            migrationBuilder.DropIndex(
                name: "IX_maintenance_tickets_ScheduleId",
                table: "maintenance_tickets");

            migrationBuilder.DropColumn(
                name: "OpenScheduleId",
                table: "maintenance_tickets");

            migrationBuilder.DropColumn(
                name: "ScheduleId",
                table: "maintenance_tickets");
        }
    }
}
