using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ClaudeStreaming;

/// <summary>A client tool: its <see cref="ToolDefinition"/> (name, description, input schema) and the code that runs it.</summary>
/// <remarks>
/// Give tools to <see cref="MessagesClient.RunTools"/> to let the runner call them, or run one turn's calls yourself with
/// <see cref="ToolCalls.RunAsync"/> or <see cref="InvokeAsync"/>. A tool is immutable and may be shared by concurrent runs
/// if its handler is thread-safe.
/// </remarks>
public sealed class ClaudeTool
{
    private readonly Func<JsonElement, CancellationToken, Task<ClaudeToolResult>> _handler;

    private ClaudeTool(ToolDefinition definition, Func<JsonElement, CancellationToken, Task<ClaudeToolResult>> handler)
    {
        Definition = definition;
        _handler = handler;
    }

    /// <summary>The definition sent in the request's <c>tools</c>.</summary>
    public ToolDefinition Definition { get; }

    /// <summary>The tool name Claude calls it by.</summary>
    public string Name => Definition.Name;

    /// <summary>Creates a tool whose input schema is given as JSON and whose handler reads the raw input.</summary>
    /// <param name="name">The tool name.</param>
    /// <param name="description">What the tool does and when to use it.</param>
    /// <param name="inputSchemaJson">The JSON Schema of the input: an object schema, as JSON text.</param>
    /// <param name="handler">Runs the tool on Claude's input (a JSON object); return a string or content blocks.</param>
    /// <returns>The tool.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="inputSchemaJson"/> is not a JSON object.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ClaudeTool Create(string name, string description, string inputSchemaJson, Func<JsonElement, CancellationToken, Task<ClaudeToolResult>> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(inputSchemaJson);
        ArgumentNullException.ThrowIfNull(handler);
        JsonElement schema;
        try
        {
            schema = JsonElement.Parse(inputSchemaJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The input schema is not valid JSON: {ex.Message}", nameof(inputSchemaJson), ex);
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The input schema must be a JSON object such as {\"type\":\"object\",\"properties\":{...}}.", nameof(inputSchemaJson));
        }

        return new ClaudeTool(new ToolDefinition { Name = name, Description = description, InputSchema = schema }, handler);
    }

    /// <summary>
    /// Creates a typed tool: the input schema is generated from <paramref name="inputTypeInfo"/> and Claude's input is
    /// deserialized with it before <paramref name="handler"/> runs. Trim- and Native-AOT-safe (no reflection).
    /// </summary>
    /// <typeparam name="T">The input type, a JSON object (a class, record or struct with properties).</typeparam>
    /// <param name="name">The tool name.</param>
    /// <param name="description">What the tool does and when to use it.</param>
    /// <param name="inputTypeInfo">Source-generated metadata of <typeparamref name="T"/>, for example <c>MyJsonContext.Default.WeatherQuery</c>.</param>
    /// <param name="handler">Runs the tool on the deserialized input; return a string or content blocks.</param>
    /// <returns>The tool.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <typeparamref name="T"/> is not a JSON object type.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>
    /// The schema is System.Text.Json's <c>JsonSchemaExporter</c> output with a root <c>"type": "object"</c> (the API requires
    /// it; the exporter would allow <c>null</c> for a reference type). Input that does not deserialize never reaches the
    /// handler: Claude gets an <c>is_error</c> result with the reason and can retry.
    /// </remarks>
    public static ClaudeTool Create<T>(string name, string description, JsonTypeInfo<T> inputTypeInfo, Func<T, CancellationToken, Task<ClaudeToolResult>> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(inputTypeInfo);
        ArgumentNullException.ThrowIfNull(handler);
        JsonElement schema = ToolInputSchema.From(inputTypeInfo);
        return new ClaudeTool(new ToolDefinition { Name = name, Description = description, InputSchema = schema }, RunTyped);

        Task<ClaudeToolResult> RunTyped(JsonElement input, CancellationToken cancellationToken)
        {
            T value;
            try
            {
                value = input.Deserialize(inputTypeInfo) ?? throw new JsonException("The input is null.");
            }
            catch (JsonException ex)
            {
                return Task.FromResult(ClaudeToolResult.Error($"Invalid input for tool '{name}': {ex.Message}"));
            }

            return handler(value, cancellationToken);
        }
    }

    /// <summary>Creates a tool from a definition you built (for example with cache control or extra members).</summary>
    /// <param name="definition">The definition; its <see cref="ToolDefinition.Name"/> is the name Claude calls.</param>
    /// <param name="handler">Runs the tool on Claude's input (a JSON object).</param>
    /// <returns>The tool.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The definition's name is empty.</exception>
    public static ClaudeTool Create(ToolDefinition definition, Func<JsonElement, CancellationToken, Task<ClaudeToolResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(definition.Name, nameof(definition));
        return new ClaudeTool(definition, handler);
    }

    /// <summary>Runs the tool for one call and returns the <c>tool_result</c> block that answers it.</summary>
    /// <param name="call">Claude's call; its name is not checked against <see cref="Name"/>.</param>
    /// <param name="cancellationToken">Passed to the handler.</param>
    /// <returns>The result block, with <c>is_error</c> set when the handler failed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="call"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// A handler that throws gives an <c>is_error</c> result carrying the exception's message (never its stack trace), so
    /// that Claude can recover, as the API's documentation advises. Only cancellation through
    /// <paramref name="cancellationToken"/> propagates.
    /// </remarks>
    public Task<ToolResultBlock> InvokeAsync(ToolUseBlock call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return InvokeCoreAsync(this, call, cancellationToken);

        static async Task<ToolResultBlock> InvokeCoreAsync(ClaudeTool tool, ToolUseBlock call, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ClaudeToolResult? result;
            try
            {
                result = await tool._handler(call.Input, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Any failure of user code becomes a tool error Claude can read; the run goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                string message = string.IsNullOrEmpty(ex.Message) ? ex.GetType().Name : ex.Message;
                return ToolResultBlock.FromText(call.Id, $"Tool '{tool.Name}' failed: {message}", isError: true);
            }

            return (result ?? ClaudeToolResult.FromString(null)).ToToolResultBlock(call.Id);
        }
    }
}
