namespace OpsConsole.Components.Shared;

/// <summary>A MudDatePicker holds a DateTime; a view holds the day.</summary>
public static class PickerDates
{
    public static DateTime? Of(DateOnly? day) => day?.ToDateTime(TimeOnly.MinValue);

    public static DateOnly? Day(DateTime? picked) => picked is { } d ? DateOnly.FromDateTime(d) : null;
}
