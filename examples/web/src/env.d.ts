/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's GraphQL endpoint, baked in at build time. */
  readonly VITE_TOKEN_WARDEN_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
