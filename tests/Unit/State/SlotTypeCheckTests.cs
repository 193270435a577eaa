using System.Collections.Immutable;
using System.Text.Json.Serialization;
using LiveState.Blazor.Tests.Infrastructure;

namespace LiveState.Blazor.Tests.State;

/// <summary>
/// Issue 11, item 4: a slot type whose content would not survive the System.Text.Json copy (and any store that
/// serializes) is refused on first use with an exception naming the type and member; the shapes that do survive work.
/// </summary>
public sealed class SlotTypeCheckTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    public sealed class GetOnlyList
    {
        public List<string> Items { get; } = [];
    }

    public sealed class PrivateSetter
    {
        public string Name { get; private set; } = string.Empty;

        public void Rename(string name) => Name = name;
    }

    public sealed class PublicField
    {
        public int Count;
    }

    public sealed class PrivateState
    {
        private readonly List<string> _items = [];

        public IReadOnlyList<string> Items => _items;

        public void Add(string item) => _items.Add(item);
    }

    public sealed class InterfaceMember
    {
        public IShape? Shape { get; set; }
    }

    public interface IShape
    {
        double Area { get; }
    }

    public sealed class ObjectMember
    {
        public object? Anything { get; set; }
    }

    public sealed class TupleMember
    {
        public (int X, int Y) Point { get; set; }
    }

    public sealed class Outer
    {
        public Inner Inner { get; set; } = new();
    }

    public sealed class Inner
    {
        public List<int> Values { get; } = [];
    }

    public sealed class PrimaryConstructor(int seed)
    {
        public PrimaryConstructor()
            : this(0)
        {
        }

        public int Next() => seed + 1;
    }

    public sealed class ListOfBadItems
    {
        public List<PrivateSetter> People { get; set; } = [];
    }

    public static TheoryData<Type, string> Refused() => new()
    {
        { typeof(GetOnlyList), "GetOnlyList.Items" },
        { typeof(PrivateSetter), "PrivateSetter.Name" },
        { typeof(PublicField), "PublicField.Count" },
        { typeof(PrivateState), "PrivateState._items" },
        { typeof(InterfaceMember), "InterfaceMember.Shape" },
        { typeof(ObjectMember), "ObjectMember.Anything" },
        { typeof(TupleMember), "TupleMember.Point" },
        { typeof(Outer), "Outer.Inner.Values" },
        { typeof(ListOfBadItems), "ListOfBadItems.People[].Name" },
        { typeof(PrimaryConstructor), "PrimaryConstructor.<seed>P" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ATypeThatWouldLoseDataIsRefusedOnFirstUseNamingTheMember(Type slotType, string member)
    {
        var read = typeof(SlotTypeCheckTests).GetMethod(nameof(ReadAndUpdateAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.MakeGenericMethod(slotType);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => (Task)read.Invoke(this, null)!);

        Assert.Contains(slotType.Name, refused.Message, StringComparison.Ordinal);
        Assert.Contains(member, refused.Message, StringComparison.Ordinal);
        await foreach (var group in _server.States.ListGroupsAsync())
        {
            Assert.Fail($"a refused type stored something in {group}");
        }
    }

    private async Task ReadAndUpdateAsync<T>() where T : class, new()
    {
        // Reading is refused as well as writing: a render would otherwise show data that the next update loses.
        Assert.Throws<InvalidOperationException>(() => _server.States.Get<T>("g"));
        await _server.States.MutateAsync<T>("g", _ => { });
    }

    public sealed class Settable
    {
        public List<string> Items { get; set; } = [];

        public Dictionary<string, int> Counts { get; set; } = [];

        [JsonIgnore]
        public int Cached { get; set; }

        public int Total => Items.Count;
    }

    public sealed class Populated
    {
        [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
        public List<string> Items { get; } = [];
    }

    public sealed record Positional(string Name, ImmutableList<int> Values)
    {
        public Positional()
            : this(string.Empty, [])
        {
        }
    }

    public sealed class Included
    {
        [JsonInclude]
        public int Count;

        [JsonInclude]
        public string Name { get; private set; } = string.Empty;

        public void Rename(string name) => Name = name;
    }

    [Fact]
    public async Task ShapesThatRoundTripAreKeptWhole()
    {
        var settable = await _server.States.MutateAsync<Settable>("g", s => { s.Items.Add("a"); s.Counts["a"] = 1; });
        settable = await _server.States.MutateAsync<Settable>("g", s => s.Items.Add("b"));
        Assert.Equal(["a", "b"], settable.Items);
        Assert.Equal(2, settable.Total);

        // A get-only collection marked to be populated survives the copy: three adds keep three items.
        for (var i = 0; i < 3; i++)
        {
            await _server.States.MutateAsync<Populated>("g", p => p.Items.Add($"item {i}"));
        }

        Assert.Equal(3, _server.States.Get<Populated>("g").Items.Count);

        var positional = await _server.States.ReplaceAsync<Positional>("g", p => p with { Name = "n", Values = p.Values.Add(1) });
        Assert.Equal(("n", 1), (positional.Name, positional.Values.Single()));

        await _server.States.MutateAsync<Included>("g", s => { s.Count = 2; s.Rename("x"); });
        var included = await _server.States.MutateAsync<Included>("g", s => s.Count++);
        Assert.Equal((3, "x"), (included.Count, included.Name));
    }
}
