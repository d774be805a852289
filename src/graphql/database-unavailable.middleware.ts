import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { isDatabaseUnavailable } from '../db/errors';
import { serviceUnavailable } from '../errors';

/** A resolver that failed because the database is down answers 503, not 500; the failure is logged and counted. */
export const DatabaseUnavailableMiddleware: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  try {
    return (await next()) as unknown;
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    context.services.telemetry.reportError('database unavailable during a request', error, 'warn');
    throw serviceUnavailable('The database is unavailable; try again shortly.');
  }
};
