import { Client, fetchExchange } from '@urql/core';
import { currentAccessToken } from './access-token';

export const API_URL = import.meta.env.VITE_TOKEN_WARDEN_URL ?? 'http://127.0.0.1:4000/graphql';

/** No cache exchange: every call reaches the API, so the next call after a revocation learns of it. */
export const client = new Client({
  url: API_URL,
  exchanges: [fetchExchange],
  // Queries too go as JSON POSTs: Apollo's CSRF prevention refuses a GET without a preflight header.
  preferGetMethod: false,
  fetchOptions: (): RequestInit => {
    const token = currentAccessToken();
    return {
      // A cross-origin request carries the refresh cookie, and may accept a new one, only with this.
      credentials: 'include',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    };
  },
});
