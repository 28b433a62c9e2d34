using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.SqlServer
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
                    Id = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    PosCount = table.Column<int>(type: "int", nullable: false),
                    IsActive = table.Column<bool>(type: "bit", nullable: false),
                    ActiveFrom = table.Column<DateOnly>(type: "date", nullable: false),
                    ParserConfigJson = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                        .Annotation("SqlServer:Identity", "1, 1"),
                    JobId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    BranchId = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Pos = table.Column<int>(type: "int", nullable: false),
                    WorkDate = table.Column<DateOnly>(type: "date", nullable: false),
                    SoldAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Tnsc = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ItemCode = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Department = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Quantity = table.Column<decimal>(type: "decimal(18,3)", precision: 18, scale: 3, nullable: false),
                    Amount = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    PaymentMethod = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    FileType = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    SourceLine = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_etl_records", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "etl_jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    BranchId = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Pos = table.Column<int>(type: "int", nullable: false),
                    WorkDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    MaxAttempts = table.Column<int>(type: "int", nullable: false),
                    Force = table.Column<bool>(type: "bit", nullable: false),
                    CancelRequested = table.Column<bool>(type: "bit", nullable: false),
                    FileListJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    ChosenFilesJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    Error = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    ProcessorVersion = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    RecordCount = table.Column<int>(type: "int", nullable: true),
                    BadRowCount = table.Column<int>(type: "int", nullable: true),
                    CreatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    QueuedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LeaseOwner = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    LeaseExpiresAt = table.Column<DateTime>(type: "datetime2", nullable: true)
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
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    JobId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    BranchId = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Pos = table.Column<int>(type: "int", nullable: false),
                    WorkDate = table.Column<DateOnly>(type: "date", nullable: false),
                    FileName = table.Column<string>(type: "nvarchar(260)", maxLength: 260, nullable: false),
                    FileType = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Sha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    RowCount = table.Column<int>(type: "int", nullable: false),
                    Chosen = table.Column<bool>(type: "bit", nullable: false),
                    ChosenReason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    DownloadedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Attempt = table.Column<int>(type: "int", nullable: false)
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
                        .Annotation("SqlServer:Identity", "1, 1"),
                    JobId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    At = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Message = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    Attempt = table.Column<int>(type: "int", nullable: false)
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
