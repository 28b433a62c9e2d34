using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Sync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sync_connections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Source = table.Column<string>(type: "text", nullable: false),
                    Destination = table.Column<string>(type: "text", nullable: false),
                    FieldMap = table.Column<string>(type: "text", nullable: false),
                    Policy = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Filter = table.Column<string>(type: "text", nullable: true),
                    DeletePolicy = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    ScheduleSeconds = table.Column<int>(type: "integer", nullable: true),
                    Paused = table.Column<bool>(type: "boolean", nullable: false),
                    Health = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    SourceCursor = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DestinationCursor = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_connections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sync_create_intents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConnectionId = table.Column<long>(type: "bigint", nullable: false),
                    SourceId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Marker = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RunId = table.Column<long>(type: "bigint", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_create_intents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sync_create_intents_sync_connections_ConnectionId",
                        column: x => x.ConnectionId,
                        principalTable: "sync_connections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sync_pairs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConnectionId = table.Column<long>(type: "bigint", nullable: false),
                    SourceId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DestinationId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SourceVersion = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    DestinationVersion = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Bases = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Archived = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_pairs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sync_pairs_sync_connections_ConnectionId",
                        column: x => x.ConnectionId,
                        principalTable: "sync_connections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sync_plans",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConnectionId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Items = table.Column<string>(type: "text", nullable: false),
                    Adds = table.Column<int>(type: "integer", nullable: false),
                    Updates = table.Column<int>(type: "integer", nullable: false),
                    Skips = table.Column<int>(type: "integer", nullable: false),
                    Conflicts = table.Column<int>(type: "integer", nullable: false),
                    Archives = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_plans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sync_plans_sync_connections_ConnectionId",
                        column: x => x.ConnectionId,
                        principalTable: "sync_connections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sync_runs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConnectionId = table.Column<long>(type: "bigint", nullable: false),
                    State = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Trigger = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    RequestedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    QueuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Planned = table.Column<int>(type: "integer", nullable: false),
                    Added = table.Column<int>(type: "integer", nullable: false),
                    Updated = table.Column<int>(type: "integer", nullable: false),
                    Skipped = table.Column<int>(type: "integer", nullable: false),
                    Conflicted = table.Column<int>(type: "integer", nullable: false),
                    Failed = table.Column<int>(type: "integer", nullable: false),
                    Archived = table.Column<int>(type: "integer", nullable: false),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_runs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sync_runs_sync_connections_ConnectionId",
                        column: x => x.ConnectionId,
                        principalTable: "sync_connections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sync_run_items",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunId = table.Column<long>(type: "bigint", nullable: false),
                    ConnectionId = table.Column<long>(type: "bigint", nullable: false),
                    SourceId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DestinationId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Action = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Fields = table.Column<string>(type: "text", nullable: false),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_run_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sync_run_items_sync_runs_RunId",
                        column: x => x.RunId,
                        principalTable: "sync_runs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_sync_connections_Name",
                table: "sync_connections",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sync_create_intents_ConnectionId_SourceId",
                table: "sync_create_intents",
                columns: new[] { "ConnectionId", "SourceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sync_pairs_ConnectionId_DestinationId",
                table: "sync_pairs",
                columns: new[] { "ConnectionId", "DestinationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sync_pairs_ConnectionId_SourceId",
                table: "sync_pairs",
                columns: new[] { "ConnectionId", "SourceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sync_plans_ConnectionId_Id",
                table: "sync_plans",
                columns: new[] { "ConnectionId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_sync_run_items_ConnectionId_SourceId_Id",
                table: "sync_run_items",
                columns: new[] { "ConnectionId", "SourceId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_sync_run_items_RunId_Id",
                table: "sync_run_items",
                columns: new[] { "RunId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_sync_runs_ConnectionId_Id",
                table: "sync_runs",
                columns: new[] { "ConnectionId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_sync_runs_State_ConnectionId",
                table: "sync_runs",
                columns: new[] { "State", "ConnectionId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sync_create_intents");

            migrationBuilder.DropTable(
                name: "sync_pairs");

            migrationBuilder.DropTable(
                name: "sync_plans");

            migrationBuilder.DropTable(
                name: "sync_run_items");

            migrationBuilder.DropTable(
                name: "sync_runs");

            migrationBuilder.DropTable(
                name: "sync_connections");
        }
    }
}
