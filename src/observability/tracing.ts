import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../config';

export interface Tracing {
  readonly tracer: Tracer;
  /** Sends the spans still buffered, then stops tracing and unregisters the global provider. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing: spans go over OTLP/HTTP to `tracesUrl`, or to `exporter` when a
 * test passes one. The SDK is imported here and nowhere else, so a service started without
 * OTEL_EXPORTER_OTLP_ENDPOINT never loads it. Start it before the server module is imported: the
 * GraphQL instrumentation patches `graphql` as it loads.
 */
export async function startTracing(config: TracingConfig, exporter?: SpanExporter): Promise<Tracing> {
  const [sdkNode, sdkBase, resources, instrumentation, graphql] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-graphql'),
  ]);
  const processor = exporter
    ? new sdkBase.SimpleSpanProcessor(exporter)
    : new sdkBase.BatchSpanProcessor(
        new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: config.tracesUrl }),
      );
  const provider = new sdkNode.NodeTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [processor],
  });
  // Global: the AsyncLocalStorage context manager carries the request span into resolvers and the
  // database layer; the W3C propagator reads a caller's `traceparent`.
  provider.register();
  const unregister = instrumentation.registerInstrumentations({
    tracerProvider: provider,
    // Trivial field resolvers would add one span per scalar field; the request's shape is enough.
    instrumentations: [new graphql.GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true })],
  });
  return {
    tracer: provider.getTracer('token-warden'),
    shutdown: async () => {
      unregister();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
