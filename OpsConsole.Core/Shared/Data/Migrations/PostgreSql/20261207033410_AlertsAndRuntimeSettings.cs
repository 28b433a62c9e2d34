using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.PostgreSql
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
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Module = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Severity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Message = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Link = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    FirstSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    AcknowledgedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    AcknowledgedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ActiveKey = table.Column<string>(type: "character varying(240)", maxLength: 240, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "runtime_settings",
                columns: table => new
                {
                    Module = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Value = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_runtime_settings", x => new { x.Module, x.Key });
                });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_ActiveKey",
                table: "alerts",
                column: "ActiveKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alerts_Module_FirstSeenAt",
                table: "alerts",
                columns: new[] { "Module", "FirstSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_State_FirstSeenAt",
                table: "alerts",
                columns: new[] { "State", "FirstSeenAt" });

            // The yard poller's settings move into the runtime settings (ADR 0021): an admin's values are kept.
            migrationBuilder.Sql(@"INSERT INTO ""runtime_settings"" (""Module"", ""Key"", ""Value"", ""UpdatedAt"", ""UpdatedBy"")
SELECT 'yard', 'interval_seconds', CAST(""IntervalSeconds"" AS text), ""UpdatedAt"", ""UpdatedBy"" FROM ""yard_settings"" WHERE ""Id"" = 1
UNION ALL SELECT 'yard', 'deletion_cap', CAST(""DeletionCap"" AS text), ""UpdatedAt"", ""UpdatedBy"" FROM ""yard_settings"" WHERE ""Id"" = 1
UNION ALL SELECT 'yard', 'stale_task_hours', CAST(""StaleTaskHours"" AS text), ""UpdatedAt"", ""UpdatedBy"" FROM ""yard_settings"" WHERE ""Id"" = 1
UNION ALL SELECT 'yard', 'dry_run', CASE WHEN ""DryRun"" THEN 'true' ELSE 'false' END, ""UpdatedAt"", ""UpdatedBy"" FROM ""yard_settings"" WHERE ""Id"" = 1
UNION ALL SELECT 'yard', 'paused', CASE WHEN ""Paused"" THEN 'true' ELSE 'false' END, ""UpdatedAt"", ""UpdatedBy"" FROM ""yard_settings"" WHERE ""Id"" = 1");

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
                    Id = table.Column<int>(type: "integer", nullable: false),
                    DeletionCap = table.Column<int>(type: "integer", nullable: false),
                    DryRun = table.Column<bool>(type: "boolean", nullable: false),
                    IntervalSeconds = table.Column<int>(type: "integer", nullable: false),
                    Paused = table.Column<bool>(type: "boolean", nullable: false),
                    StaleTaskHours = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_yard_settings", x => x.Id);
                });
        }
    }
}
