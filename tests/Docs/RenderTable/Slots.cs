namespace LiveState.Blazor.Docs.RenderTable;

public sealed class SlotA
{
    public int N { get; set; }
}

public sealed class SlotB
{
    public int N { get; set; }
}
