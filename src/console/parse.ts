import type { z } from 'zod';
import { HttpError } from '../errors.js';

/** Validates input with zod; the first problem becomes a 400 naming the field. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new HttpError('BAD_ARGUMENT', `${issue.path.join('.') || 'body'}: ${issue.message}`);
}
