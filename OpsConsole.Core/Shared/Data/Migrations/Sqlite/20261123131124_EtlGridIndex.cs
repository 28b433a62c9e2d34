using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EtlGridIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_etl_jobs_WorkDate_BranchId_Pos_Status",
                table: "etl_jobs");

            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_WorkDate_BranchId_Pos_Status_RecordCount_Id",
                table: "etl_jobs",
                columns: new[] { "WorkDate", "BranchId", "Pos", "Status", "RecordCount", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_etl_jobs_WorkDate_BranchId_Pos_Status_RecordCount_Id",
                table: "etl_jobs");

            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_WorkDate_BranchId_Pos_Status",
                table: "etl_jobs",
                columns: new[] { "WorkDate", "BranchId", "Pos", "Status" });
        }
    }
}
