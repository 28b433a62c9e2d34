using MudBlazor;

namespace OpsConsole.Components.Layout;

/// <summary>Calm colours for a 12-hour shift: a muted blue primary, clear state colours, dense spacing.</summary>
public static class OpsTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#2f5d8a",
            Secondary = "#5b6b7a",
            AppbarBackground = "#1f2a36",
            AppbarText = "#e8edf2",
            Background = "#f4f6f8",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            Success = "#2e7d4f",
            Warning = "#b7791f",
            Error = "#c0392b",
            Info = "#2f6fa8",
            TextPrimary = "#1b2530",
            TextSecondary = "#4a5866",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb0e0",
            Secondary = "#9aa8b6",
            AppbarBackground = "#141b22",
            AppbarText = "#dfe6ec",
            Background = "#10161c",
            Surface = "#1a222b",
            DrawerBackground = "#161d24",
            Success = "#5cc38a",
            Warning = "#e0a84a",
            Error = "#ef7a6d",
            Info = "#7fb0e0",
            TextPrimary = "#e3e9ee",
            TextSecondary = "#aab6c1",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px", AppbarHeight = "52px" },
    };
}
