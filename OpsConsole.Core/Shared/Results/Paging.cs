namespace OpsConsole.Core.Shared.Results;

/// <summary>Which page of a list a caller asks for: page 1 is the first, everywhere (API and pages).</summary>
public sealed record PageRequest(int Page, int PageSize)
{
    /// <summary>Beyond this a page number is a mistake, not a request (and <c>Skip</c> would overflow).</summary>
    public const int MaxPage = 1_000_000;

    public int Skip => (Page - 1) * PageSize;

    /// <summary>
    /// Reads `page` and `page_size` as a caller sent them: absent or empty means the first page and
    /// <paramref name="defaultSize"/>; anything else must be a whole number in range, or the error names the field.
    /// </summary>
    public static PageRequest Read(FieldErrors errors, string? page, string? pageSize, int defaultSize, int maxSize) => new(
        errors.OptionalInt("page", page, 1, MaxPage) ?? 1,
        errors.OptionalInt("page_size", pageSize, 1, maxSize) ?? defaultSize);
}

/// <summary>One page of a list, with the total that matches.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize)
{
    public static Page<T> Of(IReadOnlyList<T> items, int total, PageRequest request) => new(items, total, request.Page, request.PageSize);

    /// <summary>The same page with each row mapped (a projection read for the page's rows only).</summary>
    public Page<TOut> Map<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToList(), Total, PageNumber, PageSize);
}
