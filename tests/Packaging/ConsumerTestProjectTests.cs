using System.Diagnostics;
using LiveState.Blazor.Packaging.Tests.Infrastructure;

namespace LiveState.Blazor.Packaging.Tests;

/// <summary>A bUnit test project written from scratch outside the repository on LiveState.Blazor.Testing builds.</summary>
[Collection("packages")]
public sealed class ConsumerTestProjectTests(PackedFeed feed, ITestOutputHelper output)
{
    [Fact]
    public async Task BunitTestProjectOnTheTestingPackageBuildsWithWarningsAsErrors()
    {
        var project = feed.NewDirectory("ConsumerApp.Tests");
        File.WriteAllText(Path.Combine(project, "ConsumerApp.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Razor">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LiveState.Blazor.Testing" Version="{feed.Version}" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="{feed.PinnedVersion("Microsoft.NET.Test.Sdk")}" />
                <PackageReference Include="xunit" Version="{feed.PinnedVersion("xunit")}" />
                <PackageReference Include="xunit.runner.visualstudio" Version="{feed.PinnedVersion("xunit.runner.visualstudio")}" />
              </ItemGroup>
            </Project>
            """);

        // bunit and LiveState.Blazor come with the Testing package; nothing references them directly.
        File.WriteAllText(Path.Combine(project, "GroupBadge.razor"), """
            @using LiveState.Blazor

            <span class="badge">@(State?.Identity.GroupId ?? "no group")</span>

            @code {
                [CascadingParameter]
                public SessionGroupState? State { get; set; }
            }
            """);
        File.WriteAllText(Path.Combine(project, "GroupBadgeTests.cs"), """
            using Bunit;
            using LiveState.Blazor;
            using Xunit;

            namespace ConsumerApp.Tests;

            public sealed class GroupBadgeTests : BunitContext
            {
                [Fact]
                public void WithoutStateTheBadgeSaysSo()
                {
                    var badge = Render<GroupBadge>();

                    badge.MarkupMatches("<span class=\"badge\">no group</span>");
                }

                [Fact]
                public void UserGroupsArePrefixed() =>
                    Assert.StartsWith(LiveIdentity.UserGroupPrefix, LiveIdentity.UserGroup("alice"), StringComparison.Ordinal);
            }
            """);

        var clock = Stopwatch.StartNew();
        await DotNet.RunAsync(project, ["build", "-c", "Release", "-warnaserror", "-nodeReuse:false", "-nologo"], log: output);
        output.WriteLine($"restore and build of the test project: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(File.Exists(Path.Combine(project, "bin", "Release", "net10.0", "ConsumerApp.Tests.dll")));
    }
}
