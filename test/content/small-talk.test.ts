import { describe, expect, it } from 'vitest';
import { SmallTalk } from '../../src/content/small-talk.js';

describe('SmallTalk: a whole message that is only a greeting or a thank-you', () => {
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
    ['help', undefined],
  ])('%s → %s', (text, kind) => expect(smallTalk.kindOf(text)).toBe(kind));
});
