import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  ASSESSMENT_LANGS,
  AssessmentLoadError,
  HARMS,
  isServiceKind,
  isTopicId,
  loadAssessment,
} from '../../src/assessment/definition.js';
import type { AssessmentIssue } from '../../src/assessment/definition.js';
import { SERVICE_KINDS } from '../../src/content/schema.js';
import { SPEC_QUESTIONS, TOPIC_IDS, TRIGGERS, option } from './helpers.js';

const CONTENT = 'content/assessment';
const { definition, texts } = await loadAssessment(CONTENT);

describe('the definition follows the spec', () => {
  it('has the 16 questions of the spec, in order, with their levels and option ids', () => {
    expect(definition.questions.map((q) => [q.id, q.level, q.options.map((o) => o.id)])).toEqual(
      SPEC_QUESTIONS.map(([id, level, options]) => [id, level, [...options]]),
    );
  });

  it('has a positive version number', () => {
    expect(Number.isInteger(definition.version) && definition.version > 0).toBe(true);
  });

  it('starts with the safety question, whose yes is the emergency exit and the only one', () => {
    const emergencies = definition.questions.flatMap((q) => q.options.filter((o) => o.emergency).map((o) => `${q.id}=${o.id}`));
    expect(emergencies).toEqual(['safety.danger_now=yes']);
    expect(definition.questions[0]?.when).toBeUndefined();
  });

  it('asks the child question only after ind.minor=yes and every other question always', () => {
    const conditional = definition.questions.filter((q) => q.when).map((q) => [q.id, q.when]);
    expect(conditional).toEqual([['ind.minor_alone', { question: 'ind.minor', answer_in: ['yes'] }]]);
  });

  it('marks exactly the urgent triggers of rule 5', () => {
    const triggers = definition.questions.flatMap((q) => q.options.filter((o) => o.trigger).map((o) => [q.id, o.id, o.trigger]));
    expect(new Set(triggers.map((t) => t.join(' ')))).toEqual(new Set(TRIGGERS.map((t) => t.join(' '))));
  });

  it.each([
    // question, option, harms it must raise (spec "kind of factor")
    ['ind.documents', 'kept_by_other', ['exploitation']],
    ['hh.debt', 'growing', ['exploitation']],
    ['com.refused', 'yes', ['rights']],
    ['str.status', 'none_or_unsure', ['exploitation', 'rights']],
    ['work.as_promised', 'no', ['exploitation']],
    ['harm.any', 'household', ['violence']],
    ['harm.any', 'other', ['violence', 'exploitation']],
  ] as const)('%s=%s raises %j', (q, o, harms) => {
    const chosen = option(definition, q, o);
    expect(chosen.weight).toBeGreaterThan(0);
    for (const harm of harms) expect(chosen.harms).toContain(harm);
  });

  it.each([
    ['ind.documents', 'own'],
    ['ind.language', 'yes'],
    ['hh.means', 'yes'],
    ['com.trusted', 'yes'],
    ['str.status', 'permitted'],
    ['str.knows_help', 'yes'],
  ])('the protective answer %s=%s weighs below 0', (q, o) => {
    expect(option(definition, q, o).weight).toBeLessThan(0);
  });

  it('gives every risk harms from the four kinds, and a protection none', () => {
    for (const q of definition.questions) {
      for (const o of q.options) {
        if (o.weight > 0) {
          expect(o.harms?.length, `${q.id}=${o.id}`).toBeGreaterThan(0);
          for (const harm of o.harms ?? []) expect(HARMS).toContain(harm);
        } else {
          expect(o.harms, `${q.id}=${o.id}`).toBeUndefined();
          expect(o.trigger, `${q.id}=${o.id}`).toBeUndefined();
        }
      }
    }
  });

  it('points advice only at topics of the catalogue and at service kinds', () => {
    for (const q of definition.questions) {
      for (const o of q.options) {
        for (const group of ['now', 'soon', 'later'] as const) {
          for (const item of o.advice?.[group] ?? []) {
            if (isTopicId(item)) expect(TOPIC_IDS, `${q.id}=${o.id} ${group}`).toContain(item);
            else expect(SERVICE_KINDS, `${q.id}=${o.id} ${group}`).toContain(item);
          }
        }
      }
    }
  });

  it('gives every risk some advice', () => {
    for (const q of definition.questions) {
      for (const o of q.options.filter((o) => o.weight > 0)) {
        const items = [...(o.advice?.now ?? []), ...(o.advice?.soon ?? []), ...(o.advice?.later ?? [])];
        expect(items.length, `${q.id}=${o.id}`).toBeGreaterThan(0);
      }
    }
  });

  it('has bands medium < high', () => {
    expect(definition.bands.medium).toBeLessThan(definition.bands.high);
  });
});

describe('the wording', () => {
  it.each(ASSESSMENT_LANGS)('exists in %s for every question, option and factor', (lang) => {
    const text = texts[lang];
    expect(text.lang).toBe(lang);
    for (const q of definition.questions) {
      const words = text.questions[q.id];
      expect(words?.text, `${lang} ${q.id}`).toBeTruthy();
      for (const o of q.options) {
        expect(words?.options[o.id], `${lang} ${q.id}=${o.id}`).toBeTruthy();
        if (o.weight !== 0) expect(words?.factors?.[o.id], `${lang} ${q.id}=${o.id} factor`).toBeTruthy();
      }
    }
  });

  it.each(ASSESSMENT_LANGS)('in %s names the levels in words, never as a bare number', (lang) => {
    for (const name of Object.values(texts[lang].levels)) expect(name).not.toMatch(/\d/);
    expect(new Set(Object.values(texts[lang].levels)).size).toBe(5);
  });

  it.each(ASSESSMENT_LANGS)('in %s keeps option buttons short and questions on one line', (lang) => {
    for (const [id, words] of Object.entries(texts[lang].questions)) {
      expect(words.text.length, `${lang} ${id}`).toBeLessThanOrEqual(160);
      for (const label of Object.values(words.options)) expect(label.length, `${lang} ${id} "${label}"`).toBeLessThanOrEqual(24);
    }
  });

  it('has 1-4 word answers in English', () => {
    for (const words of Object.values(texts.en.questions)) {
      for (const label of Object.values(words.options)) expect(label.split(/\s+/).length, label).toBeLessThanOrEqual(4);
    }
  });

  it('says, in one line, that this is information and not a decision', () => {
    expect(texts.en.notice).toBe('This is information for you, not a decision about your status.');
    for (const lang of ASSESSMENT_LANGS) expect(texts[lang].notice).not.toMatch(/\n/);
  });

  it('is really translated (no language repeats the English question text)', () => {
    for (const lang of ASSESSMENT_LANGS.filter((l) => l !== 'en')) {
      for (const q of definition.questions) expect(texts[lang].questions[q.id]?.text, `${lang} ${q.id}`).not.toBe(texts.en.questions[q.id]?.text);
    }
  });
});

describe('loading a broken definition', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** Copies the content into a temp dir, lets `edit` break it, and returns the load problems. */
  async function brokenCopy(edit: (dir: string) => Promise<void>): Promise<AssessmentIssue[]> {
    const dir = await mkdtemp(path.join(tmpdir(), 'assessment-'));
    dirs.push(dir);
    await cp(CONTENT, dir, { recursive: true });
    await edit(dir);
    const error = await loadAssessment(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AssessmentLoadError);
    const loadError = error as AssessmentLoadError;
    for (const issue of loadError.issues) expect(loadError.message).toContain(issue.file);
    return loadError.issues;
  }

  async function editYaml(file: string, change: (data: any) => void): Promise<void> {
    const data = parse(await readFile(file, 'utf8'));
    change(data);
    await writeFile(file, stringify(data));
  }

  const definitionOf = (dir: string) => path.join(dir, 'definition.yaml');
  const optionIn = (data: any, q: string, o: string) =>
    data.questions.find((x: any) => x.id === q).options.find((x: any) => x.id === o);

  const cases: Array<[string, (dir: string) => Promise<void>, string, RegExp, RegExp]> = [
    [
      'a weight that is not a number',
      (dir) => editYaml(definitionOf(dir), (d) => (optionIn(d, 'ind.documents', 'kept_by_other').weight = 'high')),
      'definition.yaml',
      /questions\[3\]\(ind\.documents\)\.options\[1\]\(kept_by_other\)\.weight/,
      /number/,
    ],
    [
      'a misspelled field',
      (dir) =>
        editYaml(definitionOf(dir), (d) => {
          const o = optionIn(d, 'hh.debt', 'growing');
          o.wieght = o.weight;
          delete o.weight;
        }),
      'definition.yaml',
      /questions\[7\]\(hh\.debt\)\.options\[2\]\(growing\)/,
      /wieght|missing/,
    ],
    [
      'an unknown harm',
      (dir) => editYaml(definitionOf(dir), (d) => (optionIn(d, 'com.refused', 'yes').harms = ['racism'])),
      'definition.yaml',
      /questions\[9\]\(com\.refused\)\.options\[1\]\(yes\)\.harms\[0\]/,
      /violence|exploitation|abuse|rights/,
    ],
    [
      'a risk without harms',
      (dir) => editYaml(definitionOf(dir), (d) => delete optionIn(d, 'ind.health', 'yes').harms),
      'definition.yaml',
      /\(ind\.health\)\.options\[1\]\(yes\)\.harms/,
      /harms/,
    ],
    [
      'a trigger on a protection',
      (dir) => editYaml(definitionOf(dir), (d) => (optionIn(d, 'ind.documents', 'own').trigger = 'documents')),
      'definition.yaml',
      /\(ind\.documents\)\.options\[0\]\(own\)\.trigger/,
      /only a risk/,
    ],
    [
      'an advice topic id of the wrong shape',
      (dir) => editYaml(definitionOf(dir), (d) => (optionIn(d, 'hh.means', 'no').advice.now = ['Shelter-Now'])),
      'definition.yaml',
      /\(hh\.means\)\.options\[1\]\(no\)\.advice\.now\[0\]/,
      /Shelter-Now.*topic id/,
    ],
    [
      'a follow-up that depends on an unknown question',
      (dir) => editYaml(definitionOf(dir), (d) => (d.questions[2].when.question = 'ind.age')),
      'definition.yaml',
      /questions\[2\]\(ind\.minor_alone\)\.when\.question/,
      /ind\.age/,
    ],
    [
      'a follow-up that depends on an unknown option',
      (dir) => editYaml(definitionOf(dir), (d) => (d.questions[2].when.answer_in = ['maybe'])),
      'definition.yaml',
      /questions\[2\]\(ind\.minor_alone\)\.when\.answer_in\[0\]/,
      /"maybe" is not an option of "ind\.minor"/,
    ],
    [
      'a follow-up that would let a riskier answer lower the level',
      (dir) => editYaml(definitionOf(dir), (d) => (optionIn(d, 'ind.minor', 'yes').weight = 0.5)),
      'definition.yaml',
      /questions\[1\]\(ind\.minor\)\.options/,
      /never lowers the level/,
    ],
    [
      'a safety question that is not first',
      (dir) =>
        editYaml(definitionOf(dir), (d) => {
          const [safety] = d.questions.splice(0, 1);
          d.questions.push(safety);
        }),
      'definition.yaml',
      /questions\[0\]/,
      /safety question/,
    ],
    [
      'a question id used twice',
      (dir) => editYaml(definitionOf(dir), (d) => (d.questions[5].id = 'ind.health')),
      'definition.yaml',
      /questions\[5\]\(ind\.health\)\.id/,
      /twice/,
    ],
    [
      'bands in the wrong order',
      (dir) => editYaml(definitionOf(dir), (d) => (d.bands = { medium: 9, high: 3 })),
      'definition.yaml',
      /bands\.high/,
      /above/,
    ],
    [
      'a YAML syntax error',
      async (dir) => writeFile(definitionOf(dir), `${await readFile(definitionOf(dir), 'utf8')}\n  - id: [unclosed\n`),
      'definition.yaml',
      /line \d+/,
      /not valid YAML/,
    ],
    [
      'a missing option text in Farsi',
      (dir) => editYaml(path.join(dir, 'text', 'fa.yaml'), (d) => delete d.questions['ind.documents'].options.kept_by_other),
      path.join('text', 'fa.yaml'),
      /questions\["ind\.documents"\]\.options/,
      /"kept_by_other" has no text/,
    ],
    [
      'a missing question in Arabic',
      (dir) => editYaml(path.join(dir, 'text', 'ar.yaml'), (d) => delete d.questions['harm.any']),
      path.join('text', 'ar.yaml'),
      /questions/,
      /"harm\.any" has no text/,
    ],
    [
      'a missing factor phrase in Russian',
      (dir) => editYaml(path.join(dir, 'text', 'ru.yaml'), (d) => delete d.questions['str.status'].factors.permitted),
      path.join('text', 'ru.yaml'),
      /questions\["str\.status"\]\.factors/,
      /"permitted" is a protection/,
    ],
    [
      'a text for a question that does not exist',
      (dir) => editYaml(path.join(dir, 'text', 'es.yaml'), (d) => (d.questions['ind.age'] = { text: '¿Edad?', options: { a: 'A' } })),
      path.join('text', 'es.yaml'),
      /questions\["ind\.age"\]/,
      /not a question/,
    ],
    [
      'a missing level name in French',
      (dir) => editYaml(path.join(dir, 'text', 'fr.yaml'), (d) => delete d.levels.urgent),
      path.join('text', 'fr.yaml'),
      /levels\.urgent/,
      /missing/,
    ],
    [
      'a two-line question in Ukrainian',
      (dir) => editYaml(path.join(dir, 'text', 'uk.yaml'), (d) => (d.questions['ind.minor'].text = 'Вам\nменше 18 років?')),
      path.join('text', 'uk.yaml'),
      /questions\["ind\.minor"\]\.text/,
      /one line/,
    ],
    [
      'a text file with the wrong lang',
      (dir) => editYaml(path.join(dir, 'text', 'es.yaml'), (d) => (d.lang = 'fr')),
      path.join('text', 'es.yaml'),
      /lang/,
      /"es"/,
    ],
    [
      'a missing language file',
      (dir) => rm(path.join(dir, 'text', 'uk.yaml')),
      path.join('text', 'uk.yaml'),
      /^$/,
      /missing/,
    ],
  ];

  it.each(cases)('names the file, the field and the problem: %s', async (_name, edit, file, field, problem) => {
    const issues = await brokenCopy(edit);
    const match = issues.find((issue) => issue.file.endsWith(file) && field.test(issue.path) && problem.test(issue.message));
    expect(match, JSON.stringify(issues, null, 2)).toBeDefined();
  });

  it('reports every problem at once, across files', async () => {
    const issues = await brokenCopy(async (dir) => {
      await editYaml(definitionOf(dir), (d) => (optionIn(d, 'ind.documents', 'none').weight = 'x'));
      await editYaml(path.join(dir, 'text', 'fr.yaml'), (d) => delete d.notice);
    });
    expect(issues.some((i) => i.file.endsWith('definition.yaml'))).toBe(true);
    expect(issues.some((i) => i.file.endsWith('fr.yaml') && i.path.startsWith('notice'))).toBe(true);
  });

  it('gives the line of the field', async () => {
    const issues = await brokenCopy((dir) => editYaml(definitionOf(dir), (d) => (optionIn(d, 'harm.any', 'other').weight = 'five')));
    expect(issues[0]?.path).toMatch(/\(line \d+\)$/);
  });
});

describe('helpers', () => {
  it.each([
    ['rights.documents', true, false],
    ['help.human', true, false],
    ['legal_aid', false, true],
    ['gbv', false, true],
    ['Rights.documents', false, false],
    ['rights', false, false],
  ])('%s: topic %s, service %s', (item, topic, service) => {
    expect(isTopicId(item)).toBe(topic);
    expect(isServiceKind(item)).toBe(service);
  });
});

describe('seams', () => {
  it('keeps botbuilder out of src/assessment, and scoring free of I/O', async () => {
    for (const file of await readdir(path.join('src', 'assessment'))) {
      const source = await readFile(path.join('src', 'assessment', file), 'utf8');
      expect(source, file).not.toMatch(/(from|import\()\s*['"]botbuilder/);
    }
    const score = await readFile(path.join('src', 'assessment', 'score.ts'), 'utf8');
    expect(score.match(/^import (?!type ).*$/gm) ?? []).toEqual([]);
  });
});
