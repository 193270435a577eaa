using Bunit;
using LiveState.Blazor.Testing.Tests.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Testing.Tests.State;

public sealed class GroupStateTests : IDisposable
{
    private readonly BunitContext _ctx = new();

    public GroupStateTests() => _ctx.AddLiveState();

    public void Dispose() => _ctx.Dispose();

    [Fact]
    public async Task SeededStateIsWhatTheServiceAndTheStoreHold()
    {
        _ctx.SetGroupState("team:red", new CounterState { Count = 4 });

        var states = _ctx.Services.GetRequiredService<ISessionGroupStateService>();
        Assert.Equal(4, (await states.GetAsync<CounterState>("team:red")).Count);
        Assert.Equal(4, _ctx.GetGroupState<CounterState>("team:red").Count);
        Assert.Equal(0, _ctx.GetGroupState<CounterState>("team:blue").Count);
    }

    [Fact]
    public void WhatATabWritesIsReadBack()
    {
        var counter = _ctx.RenderLive<CounterButton>(LiveTestIdentity.Browser("laptop"));

        counter.Find("button.increment").Click();

        counter.WaitForAssertion(() => Assert.Equal("1", counter.Find(".count").TextContent), Deadline.Render);
        Assert.Equal(1, _ctx.GetGroupState<CounterState>(LiveIdentity.BrowserGroup("laptop")).Count);
    }

    [Fact]
    public void SeedingOneGroupReRendersOnlyItsTabs()
    {
        var laptop = _ctx.OpenCircuit(LiveTestIdentity.Browser("laptop"));
        var phone = _ctx.OpenCircuit(LiveTestIdentity.Browser("phone"));
        var laptopCounter = laptop.Render<CounterButton>();
        var phoneCounter = phone.Render<CounterButton>();

        _ctx.SetGroupState(LiveIdentity.BrowserGroup("laptop"), new CounterState { Count = 9 });

        Assert.Equal("9", laptopCounter.Find(".count").TextContent);
        Assert.Equal("0", phoneCounter.Find(".count").TextContent);
        Assert.Equal((1, 0), (laptop.RerenderCount, phone.RerenderCount));
    }

    [Fact]
    public void ImmutableStateIsReplacedWhole()
    {
        _ctx.SetGroupState("user:alice", new TodoState().Add("one").Add("two"));

        _ctx.SetGroupState("user:alice", new TodoState().Add("three"));

        Assert.Equal(["three"], _ctx.GetGroupState<TodoState>("user:alice").Items);
    }
}
