using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace ClaudeStreaming;

/// <summary>Builds a tool's input schema from source-generated metadata with System.Text.Json's exporter (no reflection).</summary>
internal static class ToolInputSchema
{
    private static readonly JsonSchemaExporterOptions ExporterOptions = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = AddDescription,
    };

    public static JsonElement From(JsonTypeInfo typeInfo)
    {
        JsonNode schema = JsonSchemaExporter.GetJsonSchemaAsNode(typeInfo, ExporterOptions);

        // Anthropic: input_schema must be an object schema with "type": "object" at the root. The exporter gives
        // ["object","null"] for a nullable reference type and `true` for JsonElement; both mean an object input here.
        var root = new JsonObject { ["type"] = "object" };
        if (schema is JsonObject exported)
        {
            switch (exported["type"])
            {
                case null:
                    break;
                case JsonValue value when value.TryGetValue(out string? single) && single == "object":
                    break;
                case JsonArray types when types.Any(t => t is JsonValue v && v.TryGetValue(out string? s) && s == "object"):
                    break;
                default:
                    throw new ArgumentException(
                        $"A tool's input must be a JSON object, but {typeInfo.Type.Name} has the schema type {exported["type"]!.ToJsonString()}.", nameof(typeInfo));
            }

            foreach ((string key, JsonNode? node) in exported.ToList())
            {
                if (key != "type")
                {
                    exported.Remove(key);
                    root[key] = node;
                }
            }
        }

        return JsonElement.Parse(root.ToJsonString());
    }

    // Claude chooses arguments by the schema's descriptions; [Description] on a property or type supplies them.
    // The attribute provider comes from the source-generated metadata, so this needs no reflection over members.
    private static JsonNode AddDescription(JsonSchemaExporterContext context, JsonNode schema)
    {
        ICustomAttributeProvider? provider = context.PropertyInfo is { } property ? property.AttributeProvider : context.TypeInfo.Type;
        if (schema is JsonObject node && !node.ContainsKey("description") &&
            provider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false) is [DescriptionAttribute { Description: { Length: > 0 } text }, ..])
        {
            node.Insert(0, "description", text);
        }

        return schema;
    }
}
