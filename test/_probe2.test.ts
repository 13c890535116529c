import { it } from 'vitest';
import { DirectLineClient } from './support/directline-client.js';
import { startTestServer } from './support/server.js';

it('probe', async () => {
  const app = await startTestServer();
  for (const text of ['hotline number', 'I need a lawyer', 'where is the embassy', 'I am in Italy', 'help', 'menu', 'bye', 'ok', 'yes', '?', '😀', '1', 'I want to go home', 'no money no food', 'my child is sick']) {
    const client = new DirectLineClient(app.url);
    await client.openIn('en');
    const before = client.botMessages().length;
    const prompt = await client.ask(text);
    const said = client.botMessages().slice(before).map((m) => (m.text ?? '').split('\n')[0]!.slice(0, 80));
    console.log(JSON.stringify(text), '→', said.join(' | '), '[', prompt.suggestedActions?.actions.map((a) => a.value).join(' '), ']');
    client.close();
  }
  await app.close();
}, 60_000);
