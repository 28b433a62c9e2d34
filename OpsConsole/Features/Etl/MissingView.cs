using OpsConsole.Components.Shared;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Features.Etl;

/// <summary>
/// The heatmap's range and branch filter as its address keeps them: /etl/missing?days=7 (the last 7 days, whatever day
/// the link is opened) or ?start=2026-11-01&amp;end=2026-11-30 (those days), and &amp;branch=B00.
/// </summary>
public sealed record MissingView(int Days, DateOnly? Start, DateOnly? End, string? Branch) : IUrlView<MissingView>
{
    public const int MaxBranchFilterLength = 100;

    public static MissingView Default { get; } = new(EtlMissingData.DefaultDays, null, null, null);

    public static MissingView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var text = query.Read<MissingViewQuery>();
        var branch = errors.OptionalText("branch", text.Branch, MaxBranchFilterLength);
        var days = errors.OptionalInt("days", text.Days, 1, EtlMissingData.MaxDays) ?? EtlMissingData.DefaultDays;
        if (string.IsNullOrWhiteSpace(text.Start) && string.IsNullOrWhiteSpace(text.End))
        {
            return new MissingView(days, null, null, branch);
        }
        var (from, to) = services.GetRequiredService<EtlMissingData>().ReadRange(errors, text.Start, text.End);
        return new MissingView(EtlMissingData.DefaultDays, from, to, branch);
    }

    public QueryText Write() => QueryText.From(Start is null
        ? new MissingViewQuery(null, null, QueryText.Text(Days), Branch)
        : new MissingViewQuery(QueryText.Text(Start), QueryText.Text(End), null, Branch));

    /// <summary>The days shown: the chosen ones, or the last <see cref="Days"/> up to <paramref name="today"/>.</summary>
    public (DateOnly From, DateOnly To) Range(DateOnly today) => Start is { } from && End is { } to ? (from, to) : (today.AddDays(-(Days - 1)), today);

    public MissingView Between(DateOnly from, DateOnly to) => this with { Days = EtlMissingData.DefaultDays, Start = from, End = to };

    public MissingView LastDays(int days) => this with { Days = days, Start = null, End = null };
}
