import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { RevocationCheck } from './revocation.check';

type IsRevoked = Pick<RevocationCheck, 'isRevoked'>;

/** The request pipeline's revocation check inside a span of its own; used only when tracing is on. */
export function tracedRevocationCheck(check: IsRevoked, tracer: Tracer, strategy: string): IsRevoked {
  return {
    isRevoked: (claims) =>
      tracer.startActiveSpan(
        'revocation check',
        { attributes: { 'token_warden.revocation.strategy': strategy } },
        async (span) => {
          try {
            const revoked = await check.isRevoked(claims);
            span.setAttribute('token_warden.revoked', revoked !== null);
            return revoked;
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: 'revocation state unavailable' });
            throw error;
          } finally {
            span.end();
          }
        },
      ),
  };
}
