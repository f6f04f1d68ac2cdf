/** Every error code the API answers with (DESIGN.md "Errors"), and its HTTP status. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_CURSOR: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  SECOND_FACTOR_REQUIRED: 401,
  FORBIDDEN: 403,
  CROSS_SITE: 403,
  ACCOUNT_SUSPENDED: 403,
  ACCOUNT_BANNED: 403,
  SECOND_FACTOR_SETUP_REQUIRED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  USERNAME_TAKEN: 409,
  THREAD_LOCKED: 409,
  REPLIES_PAUSED: 409,
  ALREADY_REPORTED: 409,
  TOO_MANY_HIGHLIGHTS: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  field: string;
  message: string;
}

/** A rule of the domain was broken; services throw it, one filter maps it to HTTP or to a socket ack. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { errors?: FieldError[]; retryAfter?: number; until?: string } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = 'That'): DomainError => new DomainError('NOT_FOUND', `${what} was not found.`);
export const forbidden = (message = 'You are not allowed to do that.'): DomainError => new DomainError('FORBIDDEN', message);
export const invalid = (field: string, message: string): DomainError =>
  new DomainError('VALIDATION_FAILED', message, { errors: [{ field, message }] });
