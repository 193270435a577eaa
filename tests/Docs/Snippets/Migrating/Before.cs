using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs.Snippets.Migrating;

public static class BeforeSetup
{
    public static void Register(WebApplicationBuilder builder)
    {
        // snippet-begin: scoped-register
        builder.Services.AddScoped<CartState>();   // one per circuit: every tab has its own cart
        // snippet-end: scoped-register

        // snippet-begin: singleton-register
        builder.Services.AddSingleton<ChatRoom>(); // one for the whole server: everybody, every tab
        // snippet-end: singleton-register
    }
}

// snippet-begin: scoped-service
public sealed class CartState
{
    public List<string> Items { get; } = [];

    public void Add(string item) => Items.Add(item);
}
// snippet-end: scoped-service

// snippet-begin: singleton-service
public sealed class ChatRoom
{
    private readonly List<string> _messages = [];

    public event Action? Changed;

    public IReadOnlyList<string> Messages
    {
        get { lock (_messages) { return [.. _messages]; } }
    }

    public void Post(string text)
    {
        lock (_messages) { _messages.Add(text); }
        Changed?.Invoke();   // runs every subscriber's handler on this thread, one after another
    }
}
// snippet-end: singleton-service
