import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { languages } from '../config.js';
import type { Logger } from '../logger.js';
import { EtagConflictError, type Store, type Unsubscribe } from '../store/store.js';
import { KnowledgeBase } from './knowledge-base.js';
import { ContentError, formatProblem, loadContent, type ContentProblem } from './load.js';

/**
 * The content as the bot serves it: the files in `content/` plus the edits made in the console.
 * An edit is kept in the store as an override, the full text of one file in the file's own format,
 * keyed by the file's path below `content/`; every instance reads the same overrides, and a
 * `content:changed` notice makes them all reload within moments of a save.
 */

export const OVERRIDE_PREFIX = 'content:override:';
export const CONTENT_CHANGED = 'content:changed';

const EDITABLE = new RegExp(`^(topics/(rights|safe|help)\\.[a-z_]+/(${languages.join('|')})\\.md|services/([A-Z]{2}|INT)\\.yaml)$`);

/** The only files an override may stand for: a topic's text in one language, a country's services. */
export function isEditablePath(path: string): boolean {
  return EDITABLE.test(path);
}

/** Names one text of a file: an edit says which it started from, and a different one at save time is a conflict. */
export function textVersion(text: string | undefined): string {
  return text === undefined ? 'new' : createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Every override in the store: path below `content/` → the file's text. */
export async function readOverrides(store: Store): Promise<Map<string, string>> {
  const paths = (await store.keys(OVERRIDE_PREFIX)).map((key) => key.slice(OVERRIDE_PREFIX.length)).filter(isEditablePath).sort();
  const values = await store.getMany<string>(paths.map((path) => OVERRIDE_PREFIX + path));
  return new Map(paths.flatMap((path, i) => (values[i] ? [[path, values[i].value] as const] : [])));
}

/** One file's text now (the override, else the file, else none), with what a save needs to detect a conflict. */
export interface CurrentText {
  text?: string;
  version: string;
  /** The override's etag; null when there is none yet. */
  etag: string | null;
  /** True when an override stands in for the file. */
  edited: boolean;
}

export type ReloadResult = { ok: true } | { ok: false; problems: string[] };
export type SaveResult =
  | { ok: true; version: string }
  | { ok: false; conflict: CurrentText }
  /** Files are named relative to the content folder, as overrides are. */
  | { ok: false; problems: ContentProblem[] };

export interface LiveContentOptions {
  store: Store;
  dir: string;
  /** How long an override is kept after its last save. */
  ttlSeconds: number;
  logger: Logger;
}

export class LiveContent {
  #knowledge: KnowledgeBase;
  /** Saves and reloads run one at a time, so that a slower one never puts older content live over newer. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Tells this instance's own notices from the others'. */
  readonly #id = randomUUID();
  #unsubscribe: Unsubscribe = async () => undefined;

  private constructor(
    private readonly options: LiveContentOptions,
    knowledge: KnowledgeBase,
  ) {
    this.#knowledge = knowledge;
  }

  /**
   * Loads the files with the stored edits. Broken files stop the start, as before; edits that no
   * longer fit the files (after a deployment, say) are set aside with an error in the log instead of
   * keeping every instance from starting.
   */
  static async start(options: LiveContentOptions): Promise<LiveContent> {
    let live: LiveContent | undefined;
    let missed = false;
    // Listening first: a save elsewhere while this instance loads would otherwise go unseen until the next one.
    const unsubscribe = await options.store.subscribe(CONTENT_CHANGED, (from) => {
      if (!live) missed = true;
      else if (from !== live.#id) void live.reload();
    });
    try {
      const overrides = await readOverrides(options.store);
      let knowledge: KnowledgeBase;
      try {
        knowledge = KnowledgeBase.load(options.dir, overrides);
      } catch (error) {
        if (!(error instanceof ContentError) || overrides.size === 0) throw error;
        options.logger.error({ problems: error.problems.map(formatProblem) }, 'the console edits do not fit the content files; serving the files alone');
        knowledge = KnowledgeBase.load(options.dir);
      }
      live = new LiveContent(options, knowledge);
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    live.#unsubscribe = unsubscribe;
    if (missed) void live.reload();
    return live;
  }

  get knowledge(): KnowledgeBase {
    return this.#knowledge;
  }

  /** Reads the files and the stored edits again; broken content is refused and the last good one stays live. */
  reload(): Promise<ReloadResult> {
    return this.#serially(async () => {
      try {
        this.#knowledge = KnowledgeBase.load(this.options.dir, await readOverrides(this.options.store));
        const { topics, countries } = this.#knowledge.content;
        this.options.logger.info({ topics: topics.size, countries: countries.size }, 'content reloaded');
        return { ok: true } as const;
      } catch (error) {
        const problems = error instanceof ContentError ? error.problems.map(formatProblem) : [String(error)];
        this.options.logger.error({ problems }, 'content reload refused; keeping the last good content');
        return { ok: false, problems } as const;
      }
    });
  }

  async read(path: string): Promise<CurrentText> {
    const stored = await this.options.store.get<string>(OVERRIDE_PREFIX + path);
    const file = join(this.options.dir, path);
    const text = stored?.value ?? (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    return { text, version: textVersion(text), etag: stored?.etag ?? null, edited: Boolean(stored) };
  }

  /** The paths that have an override. */
  async edited(): Promise<Set<string>> {
    return new Set((await this.options.store.keys(OVERRIDE_PREFIX)).map((key) => key.slice(OVERRIDE_PREFIX.length)));
  }

  overrides(): Promise<Map<string, string>> {
    return readOverrides(this.options.store);
  }

  /**
   * Makes `text` the content of `path`, if the file is still at the version the edit started from
   * and the whole content is valid with it: stored (its retention renewed), live here at once, and
   * announced to the other instances.
   */
  save(path: string, text: string, basedOn: string): Promise<SaveResult> {
    if (!isEditablePath(path)) throw new RangeError(`not an editable content file: ${path}`);
    const { store, dir, ttlSeconds } = this.options;
    return this.#serially(async (): Promise<SaveResult> => {
      const current = await this.read(path);
      if (current.version !== basedOn) return { ok: false, conflict: current };
      const overrides = await readOverrides(store);
      overrides.set(path, text);
      let content;
      try {
        content = loadContent(dir, overrides);
      } catch (error) {
        if (!(error instanceof ContentError)) throw error;
        return { ok: false, problems: error.problems.map((p) => ({ ...p, file: relative(dir, p.file) })) };
      }
      try {
        // Compare-and-set: a save on another instance since `read` makes this one a conflict, not an overwrite.
        await store.set(OVERRIDE_PREFIX + path, text, { ttlSeconds, ifEtag: current.etag });
      } catch (error) {
        if (error instanceof EtagConflictError) return { ok: false, conflict: await this.read(path) };
        throw error;
      }
      this.#knowledge = new KnowledgeBase(content, this.#knowledge.danger, this.#knowledge.smallTalk);
      await store.publish(CONTENT_CHANGED, this.#id);
      return { ok: true, version: textVersion(text) };
    });
  }

  async close(): Promise<void> {
    await this.#unsubscribe();
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
