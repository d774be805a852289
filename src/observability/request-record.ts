/** What one HTTP request to /graphql did, filled in as it goes and reported when it finishes. */
export interface RequestRecord {
  requestId: string;
  /** The operation name the client sent, cut to a loggable length. */
  operationName: string | null;
  /** The root field asked for, `multiple` or `none`: a bounded label for the metrics. */
  rootField: string;
  /** `ok`, or the `extensions.code` of the first error. */
  outcome: string | null;
  userId: string | null;
  /** The client's address, as Express reads it under the `trust proxy` setting; read only by sign-ins. */
  readonly clientAddress: string;
  /** The User-Agent header, kept with a session started by this request; null when absent. */
  readonly userAgent: string | null;
}

/** The address is read when asked for: parsing X-Forwarded-For is work only a login needs. */
export function newRequestRecord(
  requestId: string,
  readClientAddress: () => string,
  readUserAgent: () => string | null = () => null,
): RequestRecord {
  return {
    requestId,
    operationName: null,
    rootField: 'none',
    outcome: null,
    userId: null,
    get clientAddress() {
      return readClientAddress();
    },
    get userAgent() {
      return readUserAgent();
    },
  };
}
