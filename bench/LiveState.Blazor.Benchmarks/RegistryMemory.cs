using System.Globalization;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Benchmarks.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// Managed memory the circuit registry holds per registered circuit, over 100,000 circuits: the retained heap
/// (<see cref="GC.GetTotalMemory(bool)"/> with a full collection, before and after) and everything allocated on the
/// way (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, garbage included). Target: at most 1 KB per circuit.
/// </summary>
internal static class RegistryMemory
{
    public static int Run(int circuits)
    {
        Console.WriteLine($"Registry memory, {circuits:N0} signed-in circuits (group and user indexes full), one render target each.");
        Console.WriteLine();

        // Circuit ids and identities exist without LiveState (Blazor and the resolver make them): first measure
        // the registry's own structures, then everything, the strings and identities included.
        var random = new Random(20_251_128);
        var ids = new string[circuits];
        var identities = new LiveIdentity[circuits];
        for (var i = 0; i < circuits; i++)
        {
            ids[i] = World.CircuitId(random);
            var user = World.UserOf(i);
            identities[i] = new LiveIdentity(LiveIdentity.UserGroup(user), user);
        }

        var target = new LiveTarget(new FakeComponent());
        var (retained, allocated) = Measure(() =>
        {
            var registry = NewRegistry();
            for (var i = 0; i < circuits; i++)
            {
                registry.Register(ids[i], identities[i]).AddTarget(target);
            }

            return registry;
        });
        Report("registry structures (ids and identities made beforehand)", retained, allocated, circuits);

        var (retainedAll, allocatedAll) = Measure(() =>
        {
            var registry = NewRegistry();
            var random = new Random(7);
            for (var i = 0; i < circuits; i++)
            {
                var user = World.UserOf(i);
                registry.Register(World.CircuitId(random), new LiveIdentity(LiveIdentity.UserGroup(user), user)).AddTarget(target);
            }

            return registry;
        });
        Report("everything (ids, identities and registry)", retainedAll, allocatedAll, circuits);

        GC.KeepAlive(ids);
        GC.KeepAlive(identities);
        return retainedAll / (double)circuits <= 1024 ? 0 : 1;
    }

    private static CircuitRegistry NewRegistry() => new(TimeProvider.System, NullLogger<CircuitRegistry>.Instance);

    private static (long Retained, long Allocated) Measure(Func<object> build)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var built = build();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(built);
        return (after - before, allocated);
    }

    private static void Report(string what, long retained, long allocated, int circuits) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}:\n  retained  {retained,14:N0} bytes = {retained / (double)circuits,8:N1} bytes per circuit\n  allocated {allocated,14:N0} bytes = {allocated / (double)circuits,8:N1} bytes per circuit (garbage included)\n"));
}
