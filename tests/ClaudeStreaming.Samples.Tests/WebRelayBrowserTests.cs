using ClaudeStreaming.Samples.Tests.Infrastructure;
using ClaudeStreaming.Testing;
using Microsoft.Playwright;

namespace ClaudeStreaming.Samples.Tests;

/// <summary>The WebRelay page in headless Chromium: the reply grows as it streams, stops on demand, shows usage.</summary>
[Collection(WebRelayTestGroup.Name)]
public sealed class WebRelayBrowserTests(WebRelayFixture relay)
{
    private const string LastReply = ".assistant:last-of-type";

    [BrowserFact]
    public async Task Page_ReplyGrowsThroughIntermediateStatesThenShowsUsage()
    {
        string[] deltas = ["Once ", "upon a time, ", "a café ", "in 日本 ", "launched a ", "🚀."];
        var gate = new DeltaGate();
        relay.Upstream.Enqueue(FakeReply.Create().TextDeltas(deltas).Usage(input: 21, output: 13).Gate(gate.WaitAsync));
        IPage page = await relay.NewPageAsync();
        await page.GotoAsync("/");

        await page.FillAsync("#prompt", "Tell me a short story about space.");
        await page.ClickAsync("#send");

        // Each delta is held by the fake server until the page shows the previous one: every prefix is seen on screen.
        string expected = "";
        for (int i = 0; i < deltas.Length; i++)
        {
            gate.Release(i);
            expected += deltas[i];
            await WaitForTextAsync(page, LastReply, expected);
            if (i < deltas.Length - 1)
            {
                Assert.Equal("streaming", await page.GetAttributeAsync(LastReply, "data-state"));
                Assert.Equal("", await page.TextContentAsync("#usage"));
            }
        }

        await WaitForTextAsync(page, "#usage", "21 input / 13 output tokens · end_turn");
        Assert.Equal("done", await page.GetAttributeAsync(LastReply, "data-state"));
        Assert.Equal("Once upon a time, a café in 日本 launched a 🚀.", await page.TextContentAsync(LastReply));
        Assert.Equal("", await page.TextContentAsync("#error"));
        Assert.True(await page.IsEnabledAsync("#send"));
        Assert.False(await page.IsEnabledAsync("#stop"));
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Page_StopButton_AbortsUpstreamAndKeepsPartialReply()
    {
        var gate = new DeltaGate();
        relay.Upstream.Enqueue(
            FakeReply.Create().TextDeltas("The ", "rocket ", "left ", "the ", "pad.").Gate(gate.WaitAsync),
            FakeReply.CreateText("Continuing from where we stopped."));
        int before = relay.Upstream.Requests.Count;
        IPage page = await relay.NewPageAsync();
        await page.GotoAsync("/");

        await page.FillAsync("#prompt", "Tell me about a launch.");
        await page.ClickAsync("#send");
        gate.ReleaseRange(0, 1);
        await WaitForTextAsync(page, LastReply, "The rocket ");
        await gate.Reached(2);
        await page.ClickAsync("#stop");

        RecordedRequest upstream = relay.Upstream.Requests[before];
        await upstream.Aborted.WaitAsync(TimeSpan.FromSeconds(30));
        await page.WaitForSelectorAsync(LastReply + "[data-state=stopped]");
        Assert.Equal("The rocket ", await page.TextContentAsync(LastReply));
        Assert.Equal("", await page.TextContentAsync("#usage"));

        // The partial reply stays in the conversation the page sends next.
        await page.FillAsync("#prompt", "Go on.");
        await page.ClickAsync("#send");
        await WaitForTextAsync(page, LastReply, "Continuing from where we stopped.");
        System.Text.Json.JsonElement messages = relay.Upstream.Requests[before + 1].Json.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.Contains("The rocket ", messages[1].GetProperty("content").GetRawText(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Page_ClosedTab_AbortsUpstream()
    {
        var gate = new DeltaGate();
        relay.Upstream.Enqueue(FakeReply.Create().TextDeltas("Never ", "finished").Gate(gate.WaitAsync));
        int before = relay.Upstream.Requests.Count;
        IPage page = await relay.NewPageAsync();
        await page.GotoAsync("/");

        await page.FillAsync("#prompt", "Hi");
        await page.ClickAsync("#send");
        gate.Release(0);
        await WaitForTextAsync(page, LastReply, "Never ");
        await gate.Reached(1);
        await page.Context.CloseAsync();

        RecordedRequest upstream = relay.Upstream.Requests[before];
        await upstream.Aborted.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(upstream.CompletedNormally);
    }

    [BrowserFact]
    public async Task Page_UpstreamError_IsShown()
    {
        relay.Upstream.Enqueue(FakeReply.HttpError(400, "invalid_request_error", "prompt is too long"));
        IPage page = await relay.NewPageAsync();
        await page.GotoAsync("/");

        await page.FillAsync("#prompt", "Hi");
        await page.ClickAsync("#send");

        await WaitForTextAsync(page, "#error", "invalid_request_error: prompt is too long");
        Assert.Equal("error", await page.GetAttributeAsync(LastReply, "data-state"));
        await page.Context.CloseAsync();
    }

    /// <summary>Waits until the last element matching <paramref name="selector"/> has exactly this text.</summary>
    private static async Task WaitForTextAsync(IPage page, string selector, string expected)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "([selector, expected]) => { const all = document.querySelectorAll(selector); return all.length > 0 && all[all.length - 1].textContent === expected; }",
                new object[] { selector, expected },
                new PageWaitForFunctionOptions { Timeout = 20_000, PollingInterval = 20 });
        }
        catch (TimeoutException)
        {
            string? actual = await page.EvaluateAsync<string?>(
                "selector => { const all = document.querySelectorAll(selector); return all.length ? all[all.length - 1].textContent : null; }",
                selector);
            Assert.Fail($"{selector} never showed \"{expected}\"; it shows \"{actual}\".");
        }
    }
}
