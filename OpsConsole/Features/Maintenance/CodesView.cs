using OpsConsole.Components.Shared;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Features.Maintenance;

/// <summary>The codes page as its address keeps it: the kind of code listed, e.g. /maintenance/codes?kind=reason.</summary>
public sealed record CodesView(CodeKind? Kind) : IUrlView<CodesView>
{
    public static CodesView Default { get; } = new((CodeKind?)null);

    public static CodesView Read(QueryText query, FieldErrors errors, IServiceProvider services) =>
        new(errors.OptionalChoice<CodeKind>("kind", query.Read<CodesViewQuery>().Kind));

    public QueryText Write() => QueryText.From(new CodesViewQuery(QueryText.Text(Kind)));
}
