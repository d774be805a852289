import { hashOpaqueToken, isWellFormedOpaqueToken, newOpaqueToken } from '../auth/opaque-token';

/** 256 random bits, URL-safe; only its hash is ever stored. */
export const newRefreshToken = newOpaqueToken;
export const isWellFormedRefreshToken = isWellFormedOpaqueToken;
export const hashRefreshToken = hashOpaqueToken;
