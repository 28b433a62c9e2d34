using Microsoft.AspNetCore.Mvc;
using OpsConsole.Components.Shared;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Features.Maintenance;

/// <summary>The machines board as its address keeps it: the area and state it shows (area, state: the API's names).</summary>
public sealed record MachinesBoardView(int? Area, MachineState? State) : IUrlView<MachinesBoardView>
{
    public static MachinesBoardView Default { get; } = new(null, null);

    public static MachinesBoardView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var q = query.Read<MachinesQuery>();
        return new(errors.OptionalInt("area", q.Area, 1, int.MaxValue), errors.OptionalChoice<MachineState>("state", q.State));
    }

    public QueryText Write() => QueryText.From(new MachinesQuery(QueryText.Text(Area), QueryText.Text(State)));
}
