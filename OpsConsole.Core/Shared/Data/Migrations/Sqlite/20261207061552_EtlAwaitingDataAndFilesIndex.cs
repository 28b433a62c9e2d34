using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EtlAwaitingDataAndFilesIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_etl_jobs_cell_states",
                table: "etl_jobs");

            migrationBuilder.DropIndex(
                name: "IX_etl_jobs_WorkDate_BranchId_Pos_Status_RecordCount_Id",
                table: "etl_jobs");

            migrationBuilder.AddColumn<bool>(
                name: "AwaitingData",
                table: "etl_jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Jobs that failed before ADR 0022 because the file host had no files for their day are waiting for data.
            migrationBuilder.Sql(@"UPDATE ""etl_jobs"" SET ""AwaitingData"" = 1 WHERE ""Status"" = 'failed' AND ""Error"" LIKE 'The file host lists no files for %';");

            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_cell_grid",
                table: "etl_jobs",
                columns: new[] { "WorkDate", "BranchId", "Pos", "Status", "AwaitingData", "RecordCount", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_cell_states",
                table: "etl_jobs",
                columns: new[] { "BranchId", "Pos", "WorkDate", "Status", "AwaitingData" });

            migrationBuilder.CreateIndex(
                name: "IX_etl_files_WorkDate_DownloadedAt",
                table: "etl_files",
                columns: new[] { "WorkDate", "DownloadedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_etl_jobs_cell_grid",
                table: "etl_jobs");

            migrationBuilder.DropIndex(
                name: "IX_etl_jobs_cell_states",
                table: "etl_jobs");

            migrationBuilder.DropIndex(
                name: "IX_etl_files_WorkDate_DownloadedAt",
                table: "etl_files");

            migrationBuilder.DropColumn(
                name: "AwaitingData",
                table: "etl_jobs");

            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_cell_states",
                table: "etl_jobs",
                columns: new[] { "BranchId", "Pos", "WorkDate", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_WorkDate_BranchId_Pos_Status_RecordCount_Id",
                table: "etl_jobs",
                columns: new[] { "WorkDate", "BranchId", "Pos", "Status", "RecordCount", "Id" });
        }
    }
}
