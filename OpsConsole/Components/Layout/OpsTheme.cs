using MudBlazor;

namespace OpsConsole.Components.Layout;

/// <summary>
/// Calm colours for a 12-hour shift: a muted blue primary, clear state colours, dense spacing. Every colour that text is
/// written in, or on, reads at 4.5:1 or more against the surfaces it sits on (axe's colour-contrast rule, ADR 0023): the
/// light warning is a dark amber (the lighter one read 3.4:1 on the background), and dark mode's light state colours
/// carry dark text when they fill a button (white on its light blue primary read 2.3:1).
/// </summary>
public static class OpsTheme
{
    /// <summary>Text on dark mode's filled buttons and chips (7.7:1 on the primary, more on the state colours).</summary>
    private const string DarkInk = "#10161c";

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
            Warning = "#8a5a00",
            Error = "#c0392b",
            Info = "#2f6fa8",
            TextPrimary = "#1b2530",
            TextSecondary = "#4a5866",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb0e0",
            PrimaryContrastText = DarkInk,
            Secondary = "#9aa8b6",
            SecondaryContrastText = DarkInk,
            AppbarBackground = "#141b22",
            AppbarText = "#dfe6ec",
            Background = "#10161c",
            Surface = "#1a222b",
            DrawerBackground = "#161d24",
            Success = "#5cc38a",
            SuccessContrastText = DarkInk,
            Warning = "#e0a84a",
            WarningContrastText = DarkInk,
            Error = "#ef7a6d",
            ErrorContrastText = DarkInk,
            Info = "#7fb0e0",
            InfoContrastText = DarkInk,
            TextPrimary = "#e3e9ee",
            TextSecondary = "#aab6c1",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px", AppbarHeight = "52px" },
    };
}
