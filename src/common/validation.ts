import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldError } from './errors.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) {
      // whitelist violations name the field themselves
      const messages = Object.entries(e.constraints).map(([k, m]) => (k === 'whitelistValidation' ? `${field} is not a known field` : m));
      out.push({ field, message: messages[0] });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** The global pipe: unknown fields, wrong types and broken rules become one 400 naming each field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      return new DomainError('VALIDATION_FAILED', list.length ? list.map((e) => e.message).join('; ') : 'The request is not valid.', { errors: list });
    },
  });
}

const shared = createValidationPipe();

/**
 * Validates a payload that did not come through an HTTP body (a socket event) exactly as the global pipe
 * validates one: the same options, the same VALIDATION_FAILED error naming each field. A payload that is
 * not an object at all is read as an empty one, so the answer names the fields it lacks.
 */
export async function validatePayload<T extends object>(dto: new () => T, payload: unknown): Promise<T> {
  const body = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
  return (await shared.transform(body, { type: 'body', metatype: dto })) as T;
}
