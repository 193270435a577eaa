using System.Runtime.CompilerServices;

namespace LiveState.Blazor.E2E.Tests.Infrastructure;

/// <summary>Base of the browser tests: runs a test body with its own <see cref="BrowserSession"/> and keeps artifacts of failures.</summary>
[Collection(E2ECollection.Name)]
public abstract class BrowserTest(E2EFixture fixture)
{
    protected E2EFixture Fixture { get; } = fixture;

    /// <summary>Runs <paramref name="body"/>; if it fails, saves screenshots, HTML and the server log under TestResults/e2e-artifacts/&lt;test&gt;/.</summary>
    protected async Task RunAsync(Func<BrowserSession, Task> body, [CallerMemberName] string test = "")
    {
        var mark = Fixture.Server.Log.Mark();
        await using var session = new BrowserSession(Fixture);
        try
        {
            await body(session);
        }
        catch (Exception failure)
        {
            var directory = Path.Combine(ArtifactsRoot, $"{GetType().Name}.{test}");
            await session.SaveArtifactsAsync(directory, failure, Fixture.Server.Log.Since(mark));
            throw;
        }
    }

    /// <summary>A title no other test or run uses, so tests that share a user's list never read each other's items.</summary>
    internal static string Unique(string text) => $"{text} {Guid.NewGuid().ToString("N")[..8]}";

    internal static string ArtifactsRoot =>
        Environment.GetEnvironmentVariable("E2E_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Repository.TryFindRoot() ?? AppContext.BaseDirectory, "TestResults", "e2e-artifacts");
}
