using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class EtlCellStatesIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_etl_jobs_cell_states",
                table: "etl_jobs",
                columns: new[] { "BranchId", "Pos", "WorkDate", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_etl_jobs_cell_states",
                table: "etl_jobs");
        }
    }
}
