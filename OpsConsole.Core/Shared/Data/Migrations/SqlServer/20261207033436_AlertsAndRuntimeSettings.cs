using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AlertsAndRuntimeSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Module = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Severity = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Title = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Message = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Link = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    State = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    FirstSeenAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false),
                    AcknowledgedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    AcknowledgedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    ActiveKey = table.Column<string>(type: "nvarchar(240)", maxLength: 240, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "runtime_settings",
                columns: table => new
                {
                    Module = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Value = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_runtime_settings", x => new { x.Module, x.Key });
                });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_ActiveKey",
                table: "alerts",
                column: "ActiveKey",
                unique: true,
                filter: "[ActiveKey] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_alerts_Module_FirstSeenAt",
                table: "alerts",
                columns: new[] { "Module", "FirstSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_State_FirstSeenAt",
                table: "alerts",
                columns: new[] { "State", "FirstSeenAt" });

            // The yard poller's settings move into the runtime settings (ADR 0021): an admin's values are kept.
            migrationBuilder.Sql(@"INSERT INTO [runtime_settings] ([Module], [Key], [Value], [UpdatedAt], [UpdatedBy])
SELECT N'yard', N'interval_seconds', CAST([IntervalSeconds] AS nvarchar(200)), [UpdatedAt], [UpdatedBy] FROM [yard_settings] WHERE [Id] = 1
UNION ALL SELECT N'yard', N'deletion_cap', CAST([DeletionCap] AS nvarchar(200)), [UpdatedAt], [UpdatedBy] FROM [yard_settings] WHERE [Id] = 1
UNION ALL SELECT N'yard', N'stale_task_hours', CAST([StaleTaskHours] AS nvarchar(200)), [UpdatedAt], [UpdatedBy] FROM [yard_settings] WHERE [Id] = 1
UNION ALL SELECT N'yard', N'dry_run', CASE WHEN [DryRun] = 1 THEN N'true' ELSE N'false' END, [UpdatedAt], [UpdatedBy] FROM [yard_settings] WHERE [Id] = 1
UNION ALL SELECT N'yard', N'paused', CASE WHEN [Paused] = 1 THEN N'true' ELSE N'false' END, [UpdatedAt], [UpdatedBy] FROM [yard_settings] WHERE [Id] = 1");

            migrationBuilder.DropTable(
                name: "yard_settings");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "runtime_settings");

            migrationBuilder.CreateTable(
                name: "yard_settings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false),
                    DeletionCap = table.Column<int>(type: "int", nullable: false),
                    DryRun = table.Column<bool>(type: "bit", nullable: false),
                    IntervalSeconds = table.Column<int>(type: "int", nullable: false),
                    Paused = table.Column<bool>(type: "bit", nullable: false),
                    StaleTaskHours = table.Column<int>(type: "int", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_yard_settings", x => x.Id);
                });
        }
    }
}
