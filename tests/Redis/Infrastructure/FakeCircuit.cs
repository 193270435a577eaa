using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Redis.Tests.Infrastructure;

/// <summary>
/// A circuit registered with a node's registry whose render target counts renders (and, if asked, reads state
/// as a component would while rendering). Broadcasts reach it exactly as they reach a real circuit.
/// </summary>
internal sealed class FakeCircuit : ILiveRenderTarget
{
    private readonly LiveNode _node;
    private readonly Action<FakeCircuit>? _onRender;
    private readonly Lock _dispatcher = new();
    private int _renders;

    public FakeCircuit(LiveNode node, string id, LiveIdentity identity, Action<FakeCircuit>? onRender)
    {
        _node = node;
        _onRender = onRender;
        Id = id;
        Identity = identity;
        Entry = node.LocalRegistry.Register(id, identity);
        Entry.AddTarget(this);
    }

    public string Id { get; }

    public LiveIdentity Identity { get; }

    public LiveNode Node => _node;

    public LiveCircuit Entry { get; }

    public int Renders => Volatile.Read(ref _renders);

    // Reads everything a page could: any slot, the presence, broadcasts.
    public bool Wants(in LiveChange change, LiveIdentity identity) => true;

    public Task? InvokeAsync(Func<Task> work) => null;

    public Task Render()
    {
        // One render at a time, as a circuit's dispatcher runs them.
        lock (_dispatcher)
        {
            _onRender?.Invoke(this);
            Interlocked.Increment(ref _renders);
        }

        return Task.CompletedTask;
    }

    public void Close() => _node.LocalRegistry.Unregister(Id);

    public override string ToString() => $"{Id} on {_node.Name} ({Identity})";
}
