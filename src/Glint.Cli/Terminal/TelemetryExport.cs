using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Glint.Cli.Terminal;

/// <summary>
/// Exports Glint's traces and metrics (<see cref="Execution.Telemetry"/>) to an OTLP collector when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set (OTEL_EXPORTER_OTLP_PROTOCOL: grpc, the default, or http/protobuf);
/// otherwise nothing is collected. Disposing flushes what is pending.
/// </summary>
internal sealed class TelemetryExport : IDisposable
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private readonly TracerProvider tracer;
    private readonly MeterProvider meter;

    private TelemetryExport()
    {
        var resource = ResourceBuilder.CreateDefault().AddService("glint", serviceVersion: typeof(TelemetryExport).Assembly.GetName().Version?.ToString());
        tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Execution.Telemetry.Name).AddOtlpExporter().Build();
        meter = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Execution.Telemetry.Name)
            .AddOtlpExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5000).Build();
    }

    /// <summary>Starts exporting when an OTLP endpoint is configured; null (nothing collected) otherwise.</summary>
    public static TelemetryExport? FromEnvironment() =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable)) ? null : new TelemetryExport();

    public void Dispose()
    {
        tracer.ForceFlush(5000);
        meter.ForceFlush(5000);
        tracer.Dispose();
        meter.Dispose();
    }
}
