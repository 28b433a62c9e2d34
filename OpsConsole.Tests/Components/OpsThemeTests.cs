using MudBlazor;
using MudBlazor.Utilities;
using OpsConsole.Components.Layout;

namespace OpsConsole.Tests.Components;

/// <summary>
/// The theme's colours against WCAG's 4.5:1 for text (ADR 0023), in both modes and for every state colour, whether
/// the colour is the text (an outlined or text button, a chip, a link) or fills behind its contrast text (a filled
/// button). The axe sweep sees only the states the demo pages happen to show; this sees them all.
/// </summary>
public sealed class OpsThemeTests
{
    public static TheoryData<string> Modes => ["light", "dark"];

    private static Palette PaletteOf(string mode) => mode == "dark" ? OpsTheme.Theme.PaletteDark : OpsTheme.Theme.PaletteLight;

    private static IEnumerable<(string Name, MudColor Colour, MudColor ContrastText)> StateColours(Palette p) =>
    [
        ("primary", p.Primary, p.PrimaryContrastText), ("secondary", p.Secondary, p.SecondaryContrastText),
        ("success", p.Success, p.SuccessContrastText), ("warning", p.Warning, p.WarningContrastText),
        ("error", p.Error, p.ErrorContrastText), ("info", p.Info, p.InfoContrastText),
    ];

    [Theory]
    [MemberData(nameof(Modes))]
    public void EveryStateColour_AsText_ReadsOnTheBackgroundAndTheSurface(string mode)
    {
        var p = PaletteOf(mode);
        foreach (var (name, colour, _) in StateColours(p).Append(("text", p.TextPrimary, p.TextPrimary)).Append(("secondary text", p.TextSecondary, p.TextSecondary)))
        {
            Contrast(colour, p.Background).Should().BeGreaterThanOrEqualTo(4.5, $"{name} text on the {mode} background");
            Contrast(colour, p.Surface).Should().BeGreaterThanOrEqualTo(4.5, $"{name} text on the {mode} surface");
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void EveryFilledStateColour_CarriesReadableText(string mode)
    {
        foreach (var (name, colour, text) in StateColours(PaletteOf(mode)))
        {
            Contrast(text, colour).Should().BeGreaterThanOrEqualTo(4.5, $"text on a filled {name} button in {mode} mode");
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void TheTopBar_ReadsInBothModes(string mode)
    {
        var p = PaletteOf(mode);
        Contrast(p.AppbarText, p.AppbarBackground).Should().BeGreaterThanOrEqualTo(4.5);
    }

    /// <summary>WCAG 2 contrast ratio of two opaque colours.</summary>
    private static double Contrast(MudColor a, MudColor b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance(MudColor c)
    {
        static double Channel(byte v)
        {
            var s = v / 255.0;
            return s <= 0.03928 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(c.R) + 0.7152 * Channel(c.G) + 0.0722 * Channel(c.B);
    }
}
