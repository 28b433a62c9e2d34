using Microsoft.Extensions.Options;
using OpsConsole.Core.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Shared;

/// <summary>A module's options are bound from its section and checked when the console starts.</summary>
public sealed class ModuleOptionsTests
{
    [Fact]
    public async Task AModulesOptions_AreBoundFromItsSection()
    {
        await using var host = await CoreHost.StartAsync(settings: new Dictionary<string, string?> { ["Etl:Runners"] = "5" });
        host.Get<EtlOptions>().Runners.Should().Be(5);
    }

    [Fact]
    public async Task ABadValue_StopsTheStart_NamingTheKey()
    {
        await using var app = new OpsAppFactory(settings: new Dictionary<string, string?> { ["Etl:Runners"] = "0", ["Yard:ReadParallelism"] = "500" });
        var start = () => app.CreateClient();
        var failure = start.Should().Throw<OptionsValidationException>().Which;
        failure.Message.Should().Contain("Runners").And.Contain("between 1 and 16");
    }
}
