using LiveState.Blazor.Benchmarks.Infrastructure;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// The hand-off ratio targets (no rendering: each tab's <c>StateHasChanged</c> bumps a counter), three sides paired:
/// baseline 1 (one singleton event every component filters), baseline 2 (dictionaries of per-user and per-group
/// callbacks) and LiveState (<see cref="Broadcasting.Broadcaster"/>). Targeted broadcasts go to random targets drawn
/// from N = 100,000 tabs, each its own user and group, never the same target call after call; baseline 2 is their
/// reference. Broadcasts to all are compared per tab with baseline 1, at N = 100, 10,000 and 100,000.
/// </summary>
internal static class PairedRatios
{
    private static readonly string[] Sides = ["baseline 1", "baseline 2", "LiveState"];
    private static readonly (int, int)[] Ratios = [(2, 1), (2, 0)];

    public static int Run(int rounds, int[] sizes)
    {
        Paired.PrintEnvironment($"Paired hand-off ratios (no rendering): {rounds} rounds of {Paired.Window.TotalMilliseconds:F0} ms per side after {Paired.Warmup.TotalSeconds:F0} s of warm-up per side, order alternating; medians over rounds; CPU ratio = median of the per-round ratios, bootstrap 95% interval over rounds");
        Console.WriteLine(Paired.Header(Sides, Ratios));
        foreach (var n in sizes)
        {
            using var world = World.Create(n);
            var broadcaster = world.Broadcaster;

            // Random targets, the same sequence for every side: tabs 6.. are one user (and one group) each.
            var draws = Targets.Draw(n, first: 6, count: 1 << 16, seed: 1);
            var users = new Targets(draws.Select(t => world.UserIds[t]).ToArray());
            var threeUsers = new ThreeAtATime(users.All);
            var groups = new Targets(draws.Select(t => world.GroupIds[t]).ToArray());

            if (n >= 10_000)
            {
                var b1Users = threeUsers.Cursor();
                var b2Users = threeUsers.Cursor();
                var liveUsers = threeUsers.Cursor();
                Report("ToUsers, 3 random users (3 tabs)", n, 1, rounds,
                    new("baseline 1", () => Sync(() => world.Notifier.NotifyUsers(b1Users.Next()), 3), Renders(world.SingleEventComponents, 3)),
                    new("baseline 2", () => Sync(() => NotifyEach(world.PerUser, b2Users.Next()), 3), Renders(world.PerUserComponents, 3)),
                    new("LiveState", () => broadcaster.BroadcastToUsersAsync(liveUsers.Next()), Renders(world.LiveComponents, 3)));

                var b1Group = groups.Cursor();
                var b2Group = groups.Cursor();
                var liveGroup = groups.Cursor();
                Report("ToGroup, 1 random group (1 tab)", n, 1, rounds,
                    new("baseline 1", () => Sync(() => world.Notifier.NotifyGroup(b1Group.Next()), 1), Renders(world.SingleEventComponents, 1)),
                    new("baseline 2", () => Sync(() => world.PerGroup.NotifyUser(b2Group.Next()), 1), Renders(world.PerUserComponents, 1)),
                    new("LiveState", () => broadcaster.BroadcastToGroupAsync(liveGroup.Next()), Renders(world.LiveComponents, 1)));
            }

            Report("ToAll, per tab", n, n, rounds,
                new("baseline 1", () => Sync(world.Notifier.NotifyAll, n), Renders(world.SingleEventComponents, n)),
                new("baseline 2", () => Sync(() => world.PerUser.NotifyAll(), n), Renders(world.PerUserComponents, n)),
                new("LiveState", () => broadcaster.BroadcastToAllAsync(), Renders(world.LiveComponents, n)));
        }

        Console.WriteLine();
        Console.WriteLine($"Times are per broadcast (per tab for ToAll). Ratios: LiveState / baseline 2 (the reference for targeted sends) and LiveState / baseline 1 (the reference for broadcasts to all). Load average now {Paired.LoadAverage()}.");
        return 0;
    }

    private static void Report(string name, int n, int per, int rounds, params PairedSide[] sides)
    {
        var results = Paired.Run(sides, rounds);
        Console.WriteLine(Paired.Row(name, n, per, results, Ratios));
    }

    private static ValueTask<int> Sync(Action notify, int reached)
    {
        notify();
        return ValueTask.FromResult(reached);
    }

    private static void NotifyEach(PerUserEventLists lists, string[] users)
    {
        foreach (var user in users)
        {
            lists.NotifyUser(user);
        }
    }

    /// <summary>A check that the side rendered exactly <paramref name="perOperation"/> tabs per operation, over the whole window.</summary>
    private static Func<Action<long>> Renders(List<FakeComponent> components, int perOperation) => () =>
    {
        var before = World.Renders(components);
        return operations =>
        {
            var rendered = World.Renders(components) - before;
            if (rendered != operations * perOperation)
            {
                throw new InvalidOperationException($"{rendered} tabs rendered in {operations} operations; expected {perOperation} per operation.");
            }
        };
    };
}
