import type { ApiError } from './outcome';

/** What the page says when a one-time code is refused: wrong, mistyped or already used once. */
export const WRONG_CODE = 'That code is not right; try the current one.';

export const codeProblem = (error: ApiError): string => (error.code === 'INVALID_CODE' ? WRONG_CODE : error.message);
