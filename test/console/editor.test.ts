import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { MatrixView, ServicesEditView, TopicEditView } from '../../src/console/content-views.js';
import { OVERRIDE_PREFIX } from '../../src/content/live-content.js';
import { runCli } from '../support/cli.js';
import { DirectLineClient } from '../support/directline-client.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTestServer } from '../support/server.js';
import { StaffClient, staffFile } from './support.js';
import { contentCopiesPerTest } from '../support/content-copy.js';

const ACCOUNTS = [
  { username: 'ed', roles: ['editor' as const] },
  { username: 'ed2', roles: ['editor' as const] },
  { username: 'cw', roles: ['caseworker' as const] },
  { username: 'sup', roles: ['supervisor' as const] },
];

const NEW_ANSWER_FR =
  'Personne ne peut garder votre passeport : ni un patron, ni une agence, ni un propriétaire.\n\n- Demandez-le par écrit.\n- Appelez un service d’aide juridique.';

const contentCopy = contentCopiesPerTest();

async function openTopic(client: StaffClient, id: string, lang: string): Promise<TopicEditView> {
  const answer = await client.call('GET', `/content/topics/${id}/${lang}`);
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return answer.json as TopicEditView;
}

/** What the editor's form sends: the text as opened, with some fields changed. */
function edit(view: TopicEditView, change: Partial<NonNullable<TopicEditView['text']>>) {
  return { version: view.version, sourceHash: view.source?.hash, ...view.text!, ...change };
}

/** The answer the bot gives a person, in a language, when they press the topic's button. */
async function answerOf(url: string, lang: string, topicId: string): Promise<string> {
  const person = new DirectLineClient(url);
  await person.open();
  await person.waitForPrompt(0);
  await person.ask(`lang:${lang}`);
  const before = person.botMessages().length;
  await person.ask(`topic:${topicId}`);
  person.close();
  return person.botMessages()[before]?.text ?? '';
}

describe('the editor area', () => {
  let app: App;
  const as: Record<string, StaffClient> = {};

  beforeAll(async () => {
    app = await startTestServer({ STAFF_FILE: await staffFile(ACCOUNTS) });
    for (const { username } of ACCOUNTS) as[username] = await StaffClient.signIn(app.url, username);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the matrix: every topic, country, the self-check and the interface strings in all seven languages', async () => {
    const { json: matrix, status } = (await as.ed!.call('GET', '/content/matrix')) as { json: MatrixView; status: number };
    expect(status).toBe(200);
    expect(matrix.languages).toEqual(['en', 'fr', 'es', 'ar', 'fa', 'ru', 'uk']);
    expect(matrix.topics).toHaveLength(29);
    expect(matrix.topics.find((t) => t.id === 'rights.documents')?.cells.fr).toEqual({ status: 'unreviewed', edited: false });
    expect(matrix.services.map((s) => s.country)).toContain('IT');
    expect(Object.values(matrix.assessment).map((c) => c.status)).toEqual(Array(7).fill('current'));
    expect(Object.keys(matrix.interface)).toEqual(matrix.languages);
    expect((await as.ed!.call('GET', '/me')).json.can).toEqual({ work: false, supervise: false, edit: true, stats: false });
  });

  it('saves a translation: live at once, current (reviewed, made from this English), kept as an override, audited', async () => {
    const view = await openTopic(as.ed!, 'rights.documents', 'fr');
    expect(view.source?.title).toBe('Your passport belongs to you');
    expect(view.text?.title).toBe('Votre passeport vous appartient');
    const saved = await as.ed!.call('PUT', '/content/topics/rights.documents/fr', edit(view, { body: NEW_ANSWER_FR, reviewed: true }));
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    expect(saved.json).toMatchObject({ status: 'current', edited: true });
    expect(saved.json.version).not.toBe(view.version);

    expect(await answerOf(app.url, 'fr', 'rights.documents')).toBe(`**Votre passeport vous appartient**\n\n${NEW_ANSWER_FR}`);
    const stored = (await app.store.get<string>(`${OVERRIDE_PREFIX}topics/rights.documents/fr.md`))!.value;
    expect(stored).toMatch(new RegExp(`^translated_from: ${view.source!.hash}$`, 'm'));
    expect(stored).toMatch(/^reviewed: true$/m);
    expect(await app.store.ttl(`${OVERRIDE_PREFIX}topics/rights.documents/fr.md`)).toBeGreaterThan(364 * 24 * 3600);

    const history = await as.ed!.call('GET', '/content/history');
    expect(history.json.entries[0]).toMatchObject({ actor: 'ed', path: 'topics/rights.documents/fr.md' });
    const audit = await as.sup!.call('GET', '/audit');
    expect(audit.json.entries).toContainEqual(expect.objectContaining({ actor: 'ed', action: 'content.saved', detail: 'topics/rights.documents/fr.md' }));
  });

  it('makes the translations stale when the English changes', async () => {
    const view = await openTopic(as.ed!, 'safe.money', 'en');
    expect(view.source).toBeUndefined();
    const saved = await as.ed!.call('PUT', '/content/topics/safe.money/en', edit(view, { body: `${view.text!.body}\n\nOne more line.` }));
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    const matrix = (await as.ed!.call('GET', '/content/matrix')).json as MatrixView;
    const row = matrix.topics.find((t) => t.id === 'safe.money')!;
    expect(row.cells.en.edited).toBe(true);
    for (const lang of ['fr', 'es', 'ar', 'fa', 'ru', 'uk'] as const) expect(row.cells[lang].status).toBe('stale');
  });

  it('tells the second of two editors who changed the same text, and keeps the first one\'s change (409)', async () => {
    const first = await openTopic(as.ed!, 'rights.work', 'es');
    const second = await openTopic(as.ed2!, 'rights.work', 'es');
    expect((await as.ed!.call('PUT', '/content/topics/rights.work/es', edit(first, { title: 'Sus derechos en el trabajo' }))).status).toBe(200);
    const refused = await as.ed2!.call('PUT', '/content/topics/rights.work/es', edit(second, { title: 'Otro título' }));
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/Someone saved this text after you opened it/);
    expect(refused.json.current.text.title).toBe('Sus derechos en el trabajo');
    expect((await openTopic(as.ed!, 'rights.work', 'es')).text?.title).toBe('Sus derechos en el trabajo');
    // Saving again from the version they were shown is their informed choice.
    const again = await as.ed2!.call('PUT', '/content/topics/rights.work/es', { ...edit(second, { title: 'Otro título' }), version: refused.json.current.version });
    expect(again.status).toBe(200);
  });

  it('refuses a translation made from English that changed meanwhile (409)', async () => {
    const translation = await openTopic(as.ed!, 'rights.health', 'ru');
    const english = await openTopic(as.ed2!, 'rights.health', 'en');
    expect((await as.ed2!.call('PUT', '/content/topics/rights.health/en', edit(english, { title: 'Your health matters' }))).status).toBe(200);
    const refused = await as.ed!.call('PUT', '/content/topics/rights.health/ru', edit(translation, { reviewed: true }));
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/English text changed/);
    expect(refused.json.current.source.title).toBe('Your health matters');
  });

  it('refuses an invalid edit with the file and the field (422), stores nothing, and the bot keeps the last good text', async () => {
    const before = await answerOf(app.url, 'ar', 'rights.family');
    const view = await openTopic(as.ed!, 'rights.family', 'ar');
    const refused = await as.ed!.call('PUT', '/content/topics/rights.family/ar', edit(view, { title: 'x', body: 'short' }));
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toMatch(/Not saved/);
    expect(refused.json.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'topics/rights.family/ar.md', field: 'title' }),
        expect.objectContaining({ file: 'topics/rights.family/ar.md', field: 'answer' }),
      ]),
    );
    expect(await app.store.get(`${OVERRIDE_PREFIX}topics/rights.family/ar.md`)).toBeUndefined();
    expect((await openTopic(as.ed!, 'rights.family', 'ar')).version).toBe(view.version);
    expect(await answerOf(app.url, 'ar', 'rights.family')).toBe(before);
  });

  it('answers 400 on a malformed edit and 404 on an unknown topic or country', async () => {
    expect((await as.ed!.call('PUT', '/content/topics/rights.work/fr', { version: 'x' })).status).toBe(400);
    expect((await as.ed!.call('GET', '/content/topics/rights.nothing/fr')).status).toBe(404);
    expect((await as.ed!.call('GET', '/content/topics/rights.work/de')).status).toBe(400);
    expect((await as.ed!.call('GET', '/content/services/ZZ')).status).toBe(404);
  });

  it('gives a person looking at a topic\'s button the new text when they press it', async () => {
    const person = new DirectLineClient(app.url);
    await person.openIn('uk');
    await person.ask('menu:rights');
    const topics = await person.ask('grp:work');
    expect(topics.suggestedActions?.actions.map((a) => a.value)).toContain('topic:rights.unpaid_wages');

    const view = await openTopic(as.ed!, 'rights.unpaid_wages', 'uk');
    const body = 'Вам мають заплатити за всю роботу, навіть без письмового договору. Запишіть години та суми.';
    expect((await as.ed!.call('PUT', '/content/topics/rights.unpaid_wages/uk', edit(view, { title: 'Вам не заплатили', body }))).status).toBe(200);

    const before = person.botMessages().length;
    await person.ask('topic:rights.unpaid_wages');
    expect(person.botMessages()[before]?.text).toBe(`**Вам не заплатили**\n\n${body}`);
    person.close();
  });

  it('edits a country\'s services: checked today where changed, the rest as it was; an invalid number names the entry and field', async () => {
    const { json: view } = (await as.ed!.call('GET', '/content/services/IT')) as { json: ServicesEditView };
    expect(view.kinds).toContain('emergency');
    const services = view.services.map(({ checked: _checked, ...entry }) => entry);
    services[1] = { ...services[1]!, phone: '800 290 291' };

    const invalid = structuredClone(services);
    invalid[2] = { ...invalid[2]!, phone: 'call us' };
    const refused = await as.ed!.call('PUT', '/content/services/IT', { version: view.version, services: invalid });
    expect(refused.status).toBe(422);
    expect(refused.json.problems).toContainEqual(expect.objectContaining({ file: 'services/IT.yaml', field: 'services.2.phone' }));

    const saved = await as.ed!.call('PUT', '/content/services/IT', { version: view.version, services });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(saved.json.services[1]).toMatchObject({ phone: '800 290 291', checked: today });
    expect(saved.json.services[0].checked).toBe(view.services[0]!.checked);
    const text = (await app.store.get<string>(`${OVERRIDE_PREFIX}services/IT.yaml`))!.value;
    expect(text).toContain('    phone: "800 290 291"');
    expect(text).toContain('names: { en: Italy, fr: Italie');

    // Caseworkers see it at once in their referral list.
    const listed = (await as.cw!.call('GET', '/services')).json.countries.find((c: { code: string }) => c.code === 'IT');
    expect(listed.services[1].phone).toBe('800 290 291');
  });

  it('downloads every edit not yet written to the files, as JSON path → text', async () => {
    const answer = await as.ed!.call('GET', '/content/export');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toContain('attachment');
    expect(Object.keys(answer.json)).toEqual(expect.arrayContaining(['topics/rights.documents/fr.md', 'services/IT.yaml']));
    expect(answer.json['topics/rights.documents/fr.md']).toContain(NEW_ANSWER_FR);
  });
});

describe('a translation that is missing', () => {
  it('is shown as missing and can be written in the console', async () => {
    const dir = contentCopy();
    rmSync(join(dir, 'topics/safe.return/fa.md'));
    const app = await startTestServer({ STAFF_FILE: await staffFile(ACCOUNTS) }, { contentDir: dir });
    try {
      const editor = await StaffClient.signIn(app.url, 'ed');
      const matrix = (await editor.call('GET', '/content/matrix')).json as MatrixView;
      expect(matrix.topics.find((t) => t.id === 'safe.return')?.cells.fa.status).toBe('missing');
      const view = await openTopic(editor, 'safe.return', 'fa');
      expect(view).toMatchObject({ status: 'missing', version: 'new' });
      expect(view.text).toBeUndefined();
      const fields = { title: 'بازگشت امن', questions: ['چطور برگردم'], keywords: ['بازگشت'], sources: ['IOM'], reviewed: false, body: 'x'.repeat(60) };
      const saved = await editor.call('PUT', '/content/topics/safe.return/fa', { version: view.version, sourceHash: view.source!.hash, ...fields });
      expect(saved.status, JSON.stringify(saved.json)).toBe(200);
      expect(saved.json.status).toBe('unreviewed');
      expect(await answerOf(app.url, 'fa', 'safe.return')).toBe(`**بازگشت امن**\n\n${'x'.repeat(60)}`);
    } finally {
      await app.close();
    }
  });
});

/** Runs `npm run content:export` (its script) with this environment and arguments. */
function exportCli(args: string[], env: Record<string, string | undefined>) {
  return runCli('src/cli/content-export.ts', args, { env: { ...process.env, REDIS_URL: undefined, REDIS_KEY_PREFIX: undefined, ...env } });
}

describe('npm run content:export without Redis', () => {
  it('explains that edits in memory cannot be read from outside, and writes a download from the console', async () => {
    const missing = await exportCli([], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--from content-edits\.json/);

    const dir = contentCopy();
    const download = join(dir, '..', `edits-${Date.now()}.json`);
    const text = readFileSync('content/topics/rights.work/fr.md', 'utf8').replace(/^title:.*$/m, 'title: Vos droits au travail, partout');
    writeFileSync(download, JSON.stringify({ 'topics/rights.work/fr.md': text }));
    const run = await exportCli(['--dir', dir, '--from', download], {});
    rmSync(download);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(dir, 'topics/rights.work/fr.md'), 'utf8')).toBe(text);

    writeFileSync(download, JSON.stringify({ '../../etc/passwd': 'x' }));
    const outside = await exportCli(['--dir', dir, '--from', download], {});
    rmSync(download);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/not content files/);
   }, 120_000);
});

describeRedis('console edits kept in Redis', () => {
  const env = async (prefix: string) => ({ STAFF_FILE: await staffFile(ACCOUNTS), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix });

  it('reach a second instance within seconds and survive a restart; content:export writes them into the files', async () => {
    const prefix = uniquePrefix();
    const settings = await env(prefix);
    let [a, b] = await Promise.all([startTestServer(settings), startTestServer(settings)]);
    try {
      const editor = await StaffClient.signIn(a.url, 'ed');
      const view = await openTopic(editor, 'rights.documents', 'fr');
      expect((await editor.call('PUT', '/content/topics/rights.documents/fr', edit(view, { body: NEW_ANSWER_FR }))).status).toBe(200);
      const expected = `**Votre passeport vous appartient**\n\n${NEW_ANSWER_FR}`;
      await expect.poll(() => answerOf(b.url, 'fr', 'rights.documents'), { timeout: 5000, interval: 250 }).toBe(expected);

      await Promise.all([a.close(), b.close()]);
      a = await startTestServer(settings);
      expect(await answerOf(a.url, 'fr', 'rights.documents')).toBe(expected);

      const dir = contentCopy();
      const run = await exportCli(['--dir', dir, '--clear'], { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('topics/rights.documents/fr.md');
      const file = readFileSync(join(dir, 'topics/rights.documents/fr.md'), 'utf8');
      expect(file).toContain(NEW_ANSWER_FR);
      expect(file).toContain('title: "Votre passeport vous appartient"');
      expect(await a.store.keys(OVERRIDE_PREFIX)).toEqual([]);
      // The repository's own content was not touched.
      expect(readFileSync('content/topics/rights.documents/fr.md', 'utf8')).not.toContain(NEW_ANSWER_FR);
    } finally {
      await Promise.allSettled([a.close(), b.close()]);
    }
   }, 120_000);

  it('starts on the files alone when a stored edit no longer fits them', async () => {
    const prefix = uniquePrefix();
    const settings = await env(prefix);
    const first = await startTestServer(settings);
    await first.store.set(`${OVERRIDE_PREFIX}topics/rights.work/en.md`, 'not a topic file', { ttlSeconds: 60 });
    await first.close();
    const lines: string[] = [];
    const app = await startTestServer({ ...settings, LOG_LEVEL: 'error' }, { logTo: { write: (line) => lines.push(line) } });
    try {
      expect(await answerOf(app.url, 'en', 'rights.work')).toMatch(/^\*\*/);
      expect(lines.join('')).toMatch(/do not fit the content files/);
    } finally {
      await app.close();
    }
  });
});
