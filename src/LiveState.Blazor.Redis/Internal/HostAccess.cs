namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// The <see cref="ILiveStateHost"/> the core hands the backend when it starts, for the parts of the package that need it
/// (the store's cached snapshots, deliveries, the local circuits): null before the backend starts.
/// </summary>
internal sealed class HostAccess
{
    private ILiveStateHost? _current;

    public ILiveStateHost? Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }
}
