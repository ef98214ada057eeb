// WebRelay: relays Claude's streamed reply to the browser as server-sent events.
//
//   dotnet run --project samples/WebRelay        then open the printed address
//
// POST /api/chat takes the conversation as the Messages API does, {"messages":[{"role":"user","content":"Hi"}]},
// and answers text/event-stream with named events: text (a JSON string), usage (at the end) and error.
// With ANTHROPIC_API_KEY set this calls the Messages API (ANTHROPIC_BASE_URL may point elsewhere); without it,
// it streams from a local fake API.
using ClaudeStreaming;
using ClaudeStreaming.AspNetCore;
using ClaudeStreaming.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using WebRelay;

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, RelayJsonContext.Default));

await using FakeMessagesServer? offline = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"))
    ? await FakeMessagesServer.StartAsync()
    : null;
string? offlineAddress = null;
if (offline is not null)
{
    offline.DefaultReply = OfflineStory.Reply;
    offlineAddress = offline.BaseAddress.ToString();
    Console.WriteLine($"ANTHROPIC_API_KEY is not set: relaying canned replies (not Claude) from the offline fake Messages API at {offline.BaseAddress}");
}

// The client comes from dependency injection, on a factory-managed HttpClient; it is thread-safe.
builder.Services.AddClaudeClient(claude =>
{
    if (offlineAddress is not null)
    {
        claude.ApiKey = "offline";
        claude.BaseAddress = new Uri(offlineAddress);
    }
});
string model = builder.Configuration["Claude:Model"] is { Length: > 0 } configured ? configured
    : Environment.GetEnvironmentVariable("ANTHROPIC_MODEL") is { Length: > 0 } fromEnvironment ? fromEnvironment
    : "claude-sonnet-4-6";

WebApplication app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapPost("/api/chat", (ChatRequest body, ClaudeClient claude) =>
{
    if (!body.TryToMessageRequest(model, out MessageRequest? request, out string? problem))
    {
        return Results.BadRequest(new RelayProblem(problem));
    }

    // The relay starts the upstream stream with HttpContext.RequestAborted: a closed tab or a pressed stop button
    // cancels the reply upstream too, instead of paying for tokens nobody reads.
    return ClaudeResults.ServerSentEvents(cancellationToken => claude.Messages.StreamAsync(request, cancellationToken));
});

await app.StartAsync();
foreach (string address in app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses)
{
    Console.WriteLine($"WebRelay listening on {address}");
}

await app.WaitForShutdownAsync();
