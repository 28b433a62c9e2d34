using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.PostgreSql
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
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ScheduleId",
                table: "maintenance_tickets",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "maintenance_schedules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MachineId = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Priority = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Trigger = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Interval = table.Column<int>(type: "integer", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    BaselineAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    BaselineDate = table.Column<DateOnly>(type: "date", nullable: false),
                    BaselineCycles = table.Column<long>(type: "bigint", nullable: false),
                    BaselineRunSeconds = table.Column<long>(type: "bigint", nullable: false),
                    LastGeneratedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastTicketId = table.Column<long>(type: "bigint", nullable: true),
                    LastDoneAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Page = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Query = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    OwnerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    OwnerName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Shared = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
