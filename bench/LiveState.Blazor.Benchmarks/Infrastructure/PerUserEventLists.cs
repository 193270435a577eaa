namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// Baseline 2, the careful hand-written version: a singleton dictionary of per-user (or per-group: the key is any id)
/// callback lists, kept under a lock; a notification copies the key's list and calls each component's
/// <c>InvokeAsync(StateHasChanged)</c>.
/// </summary>
internal sealed class PerUserEventLists
{
    private readonly Dictionary<string, List<FakeComponent>> _byUser = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Subscribe(string userId, FakeComponent component)
    {
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var list))
            {
                _byUser[userId] = list = [];
            }

            list.Add(component);
        }
    }

    /// <summary>Re-renders every component of one user; returns how many.</summary>
    public int NotifyUser(string userId)
    {
        FakeComponent[] components;
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var list))
            {
                return 0;
            }

            components = [.. list];
        }

        foreach (var component in components)
        {
            _ = component.InvokeAsync(component.StateHasChanged);
        }

        return components.Length;
    }

    /// <summary>Re-renders every subscribed component; returns how many.</summary>
    public int NotifyAll()
    {
        List<FakeComponent> all;
        lock (_gate)
        {
            all = [];
            foreach (var list in _byUser.Values)
            {
                all.AddRange(list);
            }
        }

        foreach (var component in all)
        {
            _ = component.InvokeAsync(component.StateHasChanged);
        }

        return all.Count;
    }
}
