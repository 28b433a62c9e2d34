using System.Collections;
using System.Reflection;
using System.Text.Json;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Infrastructure.Events;

namespace OpsConsole.Tests.Infrastructure.Cluster;

/// <summary>Every event the console publishes crosses the Redis bridge as JSON and comes back the same (ADR 0039).</summary>
public sealed class ClusterEventTypesTests
{
    public static TheoryData<string> EventTypes() => new(OpsEventTypes.ByName.Keys.Order());

    [Fact]
    public void TheBridge_KnowsEveryConcreteEventTypeOfBothAssemblies()
    {
        var all = new[] { typeof(IOpsEvent).Assembly, typeof(OpsEventTypes).Assembly }.SelectMany(a => a.GetTypes())
            .Where(t => typeof(IOpsEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false });
        OpsEventTypes.ByName.Values.Should().BeEquivalentTo(all);
        OpsEventTypes.ByName.Should().HaveCountGreaterThan(20).And.ContainKey(typeof(CacheEvicted).FullName!);
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void AnEvent_RoundTripsThroughTheBridgesJson(string typeName)
    {
        var type = OpsEventTypes.ByName[typeName];
        var original = (IOpsEvent)Sample(type, 0);
        var json = OpsEventTypes.Serialize(original);

        var back = OpsEventTypes.Deserialize(typeName, json);

        back.Should().NotBeNull().And.BeOfType(type);
        OpsEventTypes.Serialize(back!).Should().Be(json);
        back!.Topic.Should().Be(original.Topic);
        json.Should().NotContain(":null", "every sample value is set, so a null means a value that did not survive");
    }

    /// <summary>A value of the type with every member set (collections with one element), built through its widest constructor.</summary>
    private static object Sample(Type type, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner) return Sample(inner, depth);
        if (type == typeof(string)) return "s" + depth;
        if (type == typeof(bool)) return true;
        if (type == typeof(int)) return 7;
        if (type == typeof(long)) return 7L;
        if (type == typeof(short)) return (short)7;
        if (type == typeof(double)) return 7.5;
        if (type == typeof(float)) return 7.5f;
        if (type == typeof(decimal)) return 7.5m;
        if (type == typeof(Guid)) return Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
        if (type == typeof(DateTime)) return new DateTime(2026, 12, 7, 20, 0, 0, DateTimeKind.Utc);
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 12, 7, 20, 0, 0, TimeSpan.Zero);
        if (type == typeof(DateOnly)) return new DateOnly(2026, 12, 7);
        if (type == typeof(TimeOnly)) return new TimeOnly(20, 0);
        if (type == typeof(TimeSpan)) return TimeSpan.FromSeconds(90);
        if (type.IsEnum) return Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1)!;
        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(Sample(type.GetElementType()!, depth + 1), 0);
            return array;
        }
        if (type.IsGenericType && type.GetGenericArguments() is { Length: 2 } kv && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(kv))!;
            dictionary.Add(Sample(kv[0], depth + 1), Sample(kv[1], depth + 1));
            return dictionary;
        }
        if (type.IsGenericType && type.GetGenericArguments() is { Length: 1 } element && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Sample(element[0], depth + 1));
            return list;
        }
        if (depth > 6) throw new InvalidOperationException($"{type} nests too deep for a sample");
        if (type.IsAbstract || type.IsInterface)
        {
            type = type.Assembly.GetTypes().First(t => type.IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false });
        }
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is null)
        {
            return Activator.CreateInstance(type)!;
        }
        var value = constructor.Invoke(constructor.GetParameters().Select(p => Sample(p.ParameterType, depth + 1)).ToArray());
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            if (property.GetValue(value) is null)
            {
                property.SetValue(value, Sample(property.PropertyType, depth + 1));
            }
        }
        return value;
    }
}
