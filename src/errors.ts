/**
 * One place for the HTTP errors the server answers with. Direct Line clients expect the body
 * `{ "error": { "code", "message" } }`; every other endpoint uses the same shape.
 */
export const errorCodes = {
  BAD_ARGUMENT: { status: 400, code: 'BadArgument' },
  UNAUTHORIZED: { status: 401, code: 'Unauthorized' },
  BAD_TOKEN: { status: 403, code: 'TokenInvalid' },
  TOKEN_EXPIRED: { status: 403, code: 'TokenExpired' },
  FORBIDDEN: { status: 403, code: 'Forbidden' },
  NOT_FOUND: { status: 404, code: 'NotFound' },
  TIMEOUT: { status: 408, code: 'RequestTimeout' },
  CONFLICT: { status: 409, code: 'Conflict' },
  TOO_LARGE: { status: 413, code: 'MessageSizeTooBig' },
  INVALID_CONTENT: { status: 422, code: 'InvalidContent' },
  UNSUPPORTED_MEDIA: { status: 415, code: 'UnsupportedMediaType' },
  UPGRADE_REQUIRED: { status: 426, code: 'UpgradeRequired' },
  TOO_MANY_REQUESTS: { status: 429, code: 'TooManyRequests' },
  HEADERS_TOO_LARGE: { status: 431, code: 'RequestHeaderFieldsTooLarge' },
  INTERNAL: { status: 500, code: 'ServiceError' },
  UNAVAILABLE: { status: 503, code: 'ServiceUnavailable' },
} as const;

export type ErrorName = keyof typeof errorCodes;

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(name: ErrorName, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = errorCodes[name].status;
    this.code = errorCodes[name].code;
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
