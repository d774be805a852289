import type { ErrorRequestHandler } from 'express';
import { ErrorCode } from '../errors';
import type { RequestTracking } from '../observability/request-tracking';
import type { Telemetry } from '../observability/telemetry';

/** Body-parser failures (bad JSON, too large) answered as GraphQL-shaped JSON, never an HTML stack page. */
export const requestErrorHandler =
  (tracking: RequestTracking, telemetry: Telemetry, maxBodyBytes: number): ErrorRequestHandler =>
  (error: { status?: unknown; type?: unknown }, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) telemetry.reportError('request failed', error);
    const message =
      status === 413
        ? `The request body is larger than ${maxBodyBytes} bytes.`
        : status === 500
          ? 'Internal server error'
          : 'The request body is not valid JSON.';
    const code = status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : 'BAD_REQUEST';
    tracking.recordOf(req, res).outcome = code;
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
