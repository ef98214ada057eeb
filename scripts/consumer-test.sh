#!/usr/bin/env bash
# Consumer test: installs the packages the way a user does and runs them outside this repository.
#
#   bash scripts/consumer-test.sh          (CI runs it from .ci/run; KEEP_CONSUMER_DIR=1 keeps the temp folder)
#
# 1. Packs every project under src/ into a temporary feed folder, at the repository's version with a prerelease
#    suffix unique to this run (so a re-run never installs a stale copy from the NuGet cache), and checks what the
#    packages hold: readme, icon, licence, repository commit, XML docs, symbols, and no analyzer or test package
#    among the dependencies.
# 2. Creates, in a temporary directory outside the repository, a new console project (`dotnet new console`) and a
#    new ASP.NET Core minimal API project (`dotnet new web`). Their nuget.config adds the feed folder to the
#    machine's own package sources, and the packages are installed by version (`dotnet add package`).
# 3. Runs them: the console app runs the README's streaming code against ClaudeStreaming.Testing's fake server,
#    resolves ClaudeClient from dependency injection with configuration and, when ClaudeStreaming.Extensions.AI was
#    packed, calls it through IChatClient; the web app relays one request over real HTTP. The console app is then
#    published with PublishAot=true (zero warnings allowed) and the native binary runs the same checks.
# Every check prints PASS or FAIL; the last line is "N passed, N failed". Exits non-zero when a check failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

passed=0; failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() {
  echo
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
step() { echo; echo "-- $* ($(date -u +%H:%M:%S))"; }
# The distinct compiler/analyzer warnings in a build log (MSBuild repeats each one in its summary).
warnings_in() { grep -E ': warning [A-Z]+[0-9]+' "$1" | sed 's/ \[[^]]*\]$//' | sort -u; }
# Counts the PASS/FAIL lines a consumer app printed (each app prints one line per check).
count_app_checks() { # count_app_checks LOG
  local p f
  p=$(grep -c '^PASS ' "$1"); f=$(grep -c '^FAIL ' "$1")
  passed=$((passed + p)); failed=$((failed + f))
}

work="$(mktemp -d "${TMPDIR:-/tmp}/claudestreaming-consumer.XXXXXX")"
feed="$work/feed"
mkdir -p "$feed"
version_prefix="$(cd "$root" && dotnet msbuild src/ClaudeStreaming/ClaudeStreaming.csproj -getProperty:VersionPrefix 2>/dev/null | tr -d '[:space:]')"
[ -n "$version_prefix" ] || version_prefix="0.0.0"
suffix="consumer.$(date -u +%Y%m%d%H%M%S).$$"
version="$version_prefix-$suffix"
packages_root="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p' | tr -d '\r')"
packages_root="${packages_root%/}"

cleanup() {
  # This run's version in the NuGet cache is used once; remove it so the cache does not grow with every run.
  if [ -n "$packages_root" ] && [ -d "$packages_root" ]; then
    for dir in "$packages_root"/claudestreaming*/"$version"; do
      [ -d "$dir" ] && rm -rf "$dir"
    done
    rmdir "$packages_root"/claudestreaming* 2>/dev/null || true   # only folders left empty
  fi
  if [ "${KEEP_CONSUMER_DIR:-0}" = "1" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "consumer test: packages $version, work folder $work"
# The commit the packages are built from (Source Link and the nuspec's <repository commit=...> name it).
commit="$(git -C "$root" rev-parse HEAD 2>/dev/null || true)"

# --- 1. pack ---------------------------------------------------------------------------------------
step "pack src/* at $version"
# --artifacts-path keeps this build's bin/obj apart from the repository's own, so the suffixed version does not
# invalidate the normal build, and the normal build cannot leak into the packages.
mapfile -t projects < <(cd "$root" && ls src/*/*.csproj)
ids=()
for project in "${projects[@]}"; do
  id="$(basename "$project" .csproj)"
  ids+=("$id")
  if (cd "$root" && dotnet pack "$project" -c Release -o "$feed" --artifacts-path "$work/artifacts" \
        -p:VersionSuffix="$suffix" -nologo -v q) > "$work/pack-$id.log" 2>&1; then
    pass "pack: $id"
  else
    cat "$work/pack-$id.log"; fail "pack: $id"
  fi
done
[ "$failed" -eq 0 ] || finish

# --- package contents ------------------------------------------------------------------------------
step "package contents"
# unzip, or python3's zipfile, reads the package; a machine with neither skips these content checks.
zip_list() { if command -v unzip >/dev/null; then unzip -Z1 "$1"; else python3 -c 'import sys,zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; fi; }
zip_cat() { if command -v unzip >/dev/null; then unzip -p "$1" "$2"; else python3 -c 'import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"; fi; }
if command -v unzip >/dev/null || command -v python3 >/dev/null; then
  for id in "${ids[@]}"; do
    nupkg="$feed/$id.$version.nupkg"; snupkg="$feed/$id.$version.snupkg"
    problems=()
    [ -f "$nupkg" ] || { fail "contents: $id: $nupkg is missing"; continue; }
    [ -f "$snupkg" ] || problems+=("no .snupkg")
    files="$(zip_list "$nupkg")"
    nuspec="$(zip_cat "$nupkg" "$id.nuspec")"
    for f in PACKAGE.md icon.png "lib/net10.0/$id.dll" "lib/net10.0/$id.xml"; do
      grep -qxF "$f" <<<"$files" || problems+=("no $f")
    done
    grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || problems+=("licence is not MIT")
    grep -q '<readme>PACKAGE.md</readme>' <<<"$nuspec" || problems+=("readme is not PACKAGE.md")
    grep -q '<description>..*</description>' <<<"$nuspec" || problems+=("no description")
    grep -q '<releaseNotes>..*</releaseNotes>' <<<"$nuspec" || problems+=("no release notes")
    grep -q '<tags>.*claude.*</tags>' <<<"$nuspec" || problems+=("tags lack claude")
    if [ -n "$commit" ]; then
      grep -q "<repository type=\"git\" url=\"https://[^\"]*\" commit=\"$commit\"" <<<"$nuspec" || problems+=("repository element lacks url and commit $commit")
    fi
    # Consumers must not inherit analyzers or test packages; a dependency is only what the library calls.
    leaked="$(grep -oE '<dependency id="[^"]*"' <<<"$nuspec" | sed 's/<dependency id="//; s/"$//' |
      grep -iE 'analyzers|xunit|test\.sdk|testing\.platform|benchmarkdotnet|playwright|skippable|timeprovider\.testing|^anthropic$' || true)"
    [ -z "$leaked" ] || problems+=("leaked dependencies: $(echo $leaked)")
    if [ -f "$snupkg" ]; then
      if grep -qxF "lib/net10.0/$id.pdb" <<<"$(zip_list "$snupkg")"; then
        # Source Link: the PDB maps the sources to raw files of this commit (the JSON is stored uncompressed).
        zip_cat "$snupkg" "lib/net10.0/$id.pdb" > "$work/$id.pdb" 2>/dev/null
        if [ -n "$commit" ] && ! grep -aq "raw.githubusercontent.com/[^\"]*/$commit/" "$work/$id.pdb"; then
          problems+=("the PDB has no Source Link to commit $commit")
        fi
      else
        problems+=("no PDB in the .snupkg")
      fi
    fi
    deps="$(grep -oE '<dependency id="[^"]*" version="[^"]*"' <<<"$nuspec" | sed 's/<dependency id="//; s/" version="/ /; s/"$//' | paste -sd, - | sed 's/,/, /g')"
    size="$(wc -c < "$nupkg" | tr -d ' ')"
    if [ "${#problems[@]}" -eq 0 ]; then
      pass "contents: $id ($size bytes; dependencies: ${deps:-none})"
    else
      fail "contents: $id: $(printf '%s; ' "${problems[@]}")"
    fi
  done
else
  echo "SKIP contents: neither unzip nor python3 is installed"
fi

# --- 2. consumer projects --------------------------------------------------------------------------
step "new console and web projects outside the repository"
# Empty MSBuild files stop MSBuild's upward search, so nothing above the temp folder shapes these projects.
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' > "$work/$f"; done
# The feed folder on top of the machine's own sources (inherited from the user and machine NuGet.Config).
cat > "$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="claudestreaming-consumer-test" value="$feed" />
  </packageSources>
</configuration>
EOF
has_meai=0
[ -f "$feed/ClaudeStreaming.Extensions.AI.$version.nupkg" ] && has_meai=1
# Microsoft.Extensions.* for configuration from the 10.0 line, as the library's own dependencies.
ext_version="10.0.0"

console="$work/ConsoleConsumer"
web="$work/WebConsumer"
setup_ok=1
(
  set -e
  cd "$work"
  dotnet new console -n ConsoleConsumer -o "$console" --no-restore
  dotnet new web -n WebConsumer -o "$web" --no-restore
  cd "$console"
  dotnet add package ClaudeStreaming --version "$version" --no-restore
  dotnet add package ClaudeStreaming.Testing --version "$version" --no-restore
  dotnet add package Microsoft.Extensions.Configuration --version "$ext_version" --no-restore
  if [ "$has_meai" = 1 ]; then dotnet add package ClaudeStreaming.Extensions.AI --version "$version" --no-restore; fi
  cd "$web"
  dotnet add package ClaudeStreaming.AspNetCore --version "$version" --no-restore
  dotnet add package ClaudeStreaming.Testing --version "$version" --no-restore
) > "$work/setup.log" 2>&1 || setup_ok=0
if [ "$setup_ok" = 1 ]; then pass "setup: dotnet new console + web, dotnet add package ... --version $version"; else cat "$work/setup.log"; fail "setup"; finish; fi

# The namespace the AsIChatClient extension is declared in, read from its source (defaults to M.E.AI's own).
meai_namespace="Microsoft.Extensions.AI"
if [ "$has_meai" = 1 ]; then
  file="$(grep -l 'AsIChatClient' "$root"/src/ClaudeStreaming.Extensions.AI/*.cs 2>/dev/null | head -n 1)"
  ns="$( [ -n "$file" ] && sed -n 's/^namespace \([A-Za-z0-9_.]*\).*/\1/p' "$file" | head -n 1)"
  [ -n "$ns" ] && meai_namespace="$ns"
fi

# The M.E.AI check is compiled only when that package is installed.
sed -i "s#</PropertyGroup>#  <DefineConstants Condition=\"'$has_meai' == '1'\">\$(DefineConstants);CLAUDE_MEAI</DefineConstants>\n  </PropertyGroup>#" "$console/ConsoleConsumer.csproj"

cat > "$console/Program.cs" <<'EOF'
// A new console app that uses the installed packages as a user does (written by scripts/consumer-test.sh).
// Each check prints PASS or FAIL; the exit code is the number of failures.
using ClaudeStreaming;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
#if CLAUDE_MEAI
using Microsoft.Extensions.AI;
MEAI_USING_PLACEHOLDER
#endif

string mode = args.Length > 0 ? args[0] : "jit";
int failures = 0;

await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();

await Check("README streaming code against FakeMessagesServer", async () =>
{
    server.Enqueue(FakeReply.Create().Text("Once upon a time, a comet.").Usage(input: 12, output: 7));
    string key = "consumer-test-key";
    var history = new List<MessageParam>();
    CancellationToken cancellationToken = CancellationToken.None;
    var text = new System.Text.StringBuilder();

    // The README's code; only BaseAddress is added, to point it at the fake server.
    var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = key, BaseAddress = server.BaseAddress });
    var request = new MessageRequest
    {
        Model = "claude-sonnet-4-6",
        MaxTokens = 1024,
        System = "You are a helpful assistant.",
        Messages = [MessageParam.User("Tell me a short story about space.")],
    };
    await using MessageStream stream = await client.Messages.StreamAsync(request, cancellationToken);
    await foreach (string piece in stream.TextStream) text.Append(piece);
    Message final = await stream.GetFinalMessageAsync();
    history.Add(final.ToParam());
    client.Dispose();

    RecordedRequest sent = server.Requests[^1];
    return text.ToString() != "Once upon a time, a comet." ? $"text was '{text}'"
        : final.Usage.InputTokens != 12 || final.Usage.OutputTokens != 7 ? $"usage was {final.Usage.InputTokens}/{final.Usage.OutputTokens}"
        : final.StopReason != StopReason.EndTurn ? $"stop reason was {final.StopReason}"
        : history.Count != 1 ? "history was not extended"
        : !sent.Headers.TryGetValue("x-api-key", out string? sentKey) || sentKey != key ? "the API key header was not sent"
        : sent.Json.GetProperty("stream").GetBoolean() != true ? "the request did not ask for a stream"
        : null;
});

await Check("AddClaudeClient from DI with configuration", async () =>
{
    server.Enqueue(FakeReply.Create().Text("Configured by the host.").Usage(input: 3, output: 4));
    IConfiguration configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Claude:ApiKey"] = "key-from-configuration",
            ["Claude:BaseAddress"] = server.BaseAddress.ToString(),
            ["Claude:MaxRetries"] = "0",
        })
        .Build();
    var services = new ServiceCollection();
    // The package's own binding (written out by hand, so it stays AOT-clean; ConfigurationBinder.Bind would need the
    // binding generator, which cannot bind ClaudeClientOptions.TimeProvider and warns).
    services.AddClaudeClient(configuration.GetSection("Claude"));
    await using ServiceProvider provider = services.BuildServiceProvider();
    ClaudeClient client = provider.GetRequiredService<ClaudeClient>();

    await using MessageStream stream = await client.Messages.StreamAsync(new MessageRequest
    {
        Model = "claude-sonnet-4-6",
        MaxTokens = 64,
        Messages = [MessageParam.User("Who configured you?")],
    });
    Message final = await stream.GetFinalMessageAsync();
    string text = string.Concat(final.Content.OfType<TextBlock>().Select(block => block.Text));
    RecordedRequest sent = server.Requests[^1];
    return text != "Configured by the host." ? $"text was '{text}'"
        : !sent.Headers.TryGetValue("x-api-key", out string? sentKey) || sentKey != "key-from-configuration" ? "the configured key was not sent"
        : null;
});

#if CLAUDE_MEAI
await Check("AsIChatClient (Microsoft.Extensions.AI) against FakeMessagesServer", async () =>
{
    server.Enqueue(
        FakeReply.Create().Text("Hello through IChatClient.").Usage(input: 5, output: 4),
        FakeReply.Create().Text("Streamed through IChatClient.").Usage(input: 5, output: 4));
    using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = "consumer-test-key", BaseAddress = server.BaseAddress });
    IChatClient chat = client.AsIChatClient("claude-sonnet-4-6");
    ChatResponse response = await chat.GetResponseAsync("Say hello.");
    string model = server.Requests[^1].Json.GetProperty("model").GetString() ?? "";
    var streamed = new System.Text.StringBuilder();
    await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync("Say it again, streaming."))
    {
        streamed.Append(update.Text);
    }

    return response.Text != "Hello through IChatClient." ? $"response text was '{response.Text}'"
        : model != "claude-sonnet-4-6" ? $"model sent was '{model}'"
        : streamed.ToString() != "Streamed through IChatClient." ? $"streamed text was '{streamed}'"
        : null;
});
#endif

return failures;

async Task Check(string name, Func<Task<string?>> check)
{
    try
    {
        string? problem = await check();
        if (problem is null)
        {
            Console.WriteLine($"PASS console ({mode}): {name}");
            return;
        }

        Console.WriteLine($"FAIL console ({mode}): {name}: {problem}");
    }
    catch (Exception exception) when (exception is not OutOfMemoryException)
    {
        Console.WriteLine($"FAIL console ({mode}): {name}: {exception.GetType().Name}: {exception.Message}");
    }

    failures++;
}
EOF
meai_using=""
case "$meai_namespace" in Microsoft.Extensions.AI|ClaudeStreaming) ;; *) meai_using="using $meai_namespace;" ;; esac
sed -i "s#^MEAI_USING_PLACEHOLDER\$#$meai_using#" "$console/Program.cs"

cat > "$web/Program.cs" <<'EOF'
// A new ASP.NET Core minimal API that relays a Claude reply as server-sent events (written by
// scripts/consumer-test.sh). It starts on a free loopback port, sends itself one request over real HTTP,
// checks the relayed events, prints PASS or FAIL, and exits with the number of failures.
using System.Net.ServerSentEvents;
using System.Text.Json;
using ClaudeStreaming;
using ClaudeStreaming.AspNetCore;
using ClaudeStreaming.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

await using FakeMessagesServer upstream = await FakeMessagesServer.StartAsync();
upstream.Enqueue(FakeReply.Create().Text("Relayed over real HTTP.").Usage(input: 5, output: 4));

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders(); // only the check's own line on the console
builder.Services.AddClaudeClient(options =>
{
    options.ApiKey = "relay-key";
    options.BaseAddress = upstream.BaseAddress;
});
WebApplication app = builder.Build();
app.MapPost("/api/chat", (ClaudeClient claude) => ClaudeResults.ServerSentEvents(cancellationToken =>
    claude.Messages.StreamAsync(
        new MessageRequest
        {
            Model = "claude-sonnet-4-6",
            MaxTokens = 64,
            Messages = [MessageParam.User("Say something.")],
        },
        cancellationToken)));

await app.StartAsync();
string? problem;
try
{
    string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    using var http = new HttpClient();
    using HttpResponseMessage response = await http.PostAsync(new Uri(new Uri(address), "/api/chat"), content: null);
    string? mediaType = response.Content.Headers.ContentType?.MediaType;
    var text = new System.Text.StringBuilder();
    var events = new List<string>();
    await using Stream body = await response.Content.ReadAsStreamAsync();
    await foreach (SseItem<string> item in SseParser.Create(body).EnumerateAsync())
    {
        events.Add(item.EventType);
        if (item.EventType == "text")
        {
            text.Append(JsonDocument.Parse(item.Data).RootElement.GetString());
        }
    }

    problem = !response.IsSuccessStatusCode ? $"status {(int)response.StatusCode}"
        : mediaType != "text/event-stream" ? $"content type {mediaType}"
        : text.ToString() != "Relayed over real HTTP." ? $"relayed text was '{text}'"
        : events.Count == 0 || events[^1] != "usage" ? $"events were {string.Join(",", events)}"
        : null;
}
catch (Exception exception) when (exception is not OutOfMemoryException)
{
    problem = $"{exception.GetType().Name}: {exception.Message}";
}

await app.StopAsync();
Console.WriteLine(problem is null
    ? "PASS web: ClaudeResults.ServerSentEvents relays one request over real HTTP"
    : $"FAIL web: ClaudeResults.ServerSentEvents relays one request over real HTTP: {problem}");
return problem is null ? 0 : 1;
EOF

# --- 3. run them -----------------------------------------------------------------------------------
step "console app (JIT)"
if (cd "$console" && dotnet build -c Release -nologo -v q) > "$work/console-build.log" 2>&1; then
  build_warnings="$(warnings_in "$work/console-build.log")"
  if [ -z "$build_warnings" ]; then pass "console: build with zero warnings"; else echo "$build_warnings"; fail "console: build has warnings"; fi
  (cd "$console" && dotnet "bin/Release/net10.0/ConsoleConsumer.dll" jit) 2>&1 | tee "$work/console-jit.log"
  count_app_checks "$work/console-jit.log"
  grep -q '^PASS console (jit): README' "$work/console-jit.log" || fail "console (jit): did not run"
else
  cat "$work/console-build.log"; fail "console: build"
fi

step "web app: relay over real HTTP"
if (cd "$web" && dotnet build -c Release -nologo -v q) > "$work/web-build.log" 2>&1; then
  build_warnings="$(warnings_in "$work/web-build.log")"
  if [ -z "$build_warnings" ]; then pass "web: build with zero warnings"; else echo "$build_warnings"; fail "web: build has warnings"; fi
  (cd "$web" && timeout 120 dotnet "bin/Release/net10.0/WebConsumer.dll") 2>&1 | tee "$work/web.log"
  count_app_checks "$work/web.log"
  grep -qE '^(PASS|FAIL) web' "$work/web.log" || fail "web: did not run"
else
  cat "$work/web-build.log"; fail "web: build"
fi

step "console app published with PublishAot=true"
# The slow step of the test: wall-clock and CPU seconds are both printed (the CPU time does not depend on load).
TIMEFORMAT='%R %U %S'
timing="$( { time { (cd "$console" && dotnet publish -c Release -p:PublishAot=true -o "$work/aot" -nologo -tl:off) > "$work/aot-publish.log" 2>&1; }; } 2>&1 )"
publish_status=$?
read -r wall user sys <<<"$timing"
elapsed="${wall%.*}s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }')s CPU"
warnings="$(warnings_in "$work/aot-publish.log")"
warning_count=$(grep -c . <<<"$warnings")
if [ "$publish_status" -eq 0 ] && [ "$warning_count" -eq 0 ]; then
  pass "aot: dotnet publish -p:PublishAot=true with zero warnings (${elapsed})"
else
  tail -n 30 "$work/aot-publish.log"; echo "$warnings"
  fail "aot: publish exited $publish_status with $warning_count warning(s) (${elapsed})"
fi
if [ -x "$work/aot/ConsoleConsumer" ]; then
  "$work/aot/ConsoleConsumer" aot 2>&1 | tee "$work/console-aot.log"
  count_app_checks "$work/console-aot.log"
  grep -q '^PASS console (aot): README' "$work/console-aot.log" || fail "console (aot): did not run"
else
  fail "aot: no native binary at $work/aot/ConsoleConsumer"
fi

finish
