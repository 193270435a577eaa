namespace LiveState.Blazor.Broadcasting;

/// <summary>A thread-pool worker of a <see cref="Delivery"/>; it requeues itself, after each slice, while its delivery has circuits left.</summary>
internal sealed class DeliveryWorker(Delivery delivery) : IThreadPoolWorkItem
{
    private bool _started;

    public void Execute()
    {
        var first = !_started;
        _started = true;
        if (delivery.Work(replicate: first))
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
