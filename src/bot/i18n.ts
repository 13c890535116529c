import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { languages, type Language } from '../config.js';
import { phraseKey } from '../content/normalize.js';

/** Interface strings (buttons, prompts, errors) from `locales/<lang>/translation.json`. */
export function createI18n(localesDir = 'locales'): i18n {
  const resources = Object.fromEntries(
    languages.map((lang) => [
      lang,
      { translation: JSON.parse(readFileSync(join(localesDir, lang, 'translation.json'), 'utf8')) as Record<string, unknown> },
    ]),
  );
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    initAsync: false,
    fallbackLng: 'en',
    supportedLngs: [...languages],
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}

export type Translate = TFunction;

/** The translation function for one language. */
export function translatorFor(i18n: i18n, lang: Language): TFunction {
  return i18n.getFixedT(lang);
}

/** Maps a browser or Telegram language tag ("fr-CA", "pt", "uk_UA") to a supported language. */
export function matchLanguage(tag: string | undefined | null): Language | undefined {
  if (!tag) return undefined;
  const base = tag.toLowerCase().split(/[-_]/)[0];
  // Dari ("prs") and Tajik Persian readers are served by the Farsi text.
  const alias: Record<string, Language> = { prs: 'fa', per: 'fa', fas: 'fa', ara: 'ar' };
  const candidate = (alias[base ?? ''] ?? base) as Language;
  return languages.includes(candidate) ? candidate : undefined;
}

/**
 * What a person may type to name a language: its English name, its own name, and its name in the
 * other six (someone who landed in the wrong language writes "english" or "inglés"). Not the codes:
 * "UK" alone more often means the country.
 */
const LANGUAGE_NAMES: Record<Language, string[]> = {
  en: ['english', 'anglais', 'inglés', 'английский', 'англійська', 'الإنجليزية', 'الانجليزية', 'انگلیسی'],
  fr: ['french', 'français', 'francés', 'французский', 'французька', 'الفرنسية', 'فرانسوی'],
  es: ['spanish', 'español', 'espagnol', 'испанский', 'іспанська', 'الإسبانية', 'الاسبانية', 'اسپانیایی'],
  ar: ['arabic', 'العربية', 'عربي', 'عربی', 'arabe', 'árabe', 'арабский', 'арабська'],
  fa: ['farsi', 'persian', 'dari', 'فارسی', 'فارسي', 'دری', 'persan', 'persa', 'фарси', 'персидский', 'перська'],
  ru: ['russian', 'русский', 'russe', 'ruso', 'російська', 'الروسية', 'روسی'],
  uk: ['ukrainian', 'українська', 'украинский', 'ukrainien', 'ucraniano', 'الأوكرانية', 'اوکراینی'],
};
const languageByName = new Map(
  (Object.entries(LANGUAGE_NAMES) as Array<[Language, string[]]>).flatMap(([lang, names]) => names.map((name) => [phraseKey(name), lang] as const)),
);

/** The language a whole message names ("English", "français!", "فارسی"), or undefined. */
export function languageNamed(text: string): Language | undefined {
  return languageByName.get(phraseKey(text));
}

export function isRightToLeft(lang: Language): boolean {
  return lang === 'ar' || lang === 'fa';
}
