using System.Collections.Concurrent;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Queues this server's writers of one slot, so that servers contend for a slot in Redis, not every writer of
/// every server: with sixteen writers on two servers, a compare-and-set round has two contenders, not sixteen.
/// The queue also remembers the snapshot its last writer stored, so the next one computes from it without a read
/// (if another server wrote meanwhile, the compare-and-set says so and hands over the newer one).
/// </summary>
/// <remarks>An entry lives only while someone holds or waits for it, so the map holds the slots being written now.</remarks>
internal sealed class SlotWriters
{
    private readonly ConcurrentDictionary<(string Group, string Slot), Gate> _gates = new();

    public int Count => _gates.Count;

    public async ValueTask<Gate> EnterAsync(string groupId, string slotKey, CancellationToken cancellationToken)
    {
        var key = (groupId, slotKey);
        Gate gate;
        while (true)
        {
            gate = _gates.GetOrAdd(key, static _ => new Gate());
            lock (gate)
            {
                // A gate its last user just removed is dead: take (or make) the live one.
                if (!gate.Dead)
                {
                    gate.Users++;
                    break;
                }
            }
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, gate, entered: false);
            throw;
        }

        gate.Key = key;
        return gate;
    }

    public void Exit(Gate gate) => Leave(gate.Key, gate, entered: true);

    private void Leave((string, string) key, Gate gate, bool entered)
    {
        if (entered)
        {
            gate.Semaphore.Release();
        }

        lock (gate)
        {
            if (--gate.Users == 0)
            {
                gate.Dead = true;
                _gates.TryRemove(new KeyValuePair<(string, string), Gate>(key, gate));
            }
        }
    }

    internal sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public (string Group, string Slot) Key { get; set; }

        /// <summary>The slot as this server last stored or saw it, a <c>SessionGroupSlot&lt;T&gt;</c>; null when unknown.</summary>
        public object? LastKnown { get; set; }

        public int Users { get; set; }

        public bool Dead { get; set; }
    }
}
