import Fuse from 'fuse.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../src/config.js';
import { KnowledgeBase } from '../../src/content/knowledge-base.js';
import { isClearMatch, typoScore } from '../../src/content/search.js';
import { routeFreeText } from '../../src/bot/free-text.js';

let knowledge: KnowledgeBase;
beforeAll(() => {
  knowledge = KnowledgeBase.load();
});

describe('search over the real content', () => {
  it.each([
    ['en', 'my boss took my pasport', 'rights.documents'],
    ['en', 'they dont pay me for 3 months', 'rights.unpaid_wages'],
    ['fr', 'mon patron a pris mon passeport', 'rights.documents'],
    ['es', 'me quiero regresar a mi pais, hay ayuda?', 'safe.return'],
    ['ar', 'الكفيل اخذ جوازي', 'rights.documents'],
    ['fa', 'کارفرما پاسپورتم را گرفته', 'rights.documents'],
    ['ru', 'работодатель забрал паспорт', 'rights.documents'],
    ['uk', 'роботодавець забрав паспорт', 'rights.documents'],
  ] as Array<[Language, string, string]>)('%s: "%s" → %s', (lang, query, expected) => {
    expect(knowledge.search.search(query, lang)[0]?.id).toBe(expected);
  });

  it('answers in the person language what they typed in another one', () => {
    const results = knowledge.search.search('my boss took my passport', 'fr');
    expect(results[0]?.id).toBe('rights.documents');
  });

  it('finds nothing for words that mean nothing', () => {
    expect(knowledge.search.search('xqzv blorp wug', 'en')).toEqual([]);
    expect(isClearMatch(knowledge.search.search('xqzv blorp wug', 'en'))).toBe(false);
  });

  it('ranks scores from best to worst, between 0 and 1', () => {
    const scores = knowledge.search.search('passport', 'en').map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const s of scores) expect(s).toBeGreaterThan(0), expect(s).toBeLessThanOrEqual(1);
  });
});

describe('typo scores', () => {
  const fuseScore = (typed: string, term: string) =>
    new Fuse([term], { threshold: 0.3, includeScore: true, ignoreLocation: true }).search(typed)[0]?.score;

  it('are those fuse.js gave, on which the weights were tuned', () => {
    // Words of a few letters make near misses, repeats and ties common, where a difference would show.
    let seed = 1;
    const random = (n: number) => ((seed = (seed * 16807) % 2147483647), Math.floor((seed / 2147483647) * n));
    const word = (length: number, letters: string) => Array.from({ length }, () => letters[random(letters.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const letters = ['ab', 'abc', 'пасорт'][random(3)]!;
      const typed = word(4 + random(9), letters);
      const term = word(typed.length - 1 + random(3), letters);
      if (typed !== term) expect([typed, term, typoScore(typed, term)]).toEqual([typed, term, fuseScore(typed, term)]);
    }
    const pairs: Array<[string, string]> = [['pasport', 'passport'], ['pasport', 'pasports'], ['salery', 'salary'], ['دكتوره', 'دكتور']];
    for (const [typed, term] of pairs) expect(typoScore(typed, term)).toBe(fuseScore(typed, term));
  });
});

describe('free text routing', () => {
  it.each([
    ['en', 'they kidnapped my brother and want ransom'],
    ['en', 'HE BEAT ME and I am scared'],
    ['en', 'my employer took my passport and I cannot leave'],
    ['en', "I can't escape from this house"],
    ['en', 'they wont let me go home'],
    ['en', 'i am not allowed to leave the farm'],
    ['es', 'no me dejan salir de la casa'],
    ['ru', 'меня не выпускают с работы'],
    ['ru', 'хозяин не отпускает, не могу уйти'],
    ['fr', 'mon patron ne me laisse pas partir'],
    ['es', 'no puedo salir de la casa del patrón'],
    ['uk', 'роботодавець не відпускає, не можу піти'],
    ['ar', 'صاحب العمل أخذ جوازي ولا يسمحون لي بالمغادرة'],
    ['fa', 'کارفرما پاسپورتم را گرفته و نمیذارن برم'],
  ] as Array<[Language, string]>)('danger words put emergency help first: %s "%s"', (lang, text) => {
    expect(routeFreeText(knowledge, text, lang).kind).toBe('emergency');
  });

  it('answers a clear question directly', () => {
    expect(routeFreeText(knowledge, 'my boss took my passport', 'en')).toEqual({ kind: 'answer', topicId: 'rights.documents' });
  });

  it.each([
    ['mi jefe tiene mi pasaporte', 'en', { kind: 'otherLanguage', language: 'es', then: { kind: 'answer', topicId: 'rights.documents' } }],
    // Searched in the language it is written in: the Spanish index alone matched the wrong topic.
    ['what are my rights at work', 'es', { kind: 'otherLanguage', language: 'en', then: { kind: 'answer', topicId: 'rights.work' } }],
    ['الكفيل اخذ جوازي', 'fa', { kind: 'otherLanguage', language: 'ar', then: { kind: 'answer', topicId: 'rights.documents' } }],
    ['mi jefe tiene mi pasaporte', 'es', { kind: 'answer', topicId: 'rights.documents' }],
    ['español', 'en', { kind: 'language', language: 'es' }],
  ] as const)('a question written in another language than the conversation is answered after asking: "%s" in %s', (text, lang, route) => {
    expect(routeFreeText(knowledge, text, lang)).toEqual(route);
  });

  it('offers at most three guesses when unsure, and none when nothing matches', () => {
    const unsure = routeFreeText(knowledge, 'xqzv blorp wug', 'en');
    expect(unsure).toEqual({ kind: 'suggest', topicIds: [] });
  });
});

describe('countries typed in any language', () => {
  it.each([
    ['Italy', 'IT'],
    ['italia', 'IT'],
    ['Deutschland', 'DE'],
    ['Германия', 'DE'],
    ['آلمان', 'DE'],
    ['ألمانيا', 'DE'],
    ['i am in greece now', 'GR'],
    ['Espana', 'ES'],
    ['Туреччина', 'TR'],
    ['Malasia', 'MY'],
    ['Qatr', 'QA'],
    ['Atlantis', undefined],
  ])('%s → %s', (typed, code) => {
    expect(knowledge.countries.match(typed)).toBe(code);
  });
});
