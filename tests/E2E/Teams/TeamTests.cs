using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Teams;

public sealed class TeamTests(E2EFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task TeamMembersShareTheTeamListAndAnotherTeamDoesNotSeeIt() => RunAsync(async session =>
    {
        // alice and carol are on team rockets; bob is on team comets.
        var (alice, carol, bob) = await Tabs.AllAsync(
            session.SignedInAsync("alice", "team"),
            session.SignedInAsync("carol", "team"),
            session.SignedInAsync("bob", "team"));
        await Expect(alice.Page.GetByTestId("team-name")).ToHaveTextAsync("Team rockets");
        await Expect(bob.Page.GetByTestId("team-name")).ToHaveTextAsync("Team comets");

        var launch = Unique("Plan the launch");
        var fuel = Unique("Order fuel");
        await alice.AddAsync(launch);
        await carol.Item(launch).WaitForAsync();
        await carol.AddAsync(fuel);
        await alice.Item(fuel).WaitForAsync();
        await carol.ToggleAsync(launch);
        await alice.ExpectDoneAsync(launch, done: true);

        await bob.FenceAsync();
        await bob.ExpectNoItemAsync(launch);
        await bob.ExpectNoItemAsync(fuel);
        await bob.ReloadAsync();
        await bob.ExpectNoItemAsync(launch);

        // The team list is not anyone's personal list.
        await alice.GotoAsync();
        await alice.ExpectNoItemAsync(launch);
    });
}
