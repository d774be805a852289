import type { RequestHandler, Response } from 'express';
import type { StatusListService } from '../revocation/status-list.service';
import { accepts, acceptsGzip } from './status-list.negotiation';
import { STATUS_LIST_TOKEN_TYPE, type StatusListTokens } from './status-list.token';

export const STATUS_LIST_MEDIA_TYPE = `application/${STATUS_LIST_TOKEN_TYPE}`;
/** A list id as the allocator makes them: 128 bits, base64url. Anything else names no list. */
const LIST_ID = /^[A-Za-z0-9_-]{22}$/;

export interface StatusListEndpoint {
  statusLists: StatusListService;
  tokens: StatusListTokens;
  ttlSeconds: number;
}

function refuse(res: Response, status: number, error: string, description: string): void {
  res.status(status).set('cache-control', 'no-store').json({ error, error_description: description });
}

/**
 * Anyone may fetch a list, from any page: it names no one (draft §13.2), and a verifier in a
 * browser must be able to read it. No credentials are involved, so `*` is safe here, unlike /graphql.
 */
export const statusListCors: RequestHandler = (req, res, next) => {
  res.set('access-control-allow-origin', '*');
  if (req.method !== 'OPTIONS') {
    next();
    return;
  }
  res.set('access-control-allow-methods', 'GET').set('access-control-allow-headers', 'accept');
  res.set('access-control-max-age', '600').status(204).end();
};

/**
 * `GET /statuslists/{id}` (draft §8): the Status List Token, gzip-compressed when asked. Cached by
 * verifiers for at most `ttl`. Compression is done here, per answer kind, and nowhere else: the
 * revocation event stream must never be buffered by a compressor.
 */
export function statusListRoute({ statusLists, tokens, ttlSeconds }: StatusListEndpoint): RequestHandler {
  return async (req, res) => {
    res.set('vary', 'Accept, Accept-Encoding');
    // Historical resolution (§8.4) would tell who held a token when: not offered.
    if (req.query.time !== undefined) {
      refuse(res, 501, 'not_implemented', 'Historical status lists are not offered.');
      return;
    }
    if (!accepts(req.headers.accept, STATUS_LIST_MEDIA_TYPE)) {
      refuse(res, 406, 'not_acceptable', `Status lists are served as ${STATUS_LIST_MEDIA_TYPE} only.`);
      return;
    }
    const id = typeof req.params.id === 'string' ? req.params.id : '';
    const list = LIST_ID.test(id) ? await statusLists.read(id) : null;
    if (list === null) {
      refuse(res, 404, 'not_found', 'No live status list has this id.');
      return;
    }
    const built = await tokens.get(list);
    if (built === null) {
      refuse(res, 503, 'temporarily_unavailable', 'No ES256 signing key is active to sign status lists.');
      return;
    }
    res.status(200).set('content-type', STATUS_LIST_MEDIA_TYPE).set('cache-control', `public, max-age=${ttlSeconds}`);
    if (acceptsGzip(req.headers['accept-encoding'])) {
      res.set('content-encoding', 'gzip').send(built.gzipped);
    } else {
      res.send(Buffer.from(built.jwt));
    }
  };
}

/** `GET /statuslists` (draft §9): every live list's URI, for verifiers that fetch ahead. */
export function statusListAggregationRoute({ statusLists, ttlSeconds }: StatusListEndpoint): RequestHandler {
  return async (_req, res) => {
    const ids = await statusLists.liveListIds();
    res.set('cache-control', `public, max-age=${ttlSeconds}`);
    res.json({ status_lists: ids.map((id) => statusLists.uriOf(id)) });
  };
}
