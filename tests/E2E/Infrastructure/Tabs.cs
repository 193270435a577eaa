namespace LiveState.Blazor.E2E.Tests.Infrastructure;

/// <summary>Waits for tabs opened side by side: independent browsers need not load one after another.</summary>
public static class Tabs
{
    public static async Task<(TodoPage, TodoPage, TodoPage)> AllAsync(Task<TodoPage> a, Task<TodoPage> b, Task<TodoPage> c)
    {
        await Task.WhenAll(a, b, c);
        return (await a, await b, await c);
    }

    public static async Task<(TodoPage, TodoPage, TodoPage, TodoPage)> AllAsync(Task<TodoPage> a, Task<TodoPage> b, Task<TodoPage> c, Task<TodoPage> d)
    {
        await Task.WhenAll(a, b, c, d);
        return (await a, await b, await c, await d);
    }

    public static async Task<(TodoPage, TodoPage, TodoPage, TodoPage, TodoPage)> AllAsync(Task<TodoPage> a, Task<TodoPage> b, Task<TodoPage> c, Task<TodoPage> d, Task<TodoPage> e)
    {
        await Task.WhenAll(a, b, c, d, e);
        return (await a, await b, await c, await d, await e);
    }

    public static async Task<(TodoPage, TodoPage, TodoPage, TodoPage, TodoPage, TodoPage)> AllAsync(Task<TodoPage> a, Task<TodoPage> b, Task<TodoPage> c, Task<TodoPage> d, Task<TodoPage> e, Task<TodoPage> f)
    {
        await Task.WhenAll(a, b, c, d, e, f);
        return (await a, await b, await c, await d, await e, await f);
    }
}
