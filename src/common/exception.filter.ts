import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, ERROR_STATUS, ErrorCode, FieldError } from './errors.js';
import type { ApiErrorBody } from '../contract/views.js';

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

const UNAVAILABLE_PATTERNS = /Query read timeout|canceling statement due to statement timeout|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|timeout exceeded when trying to connect|Driver not Connected|the database system is (starting|shutting) up|terminating connection/i;

/** Turns anything thrown into the one error shape of DESIGN.md; shared by HTTP responses and socket acks. */
export function toErrorBody(err: unknown, logger?: Logger): ApiErrorBody {
  if (err instanceof DomainError) {
    return { statusCode: err.status, code: err.code, message: err.message, ...err.extra };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse() as string | { message?: string | string[]; errors?: FieldError[]; code?: string };
    const code: ErrorCode = (typeof res === 'object' && res.code && res.code in ERROR_STATUS ? res.code : HTTP_CODES[status]) as ErrorCode ?? 'INTERNAL';
    let message = typeof res === 'string' ? res : Array.isArray(res.message) ? res.message.join('; ') : (res.message ?? err.message);
    if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) message = 'There is nothing at this address.';
    if (status >= 500) {
      logger?.error(err);
      return { statusCode: 500, code: 'INTERNAL', message: 'Something went wrong on our side. Please try again.' };
    }
    return { statusCode: status, code, message, ...(typeof res === 'object' && res.errors ? { errors: res.errors } : {}) };
  }
  // body-parser and similar express errors carry their own status and a type
  const e = err as { status?: number; statusCode?: number; type?: string; message?: string; code?: string };
  if (e && typeof e === 'object' && typeof e.type === 'string' && (e.status ?? e.statusCode)) {
    const status = (e.status ?? e.statusCode) as number;
    if (e.type === 'entity.too.large') return { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' };
    if (e.type === 'entity.too.deep') return { statusCode: 400, code: 'VALIDATION_FAILED', message: 'The request body is nested too deeply.' };
    if (e.type === 'entity.parse.failed') return { statusCode: 400, code: 'VALIDATION_FAILED', message: 'The request body is not valid JSON.' };
    if (status >= 400 && status < 500) return { statusCode: status, code: HTTP_CODES[status] ?? 'VALIDATION_FAILED', message: 'The request could not be read.' };
  }
  if (err instanceof QueryFailedError) {
    const pgCode = (err.driverError as { code?: string } | undefined)?.code;
    // malformed input that slipped past validation must still be a 4xx
    if (pgCode === '22P02' || pgCode === '22021' || pgCode === '22001' || pgCode === '22003' || pgCode === '22008') {
      return { statusCode: 400, code: 'VALIDATION_FAILED', message: 'The request contains a value that is not valid.' };
    }
  }
  const text = err instanceof Error ? `${err.message} ${(err as { code?: string }).code ?? ''}` : String(err);
  if (UNAVAILABLE_PATTERNS.test(text)) {
    logger?.warn(`Database unavailable: ${text}`);
    return { statusCode: 503, code: 'UNAVAILABLE', message: 'Setback is briefly unavailable. Please try again in a moment.', retryAfter: 5 };
  }
  logger?.error(err instanceof Error ? err.stack ?? err.message : String(err));
  return { statusCode: 500, code: 'INTERNAL', message: 'Something went wrong on our side. Please try again.' };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception, this.logger);
    if (res.headersSent) return;
    if (body.retryAfter) res.setHeader('Retry-After', String(body.retryAfter));
    res.status(body.statusCode).json(body);
  }
}
