import type { HandoffEvent } from '../../src/handoff/handoff-service.js';
import { csrf } from './api.js';

/** The server closes with this code when the session is over (see src/console/live.ts). */
const SIGNED_OUT = 4401;
const HEARTBEAT_MS = 20_000;

/**
 * The live channel: events as they happen, and a heartbeat that tells the person's side someone
 * is here to answer. Reconnects by itself, waiting longer after each failure.
 */
export function connectLive(handlers: {
  onEvent: (event: HandoffEvent) => void;
  onSignedOut: () => void;
  /** The socket dropped (a refused reconnect cannot say why, so the page asks the API). */
  onDropped: () => void;
  /** Back after a drop: what happened meanwhile must be fetched again. */
  onReconnected: () => void;
}): () => void {
  let socket: WebSocket | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let retryDelay = 1000;
  let stopped = false;
  let dropped = false;

  const open = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/console/ws?csrf=${encodeURIComponent(csrf())}`);
    socket.onopen = () => {
      retryDelay = 1000;
      heartbeat = setInterval(() => socket?.send(JSON.stringify({ type: 'heartbeat' })), HEARTBEAT_MS);
      if (dropped) handlers.onReconnected();
    };
    socket.onmessage = (message: MessageEvent<string>) => handlers.onEvent(JSON.parse(message.data) as HandoffEvent);
    socket.onclose = (event) => {
      clearInterval(heartbeat);
      if (stopped) return;
      if (event.code === SIGNED_OUT) return handlers.onSignedOut();
      dropped = true;
      handlers.onDropped();
      setTimeout(open, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15_000);
    };
  };
  open();
  return () => {
    stopped = true;
    clearInterval(heartbeat);
    socket?.close();
  };
}
