/**
 * A minimal Direct Line 3.0 client: start or resume a conversation, stream activities over a
 * WebSocket from a watermark, and post messages. Kept tiny so the page loads on a slow line.
 */
export interface Activity {
  id?: string;
  type: string;
  name?: string;
  text?: string;
  locale?: string;
  from?: { id: string; role?: string };
  channelData?: { postBack?: boolean; title?: string };
  suggestedActions?: { actions: Array<{ type: string; title: string; value: unknown }> };
}

export interface Session {
  conversationId: string;
  token: string;
  watermark: string;
  userId: string;
}

const BASE = '/v3/directline';

async function call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(BASE + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
  return (await response.json()) as T;
}

type Started = { conversationId: string; token: string; streamUrl: string };

export async function start(): Promise<{ session: Session; streamUrl: string }> {
  const generated = await call<{ token: string }>('POST', '/tokens/generate');
  const conversation = await call<Started>('POST', '/conversations', generated.token);
  const userId = `u_${crypto.getRandomValues(new Uint32Array(2)).join('')}`;
  return { session: { conversationId: conversation.conversationId, token: conversation.token, watermark: '', userId }, streamUrl: conversation.streamUrl };
}

export async function resume(session: Session): Promise<string> {
  const resumed = await call<Started>('GET', `/conversations/${session.conversationId}?watermark=${session.watermark}`, session.token);
  session.token = resumed.token;
  return resumed.streamUrl;
}

export async function post(session: Session, activity: Activity): Promise<string> {
  const sent = await call<{ id: string }>('POST', `/conversations/${session.conversationId}/activities`, session.token, {
    ...activity,
    from: { id: session.userId },
  });
  return sent.id;
}
