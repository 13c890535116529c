import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError, loadContent, sourceHash, translationStatus } from '../../src/content/load.js';
import { startTestServer } from '../support/server.js';
import { DirectLineClient } from '../support/directline-client.js';
import { contentCopiesPerTest } from '../support/content-copy.js';

const contentCopy = contentCopiesPerTest();

function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

function problemsOf(dir: string): string[] {
  try {
    loadContent(dir);
  } catch (error) {
    if (error instanceof ContentError) return error.problems.map((p) => `${p.file.slice(dir.length + 1)}: ${p.field}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('loading content', () => {
  it('loads all 29 topics in all seven languages and the services of at least 12 countries plus INT', () => {
    const content = loadContent();
    expect(content.topics.size).toBe(29);
    for (const topic of content.topics.values()) expect(Object.keys(topic.texts).sort()).toEqual(['ar', 'en', 'es', 'fa', 'fr', 'ru', 'uk']);
    expect(content.countries.size).toBeGreaterThanOrEqual(13);
    for (const country of content.countries.values()) {
      expect(country.services.some((s) => s.kind === 'emergency' || country.country === 'INT')).toBe(true);
      for (const service of country.services) expect(service.source).toMatch(/^https:\/\//);
    }
  });

  it.each([
    ['a missing title', 'topics/rights.work/fr.md', (t: string) => t.replace(/^title:.*$/m, ''), /topics\/rights\.work\/fr\.md: title: /],
    ['a wrong type', 'topics/rights.work/en.md', (t: string) => t.replace(/^reviewed:.*$/m, 'reviewed: maybe'), /en\.md: reviewed: /],
    ['an unknown related topic', 'topics/rights.work/topic.yaml', (t: string) => t.replace(/^related:.*$/m, 'related: [rights.nonsense]'), /topic\.yaml: related: unknown topic id "rights\.nonsense"/],
    ['an unknown service kind', 'topics/rights.work/topic.yaml', (t: string) => t.replace(/^services:.*$/m, 'services: [plumbing]'), /topic\.yaml: services\.0: /],
    ['a phone number with letters', 'services/IT.yaml', (t: string) => t.replace('phone: "112"', 'phone: "11two"'), /IT\.yaml: services\.0\.phone: must be digits/],
    ['a service without a source', 'services/DE.yaml', (t: string) => t.replace(/^ {4}source:.*$/m, ''), /DE\.yaml: services\.0\.source: /],
    ['a date that is no date', 'services/FR.yaml', (t: string) => t.replace(/checked: \d{4}-\d{2}-\d{2}/, 'checked: last week'), /FR\.yaml: services\.0\.checked: must be a date/],
    ['broken YAML', 'topics/safe.money/es.md', (t: string) => t.replace('title:', 'title: [unclosed'), /safe\.money\/es\.md: : /],
    ['a topic missing from the browse groups', 'browse.yaml', (t: string) => t.replace('rights.work, ', ''), /browse\.yaml: rights: "rights\.work" must be in exactly one group/],
  ])('names the file, the field and the problem for %s', (_what, file, change, expected) => {
    const dir = contentCopy();
    edit(join(dir, file), change);
    const problems = problemsOf(dir);
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it('tells a stale translation from a current one by the hash of the English it was made from', () => {
    const dir = contentCopy();
    const english = loadContent(dir).topics.get('rights.documents')!.texts.en!;
    edit(join(dir, 'topics/rights.documents/fr.md'), (t) => t.replace(/^translated_from:.*$/m, `translated_from: ${sourceHash(english)}`).replace(/^reviewed:.*$/m, 'reviewed: true'));
    expect(translationStatus(loadContent(dir).topics.get('rights.documents')!, 'fr')).toBe('current');
    edit(join(dir, 'topics/rights.documents/en.md'), (t) => t.replace('belong to you', 'are yours'));
    expect(translationStatus(loadContent(dir).topics.get('rights.documents')!, 'fr')).toBe('stale');
    rmSync(join(dir, 'topics/rights.documents/fr.md'));
    expect(translationStatus(loadContent(dir).topics.get('rights.documents')!, 'fr')).toBe('missing');
  });
});

describe('the server and broken content', () => {
  it('refuses to start, naming the problem', async () => {
    const dir = contentCopy();
    edit(join(dir, 'services/IT.yaml'), (t) => t.replace('phone: "112"', 'phone: "11two"'));
    await expect(startTestServer({}, { contentDir: dir })).rejects.toThrow(/IT\.yaml: services\.0\.phone/);
  });

  it('keeps answering with the last good content when a reload finds a broken file, and takes good changes', async () => {
    const dir = contentCopy();
    const app = await startTestServer({}, { contentDir: dir });
    try {
      edit(join(dir, 'topics/rights.documents/en.md'), (t) => t.replace(/^title:.*$/m, 'title: Your papers are yours'));
      edit(join(dir, 'services/IT.yaml'), (t) => t.replace('phone: "112"', 'phone: "11two"'));
      const refused = await app.reloadContent();
      expect(refused.ok).toBe(false);
      const client = new DirectLineClient(app.url);
      await client.openIn('en');
      const before = client.botMessages().length;
      await client.ask('topic:rights.documents');
      expect(client.botMessages()[before]?.text).toMatch(/^\*\*Your passport belongs to you\*\*/);

      edit(join(dir, 'services/IT.yaml'), (t) => t.replace('phone: "11two"', 'phone: "112"'));
      expect(await app.reloadContent()).toEqual({ ok: true });
      const after = client.botMessages().length;
      await client.ask('topic:rights.documents');
      expect(client.botMessages()[after]?.text).toMatch(/^\*\*Your papers are yours\*\*/);
      client.close();
    } finally {
      await app.close();
    }
  });
});
