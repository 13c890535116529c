import { describe, expect, it } from 'vitest';
import { matchButton, type Button } from '../../src/bot/replies.js';

const CONFIRM: Button[] = [
  { value: 'privacy:yes', title: 'Yes, delete everything' },
  { value: 'privacy:no', title: 'No, keep it' },
];
const MENU: Button[] = [
  { value: 'menu:rights', title: 'Know your rights' },
  { value: 'menu:human', title: 'Talk to a person' },
];
const QUESTION: Button[] = [
  { value: 'sc:hh.means:yes', title: 'Yes' },
  { value: 'sc:hh.means:no', title: 'No' },
  { value: 'sc:hh.means:skip', title: 'Prefer not to say' },
];

describe('matchButton: which button a reply means', () => {
  it.each([
    ['a press (the id)', CONFIRM, 'privacy:no', 'privacy:no'],
    ['a title typed by hand', MENU, 'talk to a person', 'menu:human'],
    ['a title inside a short reply', MENU, 'know your rights please', 'menu:rights'],
    ['a title inside a short reply, again', MENU, 'I want to talk to a person', 'menu:human'],
    ['a question that only contains a word of a title', MENU, 'what rights do i have if my boss keeps my passport', undefined],
    ['"yes" for the yes button', CONFIRM, 'yes', 'privacy:yes'],
    ['"Yes!" for the yes button', CONFIRM, 'Yes!', 'privacy:yes'],
    ['"oui"', CONFIRM, 'oui', 'privacy:yes'],
    ['"sí"', CONFIRM, 'sí', 'privacy:yes'],
    ['"نعم"', CONFIRM, 'نعم', 'privacy:yes'],
    ['"بله"', CONFIRM, 'بله', 'privacy:yes'],
    ['"да"', CONFIRM, 'да', 'privacy:yes'],
    ['"так"', CONFIRM, 'так', 'privacy:yes'],
    ['"no" for the no button', CONFIRM, 'no', 'privacy:no'],
    ['"ні"', CONFIRM, 'ні', 'privacy:no'],
    ['"لا"', CONFIRM, 'لا', 'privacy:no'],
    ['"yeah" in a self-check question', QUESTION, 'yeah', 'sc:hh.means:yes'],
    ['"yes" where no button means yes', MENU, 'yes', undefined],
    ['"yes please delete" is more than yes', CONFIRM, 'yes please delete', undefined],
    ['nothing', CONFIRM, '  ', undefined],
  ] as Array<[string, Button[], string, string | undefined]>)('%s', (_, buttons, text, expected) => {
    expect(matchButton(text, buttons)).toBe(expected);
  });
});
