// QuickStart: stream one Claude reply to the console as it arrives, then print the usage and the stop reason.
//
//   dotnet run --project samples/QuickStart -- "Tell me a short story about space."
//
// With ANTHROPIC_API_KEY set this calls the Messages API; without it, it streams from a local fake API.
using System.Text;
using ClaudeStreaming;
using ClaudeStreaming.Testing;

Console.OutputEncoding = Encoding.UTF8;
string prompt = args.Length > 0 ? string.Join(' ', args) : "Tell me a short story about space.";
string model = Environment.GetEnvironmentVariable("ANTHROPIC_MODEL") is { Length: > 0 } m ? m : "claude-sonnet-4-6";

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop the reply and end normally instead of killing the process
    cancellation.Cancel();
};

// No key: serve a canned story from the fake Messages API on 127.0.0.1, so the sample runs anywhere.
await using FakeMessagesServer? offline = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"))
    ? await FakeMessagesServer.StartAsync()
    : null;
ClaudeClientOptions options = new();
if (offline is not null)
{
    offline.DefaultReply = OfflineStory.Reply;
    options = new ClaudeClientOptions { ApiKey = "offline", BaseAddress = offline.BaseAddress };
    Console.WriteLine($"ANTHROPIC_API_KEY is not set: streaming a canned reply (not Claude) from the offline fake Messages API at {offline.BaseAddress}");
}

using var client = new ClaudeClient(options);
var request = new MessageRequest
{
    Model = model,
    MaxTokens = 1024,
    Messages = [MessageParam.User(prompt)],
};

try
{
    await using MessageStream stream = await client.Messages.StreamAsync(request, cancellation.Token);
    await foreach (string text in stream.TextStream.WithCancellation(cancellation.Token))
    {
        Console.Write(text);
    }

    Message final = await stream.GetFinalMessageAsync(cancellation.Token);
    Console.WriteLine();
    Console.WriteLine();
    Console.WriteLine($"Tokens: {final.Usage.InputTokens} input, {final.Usage.OutputTokens} output. Stop reason: {final.StopReason}");
    return 0;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.WriteLine();
    Console.WriteLine("Cancelled.");
    return 130;
}
catch (ClaudeException exception)
{
    Console.WriteLine();
    Console.Error.WriteLine(exception.Message);
    return 1;
}
