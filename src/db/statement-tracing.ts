import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type postgres from 'postgres';

/*
 * One span per SQL statement, made here because no OpenTelemetry instrumentation covers the
 * drivers this service uses: @opentelemetry/instrumentation-pg patches the `pg` package, which
 * neither postgres.js nor PGlite is, and Drizzle's own tracing hooks ship disabled. The clients
 * handed to Drizzle are wrapped only when tracing is on. Statement text is recorded with its
 * placeholders; the parameters, which may hold a password hash or an email, never are.
 */

/**
 * Null outside a traced request: the mirror's reconcile and the scheduled cleanup would otherwise
 * send a root span every second, burying the requests' traces.
 */
function startStatementSpan(tracer: Tracer, text: string): Span | null {
  if (trace.getSpan(context.active()) === undefined) return null;
  const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  return tracer.startSpan(operation, {
    kind: SpanKind.CLIENT,
    attributes: { 'db.system.name': 'postgresql', 'db.operation.name': operation, 'db.query.text': text },
  });
}

function endWith(span: Span | null, error: unknown): void {
  if (span === null) return;
  if (error !== undefined) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : 'statement failed',
    });
  }
  span.end();
}

type Thenable = PromiseLike<unknown>;

/**
 * postgres.js sends a statement when its query is first awaited (after `.values()` has set the
 * result shape), so the span starts there rather than when the query object is built.
 */
function traceQuery<Q extends Thenable>(query: Q, text: string, tracer: Tracer): Q {
  const then: Thenable['then'] = query.then.bind(query);
  const traced: Thenable['then'] = (onFulfilled, onRejected) => {
    const span = startStatementSpan(tracer, text);
    return then(
      (value) => {
        endWith(span, undefined);
        return onFulfilled ? onFulfilled(value) : (value as never);
      },
      (error: unknown) => {
        endWith(span, error);
        if (onRejected) return onRejected(error);
        throw error;
      },
    );
  };
  Object.defineProperty(query, 'then', { value: traced });
  return query;
}

/** The callback of `begin`/`savepoint`, given a traced transaction client. */
function withTracedCallback(args: unknown[], tracer: Tracer): unknown[] {
  const last = args.at(-1);
  if (typeof last !== 'function') return args;
  return [
    ...args.slice(0, -1),
    (tx: postgres.TransactionSql) => (last as (tx: postgres.TransactionSql) => unknown)(tracePostgres(tx, tracer)),
  ];
}

/** A postgres.js client (or transaction) whose statements sent through Drizzle each get a span. */
export function tracePostgres<S extends postgres.Sql | postgres.TransactionSql>(sql: S, tracer: Tracer): S {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (text: string, parameters?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          traceQuery(target.unsafe(text, parameters, options), text, tracer);
      }
      if (property === 'begin' || property === 'savepoint') {
        const method = Reflect.get(target, property, receiver) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => Reflect.apply(method, target, withTracedCallback(args, tracer));
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** An embedded PGlite (or transaction) whose statements sent through Drizzle each get a span. */
export function tracePglite<C extends PGlite | Transaction>(client: C, tracer: Tracer): C {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') {
        return async (text: string, params?: unknown[], options?: QueryOptions) => {
          const span = startStatementSpan(tracer, text);
          try {
            const result = await target.query(text, params, options);
            endWith(span, undefined);
            return result;
          } catch (error) {
            endWith(span, error);
            throw error;
          }
        };
      }
      if (property === 'transaction' && 'transaction' in target) {
        return <T>(callback: (tx: Transaction) => Promise<T>) =>
          target.transaction((tx) => callback(tracePglite(tx, tracer)));
      }
      const value: unknown = Reflect.get(target, property, target);
      // PGlite keeps its state in private fields, which only the object itself may read.
      if (typeof value !== 'function' || property === 'constructor') return value;
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}
