import type { WebSocket } from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HandoffEvent, HandoffService } from '../handoff/handoff-service.js';
import type { Logger } from '../logger.js';
import { mayView } from './permissions.js';
import type { ConsoleSessions, Staff } from './session.js';

/**
 * The console's live channel, /console/ws. The server pushes what changed (the queue, a case, a
 * message, someone typing); the console sends a heartbeat that keeps its user "online" for the
 * person's side ("is anyone there to answer?"). Events come through the store's pub/sub, so a
 * person writing on one instance reaches a console connected to another.
 *
 * Each push and each message from the console looks the session up again: a signed-out, removed
 * or demoted account loses the socket at once. Messages and typing go only to those who may see
 * that conversation.
 */

/** What the console sends. Anything else is ignored. */
interface ClientMessage {
  type: 'heartbeat';
}

/** Closed because the session ended or lost its permission; the page goes back to sign-in. */
export const SIGNED_OUT = 4401;

interface Client {
  socket: WebSocket;
  sessionId: string;
  username: string;
  /** Pushes to one socket in order, even though each waits on a session check. */
  queue: Promise<void>;
}

export async function registerLive(app: FastifyInstance, deps: { sessions: ConsoleSessions; handoff: HandoffService; logger: Logger }): Promise<void> {
  const { sessions, handoff, logger } = deps;
  const clients = new Set<Client>();
  const admitted = new WeakMap<FastifyRequest, Staff>();

  /** Runs `work` for one client in turn, after checking the session is still good. */
  const withSession = (client: Client, work: (staff: Staff) => Promise<void> | void) => {
    client.queue = client.queue
      .then(async () => {
        const staff = await sessions.recheck(client.sessionId, 'cases.work');
        if (!staff) return client.socket.close(SIGNED_OUT, 'signed out');
        await work(staff);
      })
      .catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'console socket update failed'));
  };

  const fanOut = async (event: HandoffEvent) => {
    const about = event.type === 'message' || event.type === 'typing' ? await handoff.get(event.conversationKey) : undefined;
    const text = JSON.stringify(event);
    for (const client of clients) {
      withSession(client, (staff) => {
        if ((event.type === 'message' || event.type === 'typing') && !(about && mayView(staff, about))) return;
        client.socket.send(text);
      });
    }
  };

  const unsubscribe = await handoff.subscribe((event) => {
    fanOut(event).catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'console event failed'));
  });
  app.addHook('onClose', async () => {
    await unsubscribe();
  });

  app.route({
    method: 'GET',
    url: '/console/ws',
    websocket: true,
    // Checked before the upgrade, so a refusal is a plain 401 or 403.
    preValidation: async (request: FastifyRequest) => {
      admitted.set(request, await sessions.authorizeSocket(request, 'cases.work'));
    },
    handler: (socket: WebSocket, request: FastifyRequest) => {
      const staff = admitted.get(request)!;
      const client: Client = { socket, sessionId: staff.sessionId, username: staff.username, queue: Promise.resolve() };
      clients.add(client);
      withSession(client, (current) => handoff.heartbeat(current.username));
      socket.on('message', (data) => {
        let message: ClientMessage | undefined;
        try {
          message = JSON.parse(String(data)) as ClientMessage;
        } catch {
          return;
        }
        if (message?.type === 'heartbeat') withSession(client, (current) => handoff.heartbeat(current.username));
      });
      socket.on('close', () => {
        clients.delete(client);
        // A second tab of the same person keeps them online; one on another instance says so again at its next heartbeat.
        if (![...clients].some((c) => c.username === client.username)) {
          handoff.offline(client.username).catch(() => undefined);
        }
      });
    },
  });
}
