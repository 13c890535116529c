import { z } from 'zod';
import { languages } from '../config.js';

/** The shapes of the files in `content/` (see content/README.md). Pure data; no I/O here. */

export const SERVICE_KINDS = [
  'emergency',
  'anti_trafficking',
  'gbv',
  'migrant_support',
  'legal_aid',
  'health',
  'shelter',
  'psychosocial',
  'labour',
  'family_tracing',
  'consular',
] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const CATEGORIES = ['rights', 'safe', 'help'] as const;
export type Category = (typeof CATEGORIES)[number];

export const STAGES = ['planning', 'transit', 'arrived', 'returning'] as const;

const topicId = z.string().regex(/^(rights|safe|help)\.[a-z_]+$/, 'must look like "rights.documents"');
const isoDate = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) {
    ctx.addIssue({ code: 'custom', message: 'must be a date written YYYY-MM-DD' });
    return z.NEVER;
  }
  return text;
});

export const topicMetaSchema = z
  .object({
    id: topicId,
    category: z.enum(CATEGORIES),
    stages: z.array(z.enum(STAGES)).min(1),
    related: z.array(topicId).default([]),
    services: z.array(z.enum(SERVICE_KINDS)).default([]),
  })
  .strict();
export type TopicMeta = z.infer<typeof topicMetaSchema>;

export const topicTextSchema = z
  .object({
    title: z.string().trim().min(2).max(80),
    questions: z.array(z.string().trim().min(2).max(200)).min(1).max(20),
    keywords: z.array(z.union([z.string(), z.number()]).transform(String)).min(1).max(40),
    sources: z.array(z.string().trim().min(3)).min(1),
    reviewed: z.boolean(),
    /** Hash of the English text this translation was made from; absent in English. */
    translated_from: z.string().regex(/^([0-9a-f]{12}|pending)$/, 'must be the 12-character hash of the English text').optional(),
  })
  .strict();

export const serviceSchema = z
  .object({
    kind: z.enum(SERVICE_KINDS),
    organisation: z.string().trim().min(2),
    phone: z
      .union([z.string(), z.number()])
      .transform(String)
      .refine((p) => /^\+?[0-9][0-9 -]{1,20}$/.test(p), 'must be digits, spaces or dashes, as dialled in the country')
      .optional(),
    web: z.string().url().startsWith('https://', 'must be an https:// address').optional(),
    hours: z.string().trim().min(2).optional(),
    languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).optional(),
    source: z.string().url().startsWith('https://', 'must be the https:// page where the organisation publishes it'),
    checked: isoDate,
  })
  .strict()
  .refine((s) => s.phone || s.web, { message: 'needs a phone or a web address', path: ['phone'] });
export type ServiceEntry = z.infer<typeof serviceSchema>;

export const countrySchema = z
  .object({
    country: z.string().regex(/^([A-Z]{2}|INT)$/, 'must be an ISO 3166 alpha-2 code like "IT", or INT'),
    names: z.object(Object.fromEntries(languages.map((l) => [l, z.string().trim().min(2)])) as Record<(typeof languages)[number], z.ZodString>).strict(),
    aliases: z.array(z.string().trim().min(2)).default([]),
    services: z.array(serviceSchema).min(1),
  })
  .strict();
export type CountryServices = z.infer<typeof countrySchema>;

const groups = z.record(z.string().regex(/^[a-z_]+$/), z.array(topicId).min(1).max(6, 'at most 6 topics in a group'));
export const browseSchema = z
  .object({ rights: groups.refine((g) => Object.keys(g).length <= 5, 'at most 5 groups'), safe: groups.refine((g) => Object.keys(g).length <= 5, 'at most 5 groups') })
  .strict();
export type Browse = z.infer<typeof browseSchema>;
