using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Etl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "etl_branches",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PosCount = table.Column<int>(type: "integer", nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    ActiveFrom = table.Column<DateOnly>(type: "date", nullable: false),
                    ParserConfigJson = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_etl_branches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "etl_records",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    BranchId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Pos = table.Column<int>(type: "integer", nullable: false),
                    WorkDate = table.Column<DateOnly>(type: "date", nullable: false),
                    SoldAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Tnsc = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ItemCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Department = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Quantity = table.Column<decimal>(type: "numeric(18,3)", precision: 18, scale: 3, nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    PaymentMethod = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    FileType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SourceLine = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_etl_records", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "etl_jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    BranchId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Pos = table.Column<int>(type: "integer", nullable: false),
                    WorkDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    MaxAttempts = table.Column<int>(type: "integer", nullable: false),
                    Force = table.Column<bool>(type: "boolean", nullable: false),
                    CancelRequested = table.Column<bool>(type: "boolean", nullable: false),
                    FileListJson = table.Column<string>(type: "text", nullable: true),
                    ChosenFilesJson = table.Column<string>(type: "text", nullable: true),
                    Error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ProcessorVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RecordCount = table.Column<int>(type: "integer", nullable: true),
                    BadRowCount = table.Column<int>(type: "integer", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    QueuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    LeaseExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_etl_jobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_etl_jobs_etl_branches_BranchId",
                        column: x => x.BranchId,
                        principalTable: "etl_branches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "etl_files",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    BranchId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Pos = table.Column<int>(type: "integer", nullable: false),
                    WorkDate = table.Column<DateOnly>(type: "date", nullable: false),
                    FileName = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    FileType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    RowCount = table.Column<int>(type: "integer", nullable: false),
                    Chosen = table.Column<bool>(type: "boolean", nullable: false),
                    ChosenReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    DownloadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Attempt = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_etl_files", x => x.Id);
                    table.ForeignKey(
                        name: "FK_etl_files_etl_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "etl_jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "etl_job_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Message = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Attempt = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_etl_job_events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_etl_job_events_etl_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "etl_jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_etl_files_BranchId_WorkDate",
                table: "etl_files",
                columns: new[] { "BranchId", "WorkDate" });

            migrationBuilder.CreateIndex(
                name: "IX_etl_files_JobId",
                table: "etl_files",
                column: "JobId");

            migrationBuilder.CreateIndex(
                name: "IX_etl_job_events_JobId_At",
                table: "etl_job_events",
                columns: new[] { "JobId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_BranchId_Pos_WorkDate",
                table: "etl_jobs",
                columns: new[] { "BranchId", "Pos", "WorkDate" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_Status_QueuedAt_Id",
                table: "etl_jobs",
                columns: new[] { "Status", "QueuedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_WorkDate_BranchId_Pos_Status",
                table: "etl_jobs",
                columns: new[] { "WorkDate", "BranchId", "Pos", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_etl_records_ItemCode_WorkDate",
                table: "etl_records",
                columns: new[] { "ItemCode", "WorkDate" });

            migrationBuilder.CreateIndex(
                name: "IX_etl_records_JobId",
                table: "etl_records",
                column: "JobId");

            migrationBuilder.CreateIndex(
                name: "IX_etl_records_WorkDate_BranchId_Pos",
                table: "etl_records",
                columns: new[] { "WorkDate", "BranchId", "Pos" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "etl_files");

            migrationBuilder.DropTable(
                name: "etl_job_events");

            migrationBuilder.DropTable(
                name: "etl_records");

            migrationBuilder.DropTable(
                name: "etl_jobs");

            migrationBuilder.DropTable(
                name: "etl_branches");
        }
    }
}
