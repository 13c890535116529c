import { loadConfig } from '../config.js';
import {
  checkPasswordStrength,
  displayNameSchema,
  hashPassword,
  readAccounts,
  updateAccounts,
  usernameSchema,
  type StaffAccount,
} from '../console/accounts.js';
import { ROLES, type Role } from '../console/permissions.js';

/**
 * Staff accounts for the hotline console (an admin's job).
 *
 *   npm run staff -- add amina --role caseworker [--role supervisor] [--name "Amina"] [--max-chats 3]
 *   npm run staff -- set-role amina --role supervisor
 *   npm run staff -- set-password amina
 *   npm run staff -- remove amina
 *   npm run staff -- list
 *
 * Passwords are typed when asked (not shown) or piped on stdin, never given as an argument: an
 * argument stays in the shell's history and is visible to every user of the machine in `ps`.
 * Exit codes: 0 done, 2 bad arguments, 1 anything else (the message says what).
 */

const USAGE = `Usage: npm run staff -- <command> [options]

  add <username> --role ROLE [--role ROLE] [--name NAME] [--max-chats N]
                 creates an account; asks for the password (or reads it from stdin)
  set-role <username> --role ROLE [--role ROLE]   replaces the roles
  set-password <username>                         asks for a new password
  remove <username>                               deletes the account
  list                                            shows every account

Roles: ${ROLES.join(', ')}. NAME is shown to the people staff talk with (a first name is enough).
The file is STAFF_FILE (default staff.json), or --file PATH. Changes apply at once, without a restart.`;

class UsageError extends Error {}

interface Args {
  command: string;
  username?: string;
  roles: Role[];
  name?: string;
  maxChats?: number;
  file?: string;
}

function parseArgs(argv: string[]): Args | 'help' {
  const args: Args = { command: '', roles: [] };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (/^--?(password|passwd|pass|pw|p)(=|$)/i.test(arg)) {
      throw new UsageError('passwords are never taken from the command line (they would stay in the shell history); type it when asked, or pipe it on stdin');
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    if (name === '--role') {
      const role = value();
      if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`unknown role "${role}" (roles: ${ROLES.join(', ')})`);
      args.roles.push(role as Role);
    } else if (name === '--name') args.name = value();
    else if (name === '--max-chats') args.maxChats = Number(value());
    else if (name === '--file') args.file = value();
    else if (name.startsWith('-')) throw new UsageError(`unknown option "${arg}"`);
    else positional.push(arg);
  }
  const [command = '', username, ...extra] = positional;
  if (extra.length > 0) throw new UsageError(`unexpected "${extra[0]}"`);
  args.command = command;
  args.username = username;
  return args;
}

/** Reads a line from stdin without echo on a terminal, or the first line of a pipe. */
async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            input.off('data', onData);
            process.stderr.write('\n');
            return resolve(typed);
          }
          if (char === '\u0003') {
            input.off('data', onData);
            return reject(new Error('cancelled'));
          }
          typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
  }
}

async function newPassword(username: string): Promise<string> {
  const password = await readPassword(`Password for ${username}: `);
  const problem = checkPasswordStrength(password);
  if (problem) throw new UsageError(problem);
  if (process.stdin.isTTY && (await readPassword('The same password again: ')) !== password) {
    throw new UsageError('the two passwords differ');
  }
  return password;
}

function requireUsername(args: Args): string {
  const parsed = usernameSchema.safeParse(args.username ?? '');
  if (!parsed.success) throw new UsageError(`username ${args.username === undefined ? 'is required' : parsed.error.issues[0]!.message}`);
  return parsed.data;
}

function requireRoles(args: Args): Role[] {
  if (args.roles.length === 0) throw new UsageError('at least one --role is required');
  return [...new Set(args.roles)];
}

function existing(accounts: StaffAccount[], username: string): StaffAccount {
  const account = accounts.find((a) => a.username === username);
  if (!account) throw new Error(`there is no account "${username}"`);
  return account;
}

async function run(args: Args, file: string, maxChats: number): Promise<string> {
  switch (args.command) {
    case 'list': {
      const accounts = await readAccounts(file);
      if (accounts.length === 0) return `no accounts in ${file}`;
      return accounts.map((a) => `${a.username}\t${a.name}\t${a.roles.join(',')}${a.maxChats ? `\tmax ${a.maxChats} chats` : ''}`).join('\n');
    }
    case 'add': {
      const username = requireUsername(args);
      const roles = requireRoles(args);
      const name = displayNameSchema.safeParse(args.name ?? username);
      if (!name.success) throw new UsageError(`--name ${name.error.issues[0]!.message}`);
      if (args.maxChats !== undefined && !(Number.isInteger(args.maxChats) && args.maxChats >= 1 && args.maxChats <= maxChats)) {
        throw new UsageError(`--max-chats must be a whole number from 1 to ${maxChats} (HANDOFF_MAX_CHATS)`);
      }
      if ((await readAccounts(file)).some((a) => a.username === username)) throw new Error(`the account "${username}" exists already`);
      const passwordHash = await hashPassword(await newPassword(username));
      await updateAccounts(file, (accounts) => {
        if (accounts.some((a) => a.username === username)) throw new Error(`the account "${username}" exists already`);
        return [...accounts, { username, name: name.data, roles, passwordHash, ...(args.maxChats ? { maxChats: args.maxChats } : {}) }];
      });
      return `added ${username} (${roles.join(', ')})`;
    }
    case 'set-role': {
      const username = requireUsername(args);
      const roles = requireRoles(args);
      await updateAccounts(file, (accounts) => {
        existing(accounts, username);
        return accounts.map((a) => (a.username === username ? { ...a, roles } : a));
      });
      return `${username} now has the roles ${roles.join(', ')}`;
    }
    case 'set-password': {
      const username = requireUsername(args);
      existing(await readAccounts(file), username);
      const passwordHash = await hashPassword(await newPassword(username));
      await updateAccounts(file, (accounts) => {
        existing(accounts, username);
        return accounts.map((a) => (a.username === username ? { ...a, passwordHash } : a));
      });
      return `changed the password of ${username}; their open sessions have ended`;
    }
    case 'remove': {
      const username = requireUsername(args);
      await updateAccounts(file, (accounts) => {
        existing(accounts, username);
        return accounts.filter((a) => a.username !== username);
      });
      return `removed ${username}; their open sessions have ended`;
    }
    default:
      throw new UsageError(args.command ? `unknown command "${args.command}"` : 'a command is required');
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const config = loadConfig();
    process.stdout.write(`${await run(args, args.file ?? config.console.staffFile, config.handoff.maxChats)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`staff: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`staff: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
