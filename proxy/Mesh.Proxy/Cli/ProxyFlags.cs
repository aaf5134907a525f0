using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Cli;

/// <summary>The run flags. A flag that is absent takes its value from <c>MESH_&lt;FLAG&gt;</c>, then from <see cref="ProxyOptions"/>.</summary>
internal sealed class ProxyFlags
{
    private static readonly ProxyOptions Defaults = new();

    public Option<Uri?> DiscoveryAddress { get; } = UriOption("--discovery-address", "Control plane config stream, http://HOST:15010.");
    public Option<string> NodeId { get; } = StringOption("--node-id", "Proxy id, NAMESPACE/POD_NAME.", Defaults.NodeId);
    public Option<string> Namespace { get; } = StringOption("--namespace", "The workload's namespace.", Defaults.Namespace);
    public Option<string> Labels { get; } = StringOption("--labels", "The workload's labels, k=v,k=v.", string.Empty);
    public Option<string> ServiceAccount { get; } = StringOption("--service-account", "The workload's service account.", Defaults.ServiceAccount);
    public Option<string?> Ip { get; } = new("--ip")
    {
        Description = $"The workload's IP, sent to the control plane (unset: the operator uses the connection's peer address). Env {EnvironmentName("--ip")}.",
        DefaultValueFactory = result => FromEnvironment("--ip") is { } text ? Parse<string?>(result, "--ip", text, TryParseAddress, null) : null,
        CustomParser = result => Parse<string?>(result, "--ip", result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty, TryParseAddress, null),
    };

    public Option<int> OutboundPort { get; } = PortOption("--outbound-port", "Outbound listener port.", Defaults.OutboundPort);
    public Option<int> InboundPort { get; } = PortOption("--inbound-port", "Inbound listener port.", Defaults.InboundPort);
    public Option<int> AppPort { get; } = PortOption("--app-port", "Application port on 127.0.0.1 (0: none).", 0);
    public Option<int> AdminPort { get; } = PortOption("--admin-port", "Admin listener port.", Defaults.AdminPort);
    public Option<string> BindAddress { get; } = AddressOption("--bind-address", "Address the listeners bind (127.0.0.1 for local use and iptables capture, 0.0.0.0 to be reachable from other hosts).", Defaults.BindAddress);
    public Option<string?> ConfigFile { get; } = NullableStringOption("--config-file", "Static config file, watched and reloaded.");
    public Option<bool> AccessLog { get; } = BoolOption("--access-log", "Write a JSON access-log line per request.");
    public Option<Uri?> OtlpEndpoint { get; } = UriOption("--otlp-endpoint", "OTLP/HTTP collector for spans, http://HOST:4318.");
    public Option<Uri?> ZipkinEndpoint { get; } = UriOption("--zipkin-endpoint", "Zipkin v2 span endpoint, http://HOST:9411/api/v2/spans.");
    public Option<TraceFormats> TracePropagation { get; } = new("--trace-propagation")
    {
        // Not the enum's member names, which the help would list otherwise and which are not what the flag reads.
        HelpName = "w3c,b3,b3multi",
        Description = $"Trace headers written on forwarded requests, comma-separated: {TraceFormatNames.Names}. Default w3c,b3multi. Env {EnvironmentName("--trace-propagation")}.",
        DefaultValueFactory = result => FromEnvironment("--trace-propagation") is { } text ? Parse(result, "--trace-propagation", text, TraceFormatNames.TryParse, Defaults.TracePropagation) : Defaults.TracePropagation,
        CustomParser = result => Parse(result, "--trace-propagation", result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty, TraceFormatNames.TryParse, Defaults.TracePropagation),
    };

    public Option<TimeSpan> TrafficReportInterval { get; } = DurationOption("--traffic-report-interval", "How often a traffic report goes to the operator's dashboard over the config stream (0: never).", Defaults.TrafficReportInterval);

    public Option<string> TokenFile { get; } = StringOption("--token-file", "Kube mode: service-account token presented for the workload certificate, re-read each time.", Defaults.TokenFile);
    public Option<string?> BootstrapTokenFile { get; } = NullableStringOption("--bootstrap-token-file", "Local mode: the operator's bootstrap token file (or env MESH_BOOTSTRAP_TOKEN with the token).");
    public Option<bool> InlineIo { get; } = BoolOption("--inline-io", "Run request handling and socket completions on the socket threads, without thread-pool hops (false: hop).", Defaults.InlineIo);
    public Option<Serilog.Events.LogEventLevel> LogLevel { get; } = new("--log-level")
    {
        Description = $"The proxy's log level: {ProxyLogLevel.Names}. Default info. Env {EnvironmentName("--log-level")}.",
        DefaultValueFactory = result => FromEnvironment("--log-level") is { } text ? Parse(result, "--log-level", text, ProxyLogLevel.TryParse, Defaults.LogLevel) : Defaults.LogLevel,
        CustomParser = result => Parse(result, "--log-level", result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty, ProxyLogLevel.TryParse, Defaults.LogLevel),
    };

    public Option<TimeSpan> DrainTimeout { get; } = DurationOption("--drain-timeout", "Grace period for in-flight requests on SIGTERM (e.g. 5s).", Defaults.DrainTimeout);

    private IEnumerable<Option> All =>
    [
        DiscoveryAddress, NodeId, Namespace, Labels, ServiceAccount, Ip, OutboundPort, InboundPort, AppPort, AdminPort,
        BindAddress, ConfigFile, AccessLog, OtlpEndpoint, ZipkinEndpoint, TracePropagation, TrafficReportInterval, DrainTimeout, TokenFile, BootstrapTokenFile, InlineIo, LogLevel,
    ];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            ProxyCommandLine.ParseLabels(result.GetValue(Labels), out var error);
            if (error is not null)
            {
                result.AddError($"--labels: {error}");
            }

            if (result.GetValue(BootstrapTokenFile) is { } tokenFile && Mesh.Api.Security.PrivateFile.Problem(tokenFile) is { } problem)
            {
                result.AddError("--bootstrap-token-file: " + problem);
            }

            // Custom parsers run lazily: reading each value here runs them, and an error one finds is recorded on the
            // option's own result, which makes it a parse error. Reading such a value then throws with that same
            // message, so adding it again would print every error twice.
            foreach (var option in All)
            {
                try
                {
                    _ = result.GetResult(option)?.GetValueOrDefault<object?>();
                }
                catch (InvalidOperationException)
                {
                    // Already recorded by the parser, see above.
                }
            }
        });
    }

    public ProxyOptions Bind(ParseResult result)
    {
        var appPort = result.GetValue(AppPort);
        return new ProxyOptions
        {
            DiscoveryAddress = result.GetValue(DiscoveryAddress),
            NodeId = result.GetValue(NodeId)!,
            Namespace = result.GetValue(Namespace)!,
            Labels = ProxyCommandLine.ParseLabels(result.GetValue(Labels), out _),
            ServiceAccount = result.GetValue(ServiceAccount)!,
            Ip = result.GetValue(Ip),
            OutboundPort = result.GetValue(OutboundPort),
            InboundPort = result.GetValue(InboundPort),
            AppPort = appPort == 0 ? null : appPort,
            AdminPort = result.GetValue(AdminPort),
            BindAddress = result.GetValue(BindAddress)!,
            ConfigFile = result.GetValue(ConfigFile),
            AccessLog = result.GetValue(AccessLog),
            OtlpEndpoint = result.GetValue(OtlpEndpoint),
            ZipkinEndpoint = result.GetValue(ZipkinEndpoint),
            TracePropagation = result.GetValue(TracePropagation),
            TrafficReportInterval = result.GetValue(TrafficReportInterval),
            DrainTimeout = result.GetValue(DrainTimeout),
            LogLevel = result.GetValue(LogLevel),
            InlineIo = result.GetValue(InlineIo),
            TokenFile = result.GetValue(TokenFile)!,
            BootstrapTokenFile = result.GetValue(BootstrapTokenFile),

            // Environment only: a token on the command line would be visible to every user in the process list.
            BootstrapToken = FromEnvironment("--bootstrap-token"),
        };
    }

    /// <summary>MESH_ plus the flag name in upper case with '-' as '_': --app-port is MESH_APP_PORT.</summary>
    internal static string EnvironmentName(string flag) =>
        "MESH_" + flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    private static string? FromEnvironment(string flag)
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentName(flag));
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static Option<string> StringOption(string name, string description, string fallback) => new(name)
    {
        Description = $"{description} Env {EnvironmentName(name)}.",
        DefaultValueFactory = _ => FromEnvironment(name) ?? fallback,
    };

    private static Option<string> AddressOption(string name, string description, string fallback) => new(name)
    {
        Description = $"{description} Default {fallback}. Env {EnvironmentName(name)}.",
        DefaultValueFactory = result => FromEnvironment(name) is { } text ? Parse(result, name, text, TryParseAddress, fallback) : fallback,
        CustomParser = result => Parse(result, name, result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty, TryParseAddress, fallback),
    };

    private static Option<string?> NullableStringOption(string name, string description) => new(name)
    {
        Description = $"{description} Env {EnvironmentName(name)}.",
        DefaultValueFactory = _ => FromEnvironment(name),
    };

    private static Option<bool> BoolOption(string name, string description, bool fallback = false) => new(name)
    {
        Description = fallback ? $"{description} Default true. Env {EnvironmentName(name)}=false." : $"{description} Env {EnvironmentName(name)}=true.",
        DefaultValueFactory = result => FromEnvironment(name) is { } text ? Parse(result, name, text, bool.TryParse, fallback) : fallback,
    };

    private static Option<int> PortOption(string name, string description, int fallback) => new(name)
    {
        Description = $"{description} Default {fallback}. Env {EnvironmentName(name)}.",
        DefaultValueFactory = result => FromEnvironment(name) is { } text ? Parse(result, name, text, TryParsePort, fallback) : fallback,
        CustomParser = result => Parse(result, name, result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty, TryParsePort, fallback),
    };

    private static Option<Uri?> UriOption(string name, string description) => new(name)
    {
        Description = $"{description} Env {EnvironmentName(name)}.",
        DefaultValueFactory = result => FromEnvironment(name) is { } text ? Parse<Uri?>(result, name, text, TryParseHttpUri, null) : null,
        CustomParser = result => Parse<Uri?>(result, name, result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty, TryParseHttpUri, null),
    };

    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan fallback) => new(name)
    {
        Description = $"{description} Default {fallback.TotalSeconds}s. Env {EnvironmentName(name)}.",
        DefaultValueFactory = result => FromEnvironment(name) is { } text ? Parse(result, name, text, TryParseDuration, fallback) : fallback,
        CustomParser = result => Parse(result, name, result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty, TryParseDuration, fallback),
    };

    private delegate bool TryParser<T>(string text, out T value);

    private static T Parse<T>(ArgumentResult result, string name, string text, TryParser<T> parser, T fallback)
    {
        if (parser(text, out var value))
        {
            return value;
        }

        result.AddError($"{name} ({EnvironmentName(name)}): '{text}' is not a valid value");
        return fallback;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static bool TryParseAddress(string text, out string address)
    {
        address = text;
        return System.Net.IPAddress.TryParse(text, out _);
    }

    private static bool TryParseHttpUri(string text, out Uri? uri) =>
        Uri.TryCreate(text, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool TryParseDuration(string text, out TimeSpan duration)
    {
        var parsed = ProxyCommandLine.ParseDuration(text);
        duration = parsed ?? default;
        return parsed is not null;
    }
}
