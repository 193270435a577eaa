using System.Runtime.CompilerServices;

namespace LiveState.Blazor.Circuits;

/// <summary>
/// Which circuit a thread is rendering for: each circuit's dispatcher runs its renders under a synchronization context
/// of its own, noted here the first time a component of the circuit runs on it. Lets a read made during a render
/// (<c>ISessionGroupStateService.Get</c> of a group, from any component) know which circuit asked, so that the answer of
/// a remote store re-renders that circuit and no other.
/// </summary>
internal sealed class DispatcherIndex
{
    private readonly ConditionalWeakTable<SynchronizationContext, LiveCircuit> _circuits = new();

    /// <summary>Notes that the current synchronization context is <paramref name="circuit"/>'s dispatcher.</summary>
    public void Note(LiveCircuit circuit)
    {
        if (SynchronizationContext.Current is { } context)
        {
            _circuits.AddOrUpdate(context, circuit);
        }
    }

    /// <summary>The live circuit whose dispatcher the current thread runs on, or null.</summary>
    public LiveCircuit? Current =>
        SynchronizationContext.Current is { } context && _circuits.TryGetValue(context, out var circuit) && !circuit.Removed ? circuit : null;
}
