using Bunit;
using LiveState.Blazor.Docs.RenderTable;
using LiveState.Blazor.Testing;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs;

/// <summary>docs/state.md, "What re-renders on what": each row of the table, counted in a tab of a group.</summary>
public sealed class RenderTableTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly LiveIdentity Laptop = LiveTestIdentity.Browser("laptop");

    private readonly BunitContext _ctx = new();
    private readonly LiveTestCircuit _tab;
    private readonly LiveTestCircuit _otherTab;
    private readonly Dictionary<string, Func<int>> _renderCounts = [];
    private Dictionary<string, int> _counts = [];

    public RenderTableTests()
    {
        _ctx.AddLiveState();
        _tab = _ctx.OpenCircuit(Laptop);
        _otherTab = _ctx.OpenCircuit(Laptop);
        Add<ReadsA>(_tab);
        Add<ReadsB>(_tab);
        Add<ReadsPresence>(_tab);
        Add<WatchesA>(_tab, p => p.Add(c => c.GroupId, "team:red"));
        Add<TakesCascadeReadsA>(_tab);
        Add<TakesCascade>(_tab);
        Add<Plain>(_tab);
        var elsewhere = _ctx.RenderLive<ReadsA>(LiveTestIdentity.Browser("phone"));
        _renderCounts["ReadsA in another browser"] = () => elsewhere.RenderCount;
        _counts = Counts();
    }

    public void Dispose() => _ctx.Dispose();

    [Fact]
    public async Task An_update_of_a_slot_renders_its_readers_and_the_cascade_takers_of_circuits_that_read_it_through_the_cascade()
    {
        await _otherTab.State.MutateAsync<SlotA>(a => a.N++);

        await AssertRenderedAsync("ReadsA", "TakesCascadeReadsA", "TakesCascade");
    }

    [Fact]
    public async Task An_update_of_a_slot_nobody_read_through_the_cascade_renders_its_readers_only()
    {
        await _otherTab.State.MutateAsync<SlotB>(b => b.N++);

        await AssertRenderedAsync("ReadsB");
    }

    [Fact]
    public async Task An_update_of_another_group_renders_the_components_watching_it_by_id()
    {
        await _ctx.Services.GetRequiredService<ISessionGroupStateService>().MutateAsync<SlotA>("team:red", a => a.N++);

        await AssertRenderedAsync("WatchesA");
    }

    [Fact]
    public async Task A_tab_opening_renders_the_presence_readers()
    {
        _ctx.OpenCircuit(Laptop);

        await AssertRenderedAsync("ReadsPresence");
    }

    [Fact]
    public async Task A_broadcast_renders_everything_live_in_the_circuits_it_reaches()
    {
        await _ctx.Services.GetRequiredService<ILiveBroadcaster>().BroadcastToGroupAsync(Laptop.GroupId);

        await AssertRenderedAsync("ReadsA", "ReadsB", "ReadsPresence", "WatchesA", "TakesCascadeReadsA", "TakesCascade");
    }

    [Fact]
    public async Task A_sign_in_renders_everything_live_in_the_circuit()
    {
        _tab.MoveTo(LiveTestIdentity.User("alice"));

        await AssertRenderedAsync("ReadsA", "ReadsB", "ReadsPresence", "WatchesA", "TakesCascadeReadsA", "TakesCascade");
    }

    private void Add<T>(LiveTestCircuit tab, Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : IComponent
    {
        var rendered = tab.Render(parameters);
        _renderCounts[typeof(T).Name] = () => rendered.RenderCount;
    }

    private Dictionary<string, int> Counts() => _renderCounts.ToDictionary(c => c.Key, c => c.Value());

    /// <summary>The named components rendered again (at least once), and no other did.</summary>
    private async Task AssertRenderedAsync(params string[] expected)
    {
        foreach (var name in expected)
        {
            await Wait.UntilAsync(() => _renderCounts[name]() > _counts[name], $"{name} rendered again", Deadline);
        }

        var rendered = Counts().Where(c => c.Value > _counts[c.Key]).Select(c => c.Key).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), rendered);
    }
}
