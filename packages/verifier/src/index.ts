export { createVerifier, Verifier, type VerifierStatus } from './verifier';
export { VerifierError, type VerifierErrorCode } from './verifier.error';
export type { VerifierOptions } from './verifier.options';
export type { VerifierLogger } from './logger';
export type { VerifiedClaims } from './token.verification';
export type { AuthenticatedRequest, Middleware } from './express.middleware';
export type { StateSize } from './revocation.state';
