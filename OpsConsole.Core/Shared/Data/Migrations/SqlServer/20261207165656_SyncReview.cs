using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SyncReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "PlanId",
                table: "sync_runs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "AppliedAt",
                table: "sync_plans",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AppliedBy",
                table: "sync_plans",
                type: "nvarchar(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AppliedRunId",
                table: "sync_plans",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DestinationHash",
                table: "sync_pairs",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceHash",
                table: "sync_pairs",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "sync_conflicts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ConnectionId = table.Column<long>(type: "bigint", nullable: false),
                    PairId = table.Column<long>(type: "bigint", nullable: false),
                    SourceId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    DestinationId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    FieldKey = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    BaseSource = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    BaseDestination = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    SourceValue = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    DestinationValue = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    SourceUpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    DestinationUpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    RunId = table.Column<long>(type: "bigint", nullable: true),
                    OpenedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    State = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: false),
                    ResolvedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Choice = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: true),
                    ChosenSource = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    ChosenDestination = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_conflicts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sync_conflicts_sync_connections_ConnectionId",
                        column: x => x.ConnectionId,
                        principalTable: "sync_connections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_sync_conflicts_sync_pairs_PairId",
                        column: x => x.PairId,
                        principalTable: "sync_pairs",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateIndex(
                name: "IX_sync_run_items_ConnectionId_DestinationId_Id",
                table: "sync_run_items",
                columns: new[] { "ConnectionId", "DestinationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_sync_conflicts_ConnectionId_State_Id",
                table: "sync_conflicts",
                columns: new[] { "ConnectionId", "State", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_sync_conflicts_PairId_State",
                table: "sync_conflicts",
                columns: new[] { "PairId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sync_conflicts");

            migrationBuilder.DropIndex(
                name: "IX_sync_run_items_ConnectionId_DestinationId_Id",
                table: "sync_run_items");

            migrationBuilder.DropColumn(
                name: "PlanId",
                table: "sync_runs");

            migrationBuilder.DropColumn(
                name: "AppliedAt",
                table: "sync_plans");

            migrationBuilder.DropColumn(
                name: "AppliedBy",
                table: "sync_plans");

            migrationBuilder.DropColumn(
                name: "AppliedRunId",
                table: "sync_plans");

            migrationBuilder.DropColumn(
                name: "DestinationHash",
                table: "sync_pairs");

            migrationBuilder.DropColumn(
                name: "SourceHash",
                table: "sync_pairs");
        }
    }
}
