namespace LiveState.Blazor.Circuits;

/// <summary>Raises a registry's <see cref="ILiveCircuitRegistry.Changed"/> so that one failing handler never keeps the others from hearing.</summary>
internal static class RegistryChanges
{
    public static void Raise(EventHandler<LiveCircuitChangedEventArgs>? handlers, object sender, LiveCircuitChangedEventArgs change, Action<Exception> onHandlerFailed)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<LiveCircuitChangedEventArgs>)handler)(sender, change);
            }
            catch (Exception ex)
            {
                onHandlerFailed(ex);
            }
        }
    }
}
