namespace LiveState.Blazor.Redis.Tests.Faults;

/// <summary>
/// The Redis fault tests: each starts a redis-server of its own and breaks it. Their bounds follow the configured
/// timeouts; they run one at a time, beside no other test class, so a busy machine does not stretch them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "redis-faults";
}
