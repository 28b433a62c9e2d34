using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// `page` (from 1) and `page_size`, as every list endpoint takes them. They arrive as text, so that an empty value
/// (`?page=`) means "absent" and a bad one is reported by Core under its own name.
/// </summary>
public sealed record PageQuery([FromQuery(Name = "page")] string? Page, [FromQuery(Name = "page_size")] string? PageSize)
{
    public PageRequest Read(FieldErrors errors, int defaultSize, int maxSize) => PageRequest.Read(errors, Page, PageSize, defaultSize, maxSize);
}

/// <summary>One page of a list as every list endpoint answers it.</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize)
{
    public static PageResponse<T> From<TItem>(Page<TItem> page, Func<TItem, T> map) =>
        new(page.Items.Select(map).ToList(), page.Total, page.PageNumber, page.PageSize);
}
