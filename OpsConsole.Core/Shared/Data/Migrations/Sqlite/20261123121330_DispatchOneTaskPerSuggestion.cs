using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Core.Shared.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DispatchOneTaskPerSuggestion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TaskId",
                table: "dispatch_suggestions");

            migrationBuilder.CreateIndex(
                name: "IX_dispatch_tasks_SuggestionId",
                table: "dispatch_tasks",
                column: "SuggestionId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_dispatch_tasks_SuggestionId",
                table: "dispatch_tasks");

            migrationBuilder.AddColumn<long>(
                name: "TaskId",
                table: "dispatch_suggestions",
                type: "INTEGER",
                nullable: true);
        }
    }
}
