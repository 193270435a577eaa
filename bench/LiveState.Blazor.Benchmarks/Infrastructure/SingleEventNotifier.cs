namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// Baseline 1, what Blazor developers write today: a singleton with one <c>event Action Changed</c>. Every
/// component subscribes, and on every change each one checks whether the change concerns it.
/// </summary>
internal sealed class SingleEventNotifier
{
    public event Action? Changed;

    /// <summary>The group the current change is for, or null.</summary>
    public string? ChangedGroup { get; private set; }

    /// <summary>The users the current change is for, or null.</summary>
    public string[]? ChangedUsers { get; private set; }

    /// <summary>Whether the current change is for everybody.</summary>
    public bool ChangedAll { get; private set; }

    public void NotifyGroup(string groupId)
    {
        ChangedGroup = groupId;
        ChangedUsers = null;
        ChangedAll = false;
        Changed?.Invoke();
    }

    public void NotifyUsers(string[] userIds)
    {
        ChangedGroup = null;
        ChangedUsers = userIds;
        ChangedAll = false;
        Changed?.Invoke();
    }

    public void NotifyAll()
    {
        ChangedGroup = null;
        ChangedUsers = null;
        ChangedAll = true;
        Changed?.Invoke();
    }
}

/// <summary>A component's side of baseline 1: subscribe, filter, <c>InvokeAsync(StateHasChanged)</c>.</summary>
internal sealed class SingleEventSubscriber
{
    private readonly SingleEventNotifier _notifier;
    private readonly FakeComponent _component;
    private readonly string _groupId;
    private readonly string? _userId;

    public SingleEventSubscriber(SingleEventNotifier notifier, FakeComponent component, string groupId, string? userId)
    {
        _notifier = notifier;
        _component = component;
        _groupId = groupId;
        _userId = userId;
        notifier.Changed += OnChanged;
    }

    public FakeComponent Component => _component;

    private void OnChanged()
    {
        var concernsMe = _notifier.ChangedAll
            || string.Equals(_notifier.ChangedGroup, _groupId, StringComparison.Ordinal)
            || (_userId is not null && _notifier.ChangedUsers is { } users && Array.IndexOf(users, _userId) >= 0);
        if (concernsMe)
        {
            _ = _component.InvokeAsync(_component.StateHasChanged);
        }
    }
}
