import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { RequestHandler } from 'express';
import { landingPageHeaders } from './landing-page.headers';
import { SANDBOX_DOCUMENT, SANDBOX_VARIABLES } from './sandbox-document';

export interface LandingPage {
  plugin: ApolloServerPlugin;
  /** Sets the page's security headers on `GET /graphql` answers; known once Apollo has started. */
  headers: RequestHandler;
}

/**
 * Sandbox on `GET /graphql` when `served` (development, or production with ADMIN_SANDBOX), opening
 * with the administrator's operations; nothing there otherwise.
 */
export function landingPage(served: boolean): LandingPage {
  if (!served) return { plugin: ApolloServerPluginLandingPageDisabled(), headers: (_req, _res, next) => next() };
  const sandbox = ApolloServerPluginLandingPageLocalDefault({
    embed: { runTelemetry: false, endpointIsEditable: false },
    includeCookies: false,
    document: SANDBOX_DOCUMENT,
    variables: SANDBOX_VARIABLES,
  });
  let headers: Record<string, string> = {};
  const plugin: ApolloServerPlugin = {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart?.(service);
      const page = await listener?.renderLandingPage?.();
      // One render tells the page's inline blocks, which are the same in each (only the nonce differs).
      if (page) headers = landingPageHeaders(typeof page.html === 'string' ? page.html : await page.html());
      return listener;
    },
  };
  return {
    plugin,
    // On every GET, not only those Apollo answers with the page: harmless on a JSON answer.
    headers: (req, res, next) => {
      if (req.method === 'GET' || req.method === 'HEAD') res.set(headers);
      next();
    },
  };
}
