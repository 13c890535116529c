import { describe, expect, it } from 'vitest';
import { SmallTalk } from '../../src/content/small-talk.js';

describe('SmallTalk: a whole message that is only a greeting, a thank-you, a goodbye, an OK or "menu"', () => {
  const smallTalk = SmallTalk.load();
  it.each([
    ['hello', 'greeting'],
    ['Hi!', 'greeting'],
    ['  Good morning :) ', 'greeting'],
    ['Bonjour', 'greeting'],
    ['¡Hola!', 'greeting'],
    ['السلام عليكم', 'greeting'],
    ['سلام', 'greeting'],
    ['Здравствуйте', 'greeting'],
    ['Привіт', 'greeting'],
    ['thank you', 'thanks'],
    ['Thanks!!! 🙏', 'thanks'],
    ['merci beaucoup', 'thanks'],
    ['شكرا', 'thanks'],
    ['ممنونم', 'thanks'],
    ['спасибо', 'thanks'],
    ['дякую', 'thanks'],
    ['hello, my boss took my passport', undefined],
    ['thanks but where can I sleep tonight', undefined],
    ['help', 'menu'],
    ['Menu', 'menu'],
    ['menú', 'menu'],
    ['Ayuda', 'menu'],
    ['منو', 'menu'],
    ['ok', 'okay'],
    ['OK!', 'okay'],
    ['vale', 'okay'],
    ["d'accord", 'okay'],
    ['تمام', 'okay'],
    ['bye', 'goodbye'],
    ['Au revoir !', 'goodbye'],
    ['adiós', 'goodbye'],
    ['до побачення', 'goodbye'],
    ['help me find work', undefined],
    ['ok so my boss took my passport', undefined],
  ])('%s → %s', (text, kind) => expect(smallTalk.kindOf(text)).toBe(kind));
});
