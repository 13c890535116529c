import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { ROLES } from './permissions.js';

/**
 * Staff accounts, kept in a JSON file that only the `npm run staff` command writes (an admin's
 * job; there are no default accounts). The server reads it, and reads it again whenever it changes,
 * so a removed account or a changed role applies at once without a restart.
 */

export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, 'must be 2-40 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit');
/** Shown to the person ("Amina has joined"), so a first name, not a full name. */
export const displayNameSchema = z.string().trim().min(1).max(40);
export const MIN_PASSWORD_LENGTH = 12;

const accountSchema = z
  .object({
    username: usernameSchema,
    name: displayNameSchema,
    roles: z.array(z.enum(ROLES)).min(1),
    passwordHash: z.string().startsWith('scrypt$'),
    /** The most chats this person may hold at once; the server's HANDOFF_MAX_CHATS when absent. */
    maxChats: z.number().int().min(1).max(50).optional(),
  })
  .strict();
export type StaffAccount = z.infer<typeof accountSchema>;

const fileSchema = z
  .object({ accounts: z.array(accountSchema) })
  .strict()
  .refine((f) => new Set(f.accounts.map((a) => a.username)).size === f.accounts.length, 'a username appears twice');

// ---- passwords ----

/**
 * scrypt at OWASP's recommended cost (N=2^15, r=8, p=3: 32 MiB, a few hundred milliseconds). The
 * parameters are kept in the hash so that a later change of cost still verifies old hashes.
 */
const COST = { N: 2 ** 15, r: 8, p: 3 };
const KEY_BYTES = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, KEY_BYTES, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let decoy: Promise<string> | undefined;
/** Checks a password against nothing, as slowly as a real check, so unknown names cannot be told apart by time. */
export async function verifyNothing(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString('base64url'));
  await verifyPassword(password, await decoy);
  return false;
}

/** Short fingerprint of a password hash: a session made before a password change stops working. */
export function hashStamp(account: StaffAccount): string {
  return createHash('sha256').update(account.passwordHash).digest('base64url').slice(0, 16);
}

export function checkPasswordStrength(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'the password is too long (1024 characters at most)';
  return undefined;
}

// ---- the file ----

export class AccountFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'AccountFileError';
  }
}

/** Reads the accounts; a missing file means no accounts. Throws AccountFileError when it is broken. */
export async function readAccounts(file: string): Promise<StaffAccount[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AccountFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AccountFileError(file, `${issue.path.join('.') || 'file'}: ${issue.message}`);
  }
  return parsed.data.accounts;
}

/** Writes all accounts at once (a new file moved into place), readable by its owner only. */
export async function writeAccounts(file: string, accounts: StaffAccount[]): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const sorted = [...accounts].sort((a, b) => a.username.localeCompare(b.username));
  await writeFile(temporary, `${JSON.stringify({ accounts: sorted }, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/** Reads, changes and writes the file; `change` throws to refuse. */
export async function updateAccounts(file: string, change: (accounts: StaffAccount[]) => StaffAccount[] | Promise<StaffAccount[]>): Promise<void> {
  await writeAccounts(file, await change(await readAccounts(file)));
}

/**
 * The server's view of the accounts file. Every request asks it; the file is read again only when
 * its size, time or inode changed, so the check stays cheap and an admin's change applies at once.
 * A broken file locks everyone out (and is logged) rather than guessing.
 */
export class StaffDirectory {
  private seen?: { signature: string; accounts: Map<string, StaffAccount> };

  constructor(
    private readonly file: string,
    private readonly onBroken: (error: Error) => void,
  ) {}

  async find(username: string): Promise<StaffAccount | undefined> {
    return (await this.load()).get(username);
  }

  async all(): Promise<StaffAccount[]> {
    return [...(await this.load()).values()];
  }

  private async load(): Promise<Map<string, StaffAccount>> {
    const signature = await stat(this.file).then(
      (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
      () => 'missing',
    );
    if (this.seen?.signature === signature) return this.seen.accounts;
    let accounts: StaffAccount[] = [];
    try {
      accounts = await readAccounts(this.file);
    } catch (error) {
      this.onBroken(error as Error);
    }
    this.seen = { signature, accounts: new Map(accounts.map((a) => [a.username, a])) };
    return this.seen.accounts;
  }
}
