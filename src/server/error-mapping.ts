import { isCastellanError, type ErrorKind } from '../core/index.js';

/** The one body shape of every error response. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** An error translated for the wire; `internal` marks what must be logged, not shown. */
export interface HttpError {
  status: number;
  body: ErrorBody;
  internal: boolean;
}

const statusOfKind: Record<ErrorKind, number> = {
  'bad-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  denied: 403,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

const GENERIC_MESSAGE = 'an internal error occurred; the server log has the detail';

/** The HTTP status of a Castellan error kind: the one place this mapping lives. */
export function statusForKind(kind: ErrorKind): number {
  return statusOfKind[kind];
}

/**
 * Translates anything thrown while serving a request: Castellan errors by kind, Fastify's own
 * request errors (body parsing, limits, media type, validation) by code, anything else as a
 * generic 500 whose detail stays in the log.
 */
export function httpErrorFor(error: unknown, limits: { bodyLimitBytes: number }): HttpError {
  if (isCastellanError(error)) {
    const status = statusForKind(error.kind);
    const message = status === 500 ? GENERIC_MESSAGE : error.message;
    return { status, body: body(error.reasonCode, message), internal: status === 500 };
  }
  const framework = frameworkError(error);
  if (framework !== undefined) {
    const known = translateFrameworkError(framework, limits);
    if (known !== undefined) return { ...known, internal: false };
    if (framework.statusCode >= 400 && framework.statusCode < 500) {
      return {
        status: framework.statusCode,
        body: body('server/bad-request', framework.message),
        internal: false,
      };
    }
  }
  return { status: 500, body: body('server/internal', GENERIC_MESSAGE), internal: true };
}

interface FrameworkError {
  code: string;
  statusCode: number;
  message: string;
  validation?: unknown;
}

function frameworkError(error: unknown): FrameworkError | undefined {
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Error & { code?: unknown; statusCode?: unknown };
  if (typeof candidate.statusCode !== 'number') return undefined;
  return {
    code: typeof candidate.code === 'string' ? candidate.code : '',
    statusCode: candidate.statusCode,
    message: error.message,
    validation: (error as { validation?: unknown }).validation,
  };
}

function translateFrameworkError(
  error: FrameworkError,
  limits: { bodyLimitBytes: number },
): Omit<HttpError, 'internal'> | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: body(
          'server/body-too-large',
          `the request body is larger than the limit of ${limits.bodyLimitBytes} bytes`,
        ),
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: body('server/unsupported-media-type', 'send the request body as application/json'),
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        status: 400,
        body: body('server/body-not-json', 'the request body is not valid JSON'),
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: body(
          'server/body-empty',
          'the content type is application/json but the body is empty',
        ),
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        body: body(
          'server/bad-content-length',
          'the request body size does not match its Content-Length',
        ),
      };
    case 'FST_ERR_BAD_URL':
      return {
        status: 400,
        body: body('server/bad-url', 'the URL is not valid (a path segment is badly encoded)'),
      };
    default:
      if (error.validation !== undefined)
        return { status: 400, body: body('server/bad-input', error.message) };
      return undefined;
  }
}

function body(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
