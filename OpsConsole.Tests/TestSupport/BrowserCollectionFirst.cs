using OpsConsole.Tests.E2E;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(OpsConsole.Tests.TestSupport.BrowserCollectionFirst))]

namespace OpsConsole.Tests.TestSupport;

/// <summary>
/// The end-to-end tests share one Chromium and so run one after another in one collection: the longest stretch of the
/// suite. Started first, they run beside everything else from the start, instead of waiting for one of the two
/// threads for as long as xunit's random collection order makes them (three minutes on one run). The other collections
/// keep xunit's default (random) order.
/// </summary>
public sealed class BrowserCollectionFirst : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection
    {
        var browser = testCollections.Where(c => c.TestCollectionDisplayName == BrowserCollection.Name).ToList();
        var rest = testCollections.Where(c => c.TestCollectionDisplayName != BrowserCollection.Name).ToList();
        return [.. browser, .. DefaultTestCollectionOrderer.Instance.OrderTestCollections(rest)];
    }
}
