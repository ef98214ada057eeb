using System.ComponentModel;
using System.Text.Json.Serialization;

namespace ClaudeStreaming.Tests.Tools;

/// <summary>The typed tool input of the "used by" code.</summary>
public sealed record WeatherQuery
{
    /// <summary>The city.</summary>
    public required string City { get; init; }

    /// <summary>Celsius or fahrenheit; optional.</summary>
    public string? Unit { get; init; }
}

/// <summary>A typed input with a nested object, a number and descriptions, to see the generated schema beyond one string.</summary>
[Description("A trip to plan.")]
public sealed record TripQuery
{
    [Description("Where to go.")]
    public required WeatherQuery Destination { get; init; }

    [Description("How many days to stay.")]
    public int Days { get; init; }
}

/// <summary>The source-generated context the typed tools are built from (no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WeatherQuery))]
[JsonSerializable(typeof(TripQuery))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class MyJsonContext : JsonSerializerContext;
