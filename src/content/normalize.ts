import type { Language } from '../config.js';

/**
 * Makes text comparable the way people type it: case, accents and diacritics, Arabic and Persian
 * letter variants, Cyrillic ё/й, digits in any script, punctuation. Applied alike to the index
 * and to what the person typed.
 */
const ARABIC_LETTERS: Record<string, string> = {
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا',
  'ى': 'ي', 'ی': 'ي', 'ئ': 'ي', 'ې': 'ي',
  'ك': 'ک', 'ة': 'ه', 'ۀ': 'ه', 'ؤ': 'و', 'ـ': '',
};
const DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

export function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/\u200c/g, '') // Persian zero-width non-joiner: "می‌خواهم" and "میخواهم" are the same word
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[أإآٱىیئېكةۀؤـ]/g, (c) => ARABIC_LETTERS[c] ?? c)
    .replace(DIGITS, (d) => String((d.charCodeAt(0) - (d.charCodeAt(0) >= 0x06f0 ? 0x06f0 : 0x0660)) % 10))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A whole message reduced for comparing with a list of short phrases: normalized, punctuation and emoji dropped. */
export function phraseKey(text: string): string {
  return normalize(text).replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ').trim();
}

export function tokenize(text: string): string[] {
  return normalize(text).split(' ').filter((t) => t.length > 1 || /\d/.test(t));
}

/** Words too common to tell topics apart; removed from queries and the index alike. */
const STOPWORDS: Record<Language, string> = {
  en: 'a an the and or but if of to in on at for from by with about as is are was were be been am do does did have has had i me my mine you your we our they them their he she it its his her this that these those what which who how why when where can could would should will shall not no so just get got very there here im dont cant',
  fr: 'le la les un une des du de d l et ou mais si a au aux en dans sur pour par avec est sont suis es etre avoir ai as a ont je j me m moi mon ma mes tu te t toi ton ta tes il elle on nous vous ils elles leur leurs ce cet cette ces qui que qu quoi comment pourquoi quand ou ne pas plus y se s c est ca',
  es: 'el la los las un una unos unas de del al y o pero si a en con por para sin sobre es son soy eres esta estoy estan ser estar he ha han yo me mi mis tu te ti tus el ella nos nosotros ellos ellas le les lo que quien como cuando donde porque no ya muy hay se su sus',
  ar: 'في من الى على عن مع ان او ثم هل ما ماذا لا لم لن هو هي هم انا انت نحن هذا هذه ذلك التي الذي كان كانت يا و ف ب ل عند كل بعد قبل',
  fa: 'و در به از که را با این آن اين ان برای تا یا اما هم من تو او ما شما آنها ايشان است هست نیست بود شد می نمی چه چی چرا کجا کی ام ای اش مرا',
  ru: 'и в во не на я мне меня мой моя мои ты тебя вы вас он она оно они их его ее что как где когда почему это этот эта эти то с со за к ко по у о об от до из для же ли бы а но или да нет так уже вот',
  uk: 'і й в у на я мене мені мій моя мої ти тебе ви вас він вона воно вони їх його її що як де коли чому це цей ця ці те з із за до по про від для же чи б а але або так ні вже ось',
};

const stopwordSets = new Map<Language, Set<string>>(
  (Object.entries(STOPWORDS) as Array<[Language, string]>).map(([lang, words]) => [lang, new Set(tokenize(words))]),
);

export function contentTokens(text: string, lang: Language): string[] {
  return withoutStopwords(tokenize(text), lang);
}

/** Tokenized words without the language's stopwords: lets one tokenized text be read in several languages. */
export function withoutStopwords(words: string[], lang: Language): string[] {
  const stop = stopwordSets.get(lang)!;
  return words.filter((t) => !stop.has(t));
}

/** How many of the (tokenized) words are common words of the language. */
export function stopwordCount(words: string[], lang: Language): number {
  const stop = stopwordSets.get(lang)!;
  return words.filter((t) => stop.has(t)).length;
}
