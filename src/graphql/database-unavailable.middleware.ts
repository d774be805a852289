import type { MiddlewareFn } from 'type-graphql';
import { isDatabaseUnavailable } from '../db/errors';
import { serviceUnavailable } from '../errors';

/** A resolver that failed because the database is down answers 503, not 500. */
export const DatabaseUnavailableMiddleware: MiddlewareFn = async (_action, next) => {
  try {
    return (await next()) as unknown;
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw serviceUnavailable('The database is unavailable; try again shortly.');
    throw error;
  }
};
