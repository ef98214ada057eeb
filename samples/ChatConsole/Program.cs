// ChatConsole: a console chatbot that streams Claude's replies and keeps the conversation.
//
//   dotnet run --project samples/ChatConsole
//
// Type a message after "You:"; "quit" (or end of input) ends the chat. Ctrl+C interrupts the reply being written
// and keeps what arrived in the history; Ctrl+C at the prompt, or twice during a reply, ends the chat.
// With ANTHROPIC_API_KEY set this calls the Messages API; without it, it streams from a local fake API.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClaudeStreaming;
using ClaudeStreaming.Testing;
using Spectre.Console;

Console.OutputEncoding = Encoding.UTF8;
Console.InputEncoding = Encoding.UTF8;
string model = Environment.GetEnvironmentVariable("ANTHROPIC_MODEL") is { Length: > 0 } m ? m : "claude-sonnet-4-6";

// Spectre.Console notices redirected output (a pipe, a test) and turns colours off; the spinner is an animation
// that only makes sense on a terminal, so it is skipped there too.
bool interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected && !Console.IsInputRedirected;
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 4096; // a pipe has no width: never wrap lines that a program will read
}

// The streamed text is written to the same writer Spectre uses, as plain text: a reply containing "[red]" or a
// lone "[" is printed as it is, never parsed as markup.
TextWriter output = AnsiConsole.Profile.Out.Writer;

using var interrupts = new Interrupts();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // never kill the process: the chat ends through its own loop
    interrupts.Press();
};

await using FakeMessagesServer? offline = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"))
    ? await FakeMessagesServer.StartAsync()
    : null;
ClaudeClientOptions options = new();
if (offline is not null)
{
    offline.DefaultReply = OfflineStory.Reply;
    options = new ClaudeClientOptions { ApiKey = "offline", BaseAddress = offline.BaseAddress };
    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]ANTHROPIC_API_KEY is not set: chatting with the offline fake Messages API at {offline.BaseAddress} (its replies are canned, not Claude)[/]");
}

using var client = new ClaudeClient(options);
List<MessageParam> history = [];
AnsiConsole.MarkupLine("[grey]Type a message; \"quit\" ends the chat, Ctrl+C interrupts a reply.[/]");

while (!interrupts.QuitRequested)
{
    AnsiConsole.Markup("[bold green]You:[/] ");
    string? line = await ReadLineAsync(interrupts.Quit);
    if (line is null)
    {
        output.WriteLine();
        break;
    }

    if (Console.IsInputRedirected)
    {
        output.WriteLine(line); // echo piped input so the transcript reads like a conversation
    }

    line = line.Trim();
    if (line.Length == 0)
    {
        continue;
    }

    if (line.Equals("quit", StringComparison.OrdinalIgnoreCase) || line.Equals("exit", StringComparison.OrdinalIgnoreCase))
    {
        break;
    }

    history.Add(MessageParam.User(line));
    await ReplyAsync();
}

AnsiConsole.MarkupLine("[grey]Bye.[/]");
return 0;

async Task ReplyAsync()
{
    CancellationToken cancellationToken = interrupts.BeginReply();
    var clock = Stopwatch.StartNew();
    MessageStream? stream = null;
    IAsyncEnumerator<string>? texts = null;
    try
    {
        // Spinner until the first token: the wait for the response headers plus the wait for the first text.
        bool any = await WhileWaitingAsync(async () =>
        {
            var request = new MessageRequest { Model = model, MaxTokens = 1024, Messages = [.. history] };
            stream = await client.Messages.StreamAsync(request, cancellationToken);
            texts = stream.TextStream.GetAsyncEnumerator(cancellationToken);
            return await texts.MoveNextAsync();
        });
        TimeSpan firstToken = clock.Elapsed;

        AnsiConsole.Markup("[bold blue]Claude:[/] ");
        if (any)
        {
            do
            {
                output.Write(texts!.Current);
            }
            while (await texts!.MoveNextAsync());
        }

        Message final = await stream!.GetFinalMessageAsync(cancellationToken);
        history.Add(final.ToParam());
        output.WriteLine();
        AnsiConsole.MarkupLineInterpolated(
            CultureInfo.InvariantCulture,
            $"[grey]({final.Usage.InputTokens} input / {final.Usage.OutputTokens} output tokens, first token after {firstToken.TotalMilliseconds:F0} ms, {final.StopReason?.ToString() ?? "no stop reason"})[/]");
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        // Keep what arrived: the next turn's request carries the partial reply as Claude's turn.
        Message? partial = stream?.CurrentMessage;
        output.WriteLine();
        if (partial is not null && partial.GetText().Length > 0)
        {
            history.Add(partial.ToParam());
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow](interrupted; kept the {partial.GetText().Length} characters that arrived)[/]");
        }
        else
        {
            history.RemoveAt(history.Count - 1);
            AnsiConsole.MarkupLine("[yellow](interrupted before the reply began)[/]");
        }
    }
    catch (ClaudeException exception)
    {
        history.RemoveAt(history.Count - 1); // let the user send it again
        output.WriteLine();
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]{exception.Message}[/]");
    }
    finally
    {
        interrupts.EndReply();
        if (texts is not null)
        {
            await texts.DisposeAsync();
        }

        if (stream is not null)
        {
            await stream.DisposeAsync();
        }
    }
}

async Task<T> WhileWaitingAsync<T>(Func<Task<T>> work)
{
    if (!interactive)
    {
        return await work();
    }

    return await AnsiConsole.Status()
        .Spinner(Spinner.Known.Dots)
        .SpinnerStyle(new Style(Color.Blue))
        .StartAsync("Claude is thinking...", _ => work());
}

// Console.ReadLine blocks and cannot be cancelled, so it waits on a pool thread while Ctrl+C can still end the chat.
static async Task<string?> ReadLineAsync(Task quit)
{
    Task<string?> read = Task.Run(Console.ReadLine);
    Task first = await Task.WhenAny(read, quit);
    return first == read ? await read : null;
}

/// <summary>Turns Ctrl+C presses into "interrupt the reply" or "end the chat".</summary>
internal sealed class Interrupts : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _quit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _reply;

    public Task Quit => _quit.Task;

    public bool QuitRequested => _quit.Task.IsCompleted;

    public CancellationToken BeginReply()
    {
        lock (_gate)
        {
            _reply = new CancellationTokenSource();
            return _reply.Token;
        }
    }

    public void EndReply()
    {
        lock (_gate)
        {
            _reply?.Dispose();
            _reply = null;
        }
    }

    public void Dispose() => EndReply();

    public void Press()
    {
        lock (_gate)
        {
            if (_reply is { IsCancellationRequested: false })
            {
                _reply.Cancel(); // first press during a reply: stop it, keep the chat
                return;
            }
        }

        _quit.TrySetResult(); // at the prompt, or a second press: end the chat
    }
}
